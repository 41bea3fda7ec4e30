"""The book's vocabularies, in one place: verdicts (names, meanings, colours), GRADE certainty
levels and rating domains, post wording, citation accuracy, source tiers, the colour-blind-safe
palette, and the reader words for every code a data file may hold (designs, species, flags ...)
and for column names.

The descriptor (data/datapackage.yaml), the register, the plots and the method page all read
these definitions; the tests check that the descriptor's enumerations equal them. Codes stay in
the data files; :mod:`claimcheck.present.labels` turns them into reader words for tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Okabe & Ito's colour-blind-safe palette (the same values as claimcheck.present.plotstyle.OKABE_ITO).
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


# Per vocabulary (the descriptor's field), for values whose words depend on the field: "mouse" is
# "mice" as a species but stays "mouse" as free text.
KIND_LABELS: dict[str, dict[str, str]] = {
    "source_tier": {
        "article": "the article itself",
        "publisher_abstract": "publisher's abstract",
        "indexed_abstract": "indexed abstract (PubMed/PMC)",
        "mirror": "copy on another site",
        "secondary_report": "secondary report (news, press, blog)",
    },
    "design": {
        "in_vitro": "cells or tissue in the laboratory",
        "animal": "animal experiments",
        "human_observational": "observational studies in people",
        "human_randomised_trial": "randomised trials in people",
        "systematic_review_meta_analysis": "systematic review or meta-analysis",
        "press_release": "press release",
        "commentary": "commentary",
        "none": "no evidence",
    },
    "species": {"human": "people", "mouse": "mice", "rat": "rats", "none": "none"},
    "measure": {
        "mean": "mean", "mean_change": "mean change", "mean_difference": "mean difference",
        "smd": "standardised mean difference", "odds_ratio": "odds ratio", "hazard_ratio": "hazard ratio",
        "risk_ratio": "risk ratio", "proportion": "proportion", "percent": "percent",
        "percent_change": "percent change", "count": "count", "regression_coefficient": "regression coefficient",
        "correlation": "correlation", "duration_days": "duration (days)", "other": "other",
    },
    "flags": {
        "none": "none",
        "advice_beyond_evidence": "advice beyond the evidence",
        "causal_from_correlational": "causal wording from correlational data",
        "animal_to_human": "inference to humans from animal or cell studies",
    },
    "discrepancy": {
        "none": "none",
        "context_omitted": "context left out",
        "post_vs_press": "post differs from the press coverage",
        "press_vs_paper": "press coverage differs from the paper",
        "post_vs_paper": "post differs from the paper",
        "not_verifiable": "could not be checked (text not read)",
    },
}
# The register's evidence types are study designs (plus "none").
KIND_LABELS["evidence_type"] = KIND_LABELS["design"]

# Column names tables show.
COLUMN_LABELS: dict[str, str] = {
    "claim_id": "claim",
    "estimate_id": "estimate",
    "change_id": "change",
    "source_key": "source",
    "source_tier": "read on",
    "ci_low": "lower 95% limit",
    "ci_high": "upper 95% limit",
    "n_studies": "studies pooled",
    "p_reported": "p (reported)",
    "p_consistent_with_ci": "p consistent with the interval",
    "post_cites": "what the post cites",
    "primary_sources": "primary sources",
    "primary_dois": "DOIs of the primary sources",
    "evidence_type": "evidence type",
    "evidence_section": "evidence",
    "citation_accuracy": "citation accurate",
    "old_verdict": "verdict before",
    "new_verdict": "verdict after",
    "post_locator": "where in the post",
    "press_locator": "where in the press coverage",
    "paper_locator": "where in the paper",
    "post_wording": "how the post words it",
    "post_hedge": "the post's hedge",
    "starting_certainty": "starting certainty",
    "rated_down": "rated down for",
    "rated_up": "rated up for",
    "slope_low": "slope, lower 95% limit",
    "slope_high": "slope, upper 95% limit",
}

# Any code, whatever its field: the snake_case values of every vocabulary, then column names.
LABELS: dict[str, str] = {
    code: words for vocabulary in KIND_LABELS.values() for code, words in vocabulary.items() if "_" in code
}
LABELS.update(COLUMN_LABELS)
