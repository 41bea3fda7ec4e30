"""Every page ends with "Cite this page" and publishes its BibTeX entry (claimcheck.build.cite_page)."""

from __future__ import annotations

import shutil

import pytest
from sphinx_fakes import build_tiny

from claimcheck.build import cite_page
from conftest import ROOT


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cite")
    (folder / "src").mkdir()
    for name in ("CITATION.cff", "_config.yml"):
        shutil.copyfile(ROOT / name, folder / "src" / name)
    files = {"index.rst": "The book\n========\n\nIntro.\n\n.. toctree::\n\n   chapters/one\n",
             "chapters/one.rst": "Chapter one\n===========\n\nText.\n\nA part\n------\n\nMore.\n"}
    return build_tiny(folder, ["claimcheck.build.cite_page"], files)


def test_each_page_ends_with_a_cite_section_and_links_its_bib_file(tiny_book):
    html, log, _ = tiny_book
    page = (html / "chapters" / "one.html").read_text(encoding="utf-8")
    section = page[page.index(f'id="{cite_page.CITE_SECTION_ID}"'):]
    assert "Cite this page" in section and "Chapter one" in section
    assert '<a href="../_cite/chapters_one.bib" download="chapters_one.bib">chapters_one.bib</a>' in section
    assert "@" in section and "highlight-bibtex" in section
    assert page.index(f'id="{cite_page.CITE_SECTION_ID}"') > page.index('id="a-part"')  # last


def test_the_bib_files_hold_the_entries_shown_on_the_pages(tiny_book):
    html, _, app = tiny_book
    for docname in ("index", "chapters/one"):
        bib = html / "_cite" / cite_page.bib_name(docname)
        assert bib.read_text(encoding="utf-8") == app.env.claimcheck_citations[docname]
        assert "Chapter one" in bib.read_text(encoding="utf-8") or docname == "index"


def test_the_section_is_listed_in_the_page_contents(tiny_book):
    _, _, app = tiny_book
    entries = [r.get("anchorname") for r in app.env.tocs["chapters/one"].findall(
        lambda n: n.tagname == "reference")]
    assert entries[-1] == "#" + cite_page.CITE_SECTION_ID


def test_a_release_rewrites_every_page(tmp_path):
    (tmp_path / "CITATION.cff").write_text("version: 1.0\n")
    first = cite_page.book_meta_fingerprint(tmp_path)
    (tmp_path / "CITATION.cff").write_text("version: 1.1\n")
    assert cite_page.book_meta_fingerprint(tmp_path) != first
