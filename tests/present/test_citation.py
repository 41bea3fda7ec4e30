"""Citing the book: CITATION.cff is valid and agrees with the book; every page carries a
correct, parseable BibTeX entry, also offered as a download."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_string

from claimcheck.data import bookmeta
from claimcheck.present import citation

ROOT = Path(__file__).resolve().parents[2]
CFFCONVERT = Path(sys.executable).parent.parent / "cff" / "bin" / "cffconvert"


def run_cffconvert(path: Path) -> subprocess.CompletedProcess:
    if not CFFCONVERT.exists():
        pytest.fail(f"{CFFCONVERT} is missing: run `make env` (it installs cffconvert in its own environment)")
    return subprocess.run([str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True)


def test_citation_cff_is_valid():
    result = run_cffconvert(ROOT / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cffconvert_rejects_a_broken_file(tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text((ROOT / "CITATION.cff").read_text().replace("\nauthors:", "\nwriters:"))
    assert run_cffconvert(broken).returncode != 0


def test_cff_agrees_with_the_book_config():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cff["title"] == config["title"]
    # One published address, or none anywhere while the book is unpublished.
    address = config["html"]["baseurl"] or None
    assert cff.get("url") == address == cff["preferred-citation"].get("url")
    assert cff["preferred-citation"]["version"] == cff["version"]
    assert str(cff["preferred-citation"]["year"]) == str(cff["date-released"])[:4]
    assert re.fullmatch(r"\d+\.\d+\.\d+", cff["version"])


def test_bibtex_entry_parses_and_carries_the_page():
    meta = bookmeta.read(ROOT)
    entry = citation.bibtex(meta, "chapters/register", "The claim register & its data_files")
    parsed = parse_string(entry, "bibtex")
    (key, record), = parsed.entries.items()
    assert key == f"claimcheck{meta.year}register"
    assert record.type == "incollection"
    assert record.fields.get("url") == (meta.page_url("chapters/register") if meta.published else None)
    assert record.fields["booktitle"].strip("{}") == meta.title
    assert record.fields["version"] == meta.version  # a version field, not "version 0.1.0 edition"
    assert "edition" not in record.fields
    assert meta.version in record.fields["note"]
    assert r"\&" in record.fields["title"] and r"data\_files" in record.fields["title"]


def test_whole_book_is_cited_as_a_book_level_entry():
    meta = bookmeta.read(ROOT)
    assert citation.bibtex(meta, "index", meta.title).startswith("@misc{")
    reference = citation.reference(meta, "index", meta.title)
    assert f"(version {meta.version})" in reference
    if meta.published:
        assert reference.endswith(meta.page_url("index"))
    else:
        assert "http" not in reference and "example.org" not in reference


def test_an_unpublished_book_carries_no_address(tmp_path):
    import shutil

    for name in ("CITATION.cff", "_config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    config = (tmp_path / "_config.yml").read_text()
    (tmp_path / "_config.yml").write_text(re.sub(r'baseurl: ".*"', 'baseurl: ""', config))
    meta = bookmeta.read(tmp_path)
    entry = citation.bibtex(meta, "chapters/register", "The claim register")
    assert "url" not in parse_string(entry, "bibtex").entries[f"claimcheck{meta.year}register"].fields
    assert "http" not in citation.reference(meta, "chapters/register", "The claim register")
    (tmp_path / "_config.yml").write_text(re.sub(r'baseurl: ".*"', 'baseurl: "https://books.example/cc/"', config))
    published = bookmeta.read(tmp_path)
    assert citation.reference(published, "chapters/register", "The claim register").endswith(
        "https://books.example/cc/chapters/register.html")


@pytest.mark.build
def test_every_page_has_a_cite_section_matching_its_download(built_book):
    from claimcheck.cli.anchors import page_ids, pages

    meta = bookmeta.read(ROOT)
    for page in pages(built_book):
        relative = page.relative_to(built_book).as_posix()
        assert "cite-this-page" in page_ids(page), relative
        docname = relative.removesuffix(".html")
        download = built_book / "_cite" / (docname.replace("/", "_") + ".bib")
        assert download.is_file(), download
        parsed = parse_string(download.read_text(), "bibtex")
        (record,) = parsed.entries.values()
        assert record.fields.get("url") == (meta.page_url(docname) if meta.published else None)
        # The entry shown on the page (as highlighted code) is the same text as the download.
        shown = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
        first_line = download.read_text().splitlines()[0]
        assert first_line in shown, relative
