"""What a notebook actually read, written while it runs: the build re-executes a notebook when a
file it read has changed (``claimcheck.build.invalidation``), so the list must come from the
reads themselves, not from a guess at the notebook's source.

The build starts each kernel with ``CLAIMCHECK_READ_MANIFEST`` naming the file to write
(``claimcheck.build.preexecute``). Every read through the loader then appends one JSON line:

* ``{"kind": "resource", "name": "mtl", "path": "data/mtl.csv", "sha256": ..., "entry": ...}``:
  a resource loaded (``entry`` is the sha256 of its descriptor entry, so a changed schema, title or
  source re-executes its readers too);
* ``{"kind": "file", "path": "CITATION.cff", "sha256": ...}``: a whole file read (book metadata,
  the descriptor itself for a whole-package read);
* ``{"kind": "listing", "sha256": ...}``: the list of resource names was read (a whole-package
  read also depends on which files there are, so adding one re-executes it).

Paths are relative to the book's folder (the one holding ``data/``) when they lie inside it. The
build adds a first line of its own (``{"kind": "execution", ...}``). Without the variable (nbval,
``make outputs``, JupyterLab, the tests) nothing is written and a read costs nothing extra.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from claimcheck import paths

ENV_VAR = "CLAIMCHECK_READ_MANIFEST"


def _target() -> Path | None:
    value = os.environ.get(ENV_VAR)
    return Path(value) if value else None


def sha256_of(path: Path) -> str:
    """The file's sha256, or ``"missing"``: a file that disappears counts as changed."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


def entry_digest(resource: dict) -> str:
    """sha256 of a resource's descriptor entry (what the loader and the build both compute)."""
    return hashlib.sha256(json.dumps(resource, sort_keys=True, default=str).encode()).hexdigest()


def listing_digest(descriptor: dict) -> str:
    names = sorted(str(r.get("name")) for r in descriptor.get("resources", []))
    return hashlib.sha256(json.dumps(names).encode()).hexdigest()


def _book_relative(path: Path) -> str:
    """``data/mtl.csv`` for a file of the book that holds it; the absolute path otherwise."""
    path = Path(path).resolve()
    for folder in path.parents:
        if (folder / paths.ROOT_MARKER).is_file():
            return path.relative_to(folder).as_posix()
    return path.as_posix()


def _append(record: dict) -> None:
    target = _target()
    if target is None:
        return
    with open(target, "a", encoding="utf-8") as handle:  # one write per line: safe to append
        handle.write(json.dumps(record, sort_keys=True) + "\n")


def record(resource: dict, path: Path) -> None:
    """The loader read ``resource`` from ``path``."""
    if _target() is None:
        return
    _append({"kind": "resource", "name": resource["name"], "path": _book_relative(path),
             "sha256": sha256_of(path), "entry": entry_digest(resource)})


def record_file(path: Path) -> None:
    """A whole file was read (``CITATION.cff``, ``_config.yml``, the descriptor)."""
    if _target() is None:
        return
    _append({"kind": "file", "path": _book_relative(path), "sha256": sha256_of(path)})


def record_listing(descriptor: dict) -> None:
    """The code chose what to read by walking the descriptor's resource list."""
    if _target() is None:
        return
    _append({"kind": "listing", "sha256": listing_digest(descriptor)})


def record_package(descriptor: dict, data_dir: Path) -> None:
    """A whole-package read (catalogue, validate_all): every resource, the list, the descriptor."""
    if _target() is None:
        return
    record_listing(descriptor)
    record_file(Path(data_dir) / paths.DESCRIPTOR_NAME)
    for resource in descriptor.get("resources", []):
        record(resource, Path(data_dir) / str(resource.get("path", "")))


def read(path: Path) -> list[dict] | None:
    """The records of a manifest, or None when there is none or it cannot be trusted (a line cut
    short by a killed kernel): the notebook is then executed again."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    try:
        records = [json.loads(line) for line in lines if line.strip()]
    except ValueError:
        return None
    return records if all(isinstance(r, dict) and "kind" in r for r in records) else None
