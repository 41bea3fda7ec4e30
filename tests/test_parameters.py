"""Declared assumptions: reading a notebook's `parameters` cell and checking new values."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from claimcheck import parameters as declared
from claimcheck.parameters import ParameterError, coerce, declaration_problems, parse_cell
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


def test_comment_keys_and_ranges():
    parts = declared.split_comment("Cut-off for a responder. unit: kg; SOURCE: our choice; range: 0..")
    assert parts == {"meaning": "Cut-off for a responder", "unit": "kg", "source": "our choice", "range": "0.."}
    assert declared.parse_range("-1.5..2e1") == (-1.5, 20.0)
    assert declared.parse_range("..5") == (None, 5.0)
    for bad in ("1-5", "5..1", "..", "a..b"):
        with pytest.raises(ParameterError):
            declared.parse_range(bad)


@pytest.mark.parametrize("source, message", [
    ("import numpy as np\nx = 1  # m; unit: none; source: s; range: 0..2", "only `name = value`"),
    ("x = 1 / 3  # m; unit: none; source: s; range: 0..1", "literal value"),
    ("x = 1  # a\nx = 2  # b", "declared twice"),
    ("x = 5  # m; unit: none; source: s; range: 0..2", "breaks its own declaration"),
    ("x = 1  # m; range: 1 to 5", "LOW..HIGH"),
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
