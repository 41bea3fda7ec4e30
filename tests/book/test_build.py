"""The strict build: the real book builds clean, and a broken citation, a broken cross-reference
or a failing cell each stop a build that uses the book's own configuration."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import conftest
from conftest import ROOT, build_failure, early_result, run_build, start_build

pytestmark = pytest.mark.build


def test_real_book_builds_strictly(built_book):
    assert (built_book / "index.html").is_file()
    for page in ("chapters/data.html",):
        assert (built_book / page).is_file(), page


def test_builds_run_in_the_sessions_environment_not_the_running_tests(monkeypatch, tmp_path):
    """Background builds start while in-process tests change os.environ (monkeypatch); each
    build gets the environment the session started with, so none writes its reads into another
    test's manifest or switches its kernels."""
    probe = "import os, sys; print(os.environ.get('CLAIMCHECK_WARM_KERNELS'), os.environ.get('PYTEST_CURRENT_TEST'))"
    monkeypatch.setattr(conftest, "BUILD_COMMAND", [sys.executable, "-c", probe, "{book}"])
    monkeypatch.setenv("CLAIMCHECK_WARM_KERNELS", "a value no session starts with")
    expected = f"{conftest.SESSION_ENV.get('CLAIMCHECK_WARM_KERNELS')} None"
    assert run_build(tmp_path).stdout.strip() == expected
    log = tmp_path / "build.log"
    assert start_build(tmp_path, log).wait() == 0
    assert log.read_text().strip() == expected


def test_a_failed_builds_message_shows_its_cause_from_either_stream():
    """The CI failure this guards: two builds' cause (a kernel that did not start) was in stderr,
    ahead of a long traceback, and the assertion message showed only the traceback's tail."""
    cause = "chapters/page.ipynb: before its first cell ran could not be executed: RuntimeError: Kernel didn't respond"
    noise = "\n".join(f"  File 'x.py', line {n}, in f" for n in range(400))
    result = subprocess.CompletedProcess(
        [], 1, stdout="Running Sphinx\nreading sources... [ 67%] chapters/page\n",
        stderr=f"[IPKernelApp] WARNING | Kernel is running over TCP\n{cause}. The notebook was not executed again.\n"
               f"Traceback (most recent call last):\n{noise}\nAssertionError")
    message = build_failure(result)
    assert message.index(cause) < message.index("[...]")  # the cause first, then the tail
    assert message.rstrip().endswith("AssertionError") and "Running Sphinx" not in message


def test_every_toc_file_became_a_page(built_book):
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    for name in files:
        assert (built_book / f"{name}.html").is_file(), name


