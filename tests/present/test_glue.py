"""The glue helper stores numbers that compare equal on any machine, and nbval (with the
project's sanitize file) still fails on a real change."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from claimcheck.present.glue import GLUE_SIGNIFICANT_DIGITS, portable
from conftest import BACKGROUND_NICENESS, ROOT, early_result, session_env

SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def test_portable_keeps_ten_significant_digits():
    assert GLUE_SIGNIFICANT_DIGITS == 10
    assert portable(1.1537608932807262) == portable(1.1537608932807266) == 1.153760893
    assert portable(-0.000123456789012345) == -0.0001234567890
    assert portable(123456789.98765) == 123456790.0
    assert portable(np.float64(2.5)) == 2.5 and type(portable(np.float64(2.5))) is float


def test_portable_leaves_other_values_alone():
    assert portable(np.int64(12)) == 12 and type(portable(np.int64(12))) is int
    assert portable("text") == "text"
    assert portable(0.0) == 0.0
    assert math.isnan(portable(float("nan")))
    assert portable(float("-inf")) == float("-inf")


def test_portable_keeps_a_change_in_the_sixth_digit():
    assert portable(1.23456) != portable(1.23457)
    assert portable(0.000123456) != portable(0.000123457)


def test_sanitize_file_cuts_only_float_tails():
    patterns = re.findall(r"^regex: (.*)$\n^replace: (.*)$", SANITIZE.read_text(), flags=re.MULTILINE)

    def sanitize(text: str) -> str:
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    assert sanitize("1.1537608932807262") == sanitize("1.1537608932807266")
    assert sanitize("<td>-0.000011173088406952056</td>") == sanitize("<td>-0.000011173088406952059</td>")
    assert sanitize("1.153760893") == "1.153760893"  # a glued value (10 digits) is left as it is
    assert sanitize("1.1537608932807262") != sanitize("1.1537708932807262")
    assert sanitize("12345678901234") == "12345678901234"  # integers are exact
    assert sanitize("T_3f9a1") == "T_STYLER"


# --- nbval end to end: a tiny notebook, stored outputs, tampered copies -----------------------

GLUED = 1.2345678901234567 * 3  # 3.703703670370370...: more digits than glue keeps
CELLS = [
    "from claimcheck.present.glue import glue",
    f"value = glue('value', {GLUED!r})",
    f"unrounded = {GLUED!r} * 1.0000000000000002\nunrounded",  # a bare float: long tail in text/plain
]


def _stored_notebook(folder):
    from claimcheck.cli.outputs import execute

    notebook = new_notebook(
        cells=[new_code_cell(source) for source in CELLS],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    path = folder / "stored.ipynb"
    nbformat.write(notebook, path)
    execute(path)
    return nbformat.read(path, as_version=4)


def _tampered(notebook, cell: int, mime: str, change):
    copy = nbformat.from_dict(notebook)
    for output in copy.cells[cell].outputs:
        if mime in output.get("data", {}):
            before = output["data"][mime]
            output["data"][mime] = change(before)
            assert output["data"][mime] != before
            return copy
    raise AssertionError(f"no {mime} output in cell {cell}")


def _digit_changed(text: str, significant: int) -> str:
    """``text`` (a decimal number) with its ``significant``-th significant digit changed."""
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    first = next(i for i in positions if text[i] != "0")
    position = positions[positions.index(first) + significant - 1]
    digit = str((int(text[position]) + 1) % 10)
    return text[:position] + digit + text[position + 1:]


def start_early(folder) -> dict:
    """Run nbval (in a subprocess, at low priority) over the stored notebook and two tampered
    copies; return per case the number of cells run and failed. conftest starts this as soon as
    the tests are collected."""
    stored = _stored_notebook(folder)
    glued_mime = "application/papermill.record/text/plain"
    cases = {
        "untouched": stored,
        # another machine's last digits in a bare float's repr: the sanitize file absorbs them
        "last_digit": _tampered(stored, 2, "text/plain", lambda t: _digit_changed(t, 16)),
        # a real change: the glued value moves in its 6th significant digit
        "sixth_digit": _tampered(stored, 1, glued_mime, lambda t: _digit_changed(t, 6)),
    }
    for name, notebook in cases.items():
        nbformat.write(notebook, folder / f"{name}.ipynb")
    report = folder / "report.xml"
    nice = ["nice", "-n", str(BACKGROUND_NICENESS)] if shutil.which("nice") else []
    subprocess.run(
        [*nice, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder),
         "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE),
         f"--junitxml={report}", *(f"{name}.ipynb" for name in cases)],
        cwd=folder, env=session_env(), capture_output=True, text=True, timeout=600,
    )
    ran = {name: 0 for name in cases}
    failed = {name: 0 for name in cases}
    for case in ET.parse(report).iter("testcase"):
        name = next(n for n in cases if n in (case.get("classname", "") + case.get("name", "")))
        ran[name] += 1
        failed[name] += any(child.tag in ("failure", "error") for child in case)
    glued = stored.cells[1].outputs[0]["data"][glued_mime]
    return {"ran": ran, "failed": failed, "glued": glued}


START_EARLY = {"nbval_runs": start_early}  # see conftest.pytest_collection_finish


@pytest.fixture(scope="module")
def nbval_runs(tmp_path_factory):
    return early_result("nbval_runs") or start_early(tmp_path_factory.mktemp("nbval-runs"))


def test_nbval_fails_on_a_real_change_and_passes_a_last_digit_one(nbval_runs):
    assert nbval_runs["glued"] == repr(portable(GLUED))
    assert nbval_runs["ran"] == {name: len(CELLS) for name in ("untouched", "last_digit", "sixth_digit")}
    assert nbval_runs["failed"] == {"untouched": 0, "last_digit": 0, "sixth_digit": 1}, nbval_runs
