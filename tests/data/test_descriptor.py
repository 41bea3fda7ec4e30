"""The pandas-free descriptor module: what it reads, hashes and checks, that it stays light, and
that the descriptor's vocabularies are exactly claimcheck.vocab's (one source of truth)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from claimcheck import vocab
from claimcheck.data import descriptor as dd
from claimcheck.data.problems import DataValidationError
from conftest import ROOT


def test_importing_the_descriptor_module_loads_neither_pandas_nor_frictionless():
    code = ("import sys; import claimcheck.data.descriptor, claimcheck.data.validation_cache; "
            "print(sorted(m for m in ('pandas', 'frictionless') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_resource_files_give_path_and_hashes():
    files = dd.resource_files(ROOT / "data")
    assert set(files) == {r["name"] for r in dd.read_descriptor(ROOT / "data")["resources"]}
    claims = files["claims"]
    assert claims.path == ROOT / "data" / "claims.csv"
    assert claims.actual == dd.sha256_of(claims.path) and claims.matches


def test_resource_files_mark_a_missing_or_escaping_file(data_copy):
    (data_copy / "mtl.csv").unlink()
    text = (data_copy / "datapackage.yaml").read_text().replace("path: nhefs.csv", "path: ../nhefs.csv", 1)
    (data_copy / "datapackage.yaml").write_text(text)
    files = dd.resource_files(data_copy)
    assert files["mtl"].actual is None and not files["mtl"].matches
    assert files["nhefs"].path is None and not files["nhefs"].matches
    assert "data/datapackage.yaml: resource 'nhefs'" in dd.layout_messages(data_copy, dd.read_descriptor(data_copy))[0]


def test_hash_problem_names_the_file_and_the_fix(data_copy):
    resource = dd.resource_descriptor("mtl", dd.read_descriptor(data_copy))
    assert dd.hash_problem(resource, data_copy) is None
    (data_copy / "mtl.csv").write_text((data_copy / "mtl.csv").read_text() + "\n")
    message = dd.hash_problem(resource, data_copy).message()
    assert message.startswith("data/mtl.csv: whole file: sha256 mismatch") and "make rehash" in message


def test_unknown_resource_lists_the_known_ones():
    with pytest.raises(KeyError, match="no resource named 'nope'.*claims"):
        dd.resource_descriptor("nope", dd.read_descriptor(ROOT / "data"))


def test_duplicate_resource_names_are_refused(data_copy):
    path = data_copy / "datapackage.yaml"
    path.write_text(path.read_text().replace("- name: mtl\n", "- name: nhefs\n", 1))
    with pytest.raises(DataValidationError, match="resource names used twice: \\['nhefs'\\]"):
        dd.read_descriptor(data_copy)


def test_a_reread_descriptor_is_a_fresh_copy_and_an_edit_of_the_same_size_and_time_is_seen(data_copy):
    path = data_copy / "datapackage.yaml"
    first = dd.read_descriptor(data_copy)
    first["resources"].clear()  # what a caller does to its copy does not reach the next reader
    again = dd.read_descriptor(data_copy)
    assert again["resources"] and again == dd.read_descriptor(ROOT / "data")
    assert again is not dd.read_descriptor(data_copy)
    # Same length and modification time, other content: parsed again, not served from memory.
    stat = path.stat()
    path.write_text(path.read_text().replace("- name: mtl\n", "- name: mtx\n", 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert "mtx" in {r["name"] for r in dd.read_descriptor(data_copy)["resources"]}
    # A broken edit still fails however often the good version was read before.
    path.write_text(path.read_text().replace("- name: mtx\n", "- name: nhefs\n", 1))
    for _ in range(2):
        with pytest.raises(DataValidationError, match="resource names used twice"):
            dd.read_descriptor(data_copy)


# --- one source of truth: the descriptor's vocabularies are claimcheck.vocab's -------------------


def _constraints(resource: str, field: str) -> dict:
    schema = dd.resource_descriptor(resource, dd.read_descriptor(ROOT / "data"))["schema"]
    return next(f for f in schema["fields"] if f["name"] == field)["constraints"]


def _enum(resource: str, field: str) -> list:
    return _constraints(resource, field)["enum"]


def _pattern_words(resource: str, field: str) -> set[str]:
    return set(re.findall(r"[a-z][a-z_]*[a-z]", _constraints(resource, field)["pattern"]))


ESTIMATES = [r["name"] for r in dd.read_descriptor(ROOT / "data")["resources"] if r["name"].endswith("_estimates")]


def test_verdicts_and_certainty_come_from_vocab():
    rated = [*vocab.CERTAINTY_LEVELS, *vocab.NOT_RATED]
    assert _enum("claims", "verdict") == list(vocab.VERDICTS)
    assert _enum("claims", "certainty") == rated
    assert _enum("claims", "starting_certainty") == list(vocab.STARTING_LEVELS)
    assert _enum("claims", "citation_accuracy") == [*vocab.CITATION_ACCURACY, "pending"]
    assert _enum("claims", "evidence_type") == list(vocab.ALLOWED_START)
    assert set(_enum("verdict_history", "new_verdict")) == {*vocab.VERDICTS, *vocab.RETIRED_VERDICTS}
    assert set(_enum("verdict_history", "old_verdict")) == {"none", *vocab.VERDICTS, *vocab.RETIRED_VERDICTS}
    assert _enum("verdict_history", "new_certainty") == rated
    assert _enum("verdict_history", "old_certainty") == ["none", *rated]


def test_coded_words_in_patterns_come_from_vocab():
    assert _pattern_words("claims", "post_wording") == set(vocab.WORDING)
    assert _pattern_words("claims", "rated_down") == set(vocab.GRADE_DOWN_DOMAINS)
    assert _pattern_words("claims", "rated_up") == set(vocab.GRADE_UP_DOMAINS)
    assert _pattern_words("claims", "flags") == {*vocab.KIND_LABELS["flags"], "pending"}
    assert _pattern_words("claims", "species") == {*vocab.KIND_LABELS["species"], "pending"}


@pytest.mark.parametrize("resource", ESTIMATES)
def test_estimates_vocabularies_come_from_vocab(resource):
    assert _enum(resource, "source_tier") == list(vocab.SOURCE_TIERS) == list(vocab.KIND_LABELS["source_tier"])
    assert _enum(resource, "species") == list(vocab.KIND_LABELS["species"])
    assert _enum(resource, "measure") == list(vocab.KIND_LABELS["measure"])
    # Designs are the evidence types less "none" (a transcribed number always comes from a study or text).
    assert [*_enum(resource, "design"), "none"] == list(vocab.KIND_LABELS["design"])


@pytest.mark.parametrize("resource", ["neural_source_chain", "diabetes_source_chain"])
def test_discrepancy_kinds_come_from_vocab(resource):
    assert _enum(resource, "discrepancy") == list(vocab.KIND_LABELS["discrepancy"])
