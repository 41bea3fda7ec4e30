"""Declared assumptions: reading a notebook's `parameters` cell and checking new values."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from claimcheck.data import parameters as declared
from claimcheck.data.parameter_values import coerce
from claimcheck.data.parameters import ParameterError, declaration_problems, parse_cell
from conftest import ROOT

CELL = """\
# Typical error of one HbA1c measurement; unit: % points;
# source: Pandey et al. 2015, Table 2: the reported value
typical_error = 0.3  # range: 0.05..1.0
cutoff = 10  # Responder cut-off; unit: mmHg; source: our choice (a round clinical value); values: 5, 10, 15

group_sizes = [3, 4, 6]  # Animals per group; unit: animals; source: our choice, common designs; range: 2..20
covariates = ["age", "sex"]  # Adjustment set; source: Siddarth et al. 2018, Methods; values: age, sex, activity
strict = False  # Use the strict definition; source: our choice
label = "hash # inside text"  # A name with a hash in it; source: our choice; values: hash # inside text, other
"""


def test_each_assignment_is_read_with_value_type_comment_and_allowed_values():
    found = {p.name: p for p in parse_cell(CELL)}
    assert list(found) == ["typical_error", "cutoff", "group_sizes", "covariates", "strict", "label"]
    error = found["typical_error"]
    assert (error.value, error.type, error.minimum, error.maximum) == (0.3, "float", 0.05, 1.0)
    assert error.meaning == "Typical error of one HbA1c measurement"
    assert error.unit == "% points"
    # A colon inside a value's text does not start a new part.
    assert error.source == "Pandey et al. 2015, Table 2: the reported value"
    assert found["cutoff"].values == (5, 10, 15) and found["cutoff"].type == "int"
    assert found["group_sizes"].type == "list[int]" and found["group_sizes"].allowed == "2 to 20"
    assert found["covariates"].values == ("age", "sex", "activity")
    assert found["strict"].allowed == "one of: True, False"
    assert found["label"].value == "hash # inside text"
    assert found["label"].meaning == "A name with a hash in it"


@pytest.mark.parametrize("source, message", [
    ("import numpy as np\nx = 1  # m; unit: none; source: s; range: 0..2", "only `name = value`"),
    ("x = 1 / 3  # m; unit: none; source: s; range: 0..1", "must be a literal"),
    ("x = y = 1  # m", "only `name = value`"),
    ("x = 1  # a\nx = 2  # b", "declared twice"),
    ("x = 5  # m; unit: none; source: s; range: 0..2", "breaks its own declaration"),
    ("x = 1  # m; range: 5..1", "lower bound above"),
    ("x = (", "not valid Python"),
])
def test_a_cell_that_cannot_be_a_declaration_is_refused(source, message):
    with pytest.raises(ParameterError, match=message):
        parse_cell(source)


def test_missing_parts_of_a_declaration_are_listed():
    problems = declaration_problems(parse_cell("threshold = 2.5\nflag = True  # Whether to adjust; source: our choice"))
    assert any("threshold" in p and "means" in p for p in problems)
    assert any("threshold" in p and "unit" in p for p in problems)
    assert any("threshold" in p and "source" in p for p in problems)
    assert any("threshold" in p and "range" in p for p in problems)
    assert not any(p.startswith("flag") for p in problems)
    assert declaration_problems(parse_cell(CELL)) == []


def test_new_values_are_typed_and_checked():
    found = {p.name: p for p in parse_cell(CELL)}
    assert coerce(found["typical_error"], "0.5") == 0.5
    assert coerce(found["typical_error"], "1") == 1.0 and isinstance(coerce(found["typical_error"], "1"), float)
    assert coerce(found["cutoff"], "15") == 15
    assert coerce(found["group_sizes"], "3,5") == [3, 5] == coerce(found["group_sizes"], "[3, 5]")
    assert coerce(found["covariates"], "age,activity") == ["age", "activity"]
    assert coerce(found["strict"], "true") is True and coerce(found["strict"], "no") is False
    with pytest.raises(ParameterError, match=r"typical_error = 2\.9 is out of range \(0\.05 to 1 % points\)"):
        coerce(found["typical_error"], "2.9")
    with pytest.raises(ParameterError, match="takes a number"):
        coerce(found["typical_error"], "high")
    with pytest.raises(ParameterError, match="whole number"):
        coerce(found["cutoff"], "7.5")
    with pytest.raises(ParameterError, match=r"cutoff = 7 is not allowed \(one of: 5, 10, 15\)"):
        coerce(found["cutoff"], "7")
    with pytest.raises(ParameterError, match="group_sizes = 40 is out of range"):
        coerce(found["group_sizes"], "3,40")
    with pytest.raises(ParameterError, match="whole number"):
        coerce(found["group_sizes"], "3,4.5")
    with pytest.raises(ParameterError, match="bmi"):
        coerce(found["covariates"], "age,bmi")
    with pytest.raises(ParameterError, match="True or False"):
        coerce(found["strict"], "maybe")


def notebook_with(tmp_path: Path, *sources: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(s, metadata={"tags": ["parameters"]}) for s in sources]
    notebook.cells.append(nbformat.v4.new_code_cell("y = 2"))
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    return path


def test_reading_a_notebook(tmp_path):
    assert [p.name for p in declared.read(notebook_with(tmp_path, CELL))][:2] == ["typical_error", "cutoff"]
    assert declared.read(notebook_with(tmp_path)) == []
    with pytest.raises(ParameterError, match="keep one"):
        declared.read(notebook_with(tmp_path, "a = 1", "b = 2"))
    with pytest.raises(ParameterError, match=r"chapter\.ipynb, cell 0 \(parameters\): line 1"):
        declared.read(notebook_with(tmp_path, "import os"))


PARAMETERISED = [p for p in sorted((ROOT / "chapters").glob("*.ipynb")) if declared.read(p)]


@pytest.mark.parametrize("notebook", PARAMETERISED + [ROOT / "tests" / "fixtures" / "rerun_demo.ipynb"],
                         ids=lambda p: p.stem)
def test_every_declared_assumption_says_what_it_means_its_unit_source_and_allowed_values(notebook):
    found = declared.read(notebook)
    assert found, f"{notebook.name} has an empty parameters cell"
    assert declaration_problems(found) == []


def test_common_free_text_forms_of_allowed_values_are_understood():
    """Forms chapter authors write without the documented keys still give a checked range."""
    cell = """\
