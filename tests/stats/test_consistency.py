"""Consistency checks: each against a case worked out independently (several from the diabetes
chapter's own tables)."""

import pandas as pd
import pytest
from scipy import stats

from claimcheck.stats.consistency import (
    centred,
    count_from_percent,
    interval_checks,
    p_consistent_with_ci,
    threshold_reading,
)


def test_p_check_allows_for_a_rounded_interval():
    # Estimate -0.3 with interval (-0.6, 0.0) printed to one decimal: p at the printed values is
    # 0.05, and rounding the bounds moves it over a window that the check must take into account.
    central, p_min, p_max, agrees = p_consistent_with_ci("0.04", -0.3, -0.6, 0.0, decimals_of_ci=1)
    assert central == pytest.approx(0.05, abs=1e-3)
    assert p_min < 0.04 < p_max and agrees
    assert not p_consistent_with_ci("0.5", -0.3, -0.6, 0.0, decimals_of_ci=1)[3]


def test_counts_from_percentages_like_the_today_trial():
    # TODAY abstract: 120 of 232 participants is printed as 51.7 %.
    assert count_from_percent(51.7, 232) == (120, True)
    assert count_from_percent(38.6, 233) == (90, True)


def test_impossible_percentage_is_flagged():
    # With 7 people, percentages jump in steps of 14.3 points; 50.0 % cannot occur.
    nearest, fits = count_from_percent(50.0, 7)
    assert not fits
    with pytest.raises(ValueError):
        count_from_percent(10.0, 0)


def test_a_symmetric_interval_is_centred():
    # HART-D combined vs control: middle of -0.64 and -0.03 is -0.335, within rounding of -0.34.
    assert centred(-0.34, -0.64, -0.03, 2)


def test_an_interval_far_off_its_estimate_is_not_centred():
    # DARE resistance vs control as printed: middle -0.47, two hundredths-units away from -0.38.
    assert not centred(-0.38, -0.72, -0.22, 2)


def test_ratio_intervals_are_centred_on_the_log_scale():
    # sqrt(2.6 * 7.6) = 4.445..., within rounding of the printed 4.5; sqrt(2.8 * 15.0) = 6.48...
    # is not within a half-unit (0.05) window of 6.6 even allowing for rounding of the bounds.
    assert centred(4.5, 2.6, 7.6, 1, ratio=True)
    assert not centred(6.6, 2.8, 15.0, 1, ratio=True)


@pytest.mark.parametrize("low, high, threshold, reading", [
    (-0.2, 0.2, 0.5, "ruled out"),
    (-0.2, 0.2, 0.1, "not ruled out"),
    (0.6, 0.9, 0.5, "shown"),
    (-0.9, -0.6, 0.5, "shown"),
    (-0.6, 0.1, 0.5, "not ruled out"),
])
def test_threshold_reading(low, high, threshold, reading):
    assert threshold_reading(low, high, threshold) == reading


def test_threshold_reading_refuses_nonsense():
    with pytest.raises(ValueError):
        threshold_reading(0.2, -0.2, 0.5)
    with pytest.raises(ValueError):
        threshold_reading(-0.2, 0.2, 0.0)


def _frame(rows):
    columns = ["estimate_id", "measure", "estimate", "ci_low", "ci_high", "p_reported", "note"]
    return pd.DataFrame(rows, columns=columns)


def test_interval_checks_find_agreement_mismatch_and_skips():
    frame = _frame([
        ("agree", "mean_difference", -0.34, -0.64, -0.03, ".03", None),
        ("mismatch", "mean_difference", -0.34, -0.64, -0.03, ".30", None),
        ("trend", "risk_ratio", 4.5, 2.6, 7.6, "<0.0001", "p for trend"),
        ("silent", "mean_difference", -0.26, -0.45, -0.08, None, None),
        ("no-interval", "mean_difference", -0.66, None, None, None, None),
        ("icc", "correlation", 0.95, 0.92, 0.97, None, None),
    ])
    checks = interval_checks(frame, implied_p={"silent": "<0.05"}).set_index("estimate_id")
    assert list(checks.index) == ["agree", "mismatch", "trend", "silent"]
    assert checks.at["agree", "check"] == "agrees"
    assert checks.at["mismatch", "check"] == "mismatch"
    assert checks.at["trend", "check"] == "trend test (not comparable)"
    assert checks.at["silent", "check"] == "agrees" and checks.at["silent", "p_source"] == "implied"
    assert bool(checks.at["trend", "ratio"]) and not bool(checks.at["agree", "ratio"])
    # The recomputed SE is the interval width over 2 x 1.96.
    assert checks.at["agree", "se"] == pytest.approx(0.61 / (2 * stats.norm.ppf(0.975)))
