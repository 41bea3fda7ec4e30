"""The rubric's rules, in one place (its vocabularies live in :mod:`claimcheck.vocab`).

Everything a reader sees about how a claim is judged (verdict names and what they mean, the GRADE
levels in plain words, the certainty arithmetic, the rule that gives a claim with parts its
verdict, and the mapping to ClaimReview's 1-5 scale) is defined here once. The method page
renders these definitions with the ``rubric`` directive, the register and the verdict boxes use
them, and the tests recompute every recorded certainty and parent verdict with them.
"""

from __future__ import annotations

from claimcheck.vocab import CERTAINTY_LEVELS, GRADE_DOWN_DOMAINS, GRADE_UP_DOMAINS, VERDICTS


def parse_ratings(value, allowed: tuple[str, ...]) -> list[str]:
    """``"indirectness:2; imprecision"`` -> ``["indirectness", "indirectness", "imprecision"]``.

    Each listed domain moves certainty one level; ``domain:2`` moves it two.
    """
    if value is None or value != value or str(value).strip() in ("", "none"):
        return []
    levels = []
    for part in str(value).split(";"):
        name, _, times = part.strip().partition(":")
        if name not in allowed:
            raise ValueError(f"unknown GRADE domain {name!r} (allowed: {', '.join(allowed)})")
        levels += [name] * int(times or 1)
    return levels


def compute_certainty(start: str, down, up) -> str:
    """GRADE arithmetic: start at high or low, one level per rating, never above high or below very low."""
    if start in ("not applicable", "from parts"):
        if parse_ratings(down, GRADE_DOWN_DOMAINS) or parse_ratings(up, GRADE_UP_DOMAINS):
            raise ValueError(f"a starting level of {start!r} takes no ratings")
        return start
    # index 0 = high ... 3 = very low
    index = CERTAINTY_LEVELS.index(start) + len(parse_ratings(down, GRADE_DOWN_DOMAINS)) \
        - len(parse_ratings(up, GRADE_UP_DOMAINS))
    return CERTAINTY_LEVELS[min(max(index, 0), len(CERTAINTY_LEVELS) - 1)]


# --- claims with parts --------------------------------------------------------------------
# A part's verdict says nothing about the parts it does not cover, so a parent is "supported"
# only when every part is, and otherwise takes the best support any part has, so long as one
# part has some; when none has, the parent takes the strongest negative finding among its parts.
NO_SUPPORT_ORDER = ("contradicted", "not supported", "no evidence found", "not assessable")


def parent_verdict(part_verdicts: list[str]) -> str:
    verdicts = list(part_verdicts)
    if not verdicts:
        raise ValueError("a parent needs at least one part")
    if "pending" in verdicts:
        return "pending"
    if all(v == "supported" for v in verdicts):
        return "supported"
    if any(v in ("supported", "partly supported") for v in verdicts):
        return "partly supported"
    for verdict in NO_SUPPORT_ORDER:
        if verdict in verdicts:
            return verdict
    raise ValueError(f"unknown part verdicts {verdicts}")


def parent_certainty(parts: list[tuple[str, str]]) -> str:
    """Lowest certainty among the parts; a part with no evidence found counts as very low
    (nothing supports it); not-assessable parts are left out. (verdict, certainty) pairs."""
    ranks = []
    for verdict, certainty in parts:
        if verdict == "no evidence found":
            ranks.append(CERTAINTY_LEVELS.index("very low"))
        elif certainty in CERTAINTY_LEVELS:
            ranks.append(CERTAINTY_LEVELS.index(certainty))
    return CERTAINTY_LEVELS[max(ranks)] if ranks else "not applicable"


# --- ClaimReview --------------------------------------------------------------------------
# 1-5, best 5. A claim supported only at low or very low certainty is "partly supported" by
# definition, and a partly supported claim at low or very low certainty rates like an unproven
# one: aggregators must not read it as "mostly true". Certainty "not applicable" for a claim
# settled by the published record counts as high. Not assessable and pending get no number.
def claimreview_rating(verdict: str, certainty: str) -> int | None:
    firm = certainty in ("high", "moderate", "not applicable")
    if verdict == "supported":
        return 5 if certainty in ("high", "not applicable") else 4
    if verdict == "partly supported":
        return 3 if firm else 2
    if verdict in ("not supported", "no evidence found"):
        return 2
    if verdict == "contradicted":
        return 1
    return None


def claimreview_name(verdict: str, certainty: str) -> str:
    """The alternateName: what a reader sees, verdict and certainty together."""
    label = VERDICTS[verdict].label
    if certainty in CERTAINTY_LEVELS:
        return f"{label} ({certainty} certainty)"
    return label


def rating_table() -> list[dict]:
    """Every verdict x certainty combination the rubric allows, with its rating, for the method page."""
    rows = []
    for verdict in VERDICTS:
        if verdict == "pending":
            continue
        if verdict in ("supported", "contradicted"):  # both need good evidence
            levels = ("high", "moderate")
        elif verdict == "not assessable":
            levels = ("not applicable",)
        elif verdict == "no evidence found":
            levels = ("not applicable",)
        else:
            levels = (*CERTAINTY_LEVELS, "not applicable") if verdict == "partly supported" else CERTAINTY_LEVELS
        for certainty in levels:
            rows.append({"verdict": verdict, "certainty": certainty,
                         "rating": claimreview_rating(verdict, certainty),
                         "alternateName": claimreview_name(verdict, certainty)})
    return rows
