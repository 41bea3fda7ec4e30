"""Model-reporting helpers, each checked against a case worked out without statsmodels."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from claimcheck.stats.intervals import (
    crude_vs_adjusted,
    group_slopes,
    percent_difference,
    recompute_from_ci,
    tidy,
)


@pytest.fixture()
def line_data():
    rng = np.random.default_rng(20180523)
    x = np.linspace(0, 10, 40)
    y = 1.5 + 0.8 * x + rng.normal(0, 1, x.size)
    return pd.DataFrame({"x": x, "y": y})


def test_tidy_ols_matches_the_textbook_slope_and_t_interval(line_data):
    x, y = line_data["x"].to_numpy(), line_data["y"].to_numpy()
    n = x.size
    sxx = np.sum((x - x.mean()) ** 2)
    slope = np.sum((x - x.mean()) * (y - y.mean())) / sxx
    intercept = y.mean() - slope * x.mean()
    s2 = np.sum((y - intercept - slope * x) ** 2) / (n - 2)
    se = math.sqrt(s2 / sxx)
    t = stats.t.ppf(0.975, n - 2)

    row = tidy(smf.ols("y ~ x", data=line_data).fit(), terms=["x"]).iloc[0]
    assert row["term"] == "x"
    assert row["estimate"] == pytest.approx(slope)
    assert row["se"] == pytest.approx(se)
    assert row["ci_low"] == pytest.approx(slope - t * se)
    assert row["ci_high"] == pytest.approx(slope + t * se)
    assert row["p"] == pytest.approx(2 * stats.t.sf(abs(slope / se), n - 2))


def test_tidy_logistic_on_a_two_by_two_table_gives_the_odds_ratio_and_woolf_interval():
    # exposed: 30 cases, 70 non-cases; unexposed: 15 cases, 85 non-cases
    a, b, c, d = 30, 70, 15, 85
    frame = pd.DataFrame(
        {"exposed": [1] * (a + b) + [0] * (c + d), "case": [1] * a + [0] * b + [1] * c + [0] * d}
    )
    fit = smf.logit("case ~ exposed", data=frame).fit(disp=False)
    row = tidy(fit, exponentiate=True, terms=["exposed"]).iloc[0]
    odds_ratio = (a * d) / (b * c)
    se_log = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert row["estimate"] == pytest.approx(odds_ratio, rel=1e-6)
    assert row["se"] == pytest.approx(se_log, rel=1e-6)
    assert row["ci_low"] == pytest.approx(math.exp(math.log(odds_ratio) - 1.959964 * se_log), rel=1e-5)
    assert row["ci_high"] == pytest.approx(math.exp(math.log(odds_ratio) + 1.959964 * se_log), rel=1e-5)


def test_tidy_phreg_solves_a_partial_likelihood_worked_by_hand():
    # Three deaths at times 1, 2, 3 with covariate 1, 0, 1. The partial likelihood is
    # e^b/(2e^b+1) * 1/(1+e^b); setting its derivative to zero gives e^b = 1/sqrt(2).
    frame = pd.DataFrame({"time": [1.0, 2.0, 3.0], "dead": [1, 1, 1], "x": [1.0, 0.0, 1.0]})
    fit = smf.phreg("time ~ x", data=frame, status=frame["dead"]).fit()
    row = tidy(fit, exponentiate=True).iloc[0]
    assert row["term"] == "x"
    assert row["estimate"] == pytest.approx(1 / math.sqrt(2), rel=1e-4)


def test_tidy_rejects_unknown_terms_and_bad_levels(line_data):
    fit = smf.ols("y ~ x", data=line_data).fit()
    with pytest.raises(KeyError, match="not in the model"):
        tidy(fit, terms=["z"])
    with pytest.raises(ValueError):
        tidy(fit, level=95)


def test_adjustment_for_a_confounder_recovers_the_structural_slope():
    # y = 2x + 3z exactly, with x partly determined by z. Crude slope of y on x is
    # 2 + 3 cov(x, z) / var(x); adjusting for z gives 2 exactly.
    rng = np.random.default_rng(7)
    z = rng.integers(0, 2, 200).astype(float)
    x = z + rng.normal(0, 1, 200)
    frame = pd.DataFrame({"x": x, "z": z, "y": 2 * x + 3 * z + rng.normal(0, 0.01, 200)})
    crude = smf.ols("y ~ x", data=frame).fit(cov_type="HC3")
    adjusted = smf.ols("y ~ x + z", data=frame).fit(cov_type="HC3")
    table = crude_vs_adjusted(crude, adjusted, ["x"])
    expected_crude = np.polyfit(x, frame["y"], 1)[0]
    assert table.loc[0, "crude"] == pytest.approx(expected_crude, rel=1e-9)
    assert table.loc[0, "crude"] == pytest.approx(2 + 3 * np.cov(x, z)[0, 1] / np.var(x, ddof=1), rel=1e-2)
    assert table.loc[0, "adjusted"] == pytest.approx(2.0, abs=0.01)
    assert table.loc[0, "shift_percent"] == pytest.approx(100 * (2.0 - expected_crude) / expected_crude, abs=0.5)


def test_crude_vs_adjusted_on_ratio_scale_reports_shift_on_the_log_scale():
    rng = np.random.default_rng(11)
    n = 4000
    z = rng.integers(0, 2, n)
    x = rng.binomial(1, 0.3 + 0.4 * z)
    p = 1 / (1 + np.exp(-(-2 + 0.5 * x + 1.0 * z)))
    frame = pd.DataFrame({"x": x, "z": z, "y": rng.binomial(1, p)})
    crude = smf.logit("y ~ x", data=frame).fit(disp=False)
    adjusted = smf.logit("y ~ x + z", data=frame).fit(disp=False)
    table = crude_vs_adjusted(crude, adjusted, ["x"], exponentiate=True)
    log_c, log_a = math.log(table.loc[0, "crude"]), math.log(table.loc[0, "adjusted"])
    assert table.loc[0, "crude"] > table.loc[0, "adjusted"]  # confounding inflates the crude OR
    assert table.loc[0, "shift_percent"] == pytest.approx(100 * (log_a - log_c) / abs(log_c))
    assert table.loc[0, "adjusted_low"] < table.loc[0, "adjusted"] < table.loc[0, "adjusted_high"]


def test_group_slopes_recover_each_groups_own_line():
    rows = []
    for g, (a, b) in enumerate([(10.0, 5.0), (2.0, 12.0), (-3.0, 8.0)]):
        for xv in (1.0, 2.0, 3.0, 4.0):
            rows.append({"g": g, "x": xv, "y": a + b * xv})
    frame = pd.DataFrame(rows)
    table = group_slopes(frame, "x", "y", "g")
    assert list(table["slope"]) == pytest.approx([5.0, 12.0, 8.0])
    assert list(table["intercept"]) == pytest.approx([10.0, 2.0, -3.0])
    assert list(table["r2"]) == pytest.approx([1.0, 1.0, 1.0])
    assert list(table["n"]) == [4, 4, 4]


def test_group_slopes_interval_matches_statsmodels_ols(line_data):
    frame = line_data.assign(g="only")
    mine = group_slopes(frame, "x", "y", "g").iloc[0]
    ref = sm.OLS(frame["y"], sm.add_constant(frame["x"])).fit()
    low, high = ref.conf_int().loc["x"]
    assert mine["slope_low"] == pytest.approx(low)
    assert mine["slope_high"] == pytest.approx(high)
    assert mine["r2"] == pytest.approx(ref.rsquared)


def test_group_slopes_needs_three_points():
    with pytest.raises(ValueError, match="at least 3"):
        group_slopes(pd.DataFrame({"g": [1, 1], "x": [0.0, 1.0], "y": [0.0, 1.0]}), "x", "y", "g")


def test_recompute_from_a_symmetric_interval():
    # Hedges g 0.64 (0.27 to 1.01): se = 0.74 / (2 * 1.959964) and z = 0.64 / se.
    out = recompute_from_ci(0.64, 0.27, 1.01)
    se = 0.74 / (2 * 1.959964)
    assert out["se"] == pytest.approx(se, rel=1e-6)
    assert out["z"] == pytest.approx(0.64 / se, rel=1e-6)
    assert out["p"] == pytest.approx(2 * stats.norm.sf(0.64 / se), rel=1e-6)
    assert out["asymmetry"] == pytest.approx(0.0, abs=1e-12)


def test_recompute_flags_an_estimate_off_centre():
    # Estimate equal to the upper bound: asymmetry +1; on the lower bound: -1.
    assert recompute_from_ci(2.0, 0.0, 2.0)["asymmetry"] == pytest.approx(1.0)
    assert recompute_from_ci(0.0, 0.0, 2.0)["asymmetry"] == pytest.approx(-1.0)


def test_recompute_a_ratio_on_the_log_scale():
    out = recompute_from_ci(2.0, 1.0, 4.0, ratio=True)
    assert out["midpoint"] == pytest.approx(2.0)
    assert out["asymmetry"] == pytest.approx(0.0, abs=1e-12)
    assert out["se"] == pytest.approx(math.log(4.0) / (2 * 1.959964), rel=1e-6)
    assert out["z"] == pytest.approx(math.log(2.0) / out["se"])


def test_percent_difference():
    assert percent_difference(90.0, 100.0) == pytest.approx(-10.0)
    assert percent_difference(5432, 5809) == pytest.approx(100 * (5432 - 5809) / 5809)
    with pytest.raises(ValueError):
        percent_difference(1.0, 0.0)


def test_two_stage_slope_is_a_t_interval_over_group_slopes():
    from claimcheck.stats.intervals import two_stage_slope

    # Hand-worked: slopes 10, 12, 14 -> mean 12, SD 2, SE 2/sqrt(3) = 1.154701,
    # t(0.975, 2) = 4.302653, half-width 4.968275.
    frame = pd.DataFrame({"slope": [10.0, 12.0, 14.0]})
    out = two_stage_slope(frame)
    assert out["mean"] == pytest.approx(12.0)
    assert out["sd"] == pytest.approx(2.0)
    assert out["ci_low"] == pytest.approx(12 - 4.968275, abs=1e-5)
    assert out["ci_high"] == pytest.approx(12 + 4.968275, abs=1e-5)
    # More spread between groups gives a wider interval for the same mean.
    wider = two_stage_slope(pd.DataFrame({"slope": [6.0, 12.0, 18.0]}))
    assert wider["ci_high"] - wider["ci_low"] > out["ci_high"] - out["ci_low"]
    with pytest.raises(ValueError):
        two_stage_slope(pd.DataFrame({"slope": [1.0]}))


def test_pick_returns_the_one_matching_value_and_refuses_ambiguity():
    from claimcheck.stats.intervals import pick

    frame = pd.DataFrame({"question": ["a", "a", "b"], "answer": ["x", "y", "x"], "hr": [1.1, 1.2, 1.3]})
    assert pick(frame, "hr", question="a", answer="y") == pytest.approx(1.2)
    assert isinstance(pick(frame, "hr", question="b"), float)
    with pytest.raises(LookupError, match="2 rows match"):
        pick(frame, "hr", question="a")
    with pytest.raises(LookupError, match="0 rows match"):
        pick(frame, "hr", question="c")
    with pytest.raises(KeyError):
        pick(frame, "hr", nonsense="a")
