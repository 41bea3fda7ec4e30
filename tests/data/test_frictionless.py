"""The descriptor is a standard Frictionless Data Package: the standard command accepts the
shipped data and rejects a broken file. Validation runs once per content (cached by hash), and a
notebook's ``load`` of validated content does not import frictionless."""

from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_package import rejection

from claimcheck.data import validation_cache
from claimcheck.data.package import load, rehash
from conftest import ROOT

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def frictionless_validate(descriptor: Path) -> tuple[int, dict]:
    """`frictionless validate <descriptor> --json`, the standard command, as a user would run it."""
    result = subprocess.run([str(FRICTIONLESS), "validate", str(descriptor), "--json"], capture_output=True,
                            text=True, cwd=descriptor.parent.parent)
    return result.returncode, json.loads(result.stdout)


def test_standard_command_accepts_the_shipped_package():
    code, report = frictionless_validate(ROOT / "data" / "datapackage.yaml")
    assert code == 0 and report["valid"], json.dumps(report["errors"] + [t for t in report["tasks"] if not t["valid"]])
    assert report["stats"]["tasks"] == len(list((ROOT / "data").glob("*.csv")))


def break_outcome(data_dir: Path) -> None:
    """Row 3 of today_trial.csv gets an outcome outside its enum; the hash is recorded again, so
    only the content is wrong."""
    path = data_dir / "today_trial.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",maybe"
    path.write_text("\n".join(lines) + "\n")
    rehash(data_dir)


def test_standard_command_rejects_a_broken_file(data_copy):
    break_outcome(data_copy)
    code, report = frictionless_validate(data_copy / "datapackage.yaml")
    assert code != 0 and not report["valid"]
    [task] = [t for t in report["tasks"] if not t["valid"]]
    [error] = task["errors"]
    assert (task["name"], error["type"], error["rowNumber"], error["fieldName"]) == (
        "today_trial", "constraint-error", 4, "outcome")


def test_validate_once_records_clean_content_and_skips_it_next_time(data_copy, monkeypatch):
    assert validation_cache.validate_once(data_copy) == []
    cache = data_copy.parent / "_build" / "claimcheck-data-validated.json"
    assert validation_cache.package_key(data_copy) in json.loads(cache.read_text())["validated"]

    def must_not_run(*args, **kwargs):
        raise AssertionError("validated again although nothing changed")

    monkeypatch.setattr("claimcheck.data.validate.validate_all", must_not_run)
    assert validation_cache.validate_once(data_copy) == []


def test_an_edit_is_validated_again_even_after_a_clean_run(data_copy):
    assert validation_cache.validate_once(data_copy) == []
    break_outcome(data_copy)
    problems = [p.message() for p in validation_cache.validate_once(data_copy)]
    assert problems and problems[0].startswith("data/today_trial.csv: row 3 (line 4), column 'outcome'")
    assert "data/today_trial.csv: row 3 (line 4), column 'outcome'" in rejection(data_copy, "today_trial")


def test_load_of_validated_content_does_not_import_frictionless(data_copy):
    assert validation_cache.validate_once(data_copy) == []
    code = ("import sys; from claimcheck import load; frame = load('nhefs', sys.argv[1]); "
            "print(len(frame), 'frictionless' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(data_copy)], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == [str(len(load("nhefs", data_copy))), "False"], out.stderr[-2000:]


def test_load_of_unvalidated_content_validates_it_in_full(data_copy):
    """No cache (a scratch copy, a notebook run outside the build): the loader validates first."""
    assert not (data_copy.parent / "_build").exists()
    break_outcome(data_copy)
    assert "column 'outcome': 'maybe' is not an allowed value" in rejection(data_copy, "today_trial")


def test_validator_fingerprint_covers_every_module_that_decides_validity():
    """A change to any module the validator runs must change the cache key, or an old "clean"
    record would outlive a stricter rule."""
    package = ROOT / "src" / "claimcheck" / "data"
    todo, seen = ["validate.py"], set()
    while todo:
        name = todo.pop()
        seen.add(name)
        tree = ast.parse((package / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("claimcheck.data."):
                module = node.module.removeprefix("claimcheck.data.") + ".py"
                if module not in seen:
                    todo.append(module)
    assert seen == set(validation_cache.VALIDATOR_MODULES)


@pytest.mark.parametrize("name", ["claims", "nhefs", "verdict_history", "diabetes_estimates"])
def test_loader_types_agree_with_frictionless(name):
    """The loader's fast reader (pandas) and frictionless's typed rows are two routes to the same
    values: every cell agrees, missing where frictionless reads None."""
    import math

    from frictionless import Resource

    from claimcheck.data.descriptor import read_descriptor, resource_descriptor

    entry = resource_descriptor(name, read_descriptor(ROOT / "data"))
    rows = Resource.from_descriptor(copy.deepcopy(entry), basepath=str(ROOT / "data"),
                                    datapackage_version="v2").read_rows()
    frame = load(name)
    assert len(rows) == len(frame)
    for field in entry["schema"]["fields"]:
        column = frame[field["name"]].tolist()
        for position, row in enumerate(rows):
            expected, got = row[field["name"]], column[position]
            if expected is None:
                assert got is pd.NA or got is pd.NaT, (name, position, field["name"], got)
            elif field.get("type") == "date":
                assert got.date() == expected
            elif field.get("type") == "number":
                assert math.isclose(float(expected), got, rel_tol=0, abs_tol=0), (name, position, field["name"])
            else:
                assert got == expected, (name, position, field["name"], got, expected)
