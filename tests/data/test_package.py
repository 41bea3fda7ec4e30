"""The data layer: shipped files validate, and every kind of bad input is stopped with a
message that names the file, the row and the column."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from claimcheck.data.package import (
    DataValidationError,
    catalogue,
    load,
    read_descriptor,
    rehash,
    sha256_of,
    validate_all,
)

# A real row transcribed from the TODAY trial abstract (failure rate, metformin alone),
# used as the clean starting point that each test then breaks in one way.
GOOD_ROW = {
    "estimate_id": "today-failure-met",
    "source_key": "today2012clinical",
    "doi": "10.1056/NEJMoa1109333",
    "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC3478667",
    "locator": "abstract (Results)",
    "source_tier": "indexed_abstract",
    "species": "human",
    "design": "human_randomised_trial",
    "population": "youth 10-17 years with type 2 diabetes",
    "outcome": "loss of glycaemic control",
    "group": "metformin alone",
    "measure": "percent",
    "estimate": "51.7",
    "ci_low": "",
    "ci_high": "",
    "sd": "",
    "n": "232",
    "n_studies": "",
    "p_reported": "",
    "i2": "",
    "unit": "%",
    "note": "",
}
SECOND_ROW = dict(GOOD_ROW, estimate_id="today-failure-rosi", group="metformin plus rosiglitazone",
                  estimate="38.6", n="233")


# libyaml: PyYAML's pure-Python emitter (and parser, before the package's reader was used here)
# took about 0.7 s per edit of the descriptor, most of the fast tier's data tests' time.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_scratch_descriptor(data_dir: Path, descriptor: dict) -> None:
    text = yaml.dump(descriptor, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)
    (data_dir / "datapackage.yaml").write_text(text, encoding="utf-8")


def install_estimates(data_dir: Path, rows: list[dict], columns: list[str] | None = None) -> str:
    """Add a published-estimates resource called `trial` to a scratch data package."""
    descriptor = read_descriptor(data_dir)
    columns = columns or list(GOOD_ROW)
    with open(data_dir / "trial.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    descriptor["resources"].append({
        "name": "trial", "path": "trial.csv", "title": "test", "description": "test",
        "hash": "sha256:" + sha256_of(data_dir / "trial.csv"),
        "sources": [{"title": "test", "path": "https://doi.org/10.1056/NEJMoa1109333"}],
        "licenses": [{"name": "CC-BY-4.0"}],
        "schema": descriptor["x-schemas"]["published_estimates"],
    })
    write_scratch_descriptor(data_dir, descriptor)
    return "trial"


def rejection(data_dir: Path, name: str) -> str:
    with pytest.raises(DataValidationError) as caught:
        load(name, data_dir)
    return str(caught.value)


def assert_names(message: str, file: str, row: int | None, column: str | None) -> None:
    assert f"data/{file}" in message, message
    if row is not None:
        assert f"row {row} (line {row + 1})" in message, message
    if column is not None:
        assert f"column '{column}'" in message, message


# --- the shipped data -----------------------------------------------------------------------

def test_every_shipped_file_validates():
    assert validate_all() == []


def test_every_resource_has_source_licence_and_hash():
    for resource in read_descriptor()["resources"]:
        assert resource["sources"] and resource["sources"][0]["title"], resource["name"]
        source = resource["sources"][0]
        # An address read, or a page of this book (whose own address is not set before publication).
        book_page = source.get("x-book-page", "")
        root = Path(__file__).resolve().parents[2]
        in_book = bool(book_page) and any((root / f"{book_page}{suffix}").is_file() for suffix in (".md", ".ipynb"))
        assert source.get("path", "").startswith("http") or in_book, resource["name"]
        assert resource["sources"][0].get("x-locator"), resource["name"]
        assert resource["licenses"] and resource["licenses"][0]["name"], resource["name"]
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", resource["hash"]), resource["name"]
        assert resource["schema"].get("primaryKey"), resource["name"]


def test_every_csv_in_data_is_described(data_copy):
    (data_copy / "stray.csv").write_text("a,b\n1,2\n")
    problems = [p.message() for p in validate_all(data_copy)]
    assert len(problems) == 1 and problems[0].startswith("data/stray.csv: whole file: not listed in data/datapackage.yaml")


def test_loader_returns_typed_columns_with_missing_values_kept():
    nhefs = load("nhefs")
    assert str(nhefs["age"].dtype) == "Int64"
    assert str(nhefs["wt82"].dtype) == "Float64"
    # People without a 1982 weight stay missing rather than becoming zero.
    assert nhefs["wt82"].isna().sum() == nhefs["wt82_71"].isna().sum() > 0
    assert set(load("today_trial")["treatment"]) == {"met", "rosi", "lifestyle"}


def test_catalogue_counts_rows_from_the_files():
    table = catalogue().set_index("file")
    with open(Path(__file__).parents[2] / "data" / "mtl.csv") as handle:
        assert table.loc["data/mtl.csv", "rows"] == sum(1 for _ in handle) - 1


def test_clean_estimates_file_passes(data_copy):
    name = install_estimates(data_copy, [GOOD_ROW, SECOND_ROW])
    assert len(load(name, data_copy)) == 2


# --- each bad input is rejected, naming file, row and column -------------------------------

def test_missing_column(data_copy):
    columns = [c for c in GOOD_ROW if c != "n"]
    name = install_estimates(data_copy, [GOOD_ROW], columns)
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", None, "n")
    assert "header (line 1)" in message and "missing column" in message


def test_wrong_type(data_copy):
    name = install_estimates(data_copy, [GOOD_ROW, dict(SECOND_ROW, n="two hundred")])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 2, "n")
    assert "expected an integer" in message


def test_negative_n(data_copy):
    name = install_estimates(data_copy, [GOOD_ROW, dict(SECOND_ROW, n="-233")])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 2, "n")
    assert "below the minimum 1" in message


@pytest.mark.parametrize("bad_sd", ["0", "-1.5"])
def test_sd_not_positive(data_copy, bad_sd):
    name = install_estimates(data_copy, [dict(GOOD_ROW, sd=bad_sd)])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 1, "sd")
    assert "must be greater than 0" in message


def test_interval_that_misses_its_estimate(data_copy):
    name = install_estimates(data_copy, [GOOD_ROW, dict(SECOND_ROW, ci_low="40.0", ci_high="45.0")])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 2, "estimate")
    assert "outside its interval [40.0, 45.0]" in message


def test_interval_with_one_bound(data_copy):
    name = install_estimates(data_copy, [dict(GOOD_ROW, ci_low="40.0")])
    assert_names(rejection(data_copy, name), "trial.csv", 1, "ci_high")


def test_duplicate_key(data_copy):
    name = install_estimates(data_copy, [GOOD_ROW, SECOND_ROW, dict(GOOD_ROW, group="copy")])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 3, "estimate_id")
    assert "first in row 1" in message


@pytest.mark.parametrize("column", ["url", "source_key", "locator"])
def test_empty_source_field(data_copy, column):
    name = install_estimates(data_copy, [GOOD_ROW, dict(SECOND_ROW, **{column: ""})])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 2, column)
    assert "required but empty" in message


def test_malformed_doi(data_copy):
    name = install_estimates(data_copy, [dict(GOOD_ROW, doi="doi.org/NEJMoa1109333")])
    assert_names(rejection(data_copy, name), "trial.csv", 1, "doi")


def test_unknown_category(data_copy):
    name = install_estimates(data_copy, [GOOD_ROW, dict(SECOND_ROW, species="zebrafish")])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 2, "species")
    assert "'zebrafish' is not an allowed value" in message


def test_unknown_category_in_shipped_cohort(data_copy):
    path = data_copy / "nhefs.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[5].split(",")
    cells[header.index("exercise")] = "3"
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    message = rejection(data_copy, "nhefs")
    # The edit is caught twice: the hash no longer matches, and the value is not a valid code.
    assert "data/nhefs.csv: whole file: sha256 mismatch" in message
    assert_names(message, "nhefs.csv", 5, "exercise")


def test_sha256_mismatch_names_file_and_tells_how_to_fix(data_copy):
    path = data_copy / "mtl.csv"
    path.write_text(path.read_text().replace("Caucasian", "Other", 1))
    message = rejection(data_copy, "mtl")
    assert "data/mtl.csv: whole file: sha256 mismatch" in message
    assert "make rehash" in message


def test_rehash_records_the_new_hash_and_keeps_comments(data_copy):
    path = data_copy / "mtl.csv"
    path.write_text(path.read_text().replace("Caucasian", "Other", 1))
    assert rehash(data_copy) == ["mtl"]
    assert load("mtl", data_copy)["ethnic"].eq("Other").sum() > 0
    assert (data_copy / "datapackage.yaml").read_text().startswith("# Frictionless data package")


def test_ragged_row(data_copy):
    path = data_copy / "today_trial.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3] + ",extra"
    path.write_text("\n".join(lines) + "\n")
    assert_names(rejection(data_copy, "today_trial"), "today_trial.csv", 3, None)


@pytest.mark.parametrize("tier", ["tweet", ""])
def test_source_tier_is_required_and_from_the_vocabulary(data_copy, tier):
    name = install_estimates(data_copy, [GOOD_ROW, dict(SECOND_ROW, source_tier=tier)])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 2, "source_tier")
    if tier:
        assert f"'{tier}' is not an allowed value" in message
