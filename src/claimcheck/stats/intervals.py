"""Small, tested helpers for reporting statsmodels fits and published intervals.

The chapters fit ordinary statsmodels models (OLS, GLM/Logit, PHReg, MixedLM) and need the same
few things from each: a tidy table of coefficients with intervals, crude and adjusted estimates
side by side, one regression line per group, and the standard error, z and p implied by an
interval printed in a paper (the formulas themselves are in :mod:`claimcheck.stats.wald`). Every
function returns plain pandas or Python types so the numbers can be glued into prose.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from claimcheck.stats.wald import se_from_ci, t_for_level, two_sided_p, z_from_ci


def _names(result) -> list[str]:
    params = result.params
    if isinstance(params, pd.Series):
        return [str(n) for n in params.index]
    names = getattr(result.model, "exog_names", None)
    if names is None:
        return [f"x{i}" for i in range(len(params))]
    return [str(n) for n in names]


def tidy(result, level: float = 0.95, exponentiate: bool = False,
         terms: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per coefficient: term, estimate, se, ci_low, ci_high, p.

    Works for the results of OLS (any ``cov_type``), GLM, Logit, PHReg and MixedLM. Intervals and
    p-values are the ones statsmodels computes for that fit (t-based for OLS, normal otherwise).
    With ``exponentiate`` the estimate and its interval are put on the ratio scale (odds or
    hazard ratios); ``se`` stays on the model's own (log) scale. ``terms`` keeps only those rows,
    in that order.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    names = _names(result)
    params = np.asarray(result.params, dtype=float)
    bse = np.asarray(result.bse, dtype=float)
    ci = np.asarray(result.conf_int(alpha=1 - level), dtype=float)
    pvalues = np.asarray(result.pvalues, dtype=float)
    # MixedLM appends variance parameters to params; keep the rows that have names.
    k = min(len(names), len(params))
    frame = pd.DataFrame(
        {
            "term": names[:k],
            "estimate": params[:k],
            "se": bse[:k],
            "ci_low": ci[:k, 0],
            "ci_high": ci[:k, 1],
            "p": pvalues[:k],
        }
    )
    if exponentiate:
        for column in ("estimate", "ci_low", "ci_high"):
            frame[column] = np.exp(frame[column])
    if terms is not None:
        missing = [t for t in terms if t not in set(frame["term"])]
        if missing:
            raise KeyError(f"terms not in the model: {missing}; the model has {list(frame['term'])}")
        frame = frame.set_index("term").loc[list(terms)].reset_index()
    return frame.reset_index(drop=True)


def crude_vs_adjusted(crude, adjusted, terms: Sequence[str], level: float = 0.95,
                      exponentiate: bool = False) -> pd.DataFrame:
    """The same terms from a crude and an adjusted fit, side by side.

    ``shift_percent`` is how far adjustment moved the estimate, as a percentage of the crude
    estimate on the model's own scale (log scale for ratios), so that 0 means adjustment changed
    nothing and -100 means it removed the association entirely.
    """
    left = tidy(crude, level, exponentiate, terms).set_index("term")
    right = tidy(adjusted, level, exponentiate, terms).set_index("term")
    out = pd.DataFrame(index=list(terms))
    out.index.name = "term"
    for label, frame in (("crude", left), ("adjusted", right)):
        out[label] = frame["estimate"]
        out[f"{label}_low"] = frame["ci_low"]
        out[f"{label}_high"] = frame["ci_high"]
        out[f"{label}_p"] = frame["p"]
    c = np.log(out["crude"]) if exponentiate else out["crude"]
    a = np.log(out["adjusted"]) if exponentiate else out["adjusted"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["shift_percent"] = np.where(np.abs(c) > 0, 100 * (a - c) / np.abs(c), np.nan)
    return out.reset_index()


def group_slopes(data: pd.DataFrame, x: str, y: str, group: str, level: float = 0.95) -> pd.DataFrame:
    """Ordinary least squares of ``y`` on ``x`` separately within each group.

    Returns group, n, intercept, slope, slope_low, slope_high (t interval) and r2. A group needs
    at least three points for an interval.
    """
    rows = []
    for key, part in data.groupby(group, sort=True):
        xs = np.asarray(part[x], dtype=float)
        ys = np.asarray(part[y], dtype=float)
        n = len(xs)
        if n < 3:
            raise ValueError(f"group {key!r} has {n} points; at least 3 are needed")
        sxx = float(np.sum((xs - xs.mean()) ** 2))
        if sxx == 0:
            raise ValueError(f"group {key!r} has no spread in {x}")
        slope = float(np.sum((xs - xs.mean()) * (ys - ys.mean())) / sxx)
        intercept = float(ys.mean() - slope * xs.mean())
        resid = ys - (intercept + slope * xs)
        sse = float(np.sum(resid**2))
        sst = float(np.sum((ys - ys.mean()) ** 2))
        se = math.sqrt(sse / (n - 2) / sxx)
        t = t_for_level(level, n - 2)
        rows.append(
            {
                group: key,
                "n": n,
                "intercept": intercept,
                "slope": slope,
                "slope_low": slope - t * se,
                "slope_high": slope + t * se,
                "r2": 1 - sse / sst if sst > 0 else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def recompute_from_ci(estimate: float, low: float, high: float, level: float = 0.95,
                      ratio: bool = False, null: float | None = None) -> dict:
    """What a printed estimate and interval imply: se, z, two-sided p, and how central the estimate is.

    ``asymmetry`` is the distance of the estimate from the interval's centre (on the log scale for
    ratios) as a fraction of the half-width: near 0 for a Wald interval, far from 0 when the
    estimate, a bound, or the interval type does not match what was printed.
    """
    se = se_from_ci(low, high, level, ratio)
    if ratio:
        lo, hi, est = math.log(low), math.log(high), math.log(estimate)
        midpoint = math.exp((lo + hi) / 2)
    else:
        lo, hi, est = low, high, estimate
        midpoint = (lo + hi) / 2
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    z = z_from_ci(estimate, low, high, null, level, ratio)
    return {
        "se": float(se),
        "z": float(z),
        "p": two_sided_p(z),
        "midpoint": float(midpoint),
        "asymmetry": float((est - centre) / half) if half > 0 else float("nan"),
    }


def percent_difference(value: float, reference: float) -> float:
    """How much ``value`` differs from ``reference``, in percent of the reference."""
    if reference == 0:
        raise ValueError("the reference value must not be zero")
    return float(100.0 * (value - reference) / reference)


def two_stage_slope(per_group: pd.DataFrame, slope: str = "slope", level: float = 0.95) -> dict:
    """Second stage of a two-stage (summary-statistics) analysis of per-group slopes.

    Each group's own least-squares slope (first stage, :func:`group_slopes`) counts once; the
    average slope's interval is a t interval on k - 1 degrees of freedom from the spread of the
    k slopes, so it reflects how much the slope differs between groups (which a model with a
    random intercept only ignores).
    """
    values = np.asarray(per_group[slope], dtype=float)
    k = len(values)
    if k < 2:
        raise ValueError(f"a two-stage interval needs at least 2 groups, got {k}")
    mean = float(values.mean())
    sd = float(values.std(ddof=1))
    se = sd / math.sqrt(k)
    t = t_for_level(level, k - 1)
    return {"groups": k, "mean": mean, "sd": sd, "se": se, "ci_low": mean - t * se, "ci_high": mean + t * se}


def pick(frame: pd.DataFrame, column: str, **criteria):
    """The single value of ``column`` in the one row of ``frame`` matching every ``criteria``.

    Fails loudly (naming the criteria) when no row or more than one row matches, so a typo in a
    label cannot silently pick the wrong number for the prose.
    """
    mask = np.ones(len(frame), dtype=bool)
    for name, wanted in criteria.items():
        if name not in frame.columns:
            raise KeyError(f"no column {name!r}; columns are {list(frame.columns)}")
        mask &= (frame[name] == wanted).to_numpy()
    hits = frame.loc[mask, column]
    if len(hits) != 1:
        raise LookupError(f"{len(hits)} rows match {criteria}; exactly one is needed")
    value = hits.iloc[0]
    return float(value) if isinstance(value, (int, float, np.integer, np.floating)) else value
