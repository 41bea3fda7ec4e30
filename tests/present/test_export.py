"""The register for machines: claims.json validates against its schema and pairs each DOI with its
source; the ClaimReview data carries what aggregators require and cannot be broken by its text."""

from __future__ import annotations

import json
import re

import jsonschema
from pybtex.database import parse_file

from claimcheck import load, vocab
from claimcheck.data import register as register_data
from claimcheck.present import export, register
from conftest import ROOT


def rows(claims):
    return claims.to_dict(orient="records")

def test_records_split_lists_and_build_absolute_links(claims, meta):
    records = export.records(claims, meta)
    assert [r["claim_id"] for r in export.flat_records(records)] == list(claims["claim_id"])
    assert [r["claim_id"] for r in records] == list(register_data.whole_claims(claims)["claim_id"])
    first = records[0]
    root = meta.base_url.rstrip("/") + "/" if meta.published else ""  # relative while unpublished
    assert first["register_url"] == f"{root}chapters/register.html#claim-c01"
    assert first["evidence_url"].startswith(root + "chapters/")
    assert all(isinstance(r[c], list) for r in export.flat_records(records) for c in register_data.MULTI_VALUED)


def test_claim_reviews_leave_out_pending_and_rate_known_verdicts(claims, meta):
    post = register_data.post_metadata()
    reviewed = claims.copy()
    reviewed.loc[0, ["verdict", "rationale"]] = ["contradicted", "The paper appeared in a journal, not on a news site."]
    reviewed.loc[1, ["verdict", "rationale"]] = ["not assessable", "Too vague to test."]
    reviews = export.claim_reviews(reviewed, meta, post)
    by_claim = {r["claimReviewed"]: r for r in reviews}
    whole = register_data.whole_claims(reviewed)
    assert len(reviews) == int((whole["verdict"] != "pending").sum())
    assert by_claim[reviewed.loc[0, "claim"]]["reviewRating"]["ratingValue"] == 1
    assert "ratingValue" not in by_claim[reviewed.loc[1, "claim"]]["reviewRating"]
    assert by_claim[reviewed.loc[0, "claim"]]["itemReviewed"]["appearance"]["url"] == post["url"]
    assert all(r["datePublished"] == meta.date_released for r in reviews)


def test_jsonld_script_cannot_be_closed_by_its_content(claims, meta):
    post = dict(register_data.post_metadata(), headline="a </script><b>trick</b>")
    reviewed = claims.copy()
    reviewed.loc[0, ["verdict", "rationale"]] = ["contradicted", "x" * 30]
    script = export.jsonld_script(reviewed, meta, post)
    assert script.count("</script>") == 1
    body = script.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert json.loads(body)[0]["itemReviewed"]["appearance"]["headline"] == "a </script><b>trick</b>"


def test_each_doi_is_paired_with_its_source(claims, meta):
    bib = parse_file(str(ROOT / "references.bib")).entries
    for record in export.flat_records(export.records(claims, meta)):
        assert [s["key"] for s in record["sources"]] == record["primary_sources"]
        for source in record["sources"]:
            assert source["doi"] == (bib[source["key"]].fields.get("doi") or None), source["key"]
            assert source["citation"] and source["citation"].endswith("."), source["key"]
        assert [s["doi"] for s in record["sources"] if s["doi"]] == record["primary_dois"], record["claim_id"]


def test_claims_json_validates_against_its_schema(claims, meta):
    schema = export.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(export.to_json(claims, meta, load("verdict_history")))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["version"] == meta.version and document["licence"]["name"] == "CC-BY-4.0"
    assert sum(len(c["parts"]) for c in document["claims"]) == int(claims["parent"].notna().sum())
    assert all(not p.get("parts") for c in document["claims"] for p in c["parts"])


def test_the_schema_rejects_a_broken_document(claims, meta):
    schema = export.json_schema()
    document = json.loads(export.to_json(claims, meta, load("verdict_history")))
    document["claims"][0]["verdict"] = "mostly true"
    del document["licence"]
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert len(errors) == 2


def test_claimreviews_carry_what_aggregators_require(claims, meta):
    reviews = export.claim_reviews(claims, meta, register_data.post_metadata())
    assert len(reviews) == len(register_data.whole_claims(claims))
    for review in reviews:
        assert review["@type"] == "ClaimReview" and review["claimReviewed"]
        # Absolute once the book has an address (html.baseurl); until then no fake domain is used.
        prefix = "https://" if meta.published else "chapters/register.html"
        assert review["url"].startswith(prefix) and "#claim-c" in review["url"]
        assert review["author"] and all(a["name"] for a in review["author"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])
        item = review["itemReviewed"]
        assert item["author"]["name"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["datePublished"])
        rating = review["reviewRating"]
        assert rating["alternateName"]
        if "ratingValue" in rating:
            assert rating["bestRating"] == 5 and rating["worstRating"] == 1
            assert 1 <= rating["ratingValue"] <= 5


def test_partly_supported_at_low_certainty_does_not_read_as_mostly_true(claims, meta):
    reviews = {r["url"].rsplit("#", 1)[1]: r for r in export.claim_reviews(claims, meta, register_data.post_metadata())}
    for row in rows(register_data.whole_claims(claims)):
        rating = reviews[register_data.anchor(row["claim_id"])]["reviewRating"]
        assert rating["alternateName"].startswith(vocab.VERDICTS[row["verdict"]].label)
        if row["certainty"] in vocab.CERTAINTY_LEVELS:
            assert row["certainty"] in rating["alternateName"]
        if row["verdict"] == "partly supported" and row["certainty"] in ("low", "very low"):
            assert rating["ratingValue"] <= 2, row["claim_id"]


def test_last_change_appears_in_table_and_json(claims, meta):
    history = load("verdict_history")
    changes = register_data.last_changes(history)
    reviewed = claims[claims["verdict"] != "pending"]["claim_id"]
    assert all(changes[cid]["to"] != "pending" for cid in reviewed)
    table = register.html_table(claims, history)
    assert table.count("Last change ") == len(claims)
    record = export.records(claims, meta, history)[0]
    assert record["last_change"] == changes[record["claim_id"]]
    assert meta.version in record["cite_as"]
    assert record["cite_as"].endswith(record["register_url"] if meta.published else f"(version {meta.version}).")
