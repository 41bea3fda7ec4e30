"""What a design can detect: power, minimum detectable effects and the winner's curse.

Small animal experiments and small observational studies are judged here by what they could
have found, not by what they report. The functions answer four questions:

* the smallest standardized difference (Cohen's d) a two-group comparison detects with a
  given power (``min_detectable_d``, via statsmodels' ``TTestIndPower``);
* the smallest (partial) correlation a sample of ``n`` detects (``min_detectable_r``, Fisher z)
  and the width of the interval around an observed one (``correlation_ci``);
* how a percentage difference between group means relates to d, which needs the spread of
  the measurement (``d_from_percent``, ``cv_for_d``);
* how much a result that passed p < alpha overstates the true effect (``design_analysis``:
  Gelman and Carlin's type S and type M errors for a two-sample t-test).

Every function takes and returns plain Python numbers so results can be glued into prose.
"""

from __future__ import annotations

import math

from scipy import integrate, stats
from statsmodels.stats.power import TTestIndPower

from claimcheck.stats.rounding import half_unit
from claimcheck.stats.wald import t_for_level, two_sided_p_t, two_sided_power, z_for_level


def _check_probability(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")


def _check_power_and_alpha(power: float, alpha: float) -> None:
    _check_probability("power", power)
    _check_probability("alpha", alpha)
    if power <= alpha:
        raise ValueError("power must exceed alpha")


def _group_sizes(n1: int, n2: int | None) -> tuple[int, int]:
    """Both group sizes (``n2`` defaults to ``n1``); a two-sample t-test needs at least 2 units in each."""
    n2 = n1 if n2 is None else n2
    if n1 < 2 or n2 < 2:
        raise ValueError("each group needs at least 2 units")
    return n1, n2


def _residual_dof(n: int, n_covariates: int, lost: int) -> int:
    """Degrees of freedom left for a (partial) correlation: ``n - lost - n_covariates`` (``lost`` is 2
    for the t test of r, 3 for Fisher's z), at least 1."""
    dof = n - lost - n_covariates
    if dof < 1:
        raise ValueError(f"n = {n} is too small for {n_covariates} covariates")
    return dof


def min_detectable_d(n1: int, n2: int | None = None, power: float = 0.8, alpha: float = 0.05) -> float:
    """Smallest |d| a two-sided two-sample t-test with n1 and n2 units detects with the given power."""
    n1, n2 = _group_sizes(n1, n2)
    _check_power_and_alpha(power, alpha)
    solved = TTestIndPower().solve_power(effect_size=None, nobs1=n1, ratio=n2 / n1, alpha=alpha,
                                         power=power, alternative="two-sided")
    return float(abs(solved))


def critical_d(n1: int, n2: int | None = None, alpha: float = 0.05) -> float:
    """Smallest |d| that reaches two-sided p < alpha in a two-sample t-test: any significant result is at least this big."""
    n1, n2 = _group_sizes(n1, n2)
    _check_probability("alpha", alpha)
    return float(t_for_level(1 - alpha, n1 + n2 - 2) * math.sqrt(1 / n1 + 1 / n2))


def critical_r(n: int, alpha: float = 0.05, n_covariates: int = 0) -> float:
    """Smallest |r| (partial r) that reaches two-sided p < alpha with n observations."""
    _check_probability("alpha", alpha)
    dof = _residual_dof(n, n_covariates, lost=2)
    t_crit = t_for_level(1 - alpha, dof)
    return float(t_crit / math.sqrt(t_crit**2 + dof))


def min_detectable_r(n: int, power: float = 0.8, alpha: float = 0.05, n_covariates: int = 0) -> float:
    """Smallest |r| (partial r with ``n_covariates`` controlled) detected with the given power.

    Uses Fisher's z: atanh(r) is close to normal with standard error 1/sqrt(n - 3 - k).
    """
    dof = _residual_dof(n, n_covariates, lost=3)
    return float(math.tanh(_z_sum(power, alpha) / math.sqrt(dof)))


def power_correlation(r: float, n: int, alpha: float = 0.05, n_covariates: int = 0) -> float:
    """Approximate power of the two-sided test of a (partial) correlation whose true value is r (Fisher z)."""
    _check_probability("alpha", alpha)
    if not -1 < r < 1:
        raise ValueError(f"r must lie strictly between -1 and 1, got {r}")
    dof = _residual_dof(n, n_covariates, lost=3)
    return two_sided_power(math.atanh(r) * math.sqrt(dof), alpha)


def correlation_ci(r: float, n: int, level: float = 0.95, n_covariates: int = 0) -> tuple[float, float]:
    """Fisher-z confidence interval of a (partial) correlation."""
    if not -1 < r < 1:
        raise ValueError(f"r must lie strictly between -1 and 1, got {r}")
    _check_probability("level", level)
    dof = _residual_dof(n, n_covariates, lost=3)
    half = z_for_level(level) / math.sqrt(dof)
    z = math.atanh(r)
    return float(math.tanh(z - half)), float(math.tanh(z + half))


def p_from_partial_r(r: float, n: int, n_covariates: int = 0) -> float:
    """Two-sided p-value of a (partial) Pearson correlation: t = r sqrt(df / (1 - r^2)), df = n - 2 - k."""
    if not -1 < r < 1:
        raise ValueError(f"r must lie strictly between -1 and 1, got {r}")
    dof = _residual_dof(n, n_covariates, lost=2)
    return two_sided_p_t(r * math.sqrt(dof / (1 - r * r)), dof)


def p_range_for_rounded_r(r: float, n: int, decimals: int = 2, n_covariates: int = 0) -> tuple[float, float]:
    """Smallest and largest p-value a correlation printed as ``r`` (to ``decimals`` places) can have.

    A printed r stands for any value within half a unit of its last digit; the p-value of the
    (partial) correlation test is monotone in |r|, so the range comes from the two ends.
    """
    half = half_unit(decimals)
    ends = [max(min(abs(r) + sign * half, 1 - 1e-12), 0.0) for sign in (-1, 1)]
    p_values = [p_from_partial_r(value, n, n_covariates) for value in ends]
    return float(min(p_values)), float(max(p_values))


def d_from_percent(percent_change: float, cv: float) -> float:
    """Standardized difference implied by a percentage change of the mean and a coefficient of variation.

    A treated group whose mean is ``percent_change`` % away from the control mean, with a common
    standard deviation of ``cv`` times the control mean, differs by |percent_change| / 100 / cv SDs.
    """
    if cv <= 0:
        raise ValueError("the coefficient of variation must be positive")
    return float(abs(percent_change) / 100 / cv)


def cv_for_d(percent_change: float, d: float) -> float:
    """The coefficient of variation at which a percentage change equals a standardized difference d."""
    if d <= 0:
        raise ValueError("d must be positive")
    return float(abs(percent_change) / 100 / d)


def design_analysis(d_true: float, n1: int, n2: int | None = None, alpha: float = 0.05) -> dict:
    """Power, type S error and exaggeration ratio (type M) of a two-sample t-test (Gelman and Carlin 2014).

    The estimate of d is d_hat = t * sqrt(1/n1 + 1/n2), with t following a noncentral t
    distribution. Among results with p < alpha, ``type_s`` is the share with the wrong sign and
    ``exaggeration`` is E(|d_hat| given significance) / |d_true|.
    """
    if d_true == 0:
        raise ValueError("the exaggeration ratio is undefined for a true effect of zero")
    n1, n2 = _group_sizes(n1, n2)
    _check_probability("alpha", alpha)
    dof = n1 + n2 - 2
    scale = math.sqrt(1 / n1 + 1 / n2)
    noncentrality = abs(d_true) / scale
    dist = stats.nct(dof, noncentrality)
    t_crit = t_for_level(1 - alpha, dof)
    p_upper = float(dist.sf(t_crit))
    p_lower = float(dist.cdf(-t_crit))
    power = p_upper + p_lower
    # Integrate over the central part of the distribution only: the tails beyond these
    # quantiles carry less than 1e-12 of the mass, and scipy's noncentral t density
    # overflows far out in them.
    low_end, high_end = float(dist.ppf(1e-12)), float(dist.isf(1e-12))
    upper_mass = 0.0
    if high_end > t_crit:
        upper_mass, _ = integrate.quad(lambda t: t * dist.pdf(t), max(t_crit, low_end), high_end, limit=200)
    lower_mass = 0.0
    if low_end < -t_crit:
        lower_mass, _ = integrate.quad(lambda t: -t * dist.pdf(t), low_end, min(-t_crit, high_end), limit=200)
    mean_abs_t_given_significant = (upper_mass + lower_mass) / power
    return {
        "power": float(power),
        "type_s": float(p_lower / power),
        "exaggeration": float(mean_abs_t_given_significant * scale / abs(d_true)),
    }


def _z_sum(power: float, alpha: float) -> float:
    _check_power_and_alpha(power, alpha)
    return z_for_level(1 - alpha) + float(stats.norm.ppf(power))


def _check_events(events: float, proportion_exposed: float) -> None:
    if events <= 0:
        raise ValueError(f"the number of events must be positive, got {events}")
    _check_probability("proportion_exposed", proportion_exposed)


def min_detectable_hazard_ratio(events: float, proportion_exposed: float = 0.5, power: float = 0.8,
                                alpha: float = 0.05) -> float:
    """Smallest hazard ratio (> 1) a Cox comparison of two groups detects with the given power.

    Schoenfeld's formula (Biometrics 1983): with D events and a share p of people in the exposed
    group, the log hazard ratio detected with power 1 - beta by a two-sided test at level alpha
    is (z_{1-alpha/2} + z_{1-beta}) / sqrt(D p (1 - p)). Adjustment for covariates correlated with
    the exposure makes the detectable ratio larger still; this is the best case.
    """
    _check_events(events, proportion_exposed)
    log_hr = _z_sum(power, alpha) / math.sqrt(events * proportion_exposed * (1 - proportion_exposed))
    return float(math.exp(log_hr))


def events_needed(hazard_ratio: float, proportion_exposed: float = 0.5, power: float = 0.8,
                  alpha: float = 0.05) -> float:
    """Schoenfeld's number of events needed to detect ``hazard_ratio`` (the inverse of
    :func:`min_detectable_hazard_ratio`)."""
    if hazard_ratio <= 0 or hazard_ratio == 1:
        raise ValueError(f"the hazard ratio must be positive and not 1, got {hazard_ratio}")
    _check_probability("proportion_exposed", proportion_exposed)
    return float(_z_sum(power, alpha) ** 2
                 / (proportion_exposed * (1 - proportion_exposed) * math.log(hazard_ratio) ** 2))


def power_hazard_ratio(hazard_ratio: float, events: float, proportion_exposed: float = 0.5,
                       alpha: float = 0.05) -> float:
    """Approximate power of a two-sided Cox (log-rank) comparison for a true ``hazard_ratio``."""
    _check_events(events, proportion_exposed)
    _check_probability("alpha", alpha)
    if hazard_ratio <= 0:
        raise ValueError(f"the hazard ratio must be positive, got {hazard_ratio}")
    return two_sided_power(math.log(hazard_ratio) * math.sqrt(events * proportion_exposed * (1 - proportion_exposed)),
                           alpha)
