"""Keep Jupyter Book's execution cache honest about data.

jupyter-cache keys a notebook on its code cells only, so editing a CSV (or the shared
package) would leave a stale, cached result in the book. Before each build this module
fingerprints what every notebook depends on:

* the data resources it names (any string literal in its code equal to a resource name),
  each as the file's sha256 plus its descriptor entry; a notebook that reads the whole
  package (``catalogue``/``validate_all``) depends on every resource, and one that renders
  verdict boxes (``verdict_boxes``) on the claims and every ``*_estimates`` resource;
* the source of the ``claimcheck`` package itself;
* ``CITATION.cff`` and ``_config.yml`` for a notebook that reads the book's identity (version,
  date, address: ``claimcheck.data.bookmeta``), so a release bump re-executes the claim register.

When a fingerprint differs from the one recorded at the previous build, that notebook's
cache record is removed, so the build re-executes it and only it. The book's Sphinx extension
(``claimcheck.build.sphinx_ext``) calls :func:`invalidate` at the start of every build and marks the
same notebooks as outdated, so Sphinx re-reads them even though their files did not change.
The command line does the cache part alone:

    python -m claimcheck.build.invalidation --book . --cache _build/.jupyter_cache
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
from pathlib import Path

from claimcheck import paths
from claimcheck.paths import DESCRIPTOR_NAME

# The same name as claimcheck.data.package.DESCRIPTOR_NAME, repeated so that this module (run at
# the start of every build) needs neither pandas nor nbformat when nothing changed.

WHOLE_PACKAGE_CALLS = {"catalogue", "validate_all", "read_descriptor"}
# Calls that render the register: they read the claims and, for the source tier of each verdict's
# numbers, every transcribed-estimates file, without naming either in the notebook.
REGISTER_CALLS = {"verdict_boxes"}
REGISTER_RESOURCES = ("claims",)
ESTIMATES_SUFFIX = "_estimates"
# A notebook whose code mentions one of these reads the book's metadata files.
BOOK_META_NAMES = ("bookmeta", "CITATION.cff", "_config.yml")
BOOK_META_FILES = paths.BOOK_META_FILES
STAMP_FILE = "data-dependencies.json"


def _string_literals_and_names(source: str) -> tuple[set[str], set[str]]:
    """String constants and called names in a code cell; falls back to a crude split for magics."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        words = set(source.replace("'", '"').split('"'))
        return words, set()
    literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return literals, called


def notebook_resources(notebook_path: Path, resource_names: set[str]) -> set[str]:
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    used: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        literals, called = _string_literals_and_names(cell.source)
        if called & WHOLE_PACKAGE_CALLS:
            return set(resource_names)
        if called & REGISTER_CALLS:
            used |= {n for n in resource_names if n in REGISTER_RESOURCES or n.endswith(ESTIMATES_SUFFIX)}
        used |= literals & resource_names
    return used


def package_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(paths.PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(paths.PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def reads_book_meta(notebook_path: Path) -> bool:
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    return any(name in cell.source for cell in notebook.cells if cell.cell_type == "code"
               for name in BOOK_META_NAMES)


def _read_descriptor(data_dir: Path) -> dict:
    import yaml

    from claimcheck.data.layout import layout_messages

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        descriptor = yaml.load((data_dir / DESCRIPTOR_NAME).read_text(encoding="utf-8"), Loader=loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise DataLayoutError([f"data/{DESCRIPTOR_NAME}: YAML syntax error at {where}{err.problem or err}"]) from None
    except UnicodeDecodeError as err:
        raise DataLayoutError([f"data/{DESCRIPTOR_NAME}: not valid UTF-8 ({err.reason} at byte {err.start})"]) from None
    messages = layout_messages(data_dir, descriptor)
    if messages:
        raise DataLayoutError(messages)
    return descriptor


class DataLayoutError(ValueError):
    """The descriptor cannot be read, names a file outside data/, or data/ holds an unlisted CSV."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("data/ cannot be used:\n  " + "\n  ".join(messages))


def notebook_fingerprint(notebook_path: Path, data_dir: Path, descriptor: dict,
                         package: str | None = None) -> dict:
    resources = {r["name"]: r for r in descriptor["resources"]}
    used = sorted(notebook_resources(notebook_path, set(resources)))
    data = {}
    for name in used:
        entry = json.dumps(resources[name], sort_keys=True, default=str)
        file_path = data_dir / resources[name]["path"]
        file_hash = _sha256_of(file_path) if file_path.exists() else "missing"
        data[name] = hashlib.sha256((entry + file_hash).encode()).hexdigest()
    fingerprint = {"data": data, "package": package or package_fingerprint()}
    if reads_book_meta(notebook_path):
        book_dir = data_dir.parent
        fingerprint["book"] = {name: _sha256_of(book_dir / name) if (book_dir / name).is_file() else "missing"
                               for name in BOOK_META_FILES}
    return fingerprint


def invalidate(book_dir: Path, cache_dir: Path) -> list[str]:
    """Drop cache records of notebooks whose dependencies changed; return their paths.

    A notebook counts as changed when its fingerprint differs from the recorded one, whether or
    not it had a cache record, so a caller can also re-read it.
    """
    data_dir = book_dir / "data"
    descriptor = _read_descriptor(data_dir)
    package = package_fingerprint()
    stamp_path = cache_dir / STAMP_FILE
    previous = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    current = {}
    stale = []
    notebooks = sorted((book_dir / "chapters").glob("*.ipynb"))
    cache = None
    for notebook_path in notebooks:
        key = notebook_path.relative_to(book_dir).as_posix()
        current[key] = notebook_fingerprint(notebook_path, data_dir, descriptor, package)
        if previous.get(key) == current[key]:
            continue
        stale.append(key)
        if cache is None and (cache_dir / "global.db").exists():
            from jupyter_cache import get_cache  # opened only when something is stale

            cache = get_cache(cache_dir)
        if cache is None:
            continue
        import nbformat

        notebook = nbformat.read(notebook_path, as_version=4)
        try:
            record = cache.match_cache_notebook(notebook)
        except KeyError:
            continue
        cache.remove_cache(record.pk)
    cache_dir.mkdir(parents=True, exist_ok=True)
    stamp_path.write_text(json.dumps(current, indent=1, sort_keys=True))
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Invalidate cached notebooks whose data changed")
    parser.add_argument("--book", type=Path, default=Path("."))
    parser.add_argument("--cache", type=Path, default=Path("_build/.jupyter_cache"))
    args = parser.parse_args(argv)
    stale = invalidate(args.book.resolve(), args.cache.resolve())
    for key in stale:
        print(f"data or package changed: {key} will be re-executed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
