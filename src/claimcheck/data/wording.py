"""frictionless-py's errors in the book's words: file, row (and line), column, and what is wrong
in terms of the schema ("-3 is below the minimum 1", "'zebrafish' is not an allowed value").

frictionless numbers rows with the header as row 1; the book counts data rows from 1 (data row
``r`` is line ``r + 1``), so a frictionless row number ``k`` is data row ``k - 1``.
"""

from __future__ import annotations

import re

from claimcheck.data.checks import TYPE_WORDS
from claimcheck.data.descriptor import hash_mismatch_text
from claimcheck.data.problems import Problem

# Step 1 (the file as text) already reports these, in the book's words and once per row.
ALREADY_REPORTED = {"extra-cell", "missing-cell", "blank-row", "extra-label", "missing-label", "incorrect-label",
                    "duplicate-label", "blank-label"}


def _typed(cell: str, field: dict):
    """The cell as the value its constraint compares (as the messages have always shown it)."""
    try:
        return {"integer": int, "number": float}.get(field.get("type", "string"), str)(cell)
    except ValueError:
        return cell


def constraint_text(name: str, value, constraints: dict) -> str:
    limit = constraints.get(name)
    return {
        "required": "value is required but empty",
        "enum": f"{value!r} is not an allowed value (allowed: {', '.join(map(str, constraints.get('enum', [])))})",
        "minimum": f"{value} is below the minimum {limit}",
        "maximum": f"{value} is above the maximum {limit}",
        "exclusiveMinimum": f"{value} must be greater than {limit}",
        "exclusiveMaximum": f"{value} must be less than {limit}",
        "pattern": f"{value!r} does not match the pattern {limit}",
        "minLength": f"{value!r} is shorter than {limit} characters",
        "maxLength": f"{value!r} is longer than {limit} characters",
    }.get(name, f"{value!r} breaks the constraint {name} = {limit!r}")


def problem_from_error(error, resource: dict, label: str, header: list[str]) -> Problem | None:
    """One frictionless error as a :class:`Problem`; None for those step 1 already reported."""
    if error.type in ALREADY_REPORTED:
        return None
    schema = resource["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    row_number = getattr(error, "row_number", None)
    row = row_number - 1 if row_number else None
    column = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", "")
    field = fields.get(column, {})
    if error.type == "type-error":
        words = TYPE_WORDS.get(field.get("type", "string"), "not a valid {type}, found {cell!r}")
        return Problem(label, row, column, words.format(cell=cell, type=field.get("type")))
    if error.type == "constraint-error":
        name = re.match(r'constraint "(\w+)"', error.note)
        name = name.group(1) if name else "?"
        return Problem(label, row, column, constraint_text(name, _typed(cell, field), field.get("constraints", {})))
    if error.type in ("unique-error", "primary-key"):
        first = re.search(r"row at position (\d+)", error.note)
        first_row = f" (first in row {int(first.group(1)) - 1})" if first else ""
        if error.type == "unique-error":
            return Problem(label, row, column, f"duplicate value {_typed(cell, field)!r}{first_row}")
        key = schema.get("primaryKey", [])
        key = [key] if isinstance(key, str) else key
        cells = dict(zip(header, error.cells))
        values = tuple(_typed(cells.get(k, ""), fields[k]) for k in key)
        shown = values if len(values) > 1 else values[0]
        return Problem(label, row, ", ".join(key), f"duplicate primary key {shown!r}{first_row}")
    if error.type == "hash-count":
        recorded = str(resource.get("hash", "")).removeprefix("sha256:")
        actual = re.search(r'actual is "([0-9a-f]+)"', error.note)
        actual = actual.group(1) if actual else "?"
        return Problem(label, None, None, hash_mismatch_text(recorded, actual))
    if error.type == "claimcheck-row-rule":
        return Problem(label, row, column, error.note)
    return Problem(label, row, column, f"{error.title}: {error.note}" if error.note else error.message)
