"""The claim register: complete, paraphrased, anchored, linked, and identical across its CSV,
JSON and JSON-LD renderings."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from pybtex.database import parse_file

from claimcheck import load, rubric
from claimcheck.present import register
from conftest import SEED_POST

ROOT = Path(__file__).resolve().parents[2]
POST = SEED_POST


class IdCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        self._in_jsonld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False


def parse_html(path: Path) -> IdCollector:
    collector = IdCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


# --- the register's content ------------------------------------------------------------------

def test_register_covers_every_cluster_and_roughly_twenty_claims(claims):
    whole = register.whole_claims(claims)
    assert 18 <= len(whole) <= 30
    assert set(whole["cluster"]) == {"neural signalling", "oxygen and metabolism", "diabetes fitness", "other"}
    assert claims["claim_id"].is_unique
    # The post's headline (paragraph 0), its list (10) and its conclusion (11) are all covered.
    assert {0, 10, 11} <= set(whole["paragraph"])


def shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


@pytest.fixture(scope="module")
def post_shingles():
    if not POST.is_file():
        pytest.skip(f"the seed post is not at {POST} (CI and developers have it beside the repository)")
    return shingles(POST.read_text(encoding="utf-8"))


def test_claims_are_paraphrased_not_copied(claims, post_shingles):
    for row in claims.itertuples():
        copied = shingles(row.claim) & post_shingles
        assert not copied, f"{row.claim_id} repeats the post word for word: {' '.join(next(iter(copied)))}"


def test_book_prose_does_not_copy_the_post(post_shingles):
    import nbformat

    texts = {p.name: p.read_text(encoding="utf-8") for p in [ROOT / "index.md", *ROOT.glob("chapters/*.md")]}
    for path in ROOT.glob("chapters/*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        texts[path.name] = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for name, text in texts.items():
        # A quotation in marks (with its locator beside it) is allowed: the rule is against
        # repeating the post's sentences as our own words.
        unquoted = re.sub(r'"[^"]{1,400}"|\u201c[^\u201d]{1,400}\u201d', " ", text)
        copied = shingles(unquoted) & post_shingles
        assert not copied, f"{name} repeats the post word for word: {' '.join(next(iter(copied)))}"


def test_quotations_in_marks_are_allowed_but_unquoted_copies_are_not(post_shingles):
    words = " ".join(next(iter(post_shingles)))
    assert shingles(words) & post_shingles
    quoted = re.sub(r'"[^"]{1,400}"|\u201c[^\u201d]{1,400}\u201d', " ", f'The post says "{words}" (paragraph 2).')
    assert not shingles(quoted) & post_shingles


def test_register_dois_are_in_the_bibliography(claims):
    bib_dois = {e.fields.get("doi", "").lower() for e in parse_file(str(ROOT / "references.bib")).entries.values()}
    bib_keys = set(parse_file(str(ROOT / "references.bib")).entries.keys())
    for row in claims.itertuples():
        for doi in register.split(row.primary_dois):
            assert doi.lower() in bib_dois, f"{row.claim_id}: DOI {doi} is not in references.bib"
        for key in register.split(row.primary_sources):
            assert key in bib_keys, f"{row.claim_id}: source key {key} is not in references.bib"


def test_reviewed_claims_are_complete(claims):
    reviewed = claims[claims["verdict"] != "pending"]
    for row in reviewed.itertuples():
        assert row.rationale and len(row.rationale) > 20, row.claim_id
        assert row.certainty != "pending" and row.evidence_type != "pending", row.claim_id


# --- the renderings --------------------------------------------------------------------------

def test_records_split_lists_and_build_absolute_links(claims, meta):
    records = register.records(claims, meta)
    assert [r["claim_id"] for r in register.flat_records(records)] == list(claims["claim_id"])
    assert [r["claim_id"] for r in records] == list(register.whole_claims(claims)["claim_id"])
    first = records[0]
    root = meta.base_url.rstrip("/") + "/" if meta.published else ""  # relative while unpublished
    assert first["register_url"] == f"{root}chapters/register.html#claim-c01"
    assert first["evidence_url"].startswith(root + "chapters/")
    assert all(isinstance(r[c], list) for r in register.flat_records(records) for c in register.MULTI_VALUED)


def test_claim_reviews_leave_out_pending_and_rate_known_verdicts(claims, meta):
    post = register.post_metadata()
    reviewed = claims.copy()
    reviewed.loc[0, ["verdict", "rationale"]] = ["contradicted", "The paper appeared in a journal, not on a news site."]
    reviewed.loc[1, ["verdict", "rationale"]] = ["not assessable", "Too vague to test."]
    reviews = register.claim_reviews(reviewed, meta, post)
    by_claim = {r["claimReviewed"]: r for r in reviews}
    whole = register.whole_claims(reviewed)
    assert len(reviews) == int((whole["verdict"] != "pending").sum())
    assert by_claim[reviewed.loc[0, "claim"]]["reviewRating"]["ratingValue"] == 1
    assert "ratingValue" not in by_claim[reviewed.loc[1, "claim"]]["reviewRating"]
    assert by_claim[reviewed.loc[0, "claim"]]["itemReviewed"]["appearance"]["url"] == post["url"]
    assert all(r["datePublished"] == meta.date_released for r in reviews)


def test_jsonld_script_cannot_be_closed_by_its_content(claims, meta):
    post = dict(register.post_metadata(), headline="a </script><b>trick</b>")
    reviewed = claims.copy()
    reviewed.loc[0, ["verdict", "rationale"]] = ["contradicted", "x" * 30]
    script = register.jsonld_script(reviewed, meta, post)
    assert script.count("</script>") == 1
    body = script.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert json.loads(body)[0]["itemReviewed"]["appearance"]["headline"] == "a </script><b>trick</b>"


def test_html_table_escapes_text_and_anchors_every_claim(claims):
    tricky = claims.copy()
    tricky.loc[0, "claim"] = "Less <than> & more"
    table = register.html_table(tricky)
    assert "Less &lt;than&gt; &amp; more" in table
    for claim_id in claims["claim_id"]:
        assert f'id="{register.anchor(claim_id)}"' in table


# --- the built book ----------------------------------------------------------------------------

@pytest.mark.build
def test_every_claim_is_anchored_in_the_built_register(built_book, claims):
    ids = parse_html(built_book / "chapters" / "register.html").ids
    for claim_id in claims["claim_id"]:
        assert register.anchor(claim_id) in ids, claim_id


@pytest.mark.build
def test_reviewed_claims_link_to_an_existing_section(built_book, claims):
    for row in claims[claims["verdict"] != "pending"].itertuples():
        docname, target = register.evidence_docname(row.evidence_section)
        page = built_book / f"{docname}.html"
        assert page.is_file(), f"{row.claim_id}: {page.name} was not built"
        assert target in parse_html(page).ids, f"{row.claim_id}: no #{target} in {page.name}"


@pytest.mark.build
def test_published_json_matches_the_csv(built_book, claims, meta):
    published = json.loads((built_book / "claims.json").read_text(encoding="utf-8"))
    assert published["version"] == meta.version
    history = load("verdict_history")
    assert published["claims"] == json.loads(register.to_json(claims, meta, history))["claims"]
    as_frame = pd.DataFrame(register.flat_records(published["claims"]))
    for column in ("claim_id", "claim", "verdict", "certainty", "rationale"):
        assert as_frame[column].fillna("").tolist() == claims[column].fillna("").tolist(), column
    assert (built_book / "claims.csv").read_bytes() == (ROOT / "data" / "claims.csv").read_bytes()


@pytest.mark.build
def test_embedded_jsonld_matches_the_csv(built_book, claims, meta):
    blocks = parse_html(built_book / "chapters" / "register.html").jsonld
    assert len(blocks) == 1
    embedded = json.loads(blocks[0])
    expected = register.claim_reviews(claims, meta, register.post_metadata())
    assert embedded == expected
    whole = register.whole_claims(claims)
    reviewed = whole[whole["verdict"] != "pending"]
    assert [r["claimReviewed"] for r in embedded] == reviewed["claim"].tolist()
    assert [r["reviewRating"]["alternateName"] for r in embedded] == [
        rubric.claimreview_name(v, c) for v, c in zip(reviewed["verdict"], reviewed["certainty"])]


# --- the verdict history -----------------------------------------------------------------------

def test_shipped_history_agrees_with_the_register(claims):
    assert register.history_problems(claims, load("verdict_history")) == []


def test_a_verdict_changed_without_a_record_is_caught(claims):
    changed = claims.copy()
    changed.loc[2, ["verdict", "rationale"]] = ["contradicted", "x" * 30]
    problems = register.history_problems(changed, load("verdict_history"))
    assert [(p.file, p.row, p.column) for p in problems] == [("data/claims.csv", 3, "verdict")]
    with pytest.raises(Exception, match=r"data/claims.csv: row 3 \(line 4\), column 'verdict'"):
        register.check_history(changed, load("verdict_history"))


def test_a_broken_chain_of_changes_is_caught(claims):
    history = load("verdict_history")
    first_c01 = history.index[history["claim_id"] == "C01"][0]
    history.loc[first_c01, "old_verdict"] = "supported"
    problems = register.history_problems(claims, history)
    assert [(p.file, p.row, p.column) for p in problems] == [("data/verdict_history.csv", first_c01 + 1, "old_verdict")]


def test_last_change_appears_in_table_and_json(claims, meta):
    history = load("verdict_history")
    changes = register.last_changes(history)
    reviewed = claims[claims["verdict"] != "pending"]["claim_id"]
    assert all(changes[cid]["to"] != "pending" for cid in reviewed)
    table = register.html_table(claims, history)
    assert table.count("Last change ") == len(claims)
    record = register.records(claims, meta, history)[0]
    assert record["last_change"] == changes[record["claim_id"]]
    assert meta.version in record["cite_as"]
    assert record["cite_as"].endswith(record["register_url"] if meta.published else f"(version {meta.version}).")
