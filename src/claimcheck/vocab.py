"""Reader words for the book's vocabulary codes: the one place a code such as
``systematic_review_meta_analysis``, ``animal_to_human`` or ``claim_id`` becomes the words a
table shows.

The codes stay in the data files (they are what programs and validation read); tables for
readers pass their values and column names through :func:`label`, :func:`labelled` or
:func:`readable`. A snake_case code without reader words is an error, so a new code cannot reach
a page unexplained.
"""

from __future__ import annotations

import re

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

_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def is_code(text) -> bool:
    """True when ``text`` contains a snake_case vocabulary code a reader should not see."""
    return bool(_CODE.search(str(text)))


def label(code, kind: str | None = None) -> str:
    """The reader words for a vocabulary code.

    With ``kind`` (``"design"``, ``"species"``, ``"flags"``, ``"source_tier"`` ...) the code must
    belong to that vocabulary. Without it, snake_case codes and column names are looked up in
    :data:`LABELS`, plain words pass through unchanged, and an unknown snake_case code is an
    error. Several codes separated by ``"; "`` are labelled one by one.
    """
    text = str(code)
    if "; " in text:
        return "; ".join(label(part, kind) for part in text.split("; "))
    if kind is not None:
        if kind not in KIND_LABELS:
            raise KeyError(f"unknown vocabulary {kind!r}; known: {', '.join(KIND_LABELS)}")
        if text not in KIND_LABELS[kind]:
            raise KeyError(f"no reader label for code {text!r} in vocabulary {kind!r}")
        return KIND_LABELS[kind][text]
    if text in LABELS:
        return LABELS[text]
    if is_code(text):
        raise KeyError(f"no reader label for code {text!r}: add it to claimcheck.vocab")
    return text


def labelled(frame, columns: dict[str, str]):
    """A copy of ``frame`` whose coded ``columns`` (column -> vocabulary) show reader words."""
    out = frame.copy()
    for column, kind in columns.items():
        out[column] = out[column].map(lambda code, kind=kind: label(str(code), kind))
    return out


def readable(frame, columns=None):
    """A copy of ``frame`` whose column names and (chosen) text columns show reader words."""
    out = frame.copy()
    if columns is None:
        columns = [c for c in out.columns if out[c].dtype.kind in "OSU" or str(out[c].dtype) in ("str", "string")]
    for column in columns:
        out[column] = out[column].map(lambda v: label(v) if isinstance(v, str) else v)
    return out.rename(columns={c: label(c) for c in out.columns if isinstance(c, str)})


def codes_as_code(text, whole: bool = False):
    """``text`` HTML-escaped, with each snake_case code in it (or, with ``whole``, all of it)
    wrapped in ``<code>``: for tables
    written for programmers (the data dictionary), where a field name or vocabulary value is
    shown as the name a program reads, marked as such. Returns ``markupsafe.Markup``, which the
    book's escaping tables keep as markup."""
    from markupsafe import Markup, escape

    escaped = str(escape("" if text is None else str(text)))
    if whole:
        return Markup(f"<code>{escaped}</code>" if escaped else "")
    return Markup(_CODE.sub(lambda match: f"<code>{match.group(0)}</code>", escaped))
