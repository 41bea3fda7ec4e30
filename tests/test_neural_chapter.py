"""The neural signalling chapter's data and register rows hang together: sources exist in the
bibliography, press figures are labelled as press, every claim the chapter owns has its verdict
section, and the register's vocabulary survives YAML parsing."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from pybtex.database import parse_file

from claimcheck import load
from claimcheck.datapackage import read_descriptor

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "neural_signalling.ipynb"


@pytest.fixture(scope="module")
def bib_keys():
    return set(parse_file(str(ROOT / "references.bib")).entries.keys())


@pytest.fixture(scope="module")
def own_claims():
    claims = load("claims", ROOT / "data")
    whole = claims["parent"].isna()  # parts of a claim share its evidence section
    return claims[whole & claims["evidence_section"].str.startswith("neural_signalling#")]


def test_every_transcribed_number_names_a_source_in_the_bibliography(bib_keys):
    estimates = load("neural_estimates", ROOT / "data")
    missing = sorted(set(estimates["source_key"]) - bib_keys)
    assert not missing, f"source_key values without a references.bib entry: {missing}"


def test_press_and_blog_figures_are_labelled_as_such():
    estimates = load("neural_estimates", ROOT / "data")
    secondary = estimates[estimates["source_key"].isin(["bishop2018leg", "newstab2018leg"])]
    assert len(secondary) > 0
    assert set(secondary["design"]) <= {"press_release", "commentary"}
    # A number read on a third-party copy of a paper must say so in its note.
    copies = estimates[~estimates["url"].str.contains("frontiersin|plos|pubmed|osti|doi.org|elsevierpure|"
                                                      "aquafitness|ouci|coek|thehindu|newstab")]
    for _, row in copies.iterrows():
        assert "LOW CONFIDENCE" in row["note"], row["estimate_id"]


def test_source_chain_covers_exactly_the_chapter_claims(own_claims):
    chain = load("neural_source_chain", ROOT / "data")
    assert set(chain["claim_id"]) == set(own_claims["claim_id"])
    for row_id, claim_id in zip(chain["row_id"], chain["claim_id"]):
        assert row_id.startswith(claim_id.lower() + "-"), row_id


def test_decided_claims_cite_known_sources(own_claims, bib_keys):
    for _, row in own_claims.iterrows():
        if row["verdict"] == "pending":
            continue
        for key in str(row["primary_sources"]).split("; "):
            assert key in bib_keys, f"{row['claim_id']}: {key} not in references.bib"


def test_each_claim_label_sits_directly_before_its_verdict_heading(own_claims):
    notebook = nbformat.read(CHAPTER, as_version=4)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for claim_id in own_claims["claim_id"]:
        label = f"(evidence-{claim_id.lower()})="
        assert re.search(re.escape(label) + r"\n### " + claim_id + ":", text), f"no verdict heading under {label}"


def test_citation_accuracy_vocabulary_is_strings_not_yaml_booleans():
    descriptor = read_descriptor(ROOT / "data")
    claims = next(r for r in descriptor["resources"] if r["name"] == "claims")
    field = next(f for f in claims["schema"]["fields"] if f["name"] == "citation_accuracy")
    assert {"yes", "no"} <= set(field["constraints"]["enum"])
