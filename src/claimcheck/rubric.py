"""The rubric's vocabularies and rules, in one place.

Everything a reader sees about how a claim is judged (verdict names and what they mean, the GRADE
levels in plain words, the certainty arithmetic, the rule that gives a claim with parts its
verdict, and the mapping to ClaimReview's 1-5 scale) is defined here once. The method page
renders these definitions with the ``rubric`` directive, the register and the verdict boxes use
them, and the tests recompute every recorded certainty and parent verdict with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Okabe & Ito's colour-blind-safe palette (the same values as claimcheck.plotstyle.OKABE_ITO).
OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "vermillion": "#D55E00",
             "reddish_purple": "#CC79A7"}


@dataclass(frozen=True)
class Verdict:
    name: str  # as written in data/claims.csv
    label: str  # as shown to readers
    meaning: str  # one line: what this verdict means
    colour: str  # background of the label (text is black; contrast checked in the tests)

    @property
    def slug(self) -> str:
        """CSS-safe name, as in the class ``verdict-<slug>``."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


# Order: from best supported to least; "pending" last.
VERDICTS: dict[str, Verdict] = {v.name: v for v in (
    Verdict("supported", "Supported",
            "The evidence shows what the claim says, in the people it is about, with at least moderate certainty.",
            OKABE_ITO["bluish_green"]),
    Verdict("partly supported", "Partly supported",
            "The evidence backs a narrower or weaker version of the claim (for example only in animals, only "
            "for some outcomes), or backs it only with low or very low certainty.",
            OKABE_ITO["sky_blue"]),
    Verdict("not supported", "Not supported",
            "Evidence exists (cited by the post or found by us) but it does not show what the claim says; "
            "the claim may still be true.",
            OKABE_ITO["orange"]),
    Verdict("contradicted", "Contradicted",
            "Good evidence shows the claim is false.",
            OKABE_ITO["vermillion"]),
    Verdict("no evidence found", "No evidence found",
            "The post cites nothing that addresses the claim and our search found no study that does.",
            OKABE_ITO["reddish_purple"]),
    Verdict("not assessable", "Not assessable",
            "The claim cannot be tested as worded, or the book holds no evidence on it yet (the rationale "
            "says which).",
            "#BBBBBB"),
    Verdict("pending", "Pending",
            "The chapter that assesses this claim is still being written.",
            "#DDDDDD"),
)}
# Verdicts of version 0.1.0 that the history may still name.
RETIRED_VERDICTS = ("not supported by the cited evidence",)

# GRADE levels, best first, with the plain words shown beside each level everywhere.
CERTAINTY_LEVELS = ("high", "moderate", "low", "very low")
CERTAINTY_PLAIN = {
    "high": "we are confident that the true effect is close to what the evidence shows",
    "moderate": "the true effect is probably close to what the evidence shows, but it may be substantially different",
    "low": "the true effect may be substantially different from what the evidence shows",
    "very low": "the true effect may well be quite different from what the evidence shows",
    "not applicable": "there is no body of research to rate: the claim is settled by the published record, "
                      "cannot be tested as worded, or no evidence was found",
    "pending": "not yet rated",
}
NOT_RATED = ("not applicable", "pending")
# Where a body of evidence starts before rating (GRADE, with the book's animal rule).
STARTING_LEVELS = ("high", "low", "not applicable", "from parts")
GRADE_DOWN_DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
GRADE_UP_DOMAINS = ("large_effect", "dose_response", "opposing_confounding")
DOMAIN_LABELS = {
    "risk_of_bias": "risk of bias", "inconsistency": "inconsistency", "indirectness": "indirectness",
    "imprecision": "imprecision", "publication_bias": "publication bias", "large_effect": "a large effect",
    "dose_response": "a dose-response gradient", "opposing_confounding": "confounding that would shrink the effect",
}
# The starting level that each kind of evidence may have (the animal rule: never high).
ALLOWED_START = {
    "in_vitro": ("low",),
    "animal": ("low",),
    "human_observational": ("low",),
    "human_randomised_trial": ("high",),
    "systematic_review_meta_analysis": ("high", "low"),  # by the design of the studies pooled
    "none": ("not applicable",),
    "pending": ("not applicable",),
}

WORDING = {
    "states": "the post asserts it without qualification",
    "hedges": "the post qualifies it (may, likely, often, tend to, possible, hopefully, will give clues)",
    "attributes": "the post presents it as what others found or think (the researchers, a study, studies, "
                  "the literature, carers)",
}
CITATION_ACCURACY = {
    "yes": "the cited source reports the claim, in a population and design that match it",
    "partly": "the cited source reports something narrower, weaker or different in an important way",
    "no": "the cited source does not report the claim, or reports the opposite",
    "not verifiable": "the post cites a source that we could not find or read, so we cannot say what it reports",
    "no reference given": "the post gives no source for this claim",
}
SOURCE_TIERS = {
    "article": "the article itself (publisher's full text)",
    "publisher_abstract": "the abstract on the publisher's page",
    "indexed_abstract": "an indexed copy of the abstract (PubMed, PubMed Central)",
    "mirror": "a mirror or copy of the article on another site",
    "secondary_report": "a secondary report: news story, press release or blog",
}


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
