"""The neural signalling chapter's data and register rows hang together: sources exist in the
bibliography, press figures are labelled as press, every claim the chapter owns has its verdict
section, and the register's vocabulary survives YAML parsing."""

from __future__ import annotations

import re
from urllib.parse import urlparse
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
    return claims[claims["evidence_section"].str.startswith("neural_signalling#")]


def test_every_transcribed_number_names_a_source_in_the_bibliography(bib_keys):
    estimates = load("neural_estimates", ROOT / "data")
    missing = sorted(set(estimates["source_key"]) - bib_keys)
    assert not missing, f"source_key values without a references.bib entry: {missing}"


def test_press_and_blog_figures_are_labelled_as_such():
    estimates = load("neural_estimates", ROOT / "data")
    secondary = estimates[estimates["source_key"].isin(["bishop2018leg", "newstab2018leg"])]
    assert len(secondary) > 0
    assert set(secondary["design"]) <= {"press_release", "commentary"}
    assert set(secondary["source_tier"]) == {"secondary_report"}


# Hosts whose pages are the publisher's own or an index's copy; a tier must match where it was read.
PUBLISHER_HOSTS = ("nature.com", "cell.com", "frontiersin.org", "plos.org", "pnas.org", "jamanetwork.com")
INDEX_HOSTS = ("pubmed.ncbi.nlm.nih.gov", "pmc.ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov")


def test_source_tier_matches_the_address_read():
    estimates = load("neural_estimates", ROOT / "data")
    for _, row in estimates.iterrows():
        host = urlparse(row["url"]).hostname or ""
        on_index = any(host == h for h in INDEX_HOSTS)
        on_publisher = any(host == h or host.endswith("." + h) for h in PUBLISHER_HOSTS)
        if row["source_tier"] == "indexed_abstract":
            assert on_index, (row["estimate_id"], host)
        elif row["source_tier"] in ("publisher_abstract", "article"):
            assert on_publisher, (row["estimate_id"], host)
        else:  # mirror or secondary report: never an official page
            assert not (on_index or on_publisher), (row["estimate_id"], host)
        # A copy served from a bare IP address is flagged for the reader.
        if host.replace(".", "").isdigit():
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


# A discrepancy is only called one when both sides were read (GUIDE, non-negotiable 2).
NOT_READ = {"paper": "paper text not read", "press": "press text not read"}
NEEDS_SIDE = {"press_vs_paper": ("press", "paper"), "post_vs_paper": ("paper",), "post_vs_press": ("press",)}


def test_no_distortion_is_coded_against_a_side_that_was_not_read():
    chain = load("neural_source_chain", ROOT / "data")
    for _, row in chain.iterrows():
        for side in NEEDS_SIDE.get(row["discrepancy"], ()):
            cell = str(row[side]).lower()
            assert NOT_READ[side] not in cell and cell != "not applicable", (
                f"{row['row_id']}: coded {row['discrepancy']} but its {side} side says it was not read")


def test_the_unread_design_and_duration_rows_are_not_verifiable():
    chain = load("neural_source_chain", ROOT / "data").set_index("row_id")
    for row_id in ("c02-design", "c02-duration", "c02-effect"):
        assert NOT_READ["paper"] in chain.loc[row_id, "paper"]
        assert chain.loc[row_id, "discrepancy"] == "not_verifiable"


def test_lippert_2016_is_in_the_source_chain_of_c04_and_c05():
    chain = load("neural_source_chain", ROOT / "data")
    lippert = chain[chain["paper_locator"].str.contains("Lippert et al. 2016")]
    assert {"C04", "C05"} <= set(lippert["claim_id"])