ALPHA = 0.05  # two-sided significance level (convention); allowed 0.001 to 0.10
TARGET_POWER = 0.80  # power for detectable effects (Cohen's convention); 0.5 to 0.99
POWER = 0.8  # power for the smallest detectable hazard ratio; convention (Schoenfeld 1983), range 0.5-0.99
# Responder cut-off. Unit: % of baseline. Source: Pandey et al. 2015, abstract. Allowed: > 0
RESPONDER_CUT = 5.0
# Cohen's small, medium and large (our choice); each strictly between 0 and 1.
ASSUMED_R = [0.1, 0.3, 0.5]
N_MOST_INFLUENTIAL = 3  # participants dropped in the influence check; our choice; 1 to 5
# Simulation seeds. Our choice; any positive integers.
SEED_A, SEED_B = 20150617, 20150618
BASELINE = "1971-01-01"  # assumed start of follow-up; our choice, any date before 1983
SETS = {"age": ["age"], "age, sex": ["age", "C(sex)"]}  # covariate ladder; our choice
"""
    found = {p.name: p for p in parse_cell(cell)}
    assert (found["ALPHA"].minimum, found["ALPHA"].maximum) == (0.001, 0.10)
    assert (found["TARGET_POWER"].minimum, found["TARGET_POWER"].maximum) == (0.5, 0.99)
    assert (found["POWER"].minimum, found["POWER"].maximum) == (0.5, 0.99)
    assert found["POWER"].source.startswith("convention (Schoenfeld 1983")
    cut = found["RESPONDER_CUT"]
    assert (cut.unit, cut.source, cut.minimum, cut.exclusive_minimum) == ("% of baseline", "Pandey et al. 2015, abstract", 0.0, True)
    assert cut.allowed == "more than 0"
    with pytest.raises(ParameterError, match="RESPONDER_CUT = 0 is out of range"):
        coerce(cut, "0")
    assert found["ASSUMED_R"].allowed == "more than 0 and less than 1"
    with pytest.raises(ParameterError, match="out of range"):
        coerce(found["ASSUMED_R"], "0.1,1")
    assert (found["N_MOST_INFLUENTIAL"].minimum, found["N_MOST_INFLUENTIAL"].maximum) == (1, 5)
    assert found["SEED_A"].value == 20150617 and found["SEED_B"].value == 20150618
    assert found["SEED_B"].allowed == "more than 0"
    assert found["BASELINE"].minimum is None and found["BASELINE"].value == "1971-01-01"
    assert found["SETS"].type == "any" and coerce(found["SETS"], '{"age": ["age"]}') == {"age": ["age"]}
    # What is still missing is reported, not guessed: ALPHA names no unit; BASELINE and SETS give
    # no machine-readable allowed values.
    problems = declaration_problems(list(found.values()))
    assert any(p.startswith("ALPHA") and "unit" in p for p in problems)
    assert any(p.startswith("BASELINE") and "allowed values" in p for p in problems)
    assert not any(p.startswith("RESPONDER_CUT") for p in problems)


def test_text_and_lists_of_text_may_state_their_allowed_values_in_words():
    found = parse_cell('IDS = ["a", "b"]  # Rows pooled; source: our choice, the inclusion rule; '
                       'allowed: any estimate_id of data/diabetes_estimates.csv\n'
                       'CUT = 2.0  # A cut-off; unit: kg; source: our choice; allowed: whatever seems right\n')
    assert found[0].allowed == "any estimate_id of data/diabetes_estimates.csv"
    problems = declaration_problems(found)
    assert problems == ["CUT (line 2) gives no machine-readable allowed values (`range: LOW..HIGH` or "
                        "`values: a, b`); found only 'whatever seems right'"]
