"""Re-running a chapter with other assumptions (`claimcheck.cli.rerun`, `make rerun`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import nbformat
import pytest

from claimcheck.build import published_files
from claimcheck.cli import glue_changes, rerun
from claimcheck.data import parameters as declared
from conftest import ROOT, build_failure

FIXTURE = ROOT / "tests" / "fixtures" / "rerun_demo.ipynb"


def test_assignments_are_checked_before_anything_runs():
    found = declared.read(FIXTURE)
    assert rerun.parse_assignments(["a=1", "b = x=y"]) == {"a": "1", "b": "x=y"}
    for bad in (["a"], ["=1"], ["a=1", "a=2"]):
        with pytest.raises(rerun.RerunError):
            rerun.parse_assignments(bad)
    with pytest.raises(rerun.RerunError) as unknown:
        rerun.validate(found, {"cutoff": "4"}, "rerun_demo")
    message = str(unknown.value)
    assert "no assumption named cutoff" in message
    for parameter in found:  # every valid name, with its allowed values
        assert parameter.name in message and parameter.allowed in message
    with pytest.raises(rerun.RerunError, match="out of range"):
        rerun.validate(found, {"hard_watts_per_kg": "9"}, "rerun_demo")
    with pytest.raises(rerun.RerunError, match="declares no assumptions"):
        rerun.validate([], {"x": "1"}, "register")
    assert rerun.validate(found, {"athletes": "1,2"}, "rerun_demo") == {"athletes": [1, 2]}


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimcheck.cli.rerun", *args], cwd=cwd, capture_output=True,
                          text=True, env=env)


def test_unknown_name_or_bad_value_exits_non_zero_and_writes_nothing(tmp_path):
    book = small_book(tmp_path)
    result = run_cli("chapters/demo.ipynb", "--set", "cutoff=4", cwd=book)
    assert result.returncode == 2
    assert "no assumption named cutoff" in result.stderr and "hard_watts_per_kg" in result.stderr
    result = run_cli("demo", "--set", "round_digits=2.5", cwd=book)
    assert result.returncode == 2 and "round_digits takes a whole number" in result.stderr
    result = run_cli("nonesuch", cwd=book)
    assert result.returncode == 2 and "the chapters are: demo" in result.stderr
    assert not (book / "_build").exists()


def small_book(folder: Path, notebook: Path = FIXTURE) -> Path:
    """A copy of the book's data and configuration with one chapter."""
    book = folder / "book"
    (book / "chapters").mkdir(parents=True)
    shutil.copytree(ROOT / "data", book / "data")
    shutil.copyfile(ROOT / "_toc.yml", book / "_toc.yml")
    shutil.copyfile(notebook, book / "chapters" / "demo.ipynb")
    return book


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow  # executes a notebook
def test_a_rerun_without_changes_reproduces_every_glued_value(tmp_path):
    book = small_book(tmp_path)
    before = snapshot(book / "chapters") | {f"data/{k}": v for k, v in snapshot(book / "data").items()}
    result = rerun.rerun("demo", {}, root=book, html=False)
    assert result.changes == []
    stored = glue_changes.glued_values(declared.read_notebook(FIXTURE))
    assert len(stored) == result.total == 5
    assert glue_changes.glued_values(declared.read_notebook(result.notebook)) == stored
    assert result.folder == book / "_build" / "rerun" / "demo"
    after = snapshot(book / "chapters") | {f"data/{k}": v for k, v in snapshot(book / "data").items()}
    assert after == before  # chapters/ and data/ are only read


@pytest.mark.slow  # executes a notebook
def test_a_changed_value_moves_exactly_the_numbers_that_depend_on_it(tmp_path):
    book = small_book(tmp_path)
    result = rerun.rerun("demo", {"athletes": "1,2"}, root=book, html=True)
    moved = {c.name: c for c in result.changes}
    assert set(moved) == {"demo_tests", "demo_hard_tests", "demo_hard_share", "demo_mean_o2_hard", "demo_athletes"}
    assert [c.verdict_relevant for c in result.changes] == [True, True, True, True, False]
    assert (moved["demo_athletes"].book, moved["demo_athletes"].rerun) == ("5", "2")
    page = result.page.read_text(encoding="utf-8")
    assert "Re-run of this chapter" in page and "athletes" in page
    assert (result.folder / "changes.txt").read_text(encoding="utf-8").strip() == result.report
    assert json.loads((result.folder / "assumptions.json").read_text())["changed"] == {"athletes": [1, 2]}


