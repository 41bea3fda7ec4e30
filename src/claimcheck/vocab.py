"""Reader words for the book's vocabulary codes: the one place a code such as
``systematic_review_meta_analysis`` or ``claim_id`` becomes the words a table shows.

The codes stay in the data files (they are what programs and validation read); tables for
readers pass their values and column names through :func:`label` or :func:`readable`.
"""

from __future__ import annotations

import re

# Values of the controlled vocabularies in data/datapackage.yaml (evidence types, measures,
# source-chain discrepancies, exaggeration flags) and the column names tables show.
LABELS: dict[str, str] = {
    # evidence type / study design
    "in_vitro": "cells or tissue in the laboratory",
    "animal": "animal experiments",
    "human_observational": "observational studies in people",
    "human_randomised_trial": "randomised trials in people",
    "systematic_review_meta_analysis": "systematic review or meta-analysis",
    "press_release": "press release",
    # measures
    "mean_change": "mean change",
    "mean_difference": "mean difference",
    "percent_change": "percent change",
    "hazard_ratio": "hazard ratio",
    "odds_ratio": "odds ratio",
    "risk_ratio": "risk ratio",
    "regression_coefficient": "regression coefficient",
    "duration_days": "duration (days)",
    # source-chain discrepancies
    "context_omitted": "context left out",
    "post_vs_press": "post differs from the press coverage",
    "press_vs_paper": "press coverage differs from the paper",
    "post_vs_paper": "post differs from the paper",
    "not_verifiable": "could not be checked",
    # exaggeration flags
    "advice_beyond_evidence": "advice beyond the evidence",
    "causal_from_correlational": "causal wording from correlational data",
    "animal_to_human": "inference to humans from animal or cell studies",
    # column names
    "claim_id": "claim",
    "estimate_id": "estimate",
    "change_id": "change",
    "source_key": "source",
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
}

_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def is_code(text: str) -> bool:
    """True when ``text`` contains a snake_case vocabulary code a reader should not see."""
    return bool(_CODE.search(str(text)))


def label(code) -> str:
    """The reader words for a vocabulary code; plain words pass through unchanged.

    A snake_case code without an entry is an error, so a new code cannot reach a table unseen.
    Several codes separated by ``"; "`` are labelled one by one.
    """
    text = str(code)
    if "; " in text:
        return "; ".join(label(part) for part in text.split("; "))
    if text in LABELS:
        return LABELS[text]
    if is_code(text):
        raise KeyError(f"no reader words for the code {text!r}: add it to claimcheck.vocab.LABELS")
    return text


def readable(frame, columns=None):
    """A copy of ``frame`` whose column names and (chosen) text columns show reader words."""
    out = frame.copy()
    for column in columns if columns is not None else [c for c in out.columns if out[c].dtype.kind in "OSU" or str(out[c].dtype) in ("str", "string")]:
        out[column] = out[column].map(lambda v: label(v) if isinstance(v, str) else v)
    return out.rename(columns={c: label(c) for c in out.columns if isinstance(c, str)})
