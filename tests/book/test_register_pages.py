"""The register in the built book: every claim anchored, evidence links resolve, the published
claims.json and the embedded JSON-LD match the CSV, and every verdict label on any page is the
register's. Pages are read with BeautifulSoup."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from claimcheck import load, rubric, vocab
from claimcheck.data import register as register_data
from claimcheck.present import export
from conftest import ROOT

pytestmark = pytest.mark.build


def page_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def element_ids(path: Path) -> set[str]:
    return {element["id"] for element in page_soup(path).find_all(id=True)}


def jsonld_blocks(path: Path) -> list[str]:
    return [script.string or "" for script in page_soup(path).find_all("script", type="application/ld+json")]


def verdicts_shown(soup: BeautifulSoup) -> list[tuple]:
    """Every verdict label on a page: (claim, verdict, certainty, label text)."""
    return [(label.get("data-claim"), label.get("data-verdict"), label.get("data-certainty"), label.get_text())
            for label in soup.select(".verdict-label")]

def test_every_claim_is_anchored_in_the_built_register(built_book, claims):
    ids = element_ids(built_book / "chapters" / "register.html")
    for claim_id in claims["claim_id"]:
        assert register_data.anchor(claim_id) in ids, claim_id


def test_reviewed_claims_link_to_an_existing_section(built_book, claims):
    ids_on = {}  # each page parsed once: 42 claims point into six pages
    for row in claims[claims["verdict"] != "pending"].itertuples():
        docname, target = register_data.evidence_docname(row.evidence_section)
        page = built_book / f"{docname}.html"
        assert page.is_file(), f"{row.claim_id}: {page.name} was not built"
        if page not in ids_on:
            ids_on[page] = element_ids(page)
        assert target in ids_on[page], f"{row.claim_id}: no #{target} in {page.name}"


def test_published_json_matches_the_csv(built_book, claims, meta):
    published = json.loads((built_book / "claims.json").read_text(encoding="utf-8"))
    assert published["version"] == meta.version
    history = load("verdict_history")
    assert published["claims"] == json.loads(export.to_json(claims, meta, history))["claims"]
    as_frame = pd.DataFrame(export.flat_records(published["claims"]))
    for column in ("claim_id", "claim", "verdict", "certainty", "rationale"):
        assert as_frame[column].fillna("").tolist() == claims[column].fillna("").tolist(), column
    assert (built_book / "claims.csv").read_bytes() == (ROOT / "data" / "claims.csv").read_bytes()


def test_embedded_jsonld_matches_the_csv(built_book, claims, meta):
    blocks = jsonld_blocks(built_book / "chapters" / "register.html")
    assert len(blocks) == 1
    embedded = json.loads(blocks[0])
    expected = export.claim_reviews(claims, meta, register_data.post_metadata())
    assert embedded == expected
    whole = register_data.whole_claims(claims)
    reviewed = whole[whole["verdict"] != "pending"]
    assert [r["claimReviewed"] for r in embedded] == reviewed["claim"].tolist()
    assert [r["reviewRating"]["alternateName"] for r in embedded] == [
        rubric.claimreview_name(v, c) for v, c in zip(reviewed["verdict"], reviewed["certainty"])]


def test_every_verdict_shown_on_a_built_page_is_the_registers(built_book, claims):
    register_rows = claims.set_index("claim_id")
    pages_with_boxes = set()
    shown = set()
    for page in sorted(built_book.rglob("*.html")):
        if "_static" in page.parts:
            continue
        soup = page_soup(page)
        for claim_id, verdict, certainty, label in verdicts_shown(soup):
            where = f"{page.relative_to(built_book)}: {claim_id}"
            assert claim_id in register_rows.index, where
            assert verdict == register_rows.loc[claim_id, "verdict"], where
            assert certainty == register_rows.loc[claim_id, "certainty"], where
            assert label.strip() == vocab.VERDICTS[verdict].label, where
            shown.add(claim_id)
        if soup.select_one(".verdict-box") is not None:
            pages_with_boxes.add(page.relative_to(built_book).as_posix())
    assert shown == set(claims["claim_id"])  # every claim and part is shown (at least in the register)
    assert {"index.html", "chapters/introduction.html"} <= pages_with_boxes


def test_published_schema_validates_published_json(built_book):
    schema = json.loads((built_book / export.SCHEMA_NAME).read_text(encoding="utf-8"))
    document = json.loads((built_book / "claims.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_register_page_opens_with_verdicts_and_shows_no_code(built_book):
    page = (built_book / "chapters" / "register.html").read_text(encoding="utf-8")
    body = page[page.index('<article'):]
    assert "cell_input" not in body and "highlight-ipython3" not in body
    glance = body.index('id="verdicts-at-a-glance"')
    assert body.index('class="claim-register"') < glance  # the verdicts come first
    assert "pending" not in re.sub(r"<[^>]+>", " ", body[glance:glance + 3000]).lower()
