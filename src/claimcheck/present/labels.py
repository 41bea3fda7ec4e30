"""Reader words for vocabulary codes in tables: the functions that turn a code such as
``animal_to_human`` or ``claim_id`` into the words a reader sees (the words live in
:mod:`claimcheck.vocab`). A snake_case code without reader words is an error, so a new code
cannot reach a page unexplained."""

from __future__ import annotations

import re

from claimcheck.vocab import KIND_LABELS, LABELS

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
