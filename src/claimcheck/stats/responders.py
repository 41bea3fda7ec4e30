"""Responder maths: how much of a trial's "non-response" to training a noisy test can explain.

A training study often reports only shares: the share of participants whose measured change
exceeded 0 and the share that exceeded a responder cut-off (for example a 5 % gain in peak
oxygen uptake). Three steps turn those shares into a statement about measurement noise:

1. **Reconstruct the distribution of observed change.** If the observed changes follow a
   location-scale family (normal by default), each reported share gives one equation,
   ``P(X > c_i) = p_i``, that is ``c_i = loc + scale * q_i`` with ``q_i`` the family's
   ``(1 - p_i)`` quantile. Two shares give two linear equations in two unknowns, solved exactly:
   ``scale = (c_2 - c_1) / (q_2 - q_1)`` and ``loc = c_1 - scale * q_1``.
2. **Remove the test's noise.** A pre-post change carries the typical error (TE) of two tests,
   so its noise variance is ``2 * TE**2``; if true changes and errors are independent,
   ``SD_true**2 = SD_observed**2 - 2 * TE**2``. A negative difference means the test's noise alone
   accounts for all the spread seen; the true SD is then reported as 0 and flagged.
3. **Count misclassification at the cut-off.** With true change ``T ~ N(mean, SD_true)`` and
   observed change ``O = T + E``, ``E ~ N(0, sqrt(2) * TE)``, the shares ``P(T >= c, O < c)``
   (true responders labelled non-responders) and ``P(T < c, O >= c)`` follow by one-dimensional
   integration. A seeded Monte Carlo version accepts non-normal true distributions for
   sensitivity analyses.

All functions return plain Python floats (or dicts of them) so results can be glued into prose.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import integrate, special, stats


def _standard(family):
    """A scipy distribution (class instance or frozen) with its mean and SD."""
    return family, float(family.mean()), float(family.std())


def fit_two_exceedances(cut_low: float, share_above_low: float, cut_high: float, share_above_high: float,
                        family=stats.norm) -> dict:
    """Location and scale of a distribution that puts the given shares above two cut-offs.

    ``family`` is a standardised scipy distribution (``stats.norm``, ``stats.t(5)``,
    ``stats.skewnorm(3)`` ...); the fitted distribution is ``loc + scale * Z`` with ``Z`` from it.
    Returns loc, scale, the implied mean and SD, and the two standard quantiles used.
    """
    if not cut_low < cut_high:
        raise ValueError(f"cut-offs must increase, got {cut_low} and {cut_high}")
    for share in (share_above_low, share_above_high):
        if not 0 < share < 1:
            raise ValueError(f"shares must lie strictly between 0 and 1, got {share}")
    if not share_above_high < share_above_low:
        raise ValueError("the share above the higher cut-off must be smaller than the share above the lower one")
    dist, z_mean, z_sd = _standard(family)
    q_low = float(dist.ppf(1 - share_above_low))
    q_high = float(dist.ppf(1 - share_above_high))
    scale = (cut_high - cut_low) / (q_high - q_low)
    loc = cut_low - scale * q_low
    return {
        "loc": float(loc),
        "scale": float(scale),
        "mean": float(loc + scale * z_mean),
        "sd": float(scale * z_sd),
        "q_low": q_low,
        "q_high": q_high,
    }


def change_noise_sd(typical_error: float) -> float:
    """SD of a pre-post difference that is pure test noise: sqrt(2) times the typical error."""
    if typical_error < 0:
        raise ValueError("a typical error cannot be negative")
    return float(math.sqrt(2.0) * typical_error)


def true_response_sd(sd_observed: float, typical_error: float) -> dict:
    """SD of true individual changes once the noise of two tests is removed.

    Returns ``sd_true`` (0 when the noise variance is at least the observed variance),
    ``variance_true`` (may be negative, which is informative), ``noise_sd`` and the flag
    ``noise_exceeds_observed``.
    """
    if sd_observed < 0:
        raise ValueError("an SD cannot be negative")
    noise = change_noise_sd(typical_error)
    variance = sd_observed**2 - noise**2
    return {
        "sd_true": float(math.sqrt(variance)) if variance > 0 else 0.0,
        "variance_true": float(variance),
        "noise_sd": noise,
        "noise_exceeds_observed": bool(variance <= 0),
    }


def misclassification(mean_true: float, sd_true: float, noise_sd: float, cutoff: float) -> dict:
    """Exact shares classified wrongly at ``cutoff`` when true change is normal and noise is normal.

    Keys: ``true_responders`` P(T >= c); ``observed_responders`` P(O >= c);
    ``false_nonresponders`` P(T >= c, O < c); ``false_responders`` P(T < c, O >= c);
    ``misclassified`` (their sum); ``true_responders_among_observed_nonresponders`` and
    ``true_nonresponders_among_observed_responders`` (conditional shares).
    """
    if sd_true < 0 or noise_sd < 0:
        raise ValueError("SDs cannot be negative")
    sd_obs = math.hypot(sd_true, noise_sd)
    if sd_obs == 0:
        raise ValueError("true SD and noise SD cannot both be zero")
    observed_resp = float(stats.norm.sf((cutoff - mean_true) / sd_obs))
    if noise_sd == 0:
        true_resp, false_non, false_resp = observed_resp, 0.0, 0.0
    elif sd_true == 0:
        responder = mean_true >= cutoff
        true_resp = 1.0 if responder else 0.0
        false_non = float(stats.norm.cdf((cutoff - mean_true) / noise_sd)) if responder else 0.0
        false_resp = 0.0 if responder else observed_resp
    else:
        a = (cutoff - mean_true) / sd_true
        true_resp = float(stats.norm.sf(a))

        root_2pi = math.sqrt(2 * math.pi)

        def labelled_non(u):  # density of T at u (standardised) times P(O < c | T)
            return math.exp(-0.5 * u * u) / root_2pi * special.ndtr((cutoff - mean_true - sd_true * u) / noise_sd)

        def labelled_resp(u):  # density of T at u times P(O >= c | T)
            return math.exp(-0.5 * u * u) / root_2pi * special.ndtr((mean_true + sd_true * u - cutoff) / noise_sd)

        # Twelve SDs of true change beyond the cut-off hold all but ~1e-33 of the normal's mass.
        false_non = float(integrate.quad(labelled_non, a, a + 12.0, epsabs=1e-13, epsrel=1e-10)[0])
        false_resp = float(integrate.quad(labelled_resp, a - 12.0, a, epsabs=1e-13, epsrel=1e-10)[0])
    observed_non = 1.0 - observed_resp
    return {
        "true_responders": true_resp,
        "observed_responders": observed_resp,
        "false_nonresponders": false_non,
        "false_responders": false_resp,
        "misclassified": false_non + false_resp,
        "true_responders_among_observed_nonresponders": false_non / observed_non if observed_non > 0 else float("nan"),
        "true_nonresponders_among_observed_responders": false_resp / observed_resp if observed_resp > 0 else float("nan"),
    }


def draw_standardised(family, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draws from ``family`` rescaled to mean 0 and SD 1."""
    dist, z_mean, z_sd = _standard(family)
    return (np.asarray(dist.rvs(size=size, random_state=rng)) - z_mean) / z_sd


