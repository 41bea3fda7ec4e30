"""Printed numbers stand for a window: a value printed to ``d`` decimals is anything within half a
unit of its last digit, and a p-value printed as ``<0.001`` is anything below the bound.

Every consistency check of the book asks the same question of such a window, so it is answered
once here: :func:`half_unit` for the width, :func:`printed_decimals` for the decimals a transcribed
number was printed with, and :meth:`ReportedP.fits` for whether a recomputed p (or a range of them)
agrees with a printed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def half_unit(decimals: int) -> float:
    """Half a unit of the last printed decimal: how far the true value can be from the printed one."""
    return 0.5 * 10 ** (-decimals)


def printed_decimals(value: float) -> int:
    """How many decimals a transcribed number was printed with (``0.5`` -> 1, ``15.0`` -> 0).

    A float cannot remember a trailing zero, so ``15.0`` counts as printed ``15``; callers that know
    better (a percentage printed as ``63.0%``) pass the decimals themselves.
    """
    text = f"{float(value):.10g}"
    return len(text.split(".")[1]) if "." in text else 0


@dataclass(frozen=True)
class ReportedP:
    """A p-value as printed: an exact value (with its decimals) or a bound such as ``<0.001``."""

    relation: str  # "=", "<" or ">"
    value: float
    decimals: int

    @classmethod
    def parse(cls, text: str) -> ReportedP:
        cleaned = text.strip().replace(" ", "").replace("P", "p").removeprefix("p")
        match = re.fullmatch(r"([<>=≤]?)(\d*\.?\d+)", cleaned)
        if not match:
            raise ValueError(f"cannot read {text!r} as a p-value")
        relation = {"": "=", "≤": "<"}.get(match.group(1), match.group(1))
        number = match.group(2)
        decimals = len(number.split(".")[1]) if "." in number else 0
        value = float(number)
        if not 0 <= value <= 1:
            raise ValueError(f"p-value {text!r} is outside [0, 1]")
        return cls(relation, value, decimals)

    def fits(self, low: float, high: float | None = None) -> bool:
        """Does a recomputed p (``low`` alone), or some p in the range ``low`` to ``high``, fit this
        report once the printed value's rounding is allowed for?

        A bound (``<0.001``) is met by any p on its side; an exact value by any p within half a unit
        of its last printed decimal. A range comes from recomputing with rounded inputs (every
        interval or correlation the rounded numbers allow); it fits when it overlaps the window.
        """
        high = low if high is None else high
        if self.relation == "<":
            return low < self.value
        if self.relation == ">":
            return high > self.value
        window = half_unit(self.decimals)
        return low <= self.value + window and high >= self.value - window
