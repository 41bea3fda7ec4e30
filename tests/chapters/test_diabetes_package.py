"""Package helpers written for the diabetes chapter: printed decimals, centred intervals, the
threshold reading, the interval checks over a transcribed table, count and interval text, and the
observed-against-true responder shares. Each against a case worked out by hand."""

import math

import pandas as pd
import pytest
from scipy import stats

from claimcheck.data.transcribed import Estimates
from claimcheck.stats.consistency import centred, interval_checks, printed_decimals, threshold_reading
from claimcheck.stats.responders import fit_two_exceedances, observed_and_true_shares


@pytest.mark.parametrize("value, places", [(0.5, 1), (7.65, 2), (15.0, 0), (-0.01, 2), (0.009, 3), (202, 0)])
def test_printed_decimals(value, places):
    assert printed_decimals(value) == places


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


def test_estimates_count_and_missing_interval_text():
    frame = pd.DataFrame({
        "estimate_id": ["a", "b"], "estimate": [-0.66, -0.34], "ci_low": [None, -0.64],
        "ci_high": [None, -0.03], "n": [504, None],
    })
    est = Estimates(frame, name="test_estimates")
    assert est.count_text("a") == "504" and est.count_text("b") == ""
    assert est.text("a", missing=" (interval not found)") == "\u22120.66 (interval not found)"
    assert est.text("b", missing=" (interval not found)") == "\u22120.34\u00a0(\u22120.64\u00a0to\u00a0\u22120.03)"


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
