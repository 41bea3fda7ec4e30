"""The glue-key convention CONTRIBUTING.md states: snake_case names, each glued once per notebook
(a second glue of the same key would silently replace the number the text shows)."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def glued_keys(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [output["metadata"]["scrapbook"]["name"]
            for cell in notebook["cells"] for output in cell.get("outputs", [])
            if "scrapbook" in output.get("metadata", {})]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_glue_keys_are_snake_case_and_glued_once(path):
    keys = glued_keys(path)
    assert [k for k, n in Counter(keys).items() if n > 1] == [], f"{path.name}: keys glued more than once"
    assert [k for k in keys if not SNAKE_CASE.match(k)] == [], f"{path.name}: keys not in snake_case"


def test_the_checks_see_glued_values():
    assert sum(len(glued_keys(p)) for p in NOTEBOOKS) > 0
