"""One way to use numbers transcribed from papers: look them up, print them, and set what a
source reports against what we recompute.

Every chapter reads its ``data/*_estimates.csv`` through :class:`Estimates`, so a missing or empty
number fails with the file and the row that should hold it, and every chapter prints numbers and
intervals the same way (a true minus sign, no line break inside an interval).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

MINUS = "\u2212"
# A no-break space keeps "1.2 to 3.4" on one line; the words "to" are kept so a screen reader
# reads an interval as an interval (a dash between two negative numbers reads as a minus).
_NBSP = "\u00a0"
INTEGER_COLUMNS = ("n", "n_studies")


def format_number(value: float, digits: int = 2) -> str:
    """``value`` to ``digits`` decimals with a true minus sign (never ``-0.00``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{float(value):.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", MINUS)


def interval_text(estimate: float, low: float | None, high: float | None, digits: int = 2) -> str:
    """``estimate (low to high)``, joined by no-break spaces so it never wraps mid-interval."""
    head = format_number(estimate, digits)
    if low is None or high is None or any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return head
    return f"{head}{_NBSP}({format_number(low, digits)}{_NBSP}to{_NBSP}{format_number(high, digits)})"


class Estimates:
    """The rows of one ``*_estimates.csv`` resource, looked up by ``estimate_id``.

    ``Estimates("neural_estimates")`` loads (and so validates) the file; ``Estimates(frame,
    name=...)`` wraps a frame already loaded.
    """

    def __init__(self, source: str | pd.DataFrame, name: str | None = None):
        if isinstance(source, str):
            from claimcheck.data.package import load

            frame, name = load(source), source
        else:
            frame = source
        self.name = name or "estimates"
        if "estimate_id" not in frame.columns:
            raise KeyError(f"{self.name}: no estimate_id column")
        self.frame = frame.set_index("estimate_id", drop=False)

    def __contains__(self, estimate_id: str) -> bool:
        return estimate_id in self.frame.index

    def row(self, estimate_id: str) -> pd.Series:
        """The whole transcribed row: address, locator, source tier, notes and numbers."""
        if estimate_id not in self.frame.index:
            raise KeyError(f"data/{self.name}.csv has no row with estimate_id {estimate_id!r}")
        return self.frame.loc[estimate_id]

    def value(self, estimate_id: str, column: str = "estimate", default=...):
        """One number as a plain ``float`` (``int`` for counts).

        An empty cell raises ``ValueError`` naming the file, the row and the column, unless a
        ``default`` is given (for example ``default=None`` for an optional interval bound).
        """
        cell = self.row(estimate_id)[column]
        if pd.isna(cell):
            if default is not ...:
                return default
            raise ValueError(f"data/{self.name}.csv, row {estimate_id!r}, column {column!r}: the cell is empty")
        return int(cell) if column in INTEGER_COLUMNS else float(cell)

    def interval(self, estimate_id: str) -> tuple[float, float | None, float | None]:
        """(estimate, ci_low, ci_high); the bounds are None when the source prints no interval."""
        return (self.value(estimate_id), self.value(estimate_id, "ci_low", default=None),
                self.value(estimate_id, "ci_high", default=None))

    def text(self, estimate_id: str, digits: int = 2, missing: str = "") -> str:
        """The estimate with its interval, as printed in the book's tables; ``missing`` is appended
        when the source printed no interval (e.g. ``" (interval not found)"``)."""
        estimate, low, high = self.interval(estimate_id)
        suffix = missing if low is None or high is None else ""
        return interval_text(estimate, low, high, digits=digits) + suffix

    def count_text(self, estimate_id: str, column: str = "n") -> str:
        """A count column as a whole number, or an empty string where the source gave none."""
        value = self.value(estimate_id, column, default=None)
        return "" if value is None else f"{int(value)}"


@dataclass(frozen=True)
class Reproduction:
    """One number a source reports, and the same number recomputed by the book."""

    quantity: str
    reported: float
    recomputed: float
    # Half a unit of the last printed digit: a recomputed value that rounds to the printed one.
    decimals: int

    @property
    def agrees(self) -> bool:
        tolerance = 0.5 * 10 ** (-self.decimals) + 1e-12
        return abs(self.recomputed - self.reported) <= tolerance


def reported_vs_recomputed(rows: Iterable[Reproduction]) -> pd.DataFrame:
    """A table of reported against recomputed numbers, with whether each reproduces at the
    printed precision. A mismatch is shown, never dropped: it is a finding."""
    records = [{
        "quantity": r.quantity,
        "reported": format_number(r.reported, r.decimals),
        "recomputed": format_number(r.recomputed, r.decimals + 2),
        "reproduces at printed precision": "yes" if r.agrees else "no",
    } for r in rows]
    return pd.DataFrame(records, columns=["quantity", "reported", "recomputed", "reproduces at printed precision"])
