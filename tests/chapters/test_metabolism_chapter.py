"""The oxygen-and-metabolism and other-claims chapters: their data, their labels and the numbers
their prose prints hang together (recomputed here from the data, never copied from outputs)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from pybtex.database import parse_file

from claimcheck import load
from claimcheck.cli.glue_changes import glued_values
from claimcheck.stats.power import min_detectable_hazard_ratio

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = {"metabolism": ROOT / "chapters" / "oxygen_metabolism.ipynb", "other": ROOT / "chapters" / "other_claims.ipynb"}
# Sub-claims the chapters carry (issue 16); each needs its evidence label right above its heading.
SECTIONS = {
    "metabolism": ["C08", "C09", "C10", "C11", "C11a", "C11b", "C11c", "C12", "C12a", "C12b", "C13", "C14", "C14a", "C14b", "C22", "C23"],
    "other": ["C19", "C20", "C21", "C21a", "C21b", "C21c"],
}
VERDICT_WORDS = ["partly supported", "not supported by the cited evidence", "no evidence cited or found",
                 "not assessable", "contradicted", "verdict: "]


def notebook(name):
    data = json.loads(CHAPTERS[name].read_text(encoding="utf-8"))
    for cell in data["cells"]:
        if not isinstance(cell["source"], str):
            cell["source"] = "".join(cell["source"])
    return data


def glued(name):
    """Plain-text glue records stored in a notebook: {name: value as text}."""
    return {record: bundle["text/plain"] for record, bundle in glued_values(notebook(name)).items()
            if "text/plain" in bundle}


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_no_verdict_literal_and_no_helper_definitions(name):
    for cell in notebook(name)["cells"]:
        text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        lowered = text.lower()
        for words in VERDICT_WORDS:
            assert words not in lowered, f"{name}: verdict wording {words!r} in a cell"
        if cell["cell_type"] == "code":
            assert not re.search(r"^def |^class ", text, re.M), f"{name}: helper defined in the notebook"


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_every_section_label_sits_above_its_heading(name):
    text = "\n".join(c["source"] for c in notebook(name)["cells"] if c["cell_type"] == "markdown")
    assert "## Verdicts at a glance" in text
    boxes = [c for c in notebook(name)["cells"] if c["cell_type"] == "code" and "verdict_boxes(" in c["source"]]
    assert len(boxes) == 1 and "remove-input" in boxes[0]["metadata"].get("tags", [])
    assert all(f'"{claim}"' in boxes[0]["source"] for claim in SECTIONS[name] if claim[-1].isdigit())
    for claim in SECTIONS[name]:
        assert re.search(re.escape(f"(evidence-{claim.lower()})=") + r"\n### " + claim + ":", text), claim


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_plumbing_cells_are_hidden(name):
    shown_markers = ("smf.phreg", "min_detectable_hazard_ratio(", "se_from_p(")  # model fits and assumptions
    for cell in notebook(name)["cells"]:
        if cell["cell_type"] != "code":
            continue
        tags = set(cell["metadata"].get("tags", []))
        if tags & {"hide-input", "remove-input", "parameters", "remove-cell"}:
            continue
        assert any(marker in cell["source"] for marker in shown_markers), f"{name}: shown cell without a model:\n{cell['source'][:200]}"


def test_transcribed_rows_name_sources_in_the_bibliography():
    keys = set(parse_file(str(ROOT / "references.bib")).entries.keys())
    for resource in ("metabolism_estimates", "other_estimates"):
        missing = sorted(set(load(resource, ROOT / "data")["source_key"]) - keys)
        assert not missing, f"{resource}: {missing}"


def test_press_numbers_do_not_carry_the_papers_doi():
    estimates = load("metabolism_estimates", ROOT / "data")
    press = estimates[estimates["design"] == "press_release"]
    assert not press.empty
    assert press["doi"].isna().all()
    assert (press["source_tier"] == "secondary_report").all()


def test_no_p_value_is_stored_as_an_estimate():
    for resource in ("metabolism_estimates", "other_estimates"):
        estimates = load(resource, ROOT / "data")
        assert not estimates["unit"].str.contains("p-value", case=False).any(), resource
    west = load("other_estimates", ROOT / "data").set_index("estimate_id")
    # The derived difference equals the two printed arm means and carries the printed p separately.
    assert west.loc["west2010-csa-difference", "estimate"] == pytest.approx(
        west.loc["west2010-csa-high-hormone", "estimate"] - west.loc["west2010-csa-low-hormone", "estimate"])
    assert west.loc["west2010-csa-difference", "p_reported"] == "0.25"


@pytest.fixture(scope="module")
def nhefs():
    df = load("nhefs", ROOT / "data")
    df = df.astype({c: "float64" for c in ["wt82_71", "wt71", "age", "smokeintensity", "smokeyrs"]})
    for column in ["exercise", "active", "sex", "race", "education", "death", "qsmk"]:
        df[column] = df[column].astype("int64")
    return df


def test_nhefs_reproduces_the_printed_descriptive_numbers(nhefs):
    printed = load("metabolism_estimates", ROOT / "data").set_index("estimate_id")["estimate"]
    weighed = nhefs[nhefs["wt82_71"].notna()]
    assert len(nhefs) == printed["hernan2020-nhefs-n-total"]
    assert len(weighed) == printed["hernan2020-nhefs-n-weighed"]
    assert round(weighed["wt82_71"].mean(), 1) == printed["hernan2020-nhefs-mean-weight-gain"]
    difference = weighed.loc[weighed.qsmk == 1, "wt82_71"].mean() - weighed.loc[weighed.qsmk == 0, "wt82_71"].mean()
    assert round(difference, 1) == printed["hernan2020-nhefs-assoc-difference"]


def test_nhefs_deaths_and_detectable_hazard_ratios_match_the_prose(nhefs):
    values = glued("metabolism")
    assert int(nhefs["death"].sum()) == 318 == int(values["om_deaths"])
    pair = nhefs[nhefs["active"].isin([0, 2])]
    expected = min_detectable_hazard_ratio(int(pair["death"].sum()), float((pair["active"] == 2).mean()), 0.8, 0.05)
    assert float(values["om_mdhr_act"]) == pytest.approx(expected, abs=1e-4)
    assert float(values["om_mdhr_best"]) == pytest.approx(min_detectable_hazard_ratio(318, 0.5), abs=1e-4)
    # The observed hazard ratio for the inactive is below what the comparison could detect.
    assert float(values["om_hr_act_base"]) < float(values["om_mdhr_act"])


def test_nhefs_adjusted_hazard_ratio_recomputes(nhefs):
    df = nhefs.copy()
    baseline, end = pd.Timestamp("1971-01-01"), pd.Timestamp("1992-12-31")
    death_date = pd.to_datetime({"year": 1900 + df["yrdth"].fillna(92).astype(int), "month": df["modth"].fillna(12).astype(int),
                                 "day": df["dadth"].fillna(31).astype(int)})
    df["years"] = np.where(df["death"] == 1, (death_date - baseline).dt.days, (end - baseline).days) / 365.25
    # Unscaled covariates: the hazard ratio for activity does not depend on how age or weight are scaled.
    formula = "years ~ C(active) + age + I(age**2) + C(sex) + C(race) + C(education) + smokeintensity + smokeyrs + wt71"
    fit = smf.phreg(formula, df, status=df["death"].to_numpy()).fit()
    names = list(fit.model.exog_names)
    hr = float(np.exp(fit.params[names.index("C(active)[T.2]")]))
    assert float(glued("metabolism")["om_hr_act_base"]) == pytest.approx(hr, abs=1e-3)
