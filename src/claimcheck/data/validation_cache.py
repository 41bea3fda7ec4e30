"""Validate once per change of the data, not once per notebook.

Full validation imports frictionless-py (about a second) and reads every file. The build runs it
once (:func:`validate_once`, from the ``claimcheck.build.validation`` extension) and records, in
``_build/claimcheck-data-validated.json``, the key of the content it found clean. A notebook's
``load`` then checks only that its file still has the sha256 the descriptor records and that the
descriptor's key is recorded; anything else (no build yet, an edited file, a test's scratch
copy) falls back to validating that resource in full.

The key is the sha256 of the descriptor's bytes and of the validator (the source of the modules
that validate, and the frictionless version). The descriptor records every file's sha256, so a
recorded key plus a matching file hash fixes the file's bytes to those that were validated.
Imports neither pandas nor frictionless.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from claimcheck import paths
from claimcheck.data.descriptor import descriptor_digest, read_descriptor, resource_files, unlisted_csvs
from claimcheck.data.problems import Problem

CACHE_FILE = Path(paths.BUILD_DIR) / "claimcheck-data-validated.json"
# The modules whose code decides what is valid: a change to any of them validates again.
VALIDATOR_MODULES = ("problems.py", "layout.py", "descriptor.py", "checks.py", "row_rules.py", "wording.py",
                     "validate.py")
KEPT_KEYS = 32  # a few recent data states (branches, reverted edits) stay valid without a re-run


@lru_cache(maxsize=1)
def validator_fingerprint() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in VALIDATOR_MODULES:
        digest.update((here / name).read_bytes())
    digest.update(_frictionless_version().encode())
    return digest.hexdigest()


def _frictionless_version() -> str:
    """The installed frictionless version, from its dist-info folder name: importlib.metadata
    would cost a notebook about 0.1 s, and importing frictionless a second."""
    spec = importlib.util.find_spec("frictionless")
    if spec is None or not spec.origin:
        return "absent"
    site = Path(spec.origin).resolve().parent.parent
    return ",".join(sorted(p.name for p in site.glob("frictionless-*.dist-info"))) or "unknown"


def cache_path(data_dir: Path) -> Path:
    return Path(data_dir).resolve().parent / CACHE_FILE


def package_key(data_dir: Path) -> str:
    return hashlib.sha256((validator_fingerprint() + descriptor_digest(data_dir)).encode()).hexdigest()


def resource_key(data_dir: Path, name: str) -> str:
    return hashlib.sha256(f"{package_key(data_dir)}:{name}".encode()).hexdigest()


def _recorded(data_dir: Path) -> list[str]:
    try:
        return list(json.loads(cache_path(data_dir).read_text(encoding="utf-8")).get("validated", []))
    except (OSError, ValueError, AttributeError):
        return []


def record(data_dir: Path, key: str) -> None:
    """Add ``key`` to the cache file (written whole and renamed, so parallel kernels never read half)."""
    path = cache_path(data_dir)
    keys = [k for k in _recorded(data_dir) if k != key][-(KEPT_KEYS - 1):] + [key]
    with contextlib.suppress(OSError):  # a read-only checkout still loads, it only validates each time
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".validated-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"validated": keys}, stream, indent=1)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the record from another user's build
        os.replace(temporary, path)


def already_validated(data_dir: Path, resource: dict) -> bool:
    """True when this resource's file, as it is now, was validated clean (no frictionless needed)."""
    data_dir = Path(data_dir)
    files = resource_files(data_dir, {"resources": [resource]})
    if not files[resource["name"]].matches:
        return False
    recorded = set(_recorded(data_dir))
    return package_key(data_dir) in recorded or resource_key(data_dir, resource["name"]) in recorded


def validate_once(data_dir: Path | str) -> list[Problem]:
    """Every problem in the package, or none; the full validation runs only when this content (descriptor,
    files, validator) was not validated clean before."""
    data_dir = Path(data_dir)
    descriptor = read_descriptor(data_dir)
    key = package_key(data_dir)
    files = resource_files(data_dir, descriptor)
    if (key in _recorded(data_dir) and all(f.matches for f in files.values())
            and not unlisted_csvs(data_dir, descriptor)):
        return []
    from claimcheck.data.validate import validate_all

    problems = validate_all(data_dir)
    if not problems:
        record(data_dir, key)
    return problems
