"""Consistency maths: each function against a case worked out independently."""

import math

import pytest
from scipy import stats

from claimcheck.stats.consistency import (
    ReportedP,
    count_from_percent,
    difference_of_independent,
    p_consistent_with_ci,
    p_from_ci,
    se_from_ci,
    se_from_p,
    z_for_level,
)


def test_se_from_a_symmetric_interval():
    # An interval of +/- 1.959964 SE around any estimate has width 2 * 1.959964 * SE.
    assert se_from_ci(-1.959964, 1.959964) == pytest.approx(1.0, rel=1e-6)
    assert se_from_ci(0.0, 2 * 1.644854, level=0.90) == pytest.approx(1.0, rel=1e-6)


def test_se_of_a_ratio_is_on_the_log_scale():
    low, high = math.exp(-1.959964), math.exp(1.959964)
    assert se_from_ci(low, high, ratio=True) == pytest.approx(1.0, rel=1e-6)


def test_p_from_interval_at_the_boundary_is_five_percent():
    assert p_from_ci(1.959964, 0.0, 2 * 1.959964) == pytest.approx(0.05, abs=1e-6)
    assert p_from_ci(math.exp(1.959964), 1.0, math.exp(2 * 1.959964), ratio=True) == pytest.approx(0.05, abs=1e-6)


def test_p_from_interval_matches_a_direct_z_test():
    estimate, se = -0.34, 0.11
    low, high = estimate - z_for_level() * se, estimate + z_for_level() * se
    assert p_from_ci(estimate, low, high) == pytest.approx(2 * stats.norm.sf(0.34 / 0.11))


def test_bad_intervals_are_refused():
    with pytest.raises(ValueError):
        se_from_ci(2.0, 1.0)
    with pytest.raises(ValueError):
        se_from_ci(-0.1, 2.0, ratio=True)
    with pytest.raises(ValueError):
        z_for_level(95)


@pytest.mark.parametrize(
    "text, relation, value, decimals",
    [("0.03", "=", 0.03, 2), ("<0.001", "<", 0.001, 3), ("P < .05", "<", 0.05, 2), ("p=0.006", "=", 0.006, 3), ("≤0.01", "<", 0.01, 2)],
)
def test_reported_p_is_parsed(text, relation, value, decimals):
    assert ReportedP.parse(text) == ReportedP(relation, value, decimals)


def test_reported_p_rejects_nonsense():
    with pytest.raises(ValueError):
        ReportedP.parse("significant")
    with pytest.raises(ValueError):
        ReportedP.parse("1.5")


def test_rounding_window_of_a_printed_p():
    printed = ReportedP.parse("0.03")
    assert printed.agrees_with(0.0349) and printed.agrees_with(0.025)
    assert not printed.agrees_with(0.036) and not printed.agrees_with(0.0249)
    assert ReportedP.parse("<0.001").agrees_with(0.0004)
    assert not ReportedP.parse("<0.001").agrees_with(0.002)


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


def test_difference_of_independent_estimates():
    result = difference_of_independent(1.0, 0.3, 0.4, 0.4)
    assert result["difference"] == pytest.approx(0.6)
    assert result["se"] == pytest.approx(0.5)
    assert result["ci_low"] == pytest.approx(0.6 - 1.959964 * 0.5, rel=1e-6)
    assert result["p"] == pytest.approx(2 * stats.norm.sf(1.2))


def test_se_from_p_inverts_the_wald_test():
    # An estimate 1.959964 standard errors from zero has p = 0.05.
    assert se_from_p(1.959964, 0.05) == pytest.approx(1.0, rel=1e-6)
    assert se_from_p(-3.0, 2 * stats.norm.sf(2.0)) == pytest.approx(1.5)
    with pytest.raises(ValueError):
        se_from_p(1.0, 0.0)
    with pytest.raises(ValueError):
        se_from_p(0.0, 0.5)
