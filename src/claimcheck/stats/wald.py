"""Normal-theory (Wald) arithmetic: the one place the book's interval and p-value formulas live.

The chapters recompute what papers print: the standard error behind an interval, the p-value a
Wald test gives, the interval around an estimate, and the power of a two-sided test. Every other
module of :mod:`claimcheck.stats` (consistency checks, published intervals, power) and every
chapter calls these functions instead of writing ``norm.ppf(0.975)`` or ``2 * norm.sf(|z|)``
again. All take and return plain Python floats.
"""

from __future__ import annotations

import math

from scipy import stats


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {level}")


def z_for_level(level: float = 0.95) -> float:
    """The normal quantile of a two-sided interval at ``level`` (1.959964 for 95%); with
    ``level = 1 - alpha`` the critical value of a two-sided test at ``alpha``."""
    _check_level(level)
    return float(stats.norm.ppf(0.5 + level / 2))


def t_for_level(level: float, dof: float) -> float:
    """The t quantile of a two-sided interval at ``level`` with ``dof`` degrees of freedom."""
    _check_level(level)
    return float(stats.t.ppf(0.5 + level / 2, dof))


def two_sided_p(z: float) -> float:
    """Two-sided p-value of a z statistic."""
    return float(2 * stats.norm.sf(abs(z)))


def two_sided_p_t(t: float, dof: float) -> float:
    """Two-sided p-value of a t statistic with ``dof`` degrees of freedom."""
    return float(2 * stats.t.sf(abs(t), dof))


def two_sided_power(shift: float, alpha: float = 0.05) -> float:
    """Power of a two-sided z test at ``alpha`` when the statistic's true mean is ``shift`` standard
    errors from the null (both tails count)."""
    z_crit = z_for_level(1 - alpha)
    return float(stats.norm.sf(z_crit - abs(shift)) + stats.norm.cdf(-z_crit - abs(shift)))


def wald_interval(estimate: float, se: float, level: float = 0.95) -> tuple[float, float]:
    """Normal-theory interval estimate ± z·se."""
    if se < 0:
        raise ValueError("a standard error cannot be negative")
    z = z_for_level(level)
    return float(estimate - z * se), float(estimate + z * se)


def se_from_ci(low: float, high: float, level: float = 0.95, ratio: bool = False) -> float:
    """Standard error implied by a symmetric (or, for ratios, log-symmetric) Wald interval."""
    if low > high:
        raise ValueError(f"lower bound {low} is above upper bound {high}")
    if ratio:
        if low <= 0:
            raise ValueError("a ratio interval needs positive bounds")
        low, high = math.log(low), math.log(high)
    return float((high - low) / (2 * z_for_level(level)))


def se_from_p(estimate: float, p: float) -> float:
    """Standard error implied by an estimate and its two-sided Wald p-value (0 < p < 1)."""
    if not 0 < p < 1:
        raise ValueError(f"p must be strictly between 0 and 1, got {p}")
    z = float(stats.norm.isf(p / 2))
    if estimate == 0:
        raise ValueError("an estimate of exactly 0 carries no information about its standard error")
    return float(abs(estimate) / z)


def z_from_ci(estimate: float, low: float, high: float, null: float | None = None,
              level: float = 0.95, ratio: bool = False) -> float:
    """The Wald z of an estimate against ``null`` (0 for differences, 1 for ratios), with the standard
    error recovered from its interval (on the log scale for ratios)."""
    se = se_from_ci(low, high, level, ratio)
    if ratio:
        distance = math.log(estimate) - math.log(1.0 if null is None else null)
    else:
        distance = estimate - (0.0 if null is None else null)
    return distance / se if se > 0 else float("nan")


def p_from_ci(estimate: float, low: float, high: float, null: float | None = None,
              level: float = 0.95, ratio: bool = False) -> float:
    """Two-sided p-value of a Wald test recovered from an estimate and its interval.

    ``null`` defaults to 0 for differences and 1 for ratios.
    """
    return two_sided_p(z_from_ci(estimate, low, high, null, level, ratio))


def difference_of_independent(est_a: float, se_a: float, est_b: float, se_b: float,
                              level: float = 0.95) -> dict:
    """A minus B for two independent estimates, with its Wald interval and p-value."""
    diff = est_a - est_b
    se = math.sqrt(se_a**2 + se_b**2)
    low, high = wald_interval(diff, se, level)
    return {
        "difference": float(diff),
        "se": float(se),
        "ci_low": low,
        "ci_high": high,
        "p": two_sided_p(diff / se) if se > 0 else float("nan"),
    }
