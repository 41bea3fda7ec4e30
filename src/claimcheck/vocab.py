"""Reader words for the codes stored in ``data/`` (one place, used by every table).

The data keep short codes (``animal_to_human``, ``systematic_review_meta_analysis``) because
validation and programs need them; readers see the words below. :func:`label` fails loudly on a
code it does not know, so a new code cannot reach a page unexplained.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "source_tier": {
        "article": "the article itself",
        "publisher_abstract": "publisher's abstract",
        "indexed_abstract": "indexed abstract (PubMed/PMC)",
        "mirror": "copy on another site",
        "secondary_report": "secondary report (news, press, blog)",
    },
    "design": {
        "in_vitro": "cells in a dish",
        "animal": "animal study",
        "human_observational": "observational study in people",
        "human_randomised_trial": "randomised trial in people",
        "systematic_review_meta_analysis": "systematic review / meta-analysis",
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
        "advice_beyond_evidence": "advice goes beyond the evidence",
        "causal_from_correlational": "causal wording from correlational data",
        "animal_to_human": "animal findings stated as true of people",
    },
    "discrepancy": {
        "none": "none",
        "context_omitted": "context left out",
        "post_vs_press": "post differs from the press release",
        "press_vs_paper": "press release differs from the paper",
        "post_vs_paper": "post differs from the paper",
        "not_verifiable": "cannot be checked (paper text not read)",
    },
}
# The register's evidence types are study designs (plus "none").
LABELS["evidence_type"] = LABELS["design"]


def label(code: str, kind: str | None = None) -> str:
    """The reader's words for ``code``; ``kind`` (``"design"``, ``"flags"``...) disambiguates.

    A ``'; '``-separated list of codes (as in the register's flags) is labelled item by item.
    """
    if "; " in code:
        return "; ".join(label(part, kind) for part in code.split("; "))
    kinds = [kind] if kind else list(LABELS)
    for name in kinds:
        if name not in LABELS:
            raise KeyError(f"unknown vocabulary {name!r}; known: {', '.join(LABELS)}")
        if code in LABELS[name]:
            return LABELS[name][code]
    raise KeyError(f"no reader label for code {code!r}" + (f" in vocabulary {kind!r}" if kind else ""))


def labelled(frame, columns: dict[str, str]):
    """A copy of ``frame`` whose coded ``columns`` (column -> vocabulary) show reader words."""
    out = frame.copy()
    for column, kind in columns.items():
        out[column] = out[column].map(lambda code, kind=kind: label(str(code), kind))
    return out
