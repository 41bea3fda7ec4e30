"""Every code the descriptor allows has reader words, and unknown codes fail loudly."""

import pandas as pd
import pytest

from claimcheck.datapackage import read_descriptor, resource_descriptor
from claimcheck.vocab import LABELS, label, labelled


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
        "animal findings stated as true of people; causal wording from correlational data")
    with pytest.raises(KeyError, match="no reader label for code 'zebra'"):
        label("zebra", "species")
    with pytest.raises(KeyError, match="unknown vocabulary"):
        label("human", "planets")
    frame = labelled(pd.DataFrame({"design": ["animal"], "x": [1]}), {"design": "design"})
    assert frame.loc[0, "design"] == "animal study" and frame.loc[0, "x"] == 1
    assert set(LABELS["evidence_type"]) >= {"none", "animal"}
