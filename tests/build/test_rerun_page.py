"""The re-run extension: the "Re-run this chapter" block, the re-running page's directives, the
published data, bibliography and source archive. A small book (the fixture notebook as its one
chapter) is built in a temporary folder; the checks on the real book need `make book`."""

from __future__ import annotations

import html as html_module
import io
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from claimcheck.build import rerun_page as rerun_ext
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
    assert f'id="{rerun_ext.RERUN_SECTION_ID}"' in page
    block = page[page.index(f'id="{rerun_ext.RERUN_SECTION_ID}"'):]
    text = plain(block)
    for parameter in parameters.read(FIXTURE):
        assert f"{parameter.name} = {parameter.shown}" in text
        assert parameter.allowed in text
    assert "Power output above which a test counts as hard" in text
    assert 'href="../data/humanpower1.csv"' in block
    for command in rerun_ext.SETUP_COMMANDS:
        assert command in text
    assert f'href="../{rerun_ext.SOURCE_ARCHIVE}"' in block
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


def test_data_bibliography_and_licences_are_published_unchanged(small_book):
    html, _ = small_book
    for source in sorted((ROOT / "data").glob("*.csv")) + [ROOT / "data" / "datapackage.yaml"]:
        assert (html / "data" / source.name).read_bytes() == source.read_bytes(), source.name
    for name in ("references.bib", "LICENSE", "LICENSE-TEXT.md"):
        assert (html / name).read_bytes() == (ROOT / name).read_bytes()


def test_outside_a_git_checkout_no_archive_is_shipped_and_the_log_says_why(small_book):
    html, log = small_book
    assert not (html / rerun_ext.SOURCE_ARCHIVE).exists()
    assert "no source archive" in log and "not a git checkout" in log


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=folder,
                          check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_source_archive_holds_exactly_the_commit(tmp_path):
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    (repo / "a.txt").write_text("committed\n")
    (repo / "sub" / "b.txt").write_text("also committed\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one")
    (repo / "a.txt").write_text("edited, not committed\n")
    (repo / "untracked.txt").write_text("new\n")
    target = tmp_path / "out.tar.gz"
    written, message = rerun_ext.make_source_archive(repo, target)
    assert written and "differ from that commit" in message
    with tarfile.open(target) as archive:
        names = sorted(m.name for m in archive.getmembers() if m.isfile())
        assert names == [f"{rerun_ext.ARCHIVE_FOLDER}/a.txt", f"{rerun_ext.ARCHIVE_FOLDER}/sub/b.txt"]
        assert archive.extractfile(f"{rerun_ext.ARCHIVE_FOLDER}/a.txt").read() == b"committed\n"
    # A folder inside a checkout is not the repository: no archive from it.
    written, message = rerun_ext.make_source_archive(repo / "sub", tmp_path / "sub.tar.gz")
    assert not written and "not the top" in message and not (tmp_path / "sub.tar.gz").exists()


# --- the real book (needs the strict build, as `make test` runs it) ----------------------------


@pytest.mark.build
def test_the_book_publishes_every_data_file_its_bibliography_and_licences(built_book):
    for source in sorted((ROOT / "data").glob("*.csv")) + [ROOT / "data" / "datapackage.yaml"]:
        assert (built_book / "data" / source.name).read_bytes() == source.read_bytes(), source.name
    for name in rerun_ext.PUBLISHED_FILES:
        assert (built_book / name).read_bytes() == (ROOT / name).read_bytes(), name


@pytest.mark.build
def test_the_book_ships_the_source_archive_of_its_commit_or_none(built_book):
    archive = built_book / rerun_ext.SOURCE_ARCHIVE
    commit, reason = rerun_ext.git_commit(ROOT)
    if commit is None:
        assert not archive.exists(), f"an archive was published although {reason}"
        return
    tracked = subprocess.run(["git", "ls-tree", "-r", "--name-only", commit], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    with tarfile.open(archive) as packed:
        assert packed.pax_headers.get("comment") == commit  # git archive records its commit
        names = sorted(m.name.removeprefix(rerun_ext.ARCHIVE_FOLDER + "/") for m in packed.getmembers()
                       if m.isfile() or m.issym())
        assert names == sorted(tracked)
        committed = subprocess.run(["git", "show", f"{commit}:_toc.yml"], cwd=ROOT, capture_output=True,
                                   check=True).stdout
        assert packed.extractfile(f"{rerun_ext.ARCHIVE_FOLDER}/_toc.yml").read() == committed


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
        assert (f'id="{rerun_ext.RERUN_SECTION_ID}"' in page) == bool(found), notebook.name
        if not found:
            assert f"CHAPTER={notebook.stem} " not in overview
            continue
        block = plain(page[page.index(f'id="{rerun_ext.RERUN_SECTION_ID}"'):])
        for parameter in found:
            assert f"{parameter.name} = {parameter.shown}" in block
            assert f"{parameter.name} = {parameter.shown}" in overview
        for path in rerun_ext.chapter_resources(notebook, ROOT):
            assert path in block
        assert rerun_ext.example_command(notebook.stem, found) in overview
    if not any(parameters.read(p) for p in (ROOT / "chapters").glob("*.ipynb")):
        assert "No chapter declares assumptions yet." in overview
