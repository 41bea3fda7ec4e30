"""Recompute what a paper reports from what it also reports.

These are the checks a careful reader does by hand: a standard error and p-value from a
confidence interval, group sizes from percentages, and whether a reported p-value agrees
with its interval once rounding is allowed for. Every function works on plain floats and
returns plain Python types so results can be glued into prose directly.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from scipy import stats


def z_for_level(level: float = 0.95) -> float:
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {level}")
    return float(stats.norm.ppf(0.5 + level / 2))


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


def p_from_ci(estimate: float, low: float, high: float, null: float | None = None,
              level: float = 0.95, ratio: bool = False) -> float:
    """Two-sided p-value of a Wald test recovered from an estimate and its interval.

    ``null`` defaults to 0 for differences and 1 for ratios.
    """
    se = se_from_ci(low, high, level, ratio)
    if ratio:
        null = 1.0 if null is None else null
        z = (math.log(estimate) - math.log(null)) / se
    else:
        null = 0.0 if null is None else null
        z = (estimate - null) / se
    return float(2 * stats.norm.sf(abs(z)))


@dataclass(frozen=True)
class ReportedP:
    """A p-value as printed: an exact value (with its decimals) or a bound such as ``<0.001``."""

    relation: str  # "=", "<" or ">"
    value: float
    decimals: int

    @classmethod
    def parse(cls, text: str) -> ReportedP:
        cleaned = text.strip().replace(" ", "").replace("P", "p").removeprefix("p")
        match = re.fullmatch(r"([<>=≤]?)(\d*\.?\d+)", cleaned)
        if not match:
            raise ValueError(f"cannot read {text!r} as a p-value")
        relation = {"": "=", "≤": "<"}.get(match.group(1), match.group(1))
        number = match.group(2)
        decimals = len(number.split(".")[1]) if "." in number else 0
        value = float(number)
        if not 0 <= value <= 1:
            raise ValueError(f"p-value {text!r} is outside [0, 1]")
        return cls(relation, value, decimals)

    def agrees_with(self, recomputed: float, slack: float = 0.0) -> bool:
        """Does a recomputed p fit this report, allowing for rounding of the printed value?

        ``slack`` widens the window (on the p scale) for recomputations that are only
        approximate, e.g. when the interval itself was rounded.
        """
        if self.relation == "<":
            return recomputed < self.value + slack
        if self.relation == ">":
            return recomputed > self.value - slack
        half_unit = 0.5 * 10 ** (-self.decimals)
        return self.value - half_unit - slack <= recomputed <= self.value + half_unit + slack


def p_consistent_with_ci(reported_p: str, estimate: float, low: float, high: float,
                         decimals_of_ci: int, ratio: bool = False, null: float | None = None) -> tuple[float, float, float, bool]:
    """Check a reported p against the range of p-values its rounded interval allows.

    An interval printed to ``decimals_of_ci`` places could come from any true bounds within
    half a unit; the recomputed p is taken at the printed values and the range over the
    rounding box decides agreement. Returns (p at printed values, smallest p, largest p, agrees).
    """
    half = 0.5 * 10 ** (-decimals_of_ci)
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
    report = ReportedP.parse(reported_p)
    if report.relation == "<":
        agrees = p_min < report.value
    elif report.relation == ">":
        agrees = p_max > report.value
    else:
        half_unit = 0.5 * 10 ** (-report.decimals)
        agrees = p_min <= report.value + half_unit and p_max >= report.value - half_unit
    return central, p_min, p_max, agrees


def count_from_percent(percent: float, total: int, decimals: int = 1) -> tuple[int, bool]:
    """The whole count behind a percentage of ``total``, and whether any count fits.

    A percentage printed to ``decimals`` places covers a window of half a unit either side;
    the check passes when some whole number of people falls in that window (GRIM-style).
    """
    if total <= 0:
        raise ValueError("total must be positive")
    half = 0.5 * 10 ** (-decimals)
    low = (percent - half) / 100 * total
    high = (percent + half) / 100 * total
    nearest = round(percent / 100 * total)
    fits = any(low - 1e-9 <= k <= high + 1e-9 for k in range(math.floor(low), math.ceil(high) + 1))
    return int(nearest), bool(fits)


def difference_of_independent(est_a: float, se_a: float, est_b: float, se_b: float,
                              level: float = 0.95) -> dict:
    """A minus B for two independent estimates, with its Wald interval and p-value."""
    diff = est_a - est_b
    se = math.sqrt(se_a**2 + se_b**2)
    z = z_for_level(level)
    return {
        "difference": float(diff),
        "se": float(se),
        "ci_low": float(diff - z * se),
        "ci_high": float(diff + z * se),
        "p": float(2 * stats.norm.sf(abs(diff / se))) if se > 0 else float("nan"),
    }


def printed_decimals(value: float) -> int:
    """How many decimals a transcribed number was printed with (``0.5`` -> 1, ``15.0`` -> 0).

    A float cannot remember a trailing zero, so ``15.0`` counts as printed ``15``; callers that know
    better (a percentage printed as ``63.0%``) pass the decimals themselves.
    """
    text = f"{float(value):.10g}"
    return len(text.split(".")[1]) if "." in text else 0


def centred(estimate: float, low: float, high: float, decimals: int, ratio: bool = False) -> bool:
    """Could the printed estimate be the middle of the printed interval, given rounding?

    Wald intervals are symmetric about the estimate (on the log scale for ratios, so the estimate is
    the geometric middle). Each printed number stands for any value within half a unit of its last
    decimal; the check passes when the rounding windows of the estimate and of the middle overlap.
    """
    half = 0.5 * 10 ** (-decimals)
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
