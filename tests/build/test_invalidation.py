"""The execution cache is invalidated when a notebook's data or the shared package change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache
from nbformat.v4 import new_code_cell, new_notebook, new_output

from claimcheck.build import invalidation as buildcache

ROOT = Path(__file__).resolve().parents[2]


def make_notebook(path: Path, source: str) -> None:
    cell = new_code_cell(source, execution_count=1, outputs=[new_output("stream", name="stdout", text="ok\n")])
    notebook = new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, path)


@pytest.fixture()
def book(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "chapters").mkdir()
    make_notebook(tmp_path / "chapters" / "uses_mtl.ipynb", 'from claimcheck import load\nframe = load("mtl")')
    make_notebook(tmp_path / "chapters" / "uses_today.ipynb", "from claimcheck import load\nframe = load('today_trial')")
    make_notebook(tmp_path / "chapters" / "uses_all.ipynb", "from claimcheck import catalogue\ncatalogue()")
    return tmp_path


def cache_all(book: Path, cache_dir: Path) -> None:
    cache = get_cache(cache_dir)
    for path in sorted((book / "chapters").glob("*.ipynb")):
        cache.cache_notebook_file(path, check_validity=False, overwrite=True)


def cached_uris(cache_dir: Path) -> set[str]:
    return {Path(r.uri).name for r in get_cache(cache_dir).list_cache_records()}


def test_dependencies_are_read_from_string_literals(book):
    names = {"mtl", "nhefs", "today_trial", "humanpower1"}
    assert buildcache.notebook_resources(book / "chapters" / "uses_mtl.ipynb", names) == {"mtl"}
    assert buildcache.notebook_resources(book / "chapters" / "uses_today.ipynb", names) == {"today_trial"}
    assert buildcache.notebook_resources(book / "chapters" / "uses_all.ipynb", names) == names


def test_verdict_boxes_depend_on_the_register_and_the_estimates(tmp_path):
    """A chapter whose only register call is verdict_boxes([...]) names no resource, yet renders
    claims.csv (and the source tiers of every *_estimates file): a changed rationale must
    re-execute it."""
    path = tmp_path / "boxes.ipynb"
    make_notebook(path, 'from claimcheck.present.register import verdict_boxes\nverdict_boxes(["C15", "C16"])')
    names = {"claims", "verdict_history", "mtl", "neural_estimates", "other_estimates"}
    assert buildcache.notebook_resources(path, names) == {"claims", "neural_estimates", "other_estimates"}


def test_only_notebooks_reading_a_changed_file_are_invalidated(book):
    cache_dir = book / "_build" / ".jupyter_cache"
    # First run: nothing recorded yet, so every notebook counts as changed.
    assert len(buildcache.invalidate(book, cache_dir)) == 3
    cache_all(book, cache_dir)
    assert buildcache.invalidate(book, cache_dir) == []  # nothing changed
    assert cached_uris(cache_dir) == {"uses_mtl.ipynb", "uses_today.ipynb", "uses_all.ipynb"}

    mtl = book / "data" / "mtl.csv"
    mtl.write_text(mtl.read_text().replace("Caucasian", "Other", 1))
    stale = buildcache.invalidate(book, cache_dir)
    assert sorted(stale) == ["chapters/uses_all.ipynb", "chapters/uses_mtl.ipynb"]
    assert cached_uris(cache_dir) == {"uses_today.ipynb"}


def test_descriptor_change_for_one_resource_touches_only_its_readers(book):
    cache_dir = book / "_build" / ".jupyter_cache"
    buildcache.invalidate(book, cache_dir)
    cache_all(book, cache_dir)
    descriptor = book / "data" / "datapackage.yaml"
    descriptor.write_text(descriptor.read_text().replace(
        "TODAY trial: treatment failure by arm", "TODAY trial, failure by arm", 1))
    assert "TODAY trial, failure by arm" in descriptor.read_text()
    assert sorted(buildcache.invalidate(book, cache_dir)) == ["chapters/uses_all.ipynb", "chapters/uses_today.ipynb"]


def test_package_change_invalidates_everything(book, monkeypatch):
    cache_dir = book / "_build" / ".jupyter_cache"
    buildcache.invalidate(book, cache_dir)
    cache_all(book, cache_dir)
    monkeypatch.setattr(buildcache, "package_fingerprint", lambda: "a different package")
    assert len(buildcache.invalidate(book, cache_dir)) == 3
    stamps = json.loads((cache_dir / buildcache.STAMP_FILE).read_text())
    assert all(entry["package"] == "a different package" for entry in stamps.values())
