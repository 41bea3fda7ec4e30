"""Everything needed to re-run the book travels with it: data, bibliography, licences and a source
archive of the commit (claimcheck.build.published_files). A tiny book with only this extension
is built in a temporary folder; the checks on the real book need `make book`."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from sphinx_fakes import build_tiny

from claimcheck.build import published_files
from conftest import ROOT


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("published")
    (folder / "src").mkdir()
    shutil.copytree(ROOT / "data", folder / "src" / "data")
    for name in published_files.PUBLISHED_FILES:
        shutil.copyfile(ROOT / name, folder / "src" / name)
    html, log, _ = build_tiny(folder, ["claimcheck.build.published_files"], {"index.rst": "Book\n====\n"},
                              exclude_patterns=["_build", "data"])
    return html, log


def test_data_bibliography_and_licences_are_published_unchanged(tiny_book):
    html, _ = tiny_book
    for source in sorted((ROOT / "data").glob("*.csv")) + [ROOT / "data" / "datapackage.yaml"]:
        assert (html / "data" / source.name).read_bytes() == source.read_bytes(), source.name
    for name in published_files.PUBLISHED_FILES:
        assert (html / name).read_bytes() == (ROOT / name).read_bytes()


def test_outside_a_git_checkout_no_archive_is_shipped_and_the_log_says_why(tiny_book):
    html, log = tiny_book
    assert not (html / published_files.SOURCE_ARCHIVE).exists()
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
    written, message = published_files.make_source_archive(repo, target)
    assert written and "differ from that commit" in message
    with tarfile.open(target) as archive:
        names = sorted(m.name for m in archive.getmembers() if m.isfile())
        assert names == [f"{published_files.ARCHIVE_FOLDER}/a.txt", f"{published_files.ARCHIVE_FOLDER}/sub/b.txt"]
        assert archive.extractfile(f"{published_files.ARCHIVE_FOLDER}/a.txt").read() == b"committed\n"
    # A folder inside a checkout is not the repository: no archive from it.
    written, message = published_files.make_source_archive(repo / "sub", tmp_path / "sub.tar.gz")
    assert not written and "not the top" in message and not (tmp_path / "sub.tar.gz").exists()



@pytest.mark.build
def test_the_book_publishes_every_data_file_its_bibliography_and_licences(built_book):
    for source in sorted((ROOT / "data").glob("*.csv")) + [ROOT / "data" / "datapackage.yaml"]:
        assert (built_book / "data" / source.name).read_bytes() == source.read_bytes(), source.name
    for name in published_files.PUBLISHED_FILES:
        assert (built_book / name).read_bytes() == (ROOT / name).read_bytes(), name



@pytest.mark.build
def test_the_book_ships_the_source_archive_of_its_commit_or_none(built_book):
    archive = built_book / published_files.SOURCE_ARCHIVE
    commit, reason = published_files.git_commit(ROOT)
    if commit is None:
        assert not archive.exists(), f"an archive was published although {reason}"
        return
    tracked = subprocess.run(["git", "ls-tree", "-r", "--name-only", commit], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    with tarfile.open(archive) as packed:
        assert packed.pax_headers.get("comment") == commit  # git archive records its commit
        names = sorted(m.name.removeprefix(published_files.ARCHIVE_FOLDER + "/") for m in packed.getmembers()
                       if m.isfile() or m.issym())
        assert names == sorted(tracked)
        committed = subprocess.run(["git", "show", f"{commit}:_toc.yml"], cwd=ROOT, capture_output=True,
                                   check=True).stdout
        assert packed.extractfile(f"{published_files.ARCHIVE_FOLDER}/_toc.yml").read() == committed
