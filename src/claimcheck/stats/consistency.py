"""Recompute what a paper reports from what it also reports.

These are the checks a careful reader does by hand: whether a reported p-value agrees with its
interval once rounding is allowed for, whether an estimate is the middle of its interval, whole
group sizes behind percentages, what an interval says about a threshold, and all of these over a
transcribed table (:func:`interval_checks`). The formulas are in :mod:`claimcheck.stats.wald`, the
rounding windows in :mod:`claimcheck.stats.rounding`. Every function works on plain floats and
returns plain Python types so results can be glued into prose directly.
"""

from __future__ import annotations

import math

from claimcheck.stats.rounding import ReportedP, half_unit, printed_decimals
from claimcheck.stats.wald import p_from_ci, se_from_ci


def p_consistent_with_ci(reported_p: str, estimate: float, low: float, high: float,
                         decimals_of_ci: int, ratio: bool = False, null: float | None = None) -> tuple[float, float, float, bool]:
    """Check a reported p against the range of p-values its rounded interval allows.

    An interval printed to ``decimals_of_ci`` places could come from any true bounds within
    half a unit; the recomputed p is taken at the printed values and the range over the
    rounding box decides agreement. Returns (p at printed values, smallest p, largest p, agrees).
    """
    half = half_unit(decimals_of_ci)
    candidates = []
    for d_est in (-half, 0.0, half):
        for d_low in (-half, half):
            for d_high in (-half, half):
                lo, hi, est = low + d_low, high + d_high, estimate + d_est
                if lo >= hi or (ratio and lo <= 0):
                    continue
                candidates.append(p_from_ci(est, lo, hi, null=null, ratio=ratio))
    central = p_from_ci(estimate, low, high, null=null, ratio=ratio)
    p_min, p_max = min(candidates + [central]), max(candidates + [central])
    return central, p_min, p_max, ReportedP.parse(reported_p).fits(p_min, p_max)


def count_from_percent(percent: float, total: int, decimals: int = 1) -> tuple[int, bool]:
    """The whole count behind a percentage of ``total``, and whether any count fits.

    A percentage printed to ``decimals`` places covers a window of half a unit either side;
    the check passes when some whole number of people falls in that window (GRIM-style).
    """
    if total <= 0:
        raise ValueError("total must be positive")
    half = half_unit(decimals)
    low = (percent - half) / 100 * total
    high = (percent + half) / 100 * total
    nearest = round(percent / 100 * total)
    fits = any(low - 1e-9 <= k <= high + 1e-9 for k in range(math.floor(low), math.ceil(high) + 1))
    return int(nearest), bool(fits)


def centred(estimate: float, low: float, high: float, decimals: int, ratio: bool = False) -> bool:
    """Could the printed estimate be the middle of the printed interval, given rounding?

    Wald intervals are symmetric about the estimate (on the log scale for ratios, so the estimate is
    the geometric middle). Each printed number stands for any value within half a unit of its last
    decimal; the check passes when the rounding windows of the estimate and of the middle overlap.
    """
    half = half_unit(decimals)
    if ratio:
        if low - half <= 0:
            raise ValueError("a ratio interval needs positive bounds")
        middle_low, middle_high = math.sqrt((low - half) * (high - half)), math.sqrt((low + half) * (high + half))
    else:
        middle_low, middle_high = (low + high) / 2 - half, (low + high) / 2 + half
    slack = 1e-9  # floating-point slack at the exact edge of a rounding window
    return bool(middle_low <= estimate + half + slack and estimate - half - slack <= middle_high)


def threshold_reading(low: float, high: float, threshold: float) -> str:
    """What an interval for a difference says about a difference of ``threshold`` either way.

    ``"ruled out"``: the whole interval lies inside ±threshold; ``"shown"``: it lies wholly beyond
    the threshold on one side; ``"not ruled out"``: it crosses the threshold.
    """
    if threshold <= 0:
        raise ValueError("the threshold must be positive")
    if low > high:
        raise ValueError(f"lower bound {low} is above upper bound {high}")
    if -threshold < low and high < threshold:
        return "ruled out"
    if low > threshold or high < -threshold:
        return "shown"
    return "not ruled out"


RATIO_MEASURES = frozenset({"risk_ratio", "hazard_ratio", "odds_ratio"})


def interval_checks(frame, implied_p: dict | None = None, decimals: dict | None = None):
    """Check every transcribed interval against what is printed beside it.

    ``frame`` holds rows of a ``*_estimates.csv`` file (columns estimate_id, measure, estimate,
    ci_low, ci_high, p_reported, note). Rows without an interval and correlations (a test against
    zero means nothing for a reliability coefficient) are skipped. For each other row the standard
    error and Wald p are recovered from the interval (log scale for ratios), the printed p (or the
    one a source implies, ``implied_p = {estimate_id: "<0.05"}``) is compared with the range of p
    the rounded interval allows, and the estimate is checked to be the middle of its interval.
    ``decimals`` overrides the printed decimals of a row. Returns one row per checked interval with
    columns estimate_id, decimals, ratio, se, p_recomputed, p_reported, p_source, check and
    centred; ``check`` is "agrees", "mismatch", "no p reported" or "trend test (not comparable)".
    """
    import pandas as pd

    implied_p = implied_p or {}
    decimals = decimals or {}
    records = []
    for _, row in frame.iterrows():
        if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]) or row["measure"] == "correlation":
            continue
        estimate_id = row["estimate_id"]
        estimate, low, high = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
        ratio = row["measure"] in RATIO_MEASURES
        places = decimals.get(estimate_id, max(printed_decimals(x) for x in (estimate, low, high)))
        note = "" if pd.isna(row.get("note")) else str(row["note"])
        reported = "" if pd.isna(row["p_reported"]) else str(row["p_reported"])
        source = "printed" if reported else ""
        if not reported and estimate_id in implied_p:
            reported, source = implied_p[estimate_id], "implied"
        if not reported:
            check = "no p reported"
        elif "trend" in note:
            check = "trend test (not comparable)"
        else:
            agrees = p_consistent_with_ci(reported, estimate, low, high, places, ratio=ratio)[3]
            check = "agrees" if agrees else "mismatch"
        records.append({
            "estimate_id": estimate_id,
            "decimals": places,
            "ratio": ratio,
            "se": se_from_ci(low, high, ratio=ratio),
            "p_recomputed": p_from_ci(estimate, low, high, ratio=ratio),
            "p_reported": reported,
            "p_source": source,
            "check": check,
            "centred": centred(estimate, low, high, places, ratio=ratio),
        })
    columns = ["estimate_id", "decimals", "ratio", "se", "p_recomputed", "p_reported", "p_source", "check", "centred"]
    return pd.DataFrame(records, columns=columns)
