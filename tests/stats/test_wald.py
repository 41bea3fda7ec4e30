"""Normal-theory arithmetic: each formula against a textbook value or a case worked out independently."""

import math

import pytest
from scipy import stats

from claimcheck.stats.wald import (
    difference_of_independent,
    p_from_ci,
    se_from_ci,
    se_from_p,
    t_for_level,
    two_sided_p,
    two_sided_p_t,
    two_sided_power,
    wald_interval,
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


def test_wald_interval_is_estimate_plus_minus_z_se():
    low, high = wald_interval(1.0, 0.5)
    assert (low, high) == pytest.approx((1.0 - 1.959964 * 0.5, 1.0 + 1.959964 * 0.5), rel=1e-6)
    with pytest.raises(ValueError):
        wald_interval(1.0, -0.1)


def test_quantiles_and_p_values_match_textbook_values():
    assert z_for_level(0.95) == pytest.approx(1.959964, rel=1e-6)
    assert z_for_level(0.90) == pytest.approx(1.644854, rel=1e-6)
    assert t_for_level(0.95, 2) == pytest.approx(4.302653, rel=1e-6)  # t table, 2 df
    assert two_sided_p(1.959964) == pytest.approx(0.05, abs=1e-6)
    assert two_sided_p(-1.959964) == two_sided_p(1.959964)
    assert two_sided_p_t(4.302653, 2) == pytest.approx(0.05, abs=1e-6)
    with pytest.raises(ValueError):
        t_for_level(1.5, 10)


def test_two_sided_power_counts_both_tails():
    # No shift: the test rejects at its own level. A shift of z_crit + z_0.8: power 0.8 plus the
    # (tiny) chance of rejecting on the wrong side.
    assert two_sided_power(0.0, 0.05) == pytest.approx(0.05)
    shift = 1.959964 + 0.841621
    assert two_sided_power(shift, 0.05) == pytest.approx(0.8 + stats.norm.cdf(-1.959964 - shift), abs=1e-6)
    assert two_sided_power(-shift, 0.05) == two_sided_power(shift, 0.05)
