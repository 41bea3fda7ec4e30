"""The data descriptor without pandas or frictionless: read ``data/datapackage.yaml``, find a
resource, hash its file, and check that every file lies inside ``data/``.

The build reads this at the start of every build and every notebook's ``load`` checks a file's
hash through it, so it imports only PyYAML and the standard library (a test imports it in a fresh
interpreter and checks that neither pandas nor frictionless came along). The one YAML loader
choice of the package lives here; :mod:`claimcheck.data.bookmeta` reads its files through it.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from claimcheck import paths
from claimcheck.data.layout import layout_messages, path_problem, unlisted_csvs
from claimcheck.data.problems import DataValidationError, Problem, not_utf8_text
from claimcheck.paths import DESCRIPTOR_NAME

__all__ = ["DESCRIPTOR_NAME", "DESCRIPTOR_LABEL", "YAMLSyntaxError", "ResourceFile", "load_yaml", "find_data_dir",
           "read_descriptor", "resource_descriptor", "resource_path", "sha256_of", "descriptor_digest",
           "resource_files", "hash_problem", "hash_mismatch_text", "path_problem", "unlisted_csvs", "layout_messages"]

DESCRIPTOR_LABEL = f"{paths.DATA_DIR}/{DESCRIPTOR_NAME}"
# libyaml's parser (shipped in PyYAML's wheels) reads the descriptor about ten times faster than
# the pure-Python one, with the same safe constructors; the pure-Python one is the fallback.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YAMLSyntaxError(ValueError):
    """A YAML file that does not parse, named by file, line and column (not ``<unicode string>``)."""

    def __init__(self, label: str, detail: str):
        self.label, self.detail = label, detail
        super().__init__(f"{label}: {detail}")


def load_yaml(text: str, label: str) -> Any:
    """``yaml.safe_load`` with libyaml when available; a syntax error names ``label``."""
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise YAMLSyntaxError(label, f"YAML syntax error at {where}: {err.problem or err.context}") from None


def find_data_dir(start: Path | None = None) -> Path:
    """The ``data/`` folder of the book, found by walking up from ``start`` (default: cwd)."""
    return paths.data_dir(paths.book_root(start))


def read_descriptor(data_dir: Path | str | None = None) -> dict:
    """The descriptor as a dict (YAML merge keys resolved); a file that is not UTF-8 or not YAML,
    or two resources with one name, raise :class:`DataValidationError` naming the descriptor."""
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    raw = (data_dir / DESCRIPTOR_NAME).read_bytes()
    parsed = _PARSED.get(raw)
    if parsed is None:
        parsed = _parse_descriptor(raw)
        if len(_PARSED) >= _PARSED_KEPT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[raw] = parsed
    # A copy: callers may edit what they get (a scratch descriptor in the tests, say).
    return copy.deepcopy(parsed)


# Parsed descriptors by their exact bytes. Every ``load`` reads the descriptor to check a file's hash,
# and constructing the Python objects costs about 15 ms each time, even with libyaml's parser; a copy
# of the parsed result costs about 1 ms. Keyed on the whole content, so an edit is always parsed.
_PARSED: dict[bytes, dict] = {}
_PARSED_KEPT = 4


def _parse_descriptor(raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataValidationError([Problem(DESCRIPTOR_LABEL, None, None, not_utf8_text(raw, err))]) from None
    try:
        descriptor = load_yaml(text, DESCRIPTOR_LABEL)
    except YAMLSyntaxError as err:
        raise DataValidationError([Problem(DESCRIPTOR_LABEL, None, None, err.detail)]) from None
    names = [r["name"] for r in descriptor.get("resources", [])]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise DataValidationError([Problem(DESCRIPTOR_LABEL, None, None, f"resource names used twice: {duplicated}")])
    return descriptor


def resource_descriptor(name: str, descriptor: dict) -> dict:
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            return resource
    known = ", ".join(r["name"] for r in descriptor["resources"])
    raise KeyError(f"no resource named {name!r} in {DESCRIPTOR_NAME}; known: {known}")


def resource_path(resource: dict, data_dir: Path) -> Path:
    """The file of a resource, which must lie inside ``data/`` (see :mod:`claimcheck.data.layout`)."""
    reason = path_problem(resource, data_dir)
    if reason:
        raise DataValidationError([Problem(DESCRIPTOR_LABEL, None, None,
                                           f"resource {resource.get('name', '?')!r}: {reason}; "
                                           "data files must lie inside data/")])
    return Path(data_dir) / str(resource["path"])


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def descriptor_digest(data_dir: Path) -> str:
    """sha256 of the descriptor's bytes. It records every file's sha256, so together with a check
    that each file still has its recorded hash it fixes the content of the whole package."""
    return sha256_of(Path(data_dir) / DESCRIPTOR_NAME)


@dataclass(frozen=True)
class ResourceFile:
    name: str
    path: Path | None  # None when the descriptor's path leads out of data/
    recorded: str  # the hex digest the descriptor records ("" when it records none)
    actual: str | None  # the file's hex digest; None when the file is missing or outside data/

    @property
    def matches(self) -> bool:
        return bool(self.recorded) and self.actual == self.recorded


def resource_files(data_dir: Path | str, descriptor: dict | None = None) -> dict[str, ResourceFile]:
    """Each resource's file, its recorded sha256 and its actual sha256, by resource name."""
    data_dir = Path(data_dir)
    descriptor = descriptor if descriptor is not None else read_descriptor(data_dir)
    files = {}
    for resource in descriptor.get("resources", []):
        path = None if path_problem(resource, data_dir) else data_dir / str(resource["path"])
        recorded = str(resource.get("hash", ""))
        files[resource["name"]] = ResourceFile(
            name=resource["name"], path=path,
            recorded=recorded.removeprefix("sha256:") if recorded.startswith("sha256:") else "",
            actual=sha256_of(path) if path is not None and path.is_file() else None)
    return files


def hash_problem(resource: dict, data_dir: Path) -> Problem | None:
    """Why the resource's file does not have the sha256 its entry records (None when it does)."""
    label = f"{paths.DATA_DIR}/{resource['path']}"
    expected = str(resource.get("hash", ""))
    if not expected.startswith("sha256:"):
        return Problem(label, None, None, "the descriptor gives no sha256 hash")
    expected = expected.removeprefix("sha256:")
    actual = sha256_of(resource_path(resource, data_dir))
    return None if actual == expected else Problem(label, None, None, hash_mismatch_text(expected, actual))


def hash_mismatch_text(recorded: str, actual: str) -> str:
    return (f"sha256 mismatch: the descriptor records {recorded[:12]}…, the file has {actual[:12]}…. The file "
            "changed since it was recorded; if the edit is intended and sourced, run `make rehash` and commit "
            "both files")
