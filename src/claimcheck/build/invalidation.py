"""Keep Jupyter Book's execution cache honest about data.

jupyter-cache keys a notebook on its code cells only, so editing a CSV (or the shared package)
would leave a stale, cached result in the book. What a notebook depends on is recorded while it
runs: the build starts each kernel with a read manifest (``claimcheck.data.manifest``), in which
the loader notes every data file the notebook loaded (resource, path, sha256, descriptor entry),
every book-metadata file it read (``CITATION.cff``, ``_config.yml``) and, for a whole-package read,
the descriptor and its list of files. The build adds the fingerprint of the ``claimcheck`` package
the notebook ran with. Manifests live beside the cache, one per notebook:
``<cache>/read-manifests/chapters/x.ipynb.jsonl``.

Before each build, :func:`invalidate` compares every notebook's manifest with the files as they
are now. A notebook is stale when it has no (complete) manifest yet, when the package changed, or
when anything it read changed; its cache record is removed, so the build re-executes it and only
it. The book's Sphinx extension ``claimcheck.build.incremental`` calls :func:`invalidate` at the
start of every build and marks the same notebooks as outdated, so Sphinx re-reads them even
though their files did not change. The command line does the cache part alone:

    python -m claimcheck.build.invalidation --book . --cache _build/.jupyter_cache
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path

from claimcheck import paths
from claimcheck.data import manifest
from claimcheck.data.descriptor import DESCRIPTOR_NAME, read_descriptor

DEFAULT_CACHE_DIR = Path(paths.BUILD_DIR) / ".jupyter_cache"  # execute.cache in _config.yml
MANIFEST_DIR = "read-manifests"
PARTIAL_SUFFIX = ".partial"  # the manifest of an execution still running (or one that failed)


def package_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(paths.PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(paths.PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# --- the manifest of one notebook's execution ------------------------------------------------


def manifest_path(cache_dir: Path, key: str) -> Path:
    """Where the reads of notebook ``key`` (``chapters/x.ipynb``) are recorded."""
    return Path(cache_dir) / MANIFEST_DIR / f"{key}.jsonl"


def begin_manifest(cache_dir: Path, key: str, package: str) -> dict[str, str]:
    """Start a fresh (partial) manifest for an execution of ``key``; return the kernel's
    environment, which names it. Only :func:`commit_manifest` makes it count."""
    partial = manifest_path(cache_dir, key).with_name(manifest_path(cache_dir, key).name + PARTIAL_SUFFIX)
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text(json.dumps({"kind": "execution", "notebook": key, "package": package}) + "\n",
                       encoding="utf-8")
    return {**os.environ, manifest.ENV_VAR: str(partial)}


def commit_manifest(cache_dir: Path, key: str) -> None:
    """The execution succeeded (and was cached): its reads become the notebook's manifest."""
    final = manifest_path(cache_dir, key)
    final.with_name(final.name + PARTIAL_SUFFIX).replace(final)


def discard_manifest(cache_dir: Path, key: str) -> None:
    """The execution failed: its reads describe no cached result."""
    final = manifest_path(cache_dir, key)
    final.with_name(final.name + PARTIAL_SUFFIX).unlink(missing_ok=True)


def _book_file(book_dir: Path, recorded: str) -> Path:
    path = Path(recorded)
    return path if path.is_absolute() else book_dir / path


def changed_reads(records: list[dict] | None, book_dir: Path, descriptor: dict, package: str) -> list[str]:
    """Why a notebook must be executed again (empty when its recorded reads are unchanged)."""
    if not records or records[0].get("kind") != "execution":
        return ["no record of what it read"]
    reasons = [] if records[0].get("package") == package else ["the claimcheck package changed"]
    entries = {r.get("name"): r for r in descriptor.get("resources", [])}
    for read in records[1:]:
        kind = read["kind"]
        if kind == "resource":
            entry = entries.get(read["name"])
            if entry is None or manifest.entry_digest(entry) != read["entry"]:
                reasons.append(f"the descriptor entry of {read['name']!r} changed")
            elif manifest.sha256_of(_book_file(book_dir, read["path"])) != read["sha256"]:
                reasons.append(f"{read['path']} changed")
        elif kind == "file":
            if manifest.sha256_of(_book_file(book_dir, read["path"])) != read["sha256"]:
                reasons.append(f"{read['path']} changed")
        elif kind == "listing":
            if manifest.listing_digest(descriptor) != read["sha256"]:
                reasons.append(f"the list of files in data/{DESCRIPTOR_NAME} changed")
        else:
            reasons.append(f"an unknown record {kind!r}")
    return list(dict.fromkeys(reasons))


def recorded_data_files(book_dir: Path, key: str, cache_dir: Path | None = None) -> list[str]:
    """The data files (``x.csv``, relative to ``data/``) that notebook ``key`` loaded at its last
    execution, in order of path; none before its first."""
    records = manifest.read(manifest_path(cache_dir or Path(book_dir) / DEFAULT_CACHE_DIR, key)) or []
    prefix = f"{paths.DATA_DIR}/"
    return sorted({r["path"].removeprefix(prefix) for r in records
                   if r.get("kind") == "resource" and r["path"].startswith(prefix)})


def invalidate(book_dir: Path, cache_dir: Path) -> list[str]:
    """Drop cache records of notebooks whose recorded reads changed; return their paths.

    A notebook counts as changed when its manifest is missing or out of date, whether or not it
    had a cache record, so a caller can also re-read it.
    """
    descriptor = read_descriptor(book_dir / paths.DATA_DIR)
    package = package_fingerprint()
    stale = []
    cache = None
    for notebook_path in paths.chapter_notebooks(book_dir):
        key = notebook_path.relative_to(book_dir).as_posix()
        records = manifest.read(manifest_path(cache_dir, key))
        if not changed_reads(records, book_dir, descriptor, package):
            continue
        stale.append(key)
        if cache is None and (cache_dir / "global.db").exists():
            from jupyter_cache import get_cache  # opened only when something is stale

            cache = get_cache(cache_dir)
        if cache is None:
            continue
        import nbformat

        try:
            record = cache.match_cache_notebook(nbformat.read(notebook_path, as_version=4))
        except KeyError:
            continue
        cache.remove_cache(record.pk)
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Invalidate cached notebooks whose data changed")
    parser.add_argument("--book", type=Path, default=Path("."))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE_DIR)
    args = parser.parse_args(argv)
    book, cache = args.book.resolve(), args.cache.resolve()
    descriptor = read_descriptor(book / paths.DATA_DIR)
    package = package_fingerprint()
    for key in invalidate(book, cache):
        reasons = changed_reads(manifest.read(manifest_path(cache, key)), book, descriptor, package)
        print(f"{key} will be re-executed: {'; '.join(reasons)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
