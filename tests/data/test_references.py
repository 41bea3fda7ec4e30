"""references.bib: parseable, DOIs on journal articles, and every cited key defined."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parents[2]
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
KEYPREFIX = re.compile(r":keyprefix:\s*(\S+)")


def bibliography():
    return parse_file(str(ROOT / "references.bib"))


def test_journal_articles_carry_a_doi():
    for key, entry in bibliography().entries.items():
        if entry.type != "article":
            continue
        doi = entry.fields.get("doi", "")
        if not doi:
            assert "No DOI" in entry.fields.get("note", ""), f"{key}: article without DOI or a note saying why"
            continue
        assert re.fullmatch(r"10\.\d{4,9}/\S+", doi), f"{key}: malformed DOI {doi!r}"


def test_other_entries_have_a_doi_or_an_address():
    for key, entry in bibliography().entries.items():
        assert entry.fields.get("doi") or entry.fields.get("url") or entry.type == "article", key


def page_texts():
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        yield path.name, "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for path in sorted(list((ROOT / "chapters").glob("*.md")) + [ROOT / "index.md"]):
        yield path.name, path.read_text(encoding="utf-8")


def test_every_cited_key_is_in_the_bibliography():
    keys = set(bibliography().entries.keys())
    cited_somewhere = False
    for name, text in page_texts():
        prefixes = KEYPREFIX.findall(text) or [""]
        for group in CITE.findall(text):
            for key in (k.strip() for k in group.split(",")):
                cited_somewhere = True
                bare = next((key[len(p):] for p in prefixes if p and key.startswith(p)), key)
                assert bare in keys, f"{name}: cites {key!r}, not in references.bib"
    assert cited_somewhere


def test_no_source_is_entered_twice():
    seen: dict[str, str] = {}
    for key, entry in bibliography().entries.items():
        for field in ("doi", "url"):
            value = entry.fields.get(field, "").lower().rstrip("/")
            if not value:
                continue
            assert value not in seen, f"{key} and {seen[value]} are the same source ({field} {value})"
            seen[value] = key
