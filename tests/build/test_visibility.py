"""One code-visibility rule for every chapter notebook (CONTRIBUTING.md, "What a reader sees"):

* a cell that only does plumbing (imports, loading, glue, table or figure plumbing) hides its
  code (``hide-input``) or shows none of it (``remove-input`` / ``remove-cell``);
* a cell that renders verdicts (``verdict_box``, ``verdict_table``) shows no code
  (``remove-input``, or ``remove-cell``);
* a cell shown with its code fits a model or states an assumption (a comment marked ASSUMED or
  ASSUMPTION, or a constant in capitals).

Checked on the notebooks' tags and code, so it needs no build.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

HIDDEN = {"hide-input", "remove-input", "remove-cell"}
NO_CODE = {"remove-input", "remove-cell"}
VERDICT_CALLS = {"verdict_box", "verdict_table", "verdict_boxes"}
# Calls that only move data around or show it: loading, glue, tables, figure finishing.
PLUMBING_CALLS = {
    "glue", "apply", "display", "Table", "load", "read_csv", "read_descriptor", "est", "print",
    "show", "tight_layout", "savefig", "close", "set_xlabel", "set_ylabel", "set_title", "legend",
    "set_xticks", "set_yticks", "set_xticklabels", "set_yticklabels", "set_xlim", "set_ylim",
    "hide", "format", "set_caption", "set_index", "rename", "copy", "assign", "merge", "query",
}
MODEL_WORDS = (".fit(", "smf.", "sm.", "ols(", "logit(", "glm(", "power.", "consistency.", "models.",
               "responders.", "multipletests", "meta", "pool")


# Chapters written before the rule: each adopts it when it is merged (then its case passes,
# and strict xfail makes the test fail until this list is shortened).
PENDING: dict[str, str] = {}


def _call_name(node) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_plumbing(statement) -> bool:
    if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass)):
        return True
    if isinstance(statement, ast.Expr):
        value = statement.value
        if isinstance(value, (ast.Name, ast.Attribute, ast.Constant)):
            return True  # showing a table or value
        return isinstance(value, ast.Call) and _call_name(value) in PLUMBING_CALLS
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if any(isinstance(t, ast.Name) and t.id.isupper() and len(t.id) > 1 for t in targets):
            return False  # a constant in capitals states an assumption (a parameters cell), not plumbing
        value = statement.value
        if isinstance(value, ast.Call):
            return _call_name(value) in PLUMBING_CALLS
        return isinstance(value, (ast.Subscript, ast.Name, ast.Attribute, ast.Constant))
    if isinstance(statement, ast.For):
        return all(_is_plumbing(s) for s in statement.body)
    return False


def is_plumbing(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: treat as plumbing
        return True
    return bool(tree.body) and all(_is_plumbing(s) for s in tree.body)


def renders_verdicts(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return any(name + "(" in source for name in VERDICT_CALLS)
    return any(isinstance(n, ast.Call) and _call_name(n) in VERDICT_CALLS for n in ast.walk(tree))


def fits_or_assumes(source: str) -> bool:
    if any(word in source for word in MODEL_WORDS) or "ASSUMED" in source or "ASSUMPTION" in source:
        return True
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id.isupper() and len(t.id) > 1
                                                  for t in n.targets) for n in tree.body)


def problems(notebook_path: Path) -> list[str]:
    notebook = nbformat.read(notebook_path, as_version=4)
    found = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        tags = set(cell.metadata.get("tags", []))
        first = cell.source.strip().splitlines()[0][:60]
        if renders_verdicts(cell.source) and not tags & NO_CODE:
            found.append(f"cell {number} ({first}): renders verdicts, needs remove-input")
        elif is_plumbing(cell.source) and not tags & HIDDEN:
            found.append(f"cell {number} ({first}): plumbing, needs hide-input")
        elif not tags & HIDDEN and not fits_or_assumes(cell.source):
            found.append(f"cell {number} ({first}): shown, but fits no model and states no assumption")
    return found


NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize(
    "notebook",
    [pytest.param(p, id=p.name, marks=[pytest.mark.xfail(strict=True, reason=PENDING[p.name])]
                  if p.name in PENDING else []) for p in NOTEBOOKS])
def test_chapter_follows_the_visibility_rule(notebook):
    assert problems(notebook) == []


def test_rule_recognises_plumbing_verdicts_and_models(tmp_path):
    cells = [
        (["hide-input"], "import pandas as pd\nfrom claimcheck import load"),
        ([], "claims = load('claims')\nglue('n', len(claims))"),  # plumbing shown: wrong
        (["hide-input"], "verdict_box(claims, 'C02')"),  # verdict code hidden but not removed
        ([], "fit = smf.ols('y ~ x', data).fit()\nfit.params"),  # a model, shown: right
        ([], "x = data['y'].mean() * 2\nx"),  # shown, no model, no assumption: wrong
        (["remove-input"], "verdict_table(claims, ['C01'])"),
        ([], "ALPHA = 0.05\nSTART = '1971-01-01'"),  # a parameters cell of constants: an assumption, shown
    ]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source, metadata={"tags": tags}) for tags, source in cells]
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, path)
    found = problems(path)
    assert [f.split(" ", 2)[1] for f in found] == ["2", "3", "5"], found
    assert "plumbing" in found[0] and "verdicts" in found[1] and "fits no model" in found[2]
