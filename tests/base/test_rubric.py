"""The rubric's arithmetic, against cases worked out by hand: certainty from a start and its
ratings, a parent's verdict and certainty from its parts, and ClaimReview ratings."""

from __future__ import annotations

import pytest

from claimcheck import rubric, vocab


def test_c09_starts_low_and_ends_low():
    """Observational start, rated up once and down once: low, and at low certainty not 'supported'."""
    assert rubric.compute_certainty("low", "indirectness", "large_effect") == "low"
    assert rubric.compute_certainty("high", "imprecision:2; inconsistency", "") == "very low"
    assert rubric.compute_certainty("low", "indirectness:2; imprecision", "") == "very low"  # floor
    assert rubric.compute_certainty("low", "", "large_effect; dose_response:2") == "high"  # ceiling


@pytest.mark.parametrize("parts, verdict", [
    (["supported", "supported"], "supported"),
    (["supported", "not assessable"], "partly supported"),
    (["partly supported", "no evidence found"], "partly supported"),
    (["not supported", "no evidence found", "not assessable"], "not supported"),
    (["no evidence found", "not assessable"], "no evidence found"),
    (["not assessable", "not assessable"], "not assessable"),
    (["contradicted", "not supported"], "contradicted"),
])
def test_parts_rule(parts, verdict):
    assert rubric.parent_verdict(parts) == verdict


def test_parent_certainty_counts_no_evidence_as_very_low():
    assert rubric.parent_certainty([("supported", "moderate"), ("no evidence found", "not applicable")]) == "very low"
    assert rubric.parent_certainty([("supported", "moderate"), ("not assessable", "not applicable")]) == "moderate"


def test_ratings_never_rise_as_certainty_falls():
    for verdict in vocab.VERDICTS:
        values = [rubric.claimreview_rating(verdict, c) for c in vocab.CERTAINTY_LEVELS]
        numbers = [v for v in values if v is not None]
        assert numbers == sorted(numbers, reverse=True), verdict
    assert rubric.claimreview_rating("not assessable", "not applicable") is None
