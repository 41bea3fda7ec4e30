"""The neural signalling chapter's data and register rows hang together: sources exist in the
bibliography, press figures are labelled as press, every claim the chapter owns has its verdict
section, and the register's vocabulary survives YAML parsing."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pandas as pd
import pytest
from pybtex.database import parse_file

from claimcheck import load
from claimcheck.cli.glue_changes import glued_values
from claimcheck.data.package import read_descriptor

ROOT = Path(__file__).resolve().parents[2]
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


# --- the notebook: verdicts come from the register, code from the package, prose from the numbers ---

VERDICT_PHRASES = ("partly supported", "not supported by the cited evidence", "no evidence cited or found",
                   "not assessable", "(verdict:", "**verdict:**", "grade certainty:**")


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(CHAPTER, as_version=4)


@pytest.fixture(scope="module")
def glued(notebook):
    """Every value the stored notebook glued, by name (numbers as floats, tables as their text)."""
    values = {}
    for name, bundle in glued_values(notebook).items():
        text = bundle.get("text/plain", "")
        try:
            values[name] = float(text)
        except ValueError:
            values[name] = text
    return values


def test_no_verdict_literal_in_the_chapter(notebook):
    for cell in notebook.cells:
        lowered = cell.source.lower()
        for phrase in VERDICT_PHRASES:
            assert phrase not in lowered, f"verdict literal {phrase!r} in a {cell.cell_type} cell"
    boxes = [c for c in notebook.cells if c.cell_type == "code" and "verdict_boxes(" in c.source]
    assert len(boxes) == 1 and "remove-input" in boxes[0].metadata.get("tags", [])


def test_stored_verdict_boxes_show_the_registers_verdicts(notebook):
    """The stored output of the verdict-box cell shows every claim and part of the chapter, with the
    register's verdict and certainty (refresh the notebook when the register changes)."""
    claims = load("claims", ROOT / "data")
    cell = next(c for c in notebook.cells if c.cell_type == "code" and "verdict_boxes(" in c.source)
    page = "".join(o.get("data", {}).get("text/html", "") for o in cell.get("outputs", []))
    chapter = claims[claims["evidence_section"].str.startswith("neural_signalling#") & claims["parent"].isna()]
    shown = set(re.findall(r'data-verdict="([^"]+)" data-claim="([^"]+)" data-certainty="([^"]+)"', page))
    for row in claims[claims["claim_id"].isin(chapter["claim_id"]) | claims["parent"].isin(chapter["claim_id"])].itertuples():
        assert (row.verdict, row.claim_id, row.certainty) in shown, row.claim_id


def test_no_helper_functions_in_the_notebook(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class)\s", cell.source, re.M), cell.source[:80]


def test_one_parameters_cell_near_the_top(notebook):
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] < 5


def test_every_glue_reference_has_a_stored_value(notebook, glued):
    referenced = set()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            referenced |= set(re.findall(r"\{glue:text\}`([a-z0-9_]+)", cell.source))
            referenced |= set(re.findall(r"```\{glue\} ([a-z0-9_]+)", cell.source))
    missing = sorted(referenced - set(glued))
    assert not missing, f"glued names used in the text but not stored: {missing}"


def _sensitivity_from_data():
    from claimcheck.stats.covariates import sensitivity_table

    mtl = load("mtl", ROOT / "data")
    data = pd.DataFrame({"sitting": mtl["sitting"].astype(float), "age": mtl["age"].astype(float),
                         "met_k": mtl["met_minwk"].astype(float) / 1000, "sex": mtl["sex"].astype(str),
                         "educ": mtl["educ"].astype(float), "apoe": mtl["e4grp"].astype(str),
                         "total": mtl["total"].astype(float)})
    sets = {"age": ["age"], "sex": ["age", "C(sex)"], "activity": ["age", "C(sex)", "met_k"],
            "education": ["age", "C(sex)", "met_k", "educ"], "apoe": ["age", "C(sex)", "met_k", "educ", "C(apoe)"]}
    return sensitivity_table(data, "total", "sitting", sets, cov_type="HC3", use_t=True)


def test_glued_sensitivity_numbers_equal_what_the_package_computes(glued):
    table = _sensitivity_from_data()
    for i, row in table.iterrows():
        assert glued[f"neural_sens{i}_b"] == pytest.approx(row["estimate"], abs=1e-5)
        assert glued[f"neural_sens{i}_lo"] == pytest.approx(row["ci_low"], abs=1e-5)
        assert glued[f"neural_sens{i}_hi"] == pytest.approx(row["ci_high"], abs=1e-5)
        assert glued[f"neural_sens{i}_p"] == pytest.approx(row["p"], abs=1e-5)


def test_sensitivity_prose_follows_the_numbers(notebook, glued):
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    excludes_zero = [glued[f"neural_sens{i}_hi"] < 0 for i in range(5)]
    # The text says the association holds through activity and is lost with education.
    assert excludes_zero[:3] == [True, True, True]
    assert excludes_zero[3] is False
    assert "does not survive adjustment for\neducation" in text or "does not survive adjustment for education" in text
    # "here the classical figure is the more cautious one"
    assert glued["neural_sens0_pc"] > glued["neural_sens0_p"]
    # "one as strong as that of sitting, in either direction, fits them"
    assert glued["neural_act_lo_sd"] < -abs(glued["neural_sit_per_sd"])
    assert glued["neural_act_hi_sd"] > abs(glued["neural_sit_per_sd"])
    # The observed-power sentence is gone; design power is at assumed effects only.
    assert "neural_power_at_r" not in glued
