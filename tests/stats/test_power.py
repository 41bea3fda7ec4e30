"""Power maths checked against independent routes: scipy's noncentral t, large-sample normal
formulas, worked examples and seeded simulations (never against stored outputs of the module)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from claimcheck.stats import power


def noncentral_t_power(d, n1, n2, alpha=0.05):
    """Two-sided two-sample t-test power computed directly from scipy's noncentral t."""
    dof = n1 + n2 - 2
    nc = d / math.sqrt(1 / n1 + 1 / n2)
    crit = stats.t.ppf(1 - alpha / 2, dof)
    return stats.nct.sf(crit, dof, nc) + stats.nct.cdf(-crit, dof, nc)


@pytest.mark.parametrize("n1,n2", [(3, 3), (6, 6), (10, 10), (5, 12)])
def test_min_detectable_d_really_gives_the_requested_power(n1, n2):
    d = power.min_detectable_d(n1, n2, power=0.8)
    assert noncentral_t_power(d, n1, n2) == pytest.approx(0.8, abs=1e-4)


def test_min_detectable_d_matches_the_normal_formula_for_large_groups():
    n = 2000
    approx = (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * math.sqrt(2 / n)
    assert power.min_detectable_d(n) == pytest.approx(approx, rel=5e-3)


def test_smaller_designs_need_larger_effects():
    sizes = [3, 4, 6, 8, 12, 20]
    detectable = [power.min_detectable_d(n) for n in sizes]
    assert all(a > b for a, b in zip(detectable, detectable[1:]))
    # For a fixed total, a balanced design detects a smaller effect than an unbalanced one.
    assert power.min_detectable_d(10, 10) < power.min_detectable_d(5, 15)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        power.min_detectable_d(1)
    with pytest.raises(ValueError):
        power.min_detectable_d(5, power=1.2)
    with pytest.raises(ValueError):
        power.min_detectable_r(4, n_covariates=1)
    with pytest.raises(ValueError):
        power.cv_for_d(-70, 0)
    with pytest.raises(ValueError):
        power.design_analysis(0.0, 5)


@pytest.mark.slow  # a seeded simulation: seconds, so it runs in `make test`, not `make check`
def test_min_detectable_r_has_the_requested_power_in_a_seeded_simulation():
    # Simulation: purpose is to check the Fisher-z approximation against the exact t-test of r.
    rng = np.random.default_rng(20180523)
    n = 35
    r = power.min_detectable_r(n)
    cov = [[1, r], [r, 1]]
    hits = 0
    reps = 4000
    for _ in range(reps):
        x, y = rng.multivariate_normal([0, 0], cov, size=n).T
        hits += stats.pearsonr(x, y).pvalue < 0.05
    assert hits / reps == pytest.approx(0.8, abs=0.03)


def test_min_detectable_r_shrinks_with_n_and_grows_with_covariates():
    assert power.min_detectable_r(100) < power.min_detectable_r(35)
    assert power.min_detectable_r(35, n_covariates=3) > power.min_detectable_r(35)


def test_correlation_ci_covers_the_truth_about_95_percent_of_the_time():
    # Simulation: purpose is to check coverage of the Fisher-z interval.
    rng = np.random.default_rng(7)
    n, rho, reps, covered = 35, -0.3, 3000, 0
    cov = [[1, rho], [rho, 1]]
    for _ in range(reps):
        x, y = rng.multivariate_normal([0, 0], cov, size=n).T
        low, high = power.correlation_ci(float(np.corrcoef(x, y)[0, 1]), n)
        covered += low <= rho <= high
    assert covered / reps == pytest.approx(0.95, abs=0.015)


def test_correlation_ci_is_symmetric_on_the_z_scale():
    low, high = power.correlation_ci(0.4, 50)
    assert math.atanh(0.4) - math.atanh(low) == pytest.approx(math.atanh(high) - math.atanh(0.4))
    low0, high0 = power.correlation_ci(0.0, 50)
    assert low0 == pytest.approx(-high0)


def test_p_from_partial_r_agrees_with_pearsonr_and_with_ols():
    rng = np.random.default_rng(3)
    n = 35
    age = rng.normal(60, 8, n)
    x = 0.1 * age + rng.normal(0, 3, n)
    y = -0.02 * x + 0.01 * age + rng.normal(0, 0.2, n)
    r0, p0 = stats.pearsonr(x, y)
    assert power.p_from_partial_r(r0, n) == pytest.approx(p0, rel=1e-9)
    # Partial correlation controlling for age equals the OLS t-test of x in y ~ x + age.
    design = sm.add_constant(np.column_stack([age]))
    rx = sm.OLS(x, design).fit().resid
    ry = sm.OLS(y, design).fit().resid
    r_partial = float(np.corrcoef(rx, ry)[0, 1])
    fit = sm.OLS(y, sm.add_constant(np.column_stack([x, age]))).fit()
    assert power.p_from_partial_r(r_partial, n, n_covariates=1) == pytest.approx(fit.pvalues[1], rel=1e-9)


def test_percent_change_and_d_are_linked_by_the_coefficient_of_variation():
    # Worked example: control mean 100, treated mean 30 (a 70 % drop), common SD 35 -> d = 70 / 35 = 2.
    assert power.d_from_percent(-70, 0.35) == pytest.approx(2.0)
    assert power.cv_for_d(-70, 2.0) == pytest.approx(0.35)
    for cv in (0.1, 0.5, 1.3):
        assert power.cv_for_d(-70, power.d_from_percent(-70, cv)) == pytest.approx(cv)


def test_design_analysis_matches_a_seeded_simulation():
    # Simulation: purpose is an independent check of the type M and type S integrals.
    rng = np.random.default_rng(11)
    d_true, n, reps = 0.8, 5, 40000
    a = rng.normal(d_true, 1, (reps, n))
    b = rng.normal(0, 1, (reps, n))
    t, p = stats.ttest_ind(a, b, axis=1)
    pooled = np.sqrt((a.var(axis=1, ddof=1) + b.var(axis=1, ddof=1)) / 2)
    d_hat = (a.mean(axis=1) - b.mean(axis=1)) / pooled
    significant = p < 0.05
    result = power.design_analysis(d_true, n)
    assert result["power"] == pytest.approx(significant.mean(), abs=0.01)
    assert result["exaggeration"] == pytest.approx(np.abs(d_hat[significant]).mean() / d_true, rel=0.03)
    assert result["type_s"] == pytest.approx((d_hat[significant] < 0).mean(), abs=0.005)


def test_well_powered_designs_barely_exaggerate():
    big = power.design_analysis(0.5, 400)
    small = power.design_analysis(0.5, 6)
    assert big["power"] > 0.99
    assert big["exaggeration"] == pytest.approx(1.0, abs=0.01)
    assert small["exaggeration"] > 2 * big["exaggeration"]
    assert big["type_s"] < small["type_s"]


def test_power_correlation_is_consistent_with_min_detectable_r():
    for n, k in ((35, 0), (35, 1), (120, 2)):
        r = power.min_detectable_r(n, n_covariates=k)
        assert power.power_correlation(r, n, n_covariates=k) == pytest.approx(0.8, abs=1e-3)
        assert power.power_correlation(-r, n, n_covariates=k) == pytest.approx(0.8, abs=1e-3)
    assert power.power_correlation(0.0, 35) == pytest.approx(0.05)


def test_p_range_for_rounded_r_brackets_the_p_of_every_value_that_rounds_to_r():
    low, high = power.p_range_for_rounded_r(-0.37, 35, decimals=2, n_covariates=1)
    assert low < high
    for r in np.linspace(-0.375, -0.365, 11):
        assert low - 1e-12 <= power.p_from_partial_r(float(r), 35, n_covariates=1) <= high + 1e-12
    # One more covariate costs a degree of freedom, so the same r gives a larger p.
    assert power.p_range_for_rounded_r(-0.37, 35, n_covariates=1)[0] > power.p_range_for_rounded_r(-0.37, 35)[0]


def test_critical_effects_sit_exactly_at_the_significance_threshold():
    for n1, n2 in ((4, 4), (6, 9)):
        d = power.critical_d(n1, n2)
        t_stat = d / math.sqrt(1 / n1 + 1 / n2)
        assert 2 * stats.t.sf(t_stat, n1 + n2 - 2) == pytest.approx(0.05)
        # The threshold lies below the effect needed for 80 % power.
        assert d < power.min_detectable_d(n1, n2)
    r = power.critical_r(35, n_covariates=1)
    assert power.p_from_partial_r(r, 35, n_covariates=1) == pytest.approx(0.05)
    assert r < power.min_detectable_r(35, n_covariates=1)


def test_schoenfeld_hand_worked_case():
    # By hand: z(0.975) + z(0.80) = 1.959964 + 0.841621 = 2.801585;
    # 318 deaths split evenly: sqrt(318 * 0.5 * 0.5) = sqrt(79.5) = 8.916277;
    # log HR = 2.801585 / 8.916277 = 0.314210, so HR = exp(0.314210) = 1.36918.
    assert power.min_detectable_hazard_ratio(318, 0.5) == pytest.approx(1.36918, abs=5e-5)
    # Textbook check: a hazard ratio of 2 with equal groups needs about 65.3 events
    # (4 * 2.801585^2 / ln(2)^2 = 4 * 7.848879 / 0.480453 = 65.35).
    assert power.events_needed(2.0, 0.5) == pytest.approx(65.35, abs=0.01)


def test_schoenfeld_functions_agree_with_each_other():
    for events, share in [(318, 0.5), (150, 0.2), (40, 0.7)]:
        hr = power.min_detectable_hazard_ratio(events, share)
        assert power.power_hazard_ratio(hr, events, share) == pytest.approx(0.8, abs=1e-3)
        assert power.events_needed(hr, share) == pytest.approx(events, rel=1e-9)
    # Unbalanced groups and fewer events can only detect larger ratios.
    assert power.min_detectable_hazard_ratio(318, 0.2) > power.min_detectable_hazard_ratio(318, 0.5)
    assert power.min_detectable_hazard_ratio(100, 0.5) > power.min_detectable_hazard_ratio(318, 0.5)
    with pytest.raises(ValueError):
        power.min_detectable_hazard_ratio(0, 0.5)
    with pytest.raises(ValueError):
        power.min_detectable_hazard_ratio(100, 1.0)
    with pytest.raises(ValueError):
        power.events_needed(1.0)


@pytest.mark.slow  # a seeded simulation: seconds, so it runs in `make test`, not `make check`
def test_schoenfeld_power_in_a_seeded_cox_simulation():
    # Simulation: exponential survival, no censoring, HR at the detectable value for 318 events;
    # the share of Cox fits with p < 0.05 should be near 80%.
    from statsmodels.duration.hazard_regression import PHReg

    rng = np.random.default_rng(1983)
    n, hr = 318, power.min_detectable_hazard_ratio(318, 0.5)
    hits = 0
    runs = 300
    for _ in range(runs):
        x = np.repeat([0.0, 1.0], n // 2)
        times = rng.exponential(1 / np.where(x == 1, hr, 1.0))
        fit = PHReg(times, x[:, None]).fit()
        hits += fit.pvalues[0] < 0.05
    assert 0.72 < hits / runs < 0.88
