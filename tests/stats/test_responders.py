"""Responder maths: each function against a case worked out by hand or in closed form."""

import math

import numpy as np
import pytest
from scipy import stats

from claimcheck.stats.responders import (
    bootstrap_fit,
    change_noise_sd,
    draw_standardised,
    fit_two_exceedances,
    misclassification,
    observed_and_true_shares,
    simulate_misclassification,
    true_response_sd,
)

PHI_MINUS_1 = 0.15865525393145707  # standard normal CDF at -1 (tabulated constant)
PHI_PLUS_1 = 1 - PHI_MINUS_1


def test_fit_recovers_a_normal_centred_on_the_first_cut_off():
    # Half the people above 0 puts the mean at 0; 15.87 % above 5 puts 5 one SD above it.
    fit = fit_two_exceedances(0.0, 0.5, 5.0, PHI_MINUS_1)
    assert fit["mean"] == pytest.approx(0.0, abs=1e-9)
    assert fit["sd"] == pytest.approx(5.0, rel=1e-9)


def test_fit_recovers_a_normal_centred_on_the_second_cut_off():
    # 84.13 % above 0 and half above 5: mean 5, and 0 lies one SD below it.
    fit = fit_two_exceedances(0.0, PHI_PLUS_1, 5.0, 0.5)
    assert fit["mean"] == pytest.approx(5.0, rel=1e-9)
    assert fit["sd"] == pytest.approx(5.0, rel=1e-9)


@pytest.mark.parametrize("family", [stats.norm, stats.t(5), stats.skewnorm(4), stats.skewnorm(-4)])
def test_fitted_distribution_reproduces_both_shares(family):
    fit = fit_two_exceedances(0.0, 0.57, 5.0, 0.366, family=family)
    z_mean, z_sd = float(family.mean()), float(family.std())
    assert fit["mean"] == pytest.approx(fit["loc"] + fit["scale"] * z_mean)
    assert fit["sd"] == pytest.approx(fit["scale"] * z_sd)
    # The fitted distribution puts exactly the reported shares above the cut-offs.
    assert family.sf((0.0 - fit["loc"]) / fit["scale"]) == pytest.approx(0.57, abs=1e-9)
    assert family.sf((5.0 - fit["loc"]) / fit["scale"]) == pytest.approx(0.366, abs=1e-9)


@pytest.mark.parametrize(
    "args",
    [(0.0, 0.3, 5.0, 0.4), (5.0, 0.6, 0.0, 0.3), (0.0, 1.0, 5.0, 0.3), (0.0, 0.6, 5.0, 0.0)],
)
def test_fit_refuses_impossible_shares(args):
    with pytest.raises(ValueError):
        fit_two_exceedances(*args)


def test_noise_of_a_difference_of_two_tests():
    assert change_noise_sd(3.0) == pytest.approx(3.0 * math.sqrt(2))
    with pytest.raises(ValueError):
        change_noise_sd(-1.0)


def test_true_sd_removes_twice_the_squared_typical_error():
    # 10^2 - 2 * 3^2 = 82.
    result = true_response_sd(10.0, 3.0)
    assert result["sd_true"] == pytest.approx(math.sqrt(82.0))
    assert result["variance_true"] == pytest.approx(82.0)
    assert not result["noise_exceeds_observed"]


def test_true_sd_is_zero_and_flagged_when_noise_explains_everything():
    exact = true_response_sd(5.0, 5.0 / math.sqrt(2))
    assert exact["sd_true"] == 0.0 and exact["noise_exceeds_observed"]
    more = true_response_sd(5.0, 4.0)  # 25 - 32 = -7
    assert more["sd_true"] == 0.0
    assert more["variance_true"] == pytest.approx(-7.0)
    assert more["noise_exceeds_observed"]


def test_no_noise_means_no_misclassification():
    result = misclassification(2.0, 6.0, 0.0, 5.0)
    assert result["misclassified"] == 0.0
    assert result["observed_responders"] == pytest.approx(stats.norm.sf(0.5))


def test_everyone_alike_below_the_cut_off():
    # No true variation, true change one noise SD below the cut-off: only noise can push a
    # person over it, which happens with probability Phi(-1).
    result = misclassification(4.0, 0.0, 1.0, 5.0)
    assert result["true_responders"] == 0.0
    assert result["false_responders"] == pytest.approx(PHI_MINUS_1)
    assert result["false_nonresponders"] == 0.0


def test_everyone_alike_exactly_at_the_cut_off_is_a_coin_toss():
    result = misclassification(5.0, 0.0, 2.0, 5.0)
    assert result["false_nonresponders"] == pytest.approx(0.5)


