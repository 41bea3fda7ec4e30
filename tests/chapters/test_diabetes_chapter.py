"""The diabetes fitness chapter says what its numbers say: the true nonresponder share it prints is
the one the model computes, the review range covers every included estimate, the press release is
not accused of halving a trial figure, verdicts live only in the register, and the source chain and
sources hang together."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from pybtex.database import parse_file

from claimcheck import load
from claimcheck.cli.glue_changes import glued_values
from claimcheck.data.transcribed import Estimates
from claimcheck.stats.responders import fit_two_exceedances, observed_and_true_shares

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapters" / "diabetes_fitness.ipynb"
OWN = ["C15", "C16", "C17", "C18"]
SUBCLAIMS = ["C18a", "C18b", "C18c"]
VERDICT_WORDS = ["partly supported", "not supported by the cited evidence", "no evidence cited or found",
                 "contradicted", "not assessable", "verdict:"]


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(CHAPTER, as_version=4)


@pytest.fixture(scope="module")
def markdown(notebook):
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def glued(notebook):
    """Every value the stored notebook glued, as the text myst-nb pastes."""
    return {name: bundle.get("text/plain") for name, bundle in glued_values(notebook).items()}


@pytest.fixture(scope="module")
def parameters(notebook):
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    namespace: dict = {}
    exec(cells[0].source, namespace)  # plain assignments only
    return namespace


def _html_table(html: str) -> pd.DataFrame:
    """The rows of the first HTML table in ``html`` (header row first), without an HTML parser library."""
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)]
    return pd.DataFrame(rows[1:], columns=rows[0])


def _number(glued, name):
    return float(glued[name])


def test_glued_true_shares_are_what_the_model_computes(glued, parameters):
    est = Estimates("diabetes_estimates")
    cut = parameters["RESPONDER_CUT"]
    fit = fit_two_exceedances(0.0, est.value("pandey2015-any-vo2-gain") / 100, cut,
                              est.value("pandey2015-responders-share") / 100)
    true = {i: 100 * observed_and_true_shares(fit["mean"], fit["sd"], est.value(i), cut)["true_nonresponders"]
            for i in parameters["TYPICAL_ERROR_IDS"]}
    main = true[parameters["MAIN_TYPICAL_ERROR_ID"]]
    assert _number(glued, "diab_true_nonresp_main") == pytest.approx(main, abs=1e-6)
    assert _number(glued, "diab_true_nonresp_min") == pytest.approx(min(true.values()), abs=1e-6)
    assert _number(glued, "diab_true_nonresp_max") == pytest.approx(max(true.values()), abs=1e-6)
    observed = 100 - est.value("pandey2015-responders-share")
    assert _number(glued, "diab_obs_nonresp") == pytest.approx(observed, abs=1e-6)
    # What the chapter claims in words: the true share is never below the observed one.
    assert min(true.values()) >= observed


def test_table_prints_the_glued_true_shares(notebook, glued):
    tables = [o for c in notebook.cells for o in c.get("outputs", [])
              if "True nonresponders, modelled (%)" in str(o.get("data", {}).get("text/html", ""))]
    assert len(tables) == 1, "one table of observed against true shares"
    frame = _html_table(tables[0]["data"]["text/html"])
    printed = sorted(float(x) for x in frame["True nonresponders, modelled (%)"])
    assert printed[0] == round(_number(glued, "diab_true_nonresp_min"), 1)
    assert printed[-1] == round(_number(glued, "diab_true_nonresp_max"), 1)
    assert round(_number(glued, "diab_true_nonresp_main"), 1) in printed
    assert set(float(x) for x in frame["Observed nonresponders (%)"]) == {round(_number(glued, "diab_obs_nonresp"), 1)}


def test_prose_and_summary_print_the_true_share_through_glue(markdown, glued):
    summary = markdown.split("## Summary", 1)[1]
    for name in ("diab_true_nonresp_main", "diab_true_nonresp_min", "diab_true_nonresp_max", "diab_obs_nonresp"):
        assert f"`{name}" in summary, f"the summary does not print {name}"
    # The numbers themselves are never typed into the text.
    for name in ("diab_true_nonresp_main", "diab_obs_nonresp"):
        assert f"{_number(glued, name):.1f}" not in markdown


def test_no_claim_that_the_press_release_halves_a_trial_figure(notebook):
    text = "\n".join(c.source for c in notebook.cells).lower()
    for phrase in ("halve", "halving", "twice the release", "double the release"):
        assert phrase not in text, phrase
    chain = load("diabetes_source_chain", ROOT / "data").set_index("row_id")
    assert chain.at["c16-nonresponder-share", "discrepancy"] == "none"
    assert "background" in chain.at["c16-nonresponder-share", "press"]


def test_no_verdict_literals_and_no_helpers_in_the_notebook(notebook, markdown):
    source = "\n".join(c.source for c in notebook.cells)
    assert "VERDICTS" not in source
    for word in VERDICT_WORDS:
        assert word not in source.lower(), word
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*def ", cell.source, re.M), "helper defined in the notebook"
    assert "## Verdicts at a glance" in markdown
    boxes = [c for c in notebook.cells if c.cell_type == "code" and "verdict_boxes(" in c.source]
    assert len(boxes) == 1 and "remove-input" in boxes[0].metadata.get("tags", [])
    assert all(f'"{claim}"' in boxes[0].source for claim in OWN)


def test_each_claim_and_subclaim_label_sits_before_its_heading(markdown):
    for claim in OWN:
        assert re.search(rf"\(evidence-{claim.lower()}\)=\n### {claim}:", markdown), claim
    for claim in SUBCLAIMS:
        assert re.search(rf"\(evidence-{claim.lower()}\)=\n#### {claim}:", markdown), claim


def test_review_range_covers_every_included_estimate(glued, parameters):
    est = Estimates("diabetes_estimates")
    ids = parameters["INCLUDED_REVIEW_IDS"]
    assert {"pan2018-sup-aerobic-vs-none", "zhao2021-hba1c"} <= set(ids)
    values = [est.value(i) for i in ids]
    assert _number(glued, "diab_review_smallest_reduction") == max(values)
    assert _number(glued, "diab_review_largest_reduction") == min(values)
    # Every included row compares training with no exercise.
    for i in ids:
        assert " vs " not in est.row(i)["group"] or re.search(r"vs (control|none|no exercise)", est.row(i)["group"]), i


def test_source_chain_covers_exactly_the_chapter_claims():
    chain = load("diabetes_source_chain", ROOT / "data")
    assert set(chain["claim_id"]) == set(OWN)
    for row_id, claim_id in zip(chain["row_id"], chain["claim_id"]):
        assert row_id.startswith(claim_id.lower() + "-"), row_id


def test_sources_are_in_the_bibliography_and_new_rows_carry_provenance():
    keys = set(parse_file(str(ROOT / "references.bib")).entries.keys())
    estimates = load("diabetes_estimates", ROOT / "data")
    assert not sorted(set(estimates["source_key"]) - keys)
    added_sources = {"sigal2007effects", "lookahead2013cardiovascular", "kodama2009cardiorespiratory"}
    new = estimates[estimates["source_key"].isin(added_sources)]
    assert set(new["source_key"]) == added_sources  # every added source has rows
    assert new["doi"].notna().all() and new["url"].notna().all() and new["source_tier"].notna().all()


def test_unspecified_spread_is_not_stored_as_an_sd():
    row = Estimates("diabetes_estimates").row("pandey2015-n-analysed")
    assert pd.isna(row["sd"]) and "unspecified" in row["note"]
