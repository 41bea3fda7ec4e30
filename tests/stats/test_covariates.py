"""claimcheck.stats.covariates: partial correlations, coefficient rows and covariate-sensitivity tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from claimcheck.stats.covariates import SENSITIVITY_COLUMNS, coef_row, partial_r, rounded_pair_fits, sensitivity_table


@pytest.fixture(scope="module")
def confounded():
    """y depends on z only; x depends on z too, so x and y are associated until z is adjusted."""
    rng = np.random.default_rng(20180523)
    n = 400
    z = rng.normal(size=n)
    x = 0.8 * z + rng.normal(scale=0.6, size=n)
    y = 1.0 * z + rng.normal(scale=0.6, size=n)
    sex = rng.choice(["F", "M"], size=n)
    return pd.DataFrame({"x": x, "y": y, "z": z, "sex": sex})


def test_partial_r_without_covariates_is_pearson(confounded):
    r, p = partial_r(confounded, "x", "y")
    expected = stats.pearsonr(confounded["x"], confounded["y"])
    assert r == pytest.approx(expected[0], abs=1e-12)
    assert p == pytest.approx(expected[1], rel=1e-9)


def test_partial_r_p_equals_the_ols_t_test_of_the_exposure(confounded):
    r, p = partial_r(confounded, "x", "y", ["z", "C(sex)"])
    fit = smf.ols("y ~ x + z + C(sex)", confounded).fit()
    assert p == pytest.approx(fit.pvalues["x"], rel=1e-8)
    assert np.sign(r) == np.sign(fit.params["x"])


def test_partial_r_removes_a_confounder(confounded):
    crude, _ = partial_r(confounded, "x", "y")
    adjusted, _ = partial_r(confounded, "x", "y", ["z"])
    assert crude > 0.5
    assert abs(adjusted) < 0.15


def test_coef_row_reads_the_fit(confounded):
    fit = smf.ols("y ~ x + z", confounded).fit(cov_type="HC3", use_t=True)
    row = coef_row(fit, "x", "adjusted")
    assert row["model"] == "adjusted" and row["n"] == len(confounded)
    assert row["estimate"] == pytest.approx(fit.params["x"])
    assert row["ci_low"] < row["estimate"] < row["ci_high"]
    assert row["p"] == pytest.approx(fit.pvalues["x"])
    with pytest.raises(KeyError, match="not in the model"):
        coef_row(fit, "sitting")


def test_sensitivity_table_shows_the_association_vanishing(confounded):
    table = sensitivity_table(confounded, "y", "x", {"crude": [], "+ z": ["z"], "+ z + sex": ["z", "C(sex)"]})
    assert list(table.columns) == SENSITIVITY_COLUMNS
    assert list(table["model"]) == ["crude", "+ z", "+ z + sex"]
    assert table.loc[0, "p"] < 1e-10
    # Once z is in the model the interval covers zero.
    assert table.loc[1, "ci_low"] < 0 < table.loc[1, "ci_high"]
    assert table.loc[0, "covariates"] == "none"


def test_sensitivity_table_fits_every_model_on_the_same_rows(confounded):
    data = confounded.copy()
    data.loc[:9, "z"] = np.nan  # ten rows lack the covariate used only by the second model
    table = sensitivity_table(data, "y", "x", {"crude": [], "+ z": ["z"]})
    assert set(table["n"]) == {len(data) - 10}


def test_robust_p_uses_t_reference_at_small_n(confounded):
    small = confounded.iloc[:30]
    t_ref = sensitivity_table(small, "y", "x", {"m": ["z"]}, use_t=True).loc[0]
    z_ref = sensitivity_table(small, "y", "x", {"m": ["z"]}, use_t=False).loc[0]
    assert t_ref["estimate"] == pytest.approx(z_ref["estimate"])
    assert t_ref["p"] > z_ref["p"]
    assert (t_ref["ci_high"] - t_ref["ci_low"]) > (z_ref["ci_high"] - z_ref["ci_low"])


def test_sensitivity_table_names_missing_columns(confounded):
    with pytest.raises(KeyError, match="educ"):
        sensitivity_table(confounded, "y", "x", {"m": ["educ"]})


def test_rounded_pair_fits():
    # r = -0.37 with n = 35 and one covariate gives p close to 0.03 (two decimals of r allow a range).
    assert rounded_pair_fits(-0.37, "0.03", 35, 1)
    assert not rounded_pair_fits(-0.37, "0.3", 35, 1)
    assert rounded_pair_fits(-0.9, "<0.001", 35, 0)
    assert not rounded_pair_fits(-0.05, "<0.001", 35, 0)
