"""The execution cache is invalidated when a file a notebook read (as recorded in its read manifest
while it ran), its descriptor entry, or the shared package changes; and only then.

An "execution" here runs the notebook's reads in this process, through the real loader, with the
manifest variable set exactly as pre-execution sets it for a kernel; the kernel itself is tested
in tests/build/test_preexecute.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache
from nbformat.v4 import new_code_cell, new_notebook, new_output

from claimcheck.build import invalidation
from claimcheck.data import bookmeta, manifest
from claimcheck.data.descriptor import read_descriptor
from claimcheck.data.package import catalogue, load

ROOT = Path(__file__).resolve().parents[2]
CACHE = invalidation.DEFAULT_CACHE_DIR


def make_notebook(path: Path, source: str) -> None:
    cell = new_code_cell(source, execution_count=1, outputs=[new_output("stream", name="stdout", text="ok\n")])
    notebook = new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, path)


# What each notebook of the fixture book reads when it runs.
READS = {
    "chapters/uses_mtl.ipynb": lambda book: load("mtl", book / "data"),
    "chapters/uses_today.ipynb": lambda book: load("today_trial", book / "data"),
    "chapters/uses_all.ipynb": lambda book: catalogue(book / "data"),
    "chapters/uses_meta.ipynb": lambda book: bookmeta.read(book),
}


def make_book(folder: Path) -> Path:
    shutil.copytree(ROOT / "data", folder / "data")
    for name in ("CITATION.cff", "_config.yml"):
        shutil.copy(ROOT / name, folder / name)
    (folder / "chapters").mkdir()
    for key in READS:  # the source no longer matters: nothing reads it for dependencies
        make_notebook(folder / key, f"# {key}")
    return folder


@pytest.fixture()
def fresh_book(tmp_path) -> Path:
    return make_book(tmp_path / "book")


@pytest.fixture(scope="module")
def executed_template(tmp_path_factory) -> Path:
    """A book whose notebooks have all been executed once (manifests and cache records are
    portable: paths in a manifest are relative to the book)."""
    book = make_book(tmp_path_factory.mktemp("template") / "book")
    with pytest.MonkeyPatch.context() as patch:
        assert execute_stale(book, book / CACHE, patch) == sorted(READS)  # no manifests yet: all run
    return book


@pytest.fixture()
def book(executed_template, tmp_path) -> Path:
    """A copy of the executed book, to change."""
    return Path(shutil.copytree(executed_template, tmp_path / "book"))


def execute(book: Path, cache_dir: Path, key: str, monkeypatch, package: str | None = None) -> None:
    """Run ``key``'s reads as pre-execution runs a notebook, and cache it as a success does."""
    env = invalidation.begin_manifest(cache_dir, key, package or invalidation.package_fingerprint())
    with monkeypatch.context() as patch:
        patch.setenv(manifest.ENV_VAR, env[manifest.ENV_VAR])
        READS[key](book)
    get_cache(cache_dir).cache_notebook_file(book / key, check_validity=False, overwrite=True)
    invalidation.commit_manifest(cache_dir, key)


def execute_stale(book: Path, cache_dir: Path, monkeypatch) -> list[str]:
    stale = invalidation.invalidate(book, cache_dir)
    for key in stale:
        execute(book, cache_dir, key, monkeypatch)
    return sorted(stale)


def cached_uris(cache_dir: Path) -> set[str]:
    return {Path(r.uri).name for r in get_cache(cache_dir).list_cache_records()}


def test_a_read_is_recorded_only_when_the_build_asks(fresh_book, tmp_path, monkeypatch):
    book = fresh_book
    monkeypatch.delenv(manifest.ENV_VAR, raising=False)
    load("mtl", book / "data")  # nbval, make outputs, JupyterLab: nothing written anywhere
    assert not list(tmp_path.rglob("*.jsonl*"))
    target = tmp_path / "reads.jsonl"
    monkeypatch.setenv(manifest.ENV_VAR, str(target))
    load("mtl", book / "data")
    (read,) = manifest.read(target)
    assert read["kind"] == "resource" and read["name"] == "mtl" and read["path"] == "data/mtl.csv"
    assert read["sha256"] == manifest.sha256_of(book / "data" / "mtl.csv")


def test_only_notebooks_reading_a_changed_file_are_invalidated(book, monkeypatch):
    cache_dir = book / CACHE
    assert invalidation.invalidate(book, cache_dir) == []  # nothing changed
    assert cached_uris(cache_dir) == {Path(key).name for key in READS}

    mtl = book / "data" / "mtl.csv"
    mtl.write_text(mtl.read_text().replace("Caucasian", "Other", 1))
    stale = invalidation.invalidate(book, cache_dir)
    assert sorted(stale) == ["chapters/uses_all.ipynb", "chapters/uses_mtl.ipynb"]
    assert cached_uris(cache_dir) == {"uses_today.ipynb", "uses_meta.ipynb"}
    assert invalidation.invalidate(book, cache_dir) == stale  # still stale until executed again


def test_descriptor_change_for_one_resource_touches_only_its_readers(book, monkeypatch):
    cache_dir = book / CACHE
    descriptor = book / "data" / "datapackage.yaml"
    descriptor.write_text(descriptor.read_text().replace(
        "TODAY trial: treatment failure by arm", "TODAY trial, failure by arm", 1))
    assert "TODAY trial, failure by arm" in descriptor.read_text()
    assert sorted(invalidation.invalidate(book, cache_dir)) == ["chapters/uses_all.ipynb", "chapters/uses_today.ipynb"]


