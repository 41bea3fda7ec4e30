"""The re-run extension: the "Re-run this chapter" block and the re-running page's directives
(what they link to is published by claimcheck.build.published_files, tests/build/test_published_files.py).
A small book (the fixture notebook as its one chapter) is built in a temporary folder; the checks
on the real book need `make book`."""

from __future__ import annotations

import html as html_module
import io
import re
import shutil
from pathlib import Path

import pytest

from claimcheck.build import rerun_page
from claimcheck.data import parameters
from conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "rerun_demo.ipynb"


def record_reads(book: Path, key: str, *resources: str) -> None:
    """What an execution of ``key`` would leave in its read manifest (this book is not executed):
    the loader's own records of loading ``resources``."""
    from claimcheck.build import invalidation
    from claimcheck.data import manifest
    from claimcheck.data.package import load

    cache = book / invalidation.DEFAULT_CACHE_DIR
    env = invalidation.begin_manifest(cache, key, invalidation.package_fingerprint())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(manifest.ENV_VAR, env[manifest.ENV_VAR])
        for name in resources:
            load(name, book / "data")
    invalidation.commit_manifest(cache, key)


def build_small_book(folder: Path) -> tuple[Path, str]:
    """A one-chapter book using only myst-nb and this extension; (html folder, build log)."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    (folder / "chapters").mkdir(parents=True)
    shutil.copyfile(FIXTURE, folder / "chapters" / "demo.ipynb")
    shutil.copytree(ROOT / "data", folder / "data")
    for name in ("references.bib", "LICENSE", "LICENSE-TEXT.md", "_toc.yml"):
        shutil.copyfile(ROOT / name, folder / name)
    record_reads(folder, "chapters/demo.ipynb", "humanpower1")
    (folder / "index.md").write_text(
        "# Small book\n\n```{toctree}\nchapters/demo\n```\n\n## Setting up\n\n```{rerun-setup}\n```\n\n"
        "## Assumptions\n\n```{rerun-assumptions}\n```\n", encoding="utf-8")
    status, warnings = io.StringIO(), io.StringIO()
    with docutils_namespace():  # docutils' registries are global; each application gets its own
        app = Sphinx(str(folder), None, str(folder / "_build" / "html"), str(folder / "_build" / "doctrees"), "html",
                     confoverrides={"extensions": ["myst_nb", "claimcheck.build.rerun_page"], "nb_execution_mode": "off",
                                    "exclude_patterns": ["_build", "data"], "html_baseurl": "https://example.org/book/"},
                     status=status, warning=warnings, freshenv=True)
        app.build()
    assert app.statuscode == 0, warnings.getvalue()
    return folder / "_build" / "html", status.getvalue() + warnings.getvalue()


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    return build_small_book(tmp_path_factory.mktemp("small-book") / "book")


def plain(markup: str) -> str:
    """Text of some HTML: tags removed (so highlighted code reads as typed), entities resolved."""
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", "", markup)))


def text_of(page: Path) -> str:
    return plain(page.read_text(encoding="utf-8"))


def test_chapter_page_ends_with_a_rerun_block_read_from_its_parameters_cell(small_book):
    html, _ = small_book
    page = (html / "chapters" / "demo.html").read_text(encoding="utf-8")
    assert f'id="{rerun_page.RERUN_SECTION_ID}"' in page
    block = page[page.index(f'id="{rerun_page.RERUN_SECTION_ID}"'):]
    text = plain(block)
    for parameter in parameters.read(FIXTURE):
        assert f"{parameter.name} = {parameter.shown}" in text
        assert parameter.allowed in text
    assert "Power output above which a test counts as hard" in text
    assert 'href="../data/humanpower1.csv"' in block
    for command in rerun_page.SETUP_COMMANDS:
        assert command in text
    assert f'href="../{rerun_page.SOURCE_ARCHIVE}"' in block
    assert 'make rerun CHAPTER=demo SET="hard_watts_per_kg=6"' in text
    assert "make lab" in text


def test_rerun_page_lists_every_chapter_with_its_assumptions(small_book):
    html, _ = small_book
    page = (html / "index.html").read_text(encoding="utf-8")
    assert 'href="chapters/demo.html"' in page
    text = text_of(html / "index.html")
    for parameter in parameters.read(FIXTURE):
        assert f"{parameter.name} = {parameter.shown}" in text
    assert 'make rerun CHAPTER=demo SET="hard_watts_per_kg=6"' in text
    assert 'href="data/datapackage.yaml"' in page and 'href="references.bib"' in page


# --- the real book (needs the strict build, as `make test` runs it) ----------------------------


@pytest.mark.build
def test_the_data_appendix_links_every_published_data_file(built_book):
    page = (built_book / "chapters" / "data.html").read_text(encoding="utf-8")
    targets = set(re.findall(r'href="\.\./(data/[^"#]+)"', page))
    expected = {f"data/{p.name}" for p in (ROOT / "data").glob("*.csv")} | {"data/datapackage.yaml"}
    assert expected <= targets
    for target in targets:
        assert (built_book / target).is_file(), target


@pytest.mark.build
def test_each_chapter_lists_its_assumptions_on_its_page_and_on_the_rerun_page(built_book):
    overview = text_of(built_book / "chapters" / "rerun.html")
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        page = (built_book / "chapters" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        found = parameters.read(notebook)
        assert (f'id="{rerun_page.RERUN_SECTION_ID}"' in page) == bool(found), notebook.name
        if not found:
            assert f"CHAPTER={notebook.stem} " not in overview
            continue
        block = plain(page[page.index(f'id="{rerun_page.RERUN_SECTION_ID}"'):])
        for parameter in found:
            assert f"{parameter.name} = {parameter.shown}" in block
            assert f"{parameter.name} = {parameter.shown}" in overview
        for path in rerun_page.chapter_resources(notebook, ROOT):
            assert path in block
        assert rerun_page.example_command(notebook.stem, found) in overview
    if not any(parameters.read(p) for p in (ROOT / "chapters").glob("*.ipynb")):
        assert "No chapter declares assumptions yet." in overview
