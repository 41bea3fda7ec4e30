"""Validate data files against ``data/datapackage.yaml``: the Table Schema on frictionless-py,
then the book's own checks (:mod:`claimcheck.data.checks`).

Each resource goes through three steps, and every finding becomes a :class:`Problem` that names
the file, the row (and line) and the column:

1. the file as text (no frictionless): readable as UTF-8 without a byte-order mark, a header
   that names exactly the schema's columns, at least one data row, every row as long as the
   header, and each cell's text acceptable for its type (:func:`checks.cell_text_problem`).
   A file that fails the first three is not handed on: every later message would be noise;
2. frictionless-py: types, constraints (required, enums, ranges, patterns, lengths), uniqueness,
   primary keys and the sha256 hash, with the row checks the resource names run as a
   frictionless check on the typed rows;
3. frictionless's errors are said in the book's words (:mod:`claimcheck.data.wording`).

Validation imports frictionless (about a second); the build runs it once per change of the data
(:mod:`claimcheck.data.validation_cache`), so notebooks only compare hashes.
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path

from claimcheck.data import manifest
from claimcheck.data.descriptor import (
    DESCRIPTOR_LABEL,
    find_data_dir,
    hash_problem,
    read_descriptor,
    resource_path,
    unlisted_csvs,
)
from claimcheck.data.problems import DataValidationError, Problem, not_utf8_text
from claimcheck.paths import DESCRIPTOR_NAME


def validate_resource(resource: dict, data_dir: Path) -> list[Problem]:
    """Every problem in one resource's file, hash first, then by row."""
    try:
        path = resource_path(resource, data_dir)
    except DataValidationError as err:
        return err.problems
    label = f"data/{resource['path']}"
    if not path.is_file():
        return [Problem(label, None, None, "file is missing")]
    problems, header = text_problems(resource, path, label)
    if header:
        problems += frictionless_problems(resource, Path(data_dir), label, header)
    else:
        problems = [p for p in [hash_problem(resource, data_dir)] if p] + problems
    unique = list(dict.fromkeys(problems))  # a cell's wrong type is found by both steps, in the same words
    return sorted(unique, key=lambda p: p.row or 0)


def validate_all(data_dir: Path | str | None = None) -> list[Problem]:
    """Every problem in every resource, and any CSV in ``data/`` the descriptor does not list."""
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    descriptor = read_descriptor(data_dir)
    manifest.record_package(descriptor, data_dir)  # a whole-package read (invalidation)
    problems: list[Problem] = []
    for resource in descriptor["resources"]:
        problems.extend(validate_resource(resource, data_dir))
    problems.extend(unlisted_files(data_dir, descriptor))
    return problems


def unlisted_files(data_dir: Path | str, descriptor: dict | None = None) -> list[Problem]:
    """Data files (CSV) in ``data/`` that the descriptor does not list: never read, never checked."""
    descriptor = descriptor or read_descriptor(Path(data_dir))
    return [Problem(f"data/{name}", None, None, f"not listed in data/{DESCRIPTOR_NAME}; describe it there "
                    "(schema, source, licence, hash) or remove it")
            for name in unlisted_csvs(Path(data_dir), descriptor)]


# --- step 1: the file as text ----------------------------------------------------------------


def _undecodable_cell(label: str, raw: bytes, err: UnicodeDecodeError) -> Problem:
    """The first cell holding bytes that are not UTF-8, by row and column when the file parses."""
    reason = f"byte 0x{raw[err.start]:02x} is not valid UTF-8; save the file as UTF-8"
    try:
        rows = list(csv.reader(raw.decode("utf-8", errors="replace").splitlines()))
    except csv.Error:
        rows = []
    header = rows[0] if rows else []
    for row_number, row in enumerate(rows):
        for position, cell in enumerate(row):
            if "\ufffd" in cell:
                if row_number == 0:
                    return Problem(label, None, cell, reason)
                column = header[position] if position < len(header) else f"cell {position + 1}"
                return Problem(label, row_number, column, reason)
    return Problem(label, None, None, not_utf8_text(raw, err))


def read_rows(text: str) -> list[list[str]]:
    """The CSV's rows, header first, read with a limit above any cell the book allows."""
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(previous_limit, 2**31 - 1))
    try:
        return list(csv.reader(text.splitlines(keepends=True)))
    finally:
        csv.field_size_limit(previous_limit)


def text_problems(resource: dict, path: Path, label: str) -> tuple[list[Problem], list[str]]:
    """Step 1; returns the problems and the header, empty when frictionless cannot read the file usefully."""
    from claimcheck.data.checks import cell_text_problem

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return [_undecodable_cell(label, raw, err)], []
    if text.startswith("\ufeff"):
        return [Problem(label, None, None, "the file starts with a UTF-8 byte-order mark (BOM), which would "
                        "become part of the first column's name; save it as UTF-8 without BOM")], []
    try:
        rows = read_rows(text)
    except csv.Error as err:
        return [Problem(label, None, None, f"not readable as CSV: {err}")], []
    if not rows:
        return [Problem(label, None, None, "file is empty (no header row)")], []
    header, body = rows[0], rows[1:]
    schema = resource["schema"]
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    problems = [Problem(label, None, n, "missing column required by the schema") for n in names if n not in header]
    problems += [Problem(label, None, n, "column is not described in the schema") for n in header if n not in names]
    if len(set(header)) != len(header):
        problems.append(Problem(label, None, None, f"duplicate column names in header {header}"))
    if problems:
        return problems, []
    if not body and not schema.get("x-allowEmpty", False):
        return [Problem(label, None, None, "the file has a header but no data rows; "
                        "every chapter that reads it needs rows")], []
    position = {name: header.index(name) for name in names}
    readable = True
    for row_number, cells in enumerate(body, start=1):
        if len(cells) != len(header):
            problems.append(Problem(label, row_number, None, f"has {len(cells)} cells, the header has {len(header)}"))
            continue
        for field in fields:
            cell = cells[position[field["name"]]].strip()
            if cell == "" or cell in field.get("missingValues", []):
                continue
            reason = cell_text_problem(cell, field.get("type", "string"))
            if reason:
                problems.append(Problem(label, row_number, field["name"], reason))
                readable = readable and not reason.startswith("cell holds")  # too long for any CSV reader
    return problems, header if readable else []


# --- step 2: frictionless --------------------------------------------------------------------


def frictionless_problems(resource: dict, data_dir: Path, label: str, header: list[str]) -> list[Problem]:
    from frictionless import Checklist, FrictionlessException, Resource

    from claimcheck.data.row_rules import row_rules
    from claimcheck.data.wording import problem_from_error

    # frictionless consumes the descriptor it is given; the book's copy stays as it was read.
    entry = copy.deepcopy(resource)
    # Columns are matched by name, in any order (step 1 checked the header names the schema's columns).
    entry["schema"].setdefault("fieldsMatch", "equal")
    try:
        table = Resource.from_descriptor(entry, basepath=str(data_dir), datapackage_version="v2")
    except FrictionlessException as err:
        return [Problem(DESCRIPTOR_LABEL, None, None, f"resource {resource.get('name', '?')!r}: {err.error.message}")]
    checks = [row_rules(names=list(resource["schema"].get("x-rowChecks", [])))]
    report = table.validate(checklist=Checklist(checks=checks))
    problems = [problem_from_error(error, resource, label, header) for task in report.tasks for error in task.errors]
    problems += [Problem(DESCRIPTOR_LABEL, None, None, f"resource {resource['name']!r}: {error.message}")
                 for error in report.errors]
    return [p for p in problems if p is not None]