def test_a_new_data_file_re_executes_the_whole_package_readers(book, monkeypatch):
    cache_dir = book / CACHE
    shutil.copy(book / "data" / "mtl.csv", book / "data" / "mtl_copy.csv")
    descriptor = book / "data" / "datapackage.yaml"
    text = descriptor.read_text()
    start = text.index("\n- name: mtl\n") + 1
    end = text.index("\n- name:", start) + 1
    copy = text[start:end].replace("name: mtl", "name: mtl_copy", 1).replace("path: mtl.csv", "path: mtl_copy.csv", 1)
    descriptor.write_text(text[:start] + copy + text[start:])
    assert invalidation.invalidate(book, cache_dir) == ["chapters/uses_all.ipynb"]


def test_release_bump_invalidates_only_the_notebooks_that_read_book_metadata(book, monkeypatch):
    """(Moved from tests/data/test_bad_inputs.py: which chapter reads book metadata is now
    recorded when it runs, not read from its source.)"""
    cache_dir = book / CACHE
    cff = book / "CITATION.cff"
    cff.write_text(re.sub(r"(?m)^version: .*$", "version: 9.9.9", cff.read_text()))
    assert execute_stale(book, cache_dir, monkeypatch) == ["chapters/uses_meta.ipynb"]
    config = book / "_config.yml"
    text = config.read_text()
    assert 'baseurl: ""' in text  # unpublished: publishing sets the address
    config.write_text(text.replace('baseurl: ""', 'baseurl: "https://claimcheck.example.net/"'))
    assert execute_stale(book, cache_dir, monkeypatch) == ["chapters/uses_meta.ipynb"]


def test_package_change_invalidates_everything(book, monkeypatch):
    cache_dir = book / CACHE
    monkeypatch.setattr(invalidation, "package_fingerprint", lambda: "a different package")
    assert len(invalidation.invalidate(book, cache_dir)) == len(READS)
    assert cached_uris(cache_dir) == set()


def test_a_missing_cut_or_failed_manifest_means_execute(book, monkeypatch):
    cache_dir = book / CACHE
    key = "chapters/uses_mtl.ipynb"
    path = invalidation.manifest_path(cache_dir, key)
    good = path.read_text()
    path.write_text(good[:-10])  # a line cut short
    assert invalidation.invalidate(book, cache_dir) == [key]
    path.unlink()
    assert invalidation.invalidate(book, cache_dir) == [key]
    # A failed execution leaves no manifest of its own: its reads describe no cached result.
    invalidation.begin_manifest(cache_dir, key, invalidation.package_fingerprint())
    invalidation.discard_manifest(cache_dir, key)
    assert not path.exists() and not list(path.parent.glob("*.partial"))
    assert invalidation.invalidate(book, cache_dir) == [key]


def test_the_loader_and_the_build_agree_on_a_descriptor_entry(book, monkeypatch):
    """The loader records the entry it used; the build hashes the entry it reads. If the two
    ever read the descriptor differently, every build would execute every notebook."""
    cache_dir = book / CACHE
    descriptor = read_descriptor(book / "data")
    records = manifest.read(invalidation.manifest_path(cache_dir, "chapters/uses_all.ipynb"))
    assert {r["name"] for r in records if r["kind"] == "resource"} == {r["name"] for r in descriptor["resources"]}
    assert invalidation.changed_reads(records, book, descriptor, invalidation.package_fingerprint()) == []


def test_the_register_depends_on_every_estimates_file(book, monkeypatch, tmp_path):
    from claimcheck.data.register import source_tiers

    target = tmp_path / "reads.jsonl"
    monkeypatch.setenv(manifest.ENV_VAR, str(target))
    source_tiers(book / "data")
    records = manifest.read(target)
    estimates = {r["name"] for r in read_descriptor(book / "data")["resources"]
                 if r["path"].endswith("_estimates.csv")}
    assert estimates and {r["name"] for r in records if r["kind"] == "resource"} == estimates
    assert any(r["kind"] == "listing" for r in records)  # a new estimates file counts too


def test_every_notebook_runs_once_at_first(fresh_book, monkeypatch):
    assert invalidation.recorded_data_files(fresh_book, "chapters/uses_mtl.ipynb") == []  # never executed
    assert invalidation.invalidate(fresh_book, fresh_book / CACHE) == sorted(READS)  # no manifests yet
    execute(fresh_book, fresh_book / CACHE, "chapters/uses_mtl.ipynb", monkeypatch)
    assert "chapters/uses_mtl.ipynb" not in invalidation.invalidate(fresh_book, fresh_book / CACHE)


def test_recorded_data_files_and_the_command_line(book, capsys):
    cache_dir = book / CACHE
    assert invalidation.recorded_data_files(book, "chapters/uses_mtl.ipynb") == ["mtl.csv"]
    assert invalidation.recorded_data_files(book, "chapters/uses_meta.ipynb") == []
    today = book / "data" / "today_trial.csv"
    today.write_text(today.read_text() + "\n")
    assert invalidation.main(["--book", str(book), "--cache", str(cache_dir)]) == 0
    out = capsys.readouterr().out
    assert "chapters/uses_today.ipynb will be re-executed: data/today_trial.csv changed" in out
    assert "uses_mtl" not in out
