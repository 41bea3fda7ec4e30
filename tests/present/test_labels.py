"""The one map from vocabulary codes to reader words covers every code the data can hold."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from claimcheck import vocab
from claimcheck.data.package import read_descriptor, resource_descriptor
from claimcheck.present import labels
from claimcheck.present.labels import label, labelled
from claimcheck.vocab import KIND_LABELS
from conftest import ROOT


def descriptor_codes() -> set[str]:
    descriptor = yaml.safe_load((ROOT / "data" / "datapackage.yaml").read_text(encoding="utf-8"))
    codes = set()
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            for value in (field.get("constraints") or {}).get("enum") or []:
                if isinstance(value, str) and labels.is_code(value):
                    codes.add(value)
    return codes


def test_every_enumerated_code_has_reader_words():
    missing = sorted(c for c in descriptor_codes() if c not in vocab.LABELS)
    assert missing == []


def test_flags_in_the_flag_pattern_have_reader_words():
    for flag in ("advice_beyond_evidence", "causal_from_correlational", "animal_to_human"):
        assert not labels.is_code(labels.label(flag))


def test_label_passes_words_and_rejects_unknown_codes():
    assert labels.label("systematic_review_meta_analysis") == "systematic review or meta-analysis"
    assert labels.label("mouse") == "mouse"
    assert labels.label("animal_to_human; advice_beyond_evidence").count(";") == 1
    with pytest.raises(KeyError, match="brand_new_code"):
        labels.label("brand_new_code")


def test_readable_relabels_columns_and_values():
    frame = pd.DataFrame({"claim_id": ["C01"], "evidence_type": ["human_randomised_trial"], "n": [3]})
    out = labels.readable(frame)
    assert list(out.columns) == ["claim", "evidence type", "n"]
    assert out.iloc[0, 1] == "randomised trials in people"
    assert not any(labels.is_code(c) for c in out.columns)


def test_table_cards_label_every_cell_with_its_column():
    from claimcheck.present.tables import Table

    frame = pd.DataFrame({"study": ["A & B", "C"], "estimate": [1.5, 2.25]})
    html = Table(frame, caption="Studies", cards=True)._repr_html_()
    assert "claimcheck-cards" in html
    assert html.count('data-label="study"') == 2 and html.count('data-label="estimate"') == 2
    assert "claimcheck-cards" not in Table(frame)._repr_html_()


def test_numeric_cells_are_marked_so_they_do_not_wrap():
    from claimcheck.build.reader import is_numeric_text, mark_numeric_cells

    assert is_numeric_text("1.23 (0.45 to 2.01)") and is_numeric_text("−0.5 [−1.1, 0.2]")
    assert not is_numeric_text("mouse") and not is_numeric_text("HbA1c 7.1%")
    marked = mark_numeric_cells('<td class="data row0">0.53 (0.1 to 0.9)</td><td>text</td><td>12</td>')
    assert marked == '<td class="num data row0">0.53 (0.1 to 0.9)</td><td>text</td><td class="num">12</td>'

@pytest.mark.parametrize("resource, field, kind", [
    ("neural_estimates", "source_tier", "source_tier"),
    ("neural_estimates", "design", "design"),
    ("neural_estimates", "species", "species"),
    ("neural_estimates", "measure", "measure"),
    ("claims", "evidence_type", "evidence_type"),
    ("neural_source_chain", "discrepancy", "discrepancy"),
])
def test_every_allowed_code_has_words(resource, field, kind):
    schema = resource_descriptor(resource, read_descriptor())["schema"]
    allowed = next(f for f in schema["fields"] if f["name"] == field)["constraints"]["enum"]
    for code in allowed:
        if code == "pending":
            continue
        words = label(code, kind)
        assert words and "_" not in words


def test_lists_and_unknown_codes():
    assert label("animal_to_human; causal_from_correlational", "flags") == (
        "inference to humans from animal or cell studies; causal wording from correlational data")
    with pytest.raises(KeyError, match="no reader label for code 'zebra' in vocabulary 'species'"):
        label("zebra", "species")
    with pytest.raises(KeyError, match="unknown vocabulary"):
        label("human", "planets")
    frame = labelled(pd.DataFrame({"design": ["animal"], "x": [1]}), {"design": "design"})
    assert frame.loc[0, "design"] == "animal experiments" and frame.loc[0, "x"] == 1
    assert set(KIND_LABELS["evidence_type"]) >= {"none", "animal"}


def test_codes_as_code_marks_codes_and_escapes_the_rest():
    from claimcheck.present.labels import codes_as_code

    shown = codes_as_code("one of claim_id, <b>x</b> & plain words")
    assert str(shown) == "one of <code>claim_id</code>, &lt;b&gt;x&lt;/b&gt; &amp; plain words"
    assert str(codes_as_code(None)) == ""
    assert str(codes_as_code("estimate", whole=True)) == "<code>estimate</code>"