def simulate_misclassification(mean_true: float, sd_true: float, noise_sd: float, cutoff: float, n: int,
                               rng: np.random.Generator, family=stats.norm,
                               thresholds: Sequence[float] = (0.0,)) -> dict:
    """Monte Carlo version of :func:`misclassification` for any shape of true change.

    True changes are ``mean_true + sd_true * Z`` with ``Z`` from ``family`` standardised; noise
    is normal. Also returns the observed shares above ``thresholds`` and above ``cutoff``, so a
    simulation can be checked against what a paper reported.
    """
    true = mean_true + sd_true * draw_standardised(family, n, rng)
    observed = true + rng.normal(0.0, noise_sd, n)
    true_resp, obs_resp = true >= cutoff, observed >= cutoff
    result = {
        "true_responders": float(true_resp.mean()),
        "observed_responders": float(obs_resp.mean()),
        "false_nonresponders": float((true_resp & ~obs_resp).mean()),
        "false_responders": float((~true_resp & obs_resp).mean()),
    }
    result["misclassified"] = result["false_nonresponders"] + result["false_responders"]
    for threshold in thresholds:
        result[f"observed_above_{threshold:g}"] = float((observed > threshold).mean())
    return result


def bootstrap_fit(mean: float, sd: float, n: int, cut_low: float, cut_high: float, reps: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Parametric bootstrap of :func:`fit_two_exceedances` (normal family) for a sample of ``n``.

    Each replicate draws ``n`` normal changes, computes the two shares a paper would report and
    refits; returns an array of shape (reps, 2) with the refitted mean and SD (NaN where the
    shares could not be fitted, e.g. a share of 0 or 1).
    """
    out = np.full((reps, 2), np.nan)
    for i in range(reps):
        sample = rng.normal(mean, sd, n)
        low, high = float((sample > cut_low).mean()), float((sample >= cut_high).mean())
        if 0 < high < low < 1:
            fit = fit_two_exceedances(cut_low, low, cut_high, high)
            out[i] = fit["mean"], fit["sd"]
    return out


def observed_and_true_shares(mean: float, sd_observed: float, typical_error: float, cutoff: float) -> dict:
    """Observed against modelled true shares at a responder cut-off, for one assumed typical error.

    The observed changes are ``N(mean, sd_observed)``; the test's noise (two tests, so
    ``sqrt(2) * typical_error``) is removed to give the spread of true change (see
    :func:`true_response_sd`). Returns, as fractions: ``observed_nonresponders`` (observed change
    below the cut-off), ``true_nonresponders`` (true change below it), ``misclassified``,
    ``observed_responders_truly_below`` and ``observed_nonresponders_truly_above`` (shares within
    each observed group), ``noise_only_nonresponders`` (the observed share below the cut-off if
    every true change equalled the mean), plus ``sd_true``, ``noise_sd`` and
    ``noise_exceeds_observed``.
    """
    true = true_response_sd(sd_observed, typical_error)
    if true["noise_sd"] == 0:
        shares = misclassification(mean, sd_observed, 0.0, cutoff)
        noise_only = float("nan")
    else:
        shares = misclassification(mean, true["sd_true"], true["noise_sd"], cutoff)
        noise_only = 1.0 - misclassification(mean, 0.0, true["noise_sd"], cutoff)["observed_responders"]
    return {
        "typical_error": float(typical_error),
        "sd_true": true["sd_true"],
        "noise_sd": true["noise_sd"],
        "noise_exceeds_observed": true["noise_exceeds_observed"],
        "observed_nonresponders": 1.0 - shares["observed_responders"],
        "true_nonresponders": 1.0 - shares["true_responders"],
        "misclassified": shares["misclassified"],
        "observed_responders_truly_below": shares["true_nonresponders_among_observed_responders"],
        "observed_nonresponders_truly_above": shares["true_responders_among_observed_nonresponders"],
        "noise_only_nonresponders": noise_only,
    }