def mini_book(tmp_path: Path, markdown: str = "", code: str = "x = 1") -> Path:
    """A two-page book with the real _config.yml and references.bib."""
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", book / "_config.yml")
    shutil.copy(ROOT / "references.bib", book / "references.bib")
    shutil.copy(ROOT / "CITATION.cff", book / "CITATION.cff")
    shutil.copytree(ROOT / "data", book / "data")
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: chapters/page\n")
    (book / "index.md").write_text("# Mini book\n\n" + markdown + "\n")
    notebook = new_notebook(
        cells=[new_markdown_cell("# A page"), new_code_cell(code)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(notebook, book / "chapters" / "page.ipynb")
    return book


# Three mini books built side by side (each build is mostly one process waiting on one kernel):
#
# * "broken_markup" holds an unknown citation and a broken cross-reference. Under -W every
#   warning fails the build, so each fault's own WARNING line proves that it alone stops the
#   build (one build instead of two).
# * "failing_cell" has a cell that raises: the build stops at that notebook (myst-nb raises on
#   execution errors), so it cannot share a book with the faults that are reported later.
# * "data_change" is the control (the real config, a citation and a bibliography build clean),
#   then is rebuilt unchanged, then after a CSV edit (the data-change test below).
BROKEN = {
    "broken_markup": dict(markdown="See {cite:p}`nobody1999nothing`.\n\nSee {ref}`a-label-that-does-not-exist`."),
    "failing_cell": dict(code="raise ValueError('deliberately broken cell')"),
}
CONTROL_MARKDOWN = "See {cite:p}`siddarth2018sedentary`.\n\n```{bibliography}\n```"


def _data_change_builds(book: Path) -> dict:
    """The control build, an unchanged rebuild, and a rebuild after dropping a CSV row."""
    from claimcheck.data.package import rehash

    builds = {"first": run_build(book, low_priority=True)}
    if builds["first"].returncode != 0:
        return builds
    builds["page_before"] = (book / "_build" / "html" / "chapters" / "page.html").read_text()
    builds["unchanged"] = run_build(book, low_priority=True)
    csv_path = book / "data" / "today_trial.csv"
    lines = csv_path.read_text().splitlines()
    csv_path.write_text("\n".join(lines[:-1]) + "\n")  # drop the last participant
    builds["rehashed"] = rehash(book / "data")
    builds["after"] = run_build(book, low_priority=True)
    builds["page_after"] = (book / "_build" / "html" / "chapters" / "page.html").read_text()
    return builds


def data_change_book(tmp_path: Path) -> Path:
    book = mini_book(tmp_path, markdown=CONTROL_MARKDOWN,
                     code='from claimcheck import load\nprint("rows:", len(load("today_trial")))')
    other = new_notebook(
        cells=[new_markdown_cell("# Other page"), new_code_cell('from claimcheck import load\nprint("mtl rows:", len(load("mtl")))')],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(other, book / "chapters" / "other.ipynb")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - file: chapters/page\n  - file: chapters/other\n")
    return book


def start_early(folder: Path) -> dict:
    """Build the mini books side by side, at low priority (conftest starts this as soon as the
    tests are collected, so it runs beside the session build and the browser tests)."""
    books = {name: mini_book(folder / name, **spec) for name, spec in BROKEN.items()}
    changing = data_change_book(folder / "data_change")
    with ThreadPoolExecutor(max_workers=len(books) + 1) as pool:
        data_change = pool.submit(_data_change_builds, changing)  # the longest: three builds
        futures = {name: pool.submit(run_build, book, True) for name, book in books.items()}
        return {"data_change": data_change.result(), **{name: f.result() for name, f in futures.items()}}


START_EARLY = {"mini_builds": start_early}  # see conftest.pytest_collection_finish


@pytest.fixture(scope="module")
def mini_builds(tmp_path_factory):
    return early_result("mini_builds") or start_early(tmp_path_factory.mktemp("mini"))


def _warning_lines(result, *needles: str) -> list[str]:
    log = result.stdout + result.stderr
    return [line for line in log.splitlines()
            if ("WARNING" in line or "ERROR" in line) and all(n in line for n in needles)]


def test_mini_book_with_the_real_config_builds(mini_builds):
    result = mini_builds["data_change"]["first"]
    assert result.returncode == 0, build_failure(result)
    assert "siddarth2018sedentary" not in "".join(_warning_lines(result))


def test_unknown_citation_fails_the_build(mini_builds):
    result = mini_builds["broken_markup"]
    assert result.returncode != 0
    assert _warning_lines(result, "nobody1999nothing"), result.stdout[-3000:]


def test_broken_cross_reference_fails_the_build(mini_builds):
    result = mini_builds["broken_markup"]
    assert result.returncode != 0
    assert _warning_lines(result, "a-label-that-does-not-exist"), result.stdout[-3000:]


def test_failing_cell_fails_the_build(mini_builds):
    result = mini_builds["failing_cell"]
    assert result.returncode != 0
    log = result.stdout + result.stderr
    # The book's executor names the notebook and the cell that failed (and does not run it twice).
    assert re.search(r"page\.ipynb: code cell \d+ .*raised ValueError.*not executed again", log), build_failure(result)
    assert "deliberately broken cell" in result.stdout + result.stderr


def test_editing_a_data_file_re_executes_only_its_readers(mini_builds):
    """End to end through Sphinx: after a CSV edit, the page that reads it shows the new value
    and only that notebook is executed again."""
    builds = mini_builds["data_change"]
    first = builds["first"]
    assert first.returncode == 0, build_failure(first)
    assert "rows: 699" in builds["page_before"]
    assert "Executing notebook" not in builds["unchanged"].stdout
    assert builds["rehashed"] == ["today_trial"]
    after = builds["after"]
    assert after.returncode == 0, build_failure(after)
    assert "rows: 698" in builds["page_after"]
    executed = [line for line in after.stdout.splitlines() if "Executing notebook" in line]
    assert len(executed) == 1 and "page.ipynb" in executed[0], executed
