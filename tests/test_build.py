"""The strict build: the real book builds clean, and a broken citation, a broken cross-reference
or a failing cell each stop a build that uses the book's own configuration."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import ROOT, run_build

pytestmark = pytest.mark.build


def test_real_book_builds_strictly(built_book):
    assert (built_book / "index.html").is_file()
    for page in ("chapters/data.html",):
        assert (built_book / page).is_file(), page


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


# Four independent mini books, each in its own folder, built side by side (each build is mostly
# one process waiting on one kernel); each test below checks its own book's build.
MINI_BOOKS = {
    "real_config": dict(markdown="See {cite:p}`siddarth2018sedentary`.\n\n```{bibliography}\n```"),
    "unknown_citation": dict(markdown="See {cite:p}`nobody1999nothing`."),
    "broken_reference": dict(markdown="See {ref}`a-label-that-does-not-exist`."),
    "failing_cell": dict(code="raise ValueError('deliberately broken cell')"),
}


@pytest.fixture(scope="module")
def mini_builds(tmp_path_factory):
    books = {name: mini_book(tmp_path_factory.mktemp(name), **spec) for name, spec in MINI_BOOKS.items()}
    with ThreadPoolExecutor(max_workers=len(books)) as pool:
        futures = {name: pool.submit(run_build, book) for name, book in books.items()}
        return {name: future.result() for name, future in futures.items()}


def test_mini_book_with_the_real_config_builds(mini_builds):
    result = mini_builds["real_config"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_unknown_citation_fails_the_build(mini_builds):
    result = mini_builds["unknown_citation"]
    assert result.returncode != 0
    assert "nobody1999nothing" in result.stdout + result.stderr


def test_broken_cross_reference_fails_the_build(mini_builds):
    result = mini_builds["broken_reference"]
    assert result.returncode != 0
    assert "a-label-that-does-not-exist" in result.stdout + result.stderr


def test_failing_cell_fails_the_build(mini_builds):
    result = mini_builds["failing_cell"]
    assert result.returncode != 0
    assert "deliberately broken cell" in result.stdout + result.stderr


def test_editing_a_data_file_re_executes_only_its_readers(tmp_path):
    """End to end through Sphinx: after a CSV edit, the page that reads it shows the new value
    and only that notebook is executed again."""
    book = mini_book(tmp_path, code='from claimcheck import load\nprint("rows:", len(load("today_trial")))')
    other = new_notebook(
        cells=[new_markdown_cell("# Other page"), new_code_cell('from claimcheck import load\nprint("mtl rows:", len(load("mtl")))')],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(other, book / "chapters" / "other.ipynb")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - file: chapters/page\n  - file: chapters/other\n")

    first = run_build(book)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    page = book / "_build" / "html" / "chapters" / "page.html"
    assert "rows: 699" in page.read_text()

    unchanged = run_build(book)
    assert "Executing notebook" not in unchanged.stdout

    csv_path = book / "data" / "today_trial.csv"
    lines = csv_path.read_text().splitlines()
    csv_path.write_text("\n".join(lines[:-1]) + "\n")  # drop the last participant
    from claimcheck.datapackage import rehash
    assert rehash(book / "data") == ["today_trial"]

    after = run_build(book)
    assert after.returncode == 0, after.stdout[-3000:]
    assert "rows: 698" in page.read_text()
    executed = [line for line in after.stdout.splitlines() if "Executing notebook" in line]
    assert len(executed) == 1 and "page.ipynb" in executed[0], executed
