"""The book's own checks, beyond what a Table Schema can say.

* Text checks on the raw cells, run before frictionless-py reads the file (it would accept or
  not see these): numbers written with ASCII digits only (Python also reads '١٢', '１.５' and
  '1_000' as numbers, no other CSV reader would), finite numbers, no text that a spreadsheet runs
  as a formula, no cell longer than :data:`MAX_FIELD_CHARS`.
* Domain checks across the fields of one row, on the typed row: an interval must contain its
  estimate, every number needs a source, a verdict needs its rationale and ratings. A resource
  names them under ``schema.x-rowChecks``; :mod:`claimcheck.data.row_rules` runs them as a
  frictionless check.

Imports neither pandas nor frictionless.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

# The longest text a cell may hold. csv's own limit (131,072 characters) stops a reader with no
# row or column; the book reads with a higher limit and names the cell itself.
MAX_FIELD_CHARS = 100_000
# A text cell that starts with one of these runs as a formula when the published CSV is opened
# in a spreadsheet (CSV injection). '-' is allowed when the whole cell is a plain number.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
# ASCII digits only (see the module docstring).
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$|^[+-]?(inf|infinity|nan)$", re.I)

TYPE_WORDS = {
    "integer": "expected an integer written with ASCII digits 0-9, found {cell!r}",
    "number": "expected a number written with ASCII digits 0-9, found {cell!r}",
    "boolean": "expected true or false, found {cell!r}",
    "date": "expected a date as YYYY-MM-DD, found {cell!r}",
}


def cell_text_problem(cell: str, field_type: str) -> str | None:
    """Why a non-empty raw cell is not acceptable text for its field type (None when it is)."""
    if len(cell) > MAX_FIELD_CHARS:
        return f"cell holds {len(cell):,} characters; the most a cell may hold is {MAX_FIELD_CHARS:,}"
    if field_type == "string":
        if cell.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(cell):
            return (f"text starts with {cell[0]!r} ({cell[:30]!r}), which a spreadsheet runs as a formula; "
                    "reword it (a plain signed number such as -1.5 is fine)")
    elif field_type == "integer" and not _INTEGER.match(cell):
        return TYPE_WORDS["integer"].format(cell=cell)
    elif field_type == "number":
        if not _NUMBER.match(cell):
            return TYPE_WORDS["number"].format(cell=cell)
        if not _PLAIN_NUMBER.match(cell.strip()):
            return f"expected a finite number, found {cell!r}"
    return None


def plain(value):
    """frictionless reads numbers as Decimal; messages and comparisons use float, as before."""
    return float(value) if isinstance(value, Decimal) else value


# --- checks across the fields of one row: each yields (column, reason) -----------------------


def _ci_contains_estimate(row) -> Iterable[tuple[str, str]]:
    low, high, estimate = (plain(row.get(name)) for name in ("ci_low", "ci_high", "estimate"))
    if (low is None) != (high is None):
        yield ("ci_high" if high is None else "ci_low", "a confidence interval needs both bounds")
        return
    if low is None or estimate is None:
        return
    if low > high:
        yield ("ci_low", f"lower bound {low} is above upper bound {high}")
    elif not (low <= estimate <= high):
        yield ("estimate", f"estimate {estimate} lies outside its interval [{low}, {high}]")


def _source_present(row) -> Iterable[tuple[str, str]]:
    if not row.get("doi") and not row.get("url"):
        yield ("doi", "every number needs a source: give a DOI or the address it was read at")


def _verdict_complete(row) -> Iterable[tuple[str, str]]:
    """A claim with a verdict must say why, how certain, and on what kind of evidence."""
    if row.get("verdict") in (None, "pending"):
        return
    if not row.get("rationale"):
        yield ("rationale", f"verdict {row['verdict']!r} needs a one-line rationale")
    for column in ("certainty", "evidence_type", "species", "flags", "citation_accuracy"):
        if row.get(column) == "pending":
            yield (column, f"still 'pending' although the verdict is {row['verdict']!r}")


ROW_CHECKS: dict[str, Callable[..., Iterable[tuple[str, str]]]] = {
    "ci_contains_estimate": _ci_contains_estimate,
    "source_present": _source_present,
    "verdict_complete": _verdict_complete,
}
