"""The grammar of a parameters cell's comments (see :mod:`claimcheck.data.parameters` for the format):
``key: value`` parts after free text, and the many ways a comment states allowed numbers
(``0.5..5``, ``between 0 and 1``, ``> 0``, ``at most 5``, ``positive``). Standard library only."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import Any

KEYS = ("unit", "source", "range", "values")
_BOUNDARY = r"(?:^|[;,.](?=\s)|\()\s*"
# A key starts the comment or a line of it, or follows a `;`, `,`, `.` and a space, or `(`; `units`
# and `allowed` are read as `unit` and `range`, and `range`/`allowed` may omit the colon before a number.
_KEY = re.compile(_BOUNDARY + r"(?:(units?|source|range|values|allowed)\s*:|(range|allowed)\s+(?=[-+<>\u2264\u2265\d.]|"
                  r"between\b|strictly\b|at (?:least|most)\b|any\b|more\b|less\b))", re.IGNORECASE | re.MULTILINE)
_ALIASES = {"units": "unit", "allowed": "range"}
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_N = rf"({_NUMBER})"
# Forms of an allowed range, each giving (low, high, low exclusive, high exclusive) from its groups.
_RANGE_FORMS = [
    (re.compile(rf"strictly between\s+{_N}\s+and\s+{_N}", re.I), lambda a, b: (a, b, True, True)),
    (re.compile(rf"between\s+{_N}\s+and\s+{_N}", re.I), lambda a, b: (a, b, False, False)),
    (re.compile(rf"{_N}?\s*\.\.\s*{_N}?"), lambda a, b: (a, b, False, False)),
    (re.compile(rf"{_N}\s*(?:to|\u2013|\u2014)\s*{_N}", re.I), lambda a, b: (a, b, False, False)),
]
_LOW_FORMS = [(re.compile(rf"(?:>=|\u2265|at least|no less than)\s*{_N}", re.I), False),
              (re.compile(rf"(?:>|more than|greater than|above)\s*{_N}", re.I), True),
              (re.compile(r"\b(?:positive)\b()", re.I), True)]
_HIGH_FORMS = [(re.compile(rf"(?:<=|\u2264|at most|no more than)\s*{_N}", re.I), False),
               (re.compile(rf"(?:<|less than|below)\s*{_N}", re.I), True)]
_HYPHEN_RANGE = re.compile(rf"^\s*{_N}\s*-\s*{_N}\b")


class ParameterError(ValueError):
    """A parameters cell that cannot be read, or a value that does not fit its declaration."""


def split_comment(text: str) -> dict[str, str]:
    """``{"meaning": ..., "unit": ..., "source": ..., "range": ..., "values": ...}`` from a comment
    (missing keys are absent)."""
    parts: dict[str, str] = {}
    matches = list(_KEY.finditer(text))
    meaning = text[: matches[0].start()] if matches else text
    parts["meaning"] = " ".join(meaning.split()).rstrip(";,.").strip()
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        key = (match.group(1) or match.group(2)).lower()
        key = _ALIASES.get(key, key)
        value = " ".join(text[match.end():end].split()).rstrip(";,").strip()
        if value.endswith(")") and value.count(")") > value.count("("):
            value = value[:-1].rstrip()  # the key sat inside brackets
        if value.endswith(".") and not value.endswith(".."):
            value = value[:-1].rstrip()
        if key in parts and parts[key]:
            value = parts[key] + "; " + value
        parts[key] = value
    if not parts["meaning"]:
        del parts["meaning"]
    return parts


def literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text.strip().strip("'\"")


def find_range(text: str, hyphen: bool = True):
    """(low, high, low exclusive, high exclusive) from a statement of allowed numbers, or None.

    Understands ``0.5..5`` (the documented form; ``0..`` is open), ``0.5 to 5``, ``0.5-5``,
    ``between 0 and 1``, ``strictly between 0 and 1``, ``> 0``, ``>= 2``, ``at least 2``,
    ``at most 5``, ``< 1`` and ``positive``."""
    for pattern, bounds in _RANGE_FORMS:
        match = pattern.search(text)
        if match and any(g is not None for g in match.groups()):
            low, high = (float(g) if g is not None else None for g in match.groups())
            return bounds(low, high)
    if hyphen:
        match = _HYPHEN_RANGE.match(text)
        if match:
            return float(match.group(1)), float(match.group(2)), False, False
    low = high = None
    low_open = high_open = False
    for pattern, exclusive in _LOW_FORMS:
        match = pattern.search(text)
        if match:
            low, low_open = (float(match.group(1)) if match.group(1) else 0.0), exclusive
            break
    for pattern, exclusive in _HIGH_FORMS:
        match = pattern.search(text)
        if match:
            high, high_open = float(match.group(1)), exclusive
            break
    if low is None and high is None:
        return None
    return low, high, low_open, high_open


def parse_range(text: str) -> tuple[float | None, float | None]:
    """(low, high) of a ``range:`` statement; raises ParameterError when there is none to read."""
    found = find_range(text)
    if found is None:
        raise ParameterError(f"range {text!r} is not of the form LOW..HIGH (for example 0.5..5, or 0.. for no upper bound)")
    low, high = found[:2]
    if low is not None and high is not None and low > high:
        raise ParameterError(f"range {text!r} has its lower bound above its upper bound")
    return low, high


BARE_RANGE = re.compile(r"^(?:[A-Za-z']+\s+){0,3}(?:\S+\s*(?:\.\.|to|\u2013)\s*\S+|between .+|strictly between .+|"
                         r"(?:>=?|<=?|\u2264|\u2265|at least|at most)\s*\S+|any positive \w+)\s*$", re.I)
SOURCE_HINT = re.compile(r"our choice|convention|\b(?:19|20)\d\d\b|et al|source", re.I)


def segments(text: str) -> list[str]:
    return [s.strip() for s in re.split(r";|\.\s|\n", text) if s.strip()]


def comment_lines(lines: list[str], index: int) -> list[str]:
    """The comment lines directly above line ``index`` (0-based), nearest last."""
    found = []
    while index > 0 and lines[index - 1].strip().startswith("#"):
        index -= 1
        found.append(lines[index].strip().lstrip("#").strip())
    return found[::-1]


def trailing_comment(line: str) -> str:
    """The comment at the end of a source line (a ``#`` outside any string)."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            if token.type == tokenize.COMMENT:
                return token.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return ""
