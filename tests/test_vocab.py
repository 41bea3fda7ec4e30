"""The one map from vocabulary codes to reader words covers every code the data can hold."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from claimcheck import vocab
from conftest import ROOT


def descriptor_codes() -> set[str]:
    descriptor = yaml.safe_load((ROOT / "data" / "datapackage.yaml").read_text(encoding="utf-8"))
    codes = set()
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            for value in (field.get("constraints") or {}).get("enum") or []:
                if isinstance(value, str) and vocab.is_code(value):
                    codes.add(value)
    return codes


def test_every_enumerated_code_has_reader_words():
    missing = sorted(c for c in descriptor_codes() if c not in vocab.LABELS)
    assert missing == []


def test_flags_in_the_flag_pattern_have_reader_words():
    for flag in ("advice_beyond_evidence", "causal_from_correlational", "animal_to_human"):
        assert not vocab.is_code(vocab.label(flag))


def test_label_passes_words_and_rejects_unknown_codes():
    assert vocab.label("systematic_review_meta_analysis") == "systematic review or meta-analysis"
    assert vocab.label("mouse") == "mouse"
    assert vocab.label("animal_to_human; advice_beyond_evidence").count(";") == 1
    with pytest.raises(KeyError, match="brand_new_code"):
        vocab.label("brand_new_code")


def test_readable_relabels_columns_and_values():
    frame = pd.DataFrame({"claim_id": ["C01"], "evidence_type": ["human_randomised_trial"], "n": [3]})
    out = vocab.readable(frame)
    assert list(out.columns) == ["claim", "evidence type", "n"]
    assert out.iloc[0, 1] == "randomised trials in people"
    assert not any(vocab.is_code(c) for c in out.columns)