@pytest.mark.slow  # executes a notebook
def test_a_failing_run_leaves_nothing_behind(tmp_path):
    notebook = nbformat.read(FIXTURE, as_version=4)
    notebook.cells.insert(2, nbformat.v4.new_code_cell('assert hard_watts_per_kg < 5, "the fixture stops here"'))
    failing = tmp_path / "failing.ipynb"
    nbformat.write(notebook, failing)
    book = small_book(tmp_path, failing)
    rerun.rerun("demo", {}, root=book, html=False)  # a first, successful run
    kept = snapshot(book / "_build" / "rerun")
    with pytest.raises(rerun.ExecutionFailed, match="the fixture stops here"):
        rerun.rerun("demo", {"hard_watts_per_kg": "5.5"}, root=book, html=False)
    assert snapshot(book / "_build" / "rerun") == kept  # the earlier result, untouched; no temporary folder
    assert sorted(p.name for p in (book / "_build" / "rerun").iterdir()) == ["demo"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git")
def test_rerun_from_the_published_source_archive(tmp_path):
    """The archive the book publishes is unpacked in a fresh folder, and `make rerun` there
    (with this environment, whose `make env` has been done) prints the changed values."""
    archive = tmp_path / published_files.SOURCE_ARCHIVE
    written, message = published_files.make_source_archive(ROOT, archive)
    assert written, message
    with tarfile.open(archive) as packed:
        packed.extractall(tmp_path, filter="data")
    book = tmp_path / published_files.ARCHIVE_FOLDER
    chapter = FIXTURE.relative_to(ROOT).as_posix()
    assert (book / chapter).is_file(), f"{chapter} is not committed, so it is not in the archive"
    venv = Path(sys.executable).parent.parent
    env = dict(os.environ, PYTHONPATH=str(book / "src"))  # the archive's own package, not this checkout's
    result = subprocess.run(["make", "-o", f"{venv}/.installed", "rerun", f"VENV={venv}", f"CHAPTER={chapter}",
                             "SET=hard_watts_per_kg=4"], cwd=book, capture_output=True, text=True, env=env)
    assert result.returncode == 0, build_failure(result)
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "glued values changed" in line)
    assert lines[start].startswith("3 of 5 glued values changed")
    rows = [line.split() for line in lines[start + 3:start + 6]]
    # What the fixture computes, worked out here from the data with the new cut-off of 4 W/kg.
    import pandas as pd

    tests = pd.read_csv(ROOT / "data" / "humanpower1.csv")
    hard = tests[tests["wattsPerKg"] > 4]
    book_values = glue_changes.glued_values(declared.read_notebook(FIXTURE))
    expected = [("demo_hard_tests", len(hard)), ("demo_hard_share", round(len(hard) / len(tests), 2)),
                ("demo_mean_o2_hard", round(float(hard["o2"].mean()), 2))]
    assert rows == [["*", name, book_values[name]["text/plain"], str(value)] for name, value in expected]
    assert all(row[2] != row[3] for row in rows)
    assert (book / "_build" / "rerun" / "rerun_demo" / "html" / "rerun_demo.html").is_file()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"{path.name}: {line!r} is not an exact pin"
            found[name.lower().replace("_", "-")] = version
    return found


def test_jupyterlab_is_pinned_exactly_and_moves_none_of_the_book_pins():
    lab, book = pins(ROOT / "requirements-lab.txt"), pins(ROOT / "requirements.txt")
    assert "jupyterlab" in lab and "papermill" in book
    assert {name: version for name, version in lab.items() if book.get(name, version) != version} == {}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-r requirements-lab.txt -c requirements.txt" in makefile
