"""One exposure, several covariate sets: partial correlations, coefficient rows and the
sensitivity table that shows whether an association survives adjustment.

A cross-sectional association (say, hours of sitting and brain thickness) is only as good as the
confounders it survives. These helpers fit the same ordinary least squares model with a growing
list of covariates and report the exposure's coefficient, its interval and p for each, so that a
chapter can print the whole ladder instead of the one model that looks best.

Robust standard errors use statsmodels' HC3 estimator. With few observations the robust Wald
statistic is referred to a t distribution with the residual degrees of freedom (``use_t=True``),
not to the normal, which would make small-sample p-values too small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from claimcheck.stats.power import p_from_partial_r, p_range_for_rounded_r
from claimcheck.stats.rounding import ReportedP

SENSITIVITY_COLUMNS = ["model", "covariates", "n", "estimate", "ci_low", "ci_high", "p"]


def _check_columns(data: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"columns not in the data: {missing}; the data have {list(data.columns)}")


def _term_columns(terms: Sequence[str]) -> list[str]:
    """Data columns behind formula terms such as ``C(sex)``."""
    columns = []
    for term in terms:
        name = term[2:-1] if term.startswith("C(") and term.endswith(")") else term
        columns.append(name)
    return columns


def partial_r(data: pd.DataFrame, x: str, y: str, covariates: Sequence[str] = ()) -> tuple[float, float]:
    """Correlation of ``x`` with ``y`` after removing the linear effect of ``covariates``, and its p.

    Both variables are regressed on the covariates (formula terms, so ``C(sex)`` works) and the
    residuals correlated; the p-value is the usual t-test of a partial correlation with
    n - 2 - k degrees of freedom, which equals the t-test of ``x`` in the OLS of ``y`` on ``x``
    and the covariates. With no covariates this is the plain Pearson correlation.
    """
    import statsmodels.formula.api as smf

    _check_columns(data, [x, y, *_term_columns(covariates)])
    frame = data.dropna(subset=[x, y, *_term_columns(covariates)])
    rhs = " + ".join(covariates) if covariates else "1"
    resid_x = smf.ols(f"{x} ~ {rhs}", frame).fit().resid
    resid_y = smf.ols(f"{y} ~ {rhs}", frame).fit().resid
    r = float(np.corrcoef(resid_x, resid_y)[0, 1])
    # k counts model columns, not formula terms: a factor with 3 levels costs 2 degrees of freedom.
    k = int(smf.ols(f"{y} ~ {rhs}", frame).fit().df_model)
    return r, p_from_partial_r(r, len(frame), n_covariates=k)


def coef_row(fit, term: str, label: str = "", level: float = 0.95) -> dict:
    """The coefficient of ``term`` in a statsmodels fit as a plain dict: model label, n, estimate,
    interval at ``level`` and p (as that fit computes them: t or normal, classical or robust)."""
    names = list(fit.params.index)
    if term not in names:
        raise KeyError(f"term {term!r} not in the model; it has {names}")
    low, high = fit.conf_int(alpha=1 - level).loc[term]
    return {"model": label, "n": int(fit.nobs), "estimate": float(fit.params[term]),
            "ci_low": float(low), "ci_high": float(high), "p": float(fit.pvalues[term])}


def fit_ols(data: pd.DataFrame, formula: str, cov_type: str = "HC3", use_t: bool = True):
    """OLS with the given covariance; robust covariances are referred to t by default."""
    import statsmodels.formula.api as smf

    if cov_type == "nonrobust":
        return smf.ols(formula, data).fit()
    return smf.ols(formula, data).fit(cov_type=cov_type, use_t=use_t)


def sensitivity_table(data: pd.DataFrame, outcome: str, exposure: str,
                      covariate_sets: Mapping[str, Sequence[str]], cov_type: str = "HC3",
                      use_t: bool = True, level: float = 0.95) -> pd.DataFrame:
    """The exposure's coefficient under each covariate set, in the order given.

    ``covariate_sets`` maps a label ("age only", "+ education", ...) to a list of formula terms.
    Every model is fitted on the same rows (complete cases for all variables used by any model),
    so that a change in the coefficient reflects adjustment, not a change of sample. Returns one
    row per model with the columns of :data:`SENSITIVITY_COLUMNS`.
    """
    if not covariate_sets:
        raise ValueError("give at least one covariate set")
    all_terms = sorted({t for terms in covariate_sets.values() for t in terms})
    used = [outcome, exposure, *_term_columns(all_terms)]
    _check_columns(data, used)
    frame = data.dropna(subset=used)
    rows = []
    for label, terms in covariate_sets.items():
        rhs = " + ".join([exposure, *terms])
        fit = fit_ols(frame, f"{outcome} ~ {rhs}", cov_type=cov_type, use_t=use_t)
        row = coef_row(fit, exposure, label, level)
        row["covariates"] = ", ".join(terms) if terms else "none"
        rows.append(row)
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def rounded_pair_fits(reported_r: float, reported_p: str, n: int, n_covariates: int,
                      r_decimals: int = 2) -> bool:
    """Could a correlation printed as ``reported_r`` (rounded) have the printed p-value, with
    ``n`` observations and ``n_covariates`` covariates?

    The rounded r spans a range of p-values (:func:`claimcheck.stats.power.p_range_for_rounded_r`); the
    printed p spans its own rounding window (or, for ``<0.001``, everything below the bound). The
    pair fits when the two ranges overlap.
    """
    low, high = p_range_for_rounded_r(reported_r, n, r_decimals, n_covariates)
    return ReportedP.parse(reported_p).fits(low, high)