@pytest.mark.parametrize("k", [0.5, 1.0, 2.0])
def test_misclassification_at_the_mean_follows_the_angle_formula(k):
    # With the cut-off at the true mean, T = mean + s*X and noise s*k*Y (X, Y standard normal),
    # P(X >= 0, X + kY < 0) is the angle between the half-planes over 2*pi, arctan(k) / (2*pi);
    # both kinds of error together give arctan(k) / pi (1/4 when k = 1).
    result = misclassification(5.0, 3.0, 3.0 * k, 5.0)
    assert result["misclassified"] == pytest.approx(math.atan(k) / math.pi, abs=1e-8)
    assert result["false_nonresponders"] == pytest.approx(result["false_responders"], abs=1e-8)
    if k == 1.0:
        assert result["misclassified"] == pytest.approx(0.25, abs=1e-8)


def test_misclassification_bookkeeping():
    mean, sd_true, noise, cut = 1.7, 6.7, 6.9, 5.0
    result = misclassification(mean, sd_true, noise, cut)
    # Observed responders = true responders - those lost + those gained.
    assert result["observed_responders"] == pytest.approx(
        result["true_responders"] - result["false_nonresponders"] + result["false_responders"], abs=1e-9
    )
    assert result["observed_responders"] == pytest.approx(stats.norm.sf((cut - mean) / math.hypot(sd_true, noise)))
    observed_non = 1 - result["observed_responders"]
    assert result["true_responders_among_observed_nonresponders"] == pytest.approx(
        result["false_nonresponders"] / observed_non
    )


def test_simulation_agrees_with_the_exact_shares():
    rng = np.random.default_rng(20150617)
    n = 400_000
    exact = misclassification(1.7, 6.7, 6.9, 5.0)
    simulated = simulate_misclassification(1.7, 6.7, 6.9, 5.0, n, rng)
    for key in ("true_responders", "observed_responders", "false_nonresponders", "false_responders"):
        p = exact[key]
        assert abs(simulated[key] - p) < 5 * math.sqrt(p * (1 - p) / n), key
    # The observed share above 0 follows the normal with the combined SD.
    p0 = stats.norm.sf((0 - 1.7) / math.hypot(6.7, 6.9))
    assert abs(simulated["observed_above_0"] - p0) < 5 * math.sqrt(p0 * (1 - p0) / n)


def test_standardised_draws_have_mean_zero_and_sd_one():
    rng = np.random.default_rng(1)
    for family in (stats.norm, stats.t(5), stats.skewnorm(4)):
        draws = draw_standardised(family, 200_000, rng)
        assert abs(draws.mean()) < 0.02 and abs(draws.std() - 1) < 0.03


def test_simulation_is_reproducible_with_a_seed():
    a = simulate_misclassification(1.0, 5.0, 5.0, 5.0, 1000, np.random.default_rng(7), family=stats.t(5))
    b = simulate_misclassification(1.0, 5.0, 5.0, 5.0, 1000, np.random.default_rng(7), family=stats.t(5))
    assert a == b


def test_bootstrap_centres_on_the_generating_values():
    fits = bootstrap_fit(2.0, 10.0, 2000, 0.0, 5.0, 200, np.random.default_rng(3))
    assert fits.shape == (200, 2)
    assert np.nanmean(fits[:, 0]) == pytest.approx(2.0, abs=0.3)
    assert np.nanmean(fits[:, 1]) == pytest.approx(10.0, rel=0.05)


def test_without_test_noise_true_and_observed_shares_are_equal():
    shares = observed_and_true_shares(1.7, 9.6, 0.0, 5.0)
    assert shares["true_nonresponders"] == pytest.approx(shares["observed_nonresponders"])
    assert shares["misclassified"] == 0.0


@pytest.mark.parametrize("typical_error", [2.0, 4.0, 6.0])
def test_noise_around_a_mean_below_the_cut_off_hides_true_nonresponders(typical_error):
    # With the mean below the cut-off, removing noise narrows the distribution around a point below
    # the cut-off, so the true share below it is larger than the observed share.
    fit = fit_two_exceedances(0.0, 0.57, 5.0, 0.366)
    shares = observed_and_true_shares(fit["mean"], fit["sd"], typical_error, 5.0)
    assert shares["observed_nonresponders"] == pytest.approx(1 - 0.366, abs=1e-9)
    assert shares["true_nonresponders"] > shares["observed_nonresponders"]
    # The true share is the normal with the de-noised SD below the cut-off.
    sd_true = math.sqrt(fit["sd"] ** 2 - 2 * typical_error**2)
    assert shares["true_nonresponders"] == pytest.approx(stats.norm.cdf((5.0 - fit["mean"]) / sd_true))


def test_true_share_grows_with_the_assumed_test_error():
    fit = fit_two_exceedances(0.0, 0.57, 5.0, 0.366)
    values = [observed_and_true_shares(fit["mean"], fit["sd"], te, 5.0)["true_nonresponders"] for te in (2, 4, 6)]
    assert values == sorted(values)
