"""What is wrong with a data file, said the same way everywhere: file, row (and line), column.

Imports nothing but the standard library, so the descriptor reader, the loader and the build
can all report problems without pandas or frictionless.

Row numbers count data rows from 1; the header is line 1 of the file, so data row ``r`` is
file line ``r + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_REPORTED_ERRORS = 20


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # data row (1-based); None for a file-level or header problem
    column: str | None
    text: str

    def message(self) -> str:
        if self.row is None and self.column is None:
            where = "whole file"
        elif self.row is None:
            where = f"header (line 1), column '{self.column}'"
        elif self.column is None:
            where = f"row {self.row} (line {self.row + 1})"
        else:
            where = f"row {self.row} (line {self.row + 1}), column '{self.column}'"
        return f"{self.file}: {where}: {self.text}"


class DataValidationError(ValueError):
    """A data file does not match its descriptor; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = problems[:MAX_REPORTED_ERRORS]
        lines = [p.message() for p in shown]
        if len(problems) > len(shown):
            lines.append(f"... and {len(problems) - len(shown)} more problems")
        super().__init__("data validation failed:\n  " + "\n  ".join(lines))


def not_utf8_text(raw: bytes, err: UnicodeDecodeError) -> str:
    """Where in a file the first byte that is not UTF-8 sits, by line and byte of that line."""
    line = raw[: err.start].count(b"\n") + 1
    column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
    return (f"line {line}, byte {column} of that line: byte 0x{raw[err.start]:02x} is not valid UTF-8; "
            "save the file as UTF-8")
