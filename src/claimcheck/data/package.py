"""Load the book's data files and validate every one against ``data/datapackage.yaml``.

The descriptor follows the Frictionless Data Package layout (resources, table schemas with
field types and constraints, primary keys, sources, licences and a sha256 hash per file).
Every load re-validates the file, so a bad edit stops the notebook that reads it, and so the
build, with a message that names the file, the row and the column.

Row numbers in messages count data rows from 1; the header is line 1 of the file, so
data row ``r`` is file line ``r + 1``.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from claimcheck import paths
from claimcheck.data import manifest
from claimcheck.data.layout import path_problem, unlisted_csvs
from claimcheck.paths import DESCRIPTOR_NAME

# libyaml's parser (shipped in PyYAML's wheels) reads the descriptor about ten times faster than
# the pure-Python one, with the same safe constructors; the pure-Python one is the fallback.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load_yaml(stream, label: str | None = None):
    """``yaml.safe_load`` with libyaml when available.

    A syntax error is reported with ``label`` (the file's name in the book), its line and column,
    instead of PyYAML's ``"<unicode string>"``.
    """
    try:
        return yaml.load(stream, Loader=_SAFE_LOADER)
    except yaml.MarkedYAMLError as err:
        if label is None:
            raise
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise DataValidationError(
            [Problem(label, None, None, f"YAML syntax error at {where}: {err.problem or err.context}")]
        ) from None


MAX_REPORTED_ERRORS = 20
# The longest text a cell may hold. csv's own limit (131,072 characters) stops the reader with no
# row or column; the book reads with a higher limit and names the cell itself.
MAX_FIELD_CHARS = 100_000
# A text cell that starts with one of these runs as a formula when the published CSV is opened
# in a spreadsheet (CSV injection). '-' is allowed when the whole cell is a plain number.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


class DataValidationError(ValueError):
    """A data file does not match its descriptor; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = problems[:MAX_REPORTED_ERRORS]
        lines = [p.message() for p in shown]
        if len(problems) > len(shown):
            lines.append(f"... and {len(problems) - len(shown)} more problems")
        super().__init__("data validation failed:\n  " + "\n  ".join(lines))


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


def find_data_dir(start: Path | None = None) -> Path:
    """The ``data/`` folder of the book, found by walking up from ``start`` (default: cwd)."""
    return paths.data_dir(paths.book_root(start))


def read_descriptor(data_dir: Path | None = None) -> dict:
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    label = f"data/{DESCRIPTOR_NAME}"
    try:
        text = (data_dir / DESCRIPTOR_NAME).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataValidationError([Problem(label, None, None, _decode_error_text(
            (data_dir / DESCRIPTOR_NAME).read_bytes(), err))]) from None
    descriptor = safe_load_yaml(text, label)
    names = [r["name"] for r in descriptor.get("resources", [])]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise DataValidationError(
            [Problem(label, None, None, f"resource names used twice: {duplicated}")]
        )
    return descriptor


def resource_path(resource: dict, data_dir: Path) -> Path:
    """The file of a resource, which must lie inside ``data/`` (see :mod:`claimcheck.data.layout`)."""
    reason = path_problem(resource, data_dir)
    if reason:
        raise DataValidationError([Problem(f"data/{DESCRIPTOR_NAME}", None, None,
                                           f"resource {resource.get('name', '?')!r}: {reason}; "
                                           "data files must lie inside data/")])
    return Path(data_dir) / str(resource["path"])


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
    return Problem(label, None, None, _decode_error_text(raw, err))


def _decode_error_text(raw: bytes, err: UnicodeDecodeError) -> str:
    line = raw[: err.start].count(b"\n") + 1
    column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
    return (f"line {line}, byte {column} of that line: byte 0x{raw[err.start]:02x} is not valid UTF-8; "
            "save the file as UTF-8")


def resource_descriptor(name: str, descriptor: dict) -> dict:
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            return resource
    known = ", ".join(r["name"] for r in descriptor["resources"])
    raise KeyError(f"no resource named {name!r} in {DESCRIPTOR_NAME}; known: {known}")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- field types -------------------------------------------------------------------------

# ASCII digits only: Python's int() and float() also accept other scripts' digits ('١٢', '１.５')
# and underscores ('1_000'), which no other reader of a CSV would take for the same number.
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$|^[+-]?(inf|infinity|nan)$", re.I)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}


def _parse(value: str, field_type: str) -> Any:
    """Convert one CSV cell to its typed value; raise ValueError with a reader-facing reason."""
    if field_type == "string":
        if value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
            raise ValueError(
                f"text starts with {value[0]!r} ({value[:30]!r}), which a spreadsheet runs as a formula; "
                "reword it (a plain signed number such as -1.5 is fine)")
        return value
    if field_type == "integer":
        if not _INTEGER.match(value):
            raise ValueError(f"expected an integer written with ASCII digits 0-9, found {value!r}")
        return int(value)
    if field_type == "number":
        if not _NUMBER.match(value):
            raise ValueError(f"expected a number written with ASCII digits 0-9, found {value!r}")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"expected a number, found {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"expected a finite number, found {value!r}")
        return number
    if field_type == "boolean":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(f"expected true or false, found {value!r}")
    if field_type == "date":
        if not _DATE.match(value):
            raise ValueError(f"expected a date as YYYY-MM-DD, found {value!r}")
        pd.Timestamp(value)  # rejects impossible dates such as 2018-02-30
        return value
    raise ValueError(f"the descriptor uses an unknown field type {field_type!r}")


def _constraint_problems(value: Any, constraints: dict) -> Iterable[str]:
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(map(str, constraints["enum"]))
        yield f"{value!r} is not an allowed value (allowed: {allowed})"
    if "minimum" in constraints and value < constraints["minimum"]:
        yield f"{value} is below the minimum {constraints['minimum']}"
    if "maximum" in constraints and value > constraints["maximum"]:
        yield f"{value} is above the maximum {constraints['maximum']}"
    if "exclusiveMinimum" in constraints and value <= constraints["exclusiveMinimum"]:
        yield f"{value} must be greater than {constraints['exclusiveMinimum']}"
    if "exclusiveMaximum" in constraints and value >= constraints["exclusiveMaximum"]:
        yield f"{value} must be less than {constraints['exclusiveMaximum']}"
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], str(value)):
        yield f"{value!r} does not match the pattern {constraints['pattern']}"
    if "minLength" in constraints and len(str(value)) < constraints["minLength"]:
        yield f"{value!r} is shorter than {constraints['minLength']} characters"


# --- checks across the fields of one row ---------------------------------------------------
# A resource names these under ``schema.x-rowChecks``; each returns (column, reason) pairs.


def _ci_contains_estimate(row: dict) -> Iterable[tuple[str, str]]:
    low, high, estimate = row.get("ci_low"), row.get("ci_high"), row.get("estimate")
    if (low is None) != (high is None):
        yield ("ci_high" if high is None else "ci_low", "a confidence interval needs both bounds")
        return
    if low is None or estimate is None:
        return
    if low > high:
        yield ("ci_low", f"lower bound {low} is above upper bound {high}")
    elif not (low <= estimate <= high):
        yield ("estimate", f"estimate {estimate} lies outside its interval [{low}, {high}]")


def _source_present(row: dict) -> Iterable[tuple[str, str]]:
    if not row.get("doi") and not row.get("url"):
        yield ("doi", "every number needs a source: give a DOI or the address it was read at")


def _verdict_complete(row: dict) -> Iterable[tuple[str, str]]:
    """A claim with a verdict must say why, how certain, and on what kind of evidence."""
    if row.get("verdict") in (None, "pending"):
        return
    if not row.get("rationale"):
        yield ("rationale", f"verdict {row['verdict']!r} needs a one-line rationale")
    for column in ("certainty", "evidence_type", "species", "flags", "citation_accuracy"):
        if row.get(column) == "pending":
            yield (column, f"still 'pending' although the verdict is {row['verdict']!r}")


ROW_CHECKS: dict[str, Callable[[dict], Iterable[tuple[str, str]]]] = {
    "ci_contains_estimate": _ci_contains_estimate,
    "source_present": _source_present,
    "verdict_complete": _verdict_complete,
}


# --- validation ----------------------------------------------------------------------------


def validate_resource(resource: dict, data_dir: Path) -> tuple[list[dict], list[Problem]]:
    """Check one file against its resource entry; return typed rows and every problem found."""
    try:
        path = resource_path(resource, data_dir)
    except DataValidationError as err:
        return [], err.problems
    label = f"data/{resource['path']}"
    problems: list[Problem] = []
    if not path.is_file():
        return [], [Problem(label, None, None, "file is missing")]

    expected_hash = str(resource.get("hash", ""))
    if not expected_hash.startswith("sha256:"):
        problems.append(Problem(label, None, None, "the descriptor gives no sha256 hash"))
    else:
        actual = sha256_of(path)
        if actual != expected_hash.removeprefix("sha256:"):
            problems.append(
                Problem(
                    label,
                    None,
                    None,
                    f"sha256 mismatch: the descriptor records {expected_hash.removeprefix('sha256:')[:12]}…, "
                    f"the file has {actual[:12]}…. The file changed since it was recorded; if the edit "
                    "is intended and sourced, run `make rehash` and commit both files",
                )
            )

    schema = resource["schema"]
    fields = schema["fields"]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return [], problems + [_undecodable_cell(label, raw, err)]
    if text.startswith("\ufeff"):
        return [], problems + [Problem(label, None, None, "the file starts with a UTF-8 byte-order mark (BOM), "
                                       "which would become part of the first column's name; save it as UTF-8 "
                                       "without BOM")]
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(previous_limit, 2**31 - 1))
    try:
        reader = csv.reader(text.splitlines(keepends=True))
        header = next(reader, None)
        if header is None:
            return [], problems + [Problem(label, None, None, "file is empty (no header row)")]
        raw_rows = list(reader)
    except csv.Error as err:
        return [], problems + [Problem(label, reader.line_num - 1 or None, None, f"not readable as CSV: {err}")]
    finally:
        csv.field_size_limit(previous_limit)
    if not raw_rows and not schema.get("x-allowEmpty", False):
        return [], problems + [Problem(label, None, None, "the file has a header but no data rows; "
                                       "every chapter that reads it needs rows")]

    field_names = [f["name"] for f in fields]
    for name in field_names:
        if name not in header:
            problems.append(Problem(label, None, name, "missing column required by the schema"))
    for name in header:
        if name not in field_names:
            problems.append(Problem(label, None, name, "column is not described in the schema"))
    if len(set(header)) != len(header):
        problems.append(Problem(label, None, None, f"duplicate column names in header {header}"))
    if any(p.row is None and p.column for p in problems):
        return [], problems

    position = {name: header.index(name) for name in field_names}
    typed_rows: list[dict] = []
    seen_unique: dict[str, dict[Any, int]] = {f["name"]: {} for f in fields}
    primary_key = schema.get("primaryKey", [])
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    seen_keys: dict[tuple, int] = {}
    checks = [ROW_CHECKS[name] for name in schema.get("x-rowChecks", [])]

    for row_number, raw in enumerate(raw_rows, start=1):
        if len(raw) != len(header):
            problems.append(
                Problem(label, row_number, None, f"has {len(raw)} cells, the header has {len(header)}")
            )
            continue
        typed: dict[str, Any] = {}
        for field in fields:
            name = field["name"]
            cell = raw[position[name]].strip()
            if len(cell) > MAX_FIELD_CHARS:
                problems.append(Problem(label, row_number, name, f"cell holds {len(cell):,} characters; "
                                        f"the most a cell may hold is {MAX_FIELD_CHARS:,}"))
                typed[name] = None
                continue
            constraints = field.get("constraints", {})
            if cell == "" or cell in field.get("missingValues", []):
                typed[name] = None
                if constraints.get("required") or name in primary_key:
                    problems.append(Problem(label, row_number, name, "value is required but empty"))
                continue
            try:
                value = _parse(cell, field.get("type", "string"))
            except ValueError as err:
                problems.append(Problem(label, row_number, name, str(err)))
                typed[name] = None
                continue
            for reason in _constraint_problems(value, constraints):
                problems.append(Problem(label, row_number, name, reason))
            if constraints.get("unique"):
                first = seen_unique[name].setdefault(value, row_number)
                if first != row_number:
                    problems.append(
                        Problem(label, row_number, name, f"duplicate value {value!r} (first in row {first})")
                    )
            typed[name] = value
        if primary_key and all(typed.get(k) is not None for k in primary_key):
            key = tuple(typed[k] for k in primary_key)
            first = seen_keys.setdefault(key, row_number)
            if first != row_number:
                problems.append(
                    Problem(
                        label,
                        row_number,
                        ", ".join(primary_key),
                        f"duplicate primary key {key if len(key) > 1 else key[0]!r} (first in row {first})",
                    )
                )
        for check in checks:
            for column, reason in check(typed):
                problems.append(Problem(label, row_number, column, reason))
        typed_rows.append(typed)
    return typed_rows, problems


_PANDAS_TYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}


def _to_frame(rows: list[dict], fields: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[f["name"] for f in fields])
    for field in fields:
        field_type = field.get("type", "string")
        name = field["name"]
        if field_type == "date":
            frame[name] = pd.to_datetime(frame[name])
        else:
            frame[name] = frame[name].astype(_PANDAS_TYPES[field_type])
    return frame


def load(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Validate the resource ``name`` and return it as a typed DataFrame.

    Integers come back as pandas ``Int64`` and numbers as ``Float64`` so that missing values
    stay missing rather than turning into silent zeros or object columns.
    """
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    descriptor = read_descriptor(data_dir)
    resource = resource_descriptor(name, descriptor)
    rows, problems = validate_resource(resource, data_dir)
    if problems:
        raise DataValidationError(problems)
    manifest.record(resource, resource_path(resource, data_dir))  # what this notebook read (invalidation)
    return _to_frame(rows, resource["schema"]["fields"])


def validate_all(data_dir: Path | str | None = None) -> list[Problem]:
    """Every problem in every resource, and any CSV in ``data/`` the descriptor does not list."""
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    descriptor = read_descriptor(data_dir)
    manifest.record_package(descriptor, data_dir)  # a whole-package read (invalidation)
    problems: list[Problem] = []
    described = set()
    for resource in descriptor["resources"]:
        described.add(resource["path"])
        problems.extend(validate_resource(resource, data_dir)[1])
    problems.extend(unlisted_files(data_dir, descriptor))
    return problems


def unlisted_files(data_dir: Path | str, descriptor: dict | None = None) -> list[Problem]:
    """Data files (CSV) in ``data/`` that the descriptor does not list: never read, never checked."""
    descriptor = descriptor or read_descriptor(Path(data_dir))
    return [Problem(f"data/{name}", None, None, f"not listed in data/{DESCRIPTOR_NAME}; describe it there "
                    "(schema, source, licence, hash) or remove it")
            for name in unlisted_csvs(Path(data_dir), descriptor)]


def catalogue(data_dir: Path | str | None = None) -> pd.DataFrame:
    """One row per data file: title, rows, source, locator, licence and verified hash."""
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    descriptor = read_descriptor(data_dir)
    manifest.record_package(descriptor, data_dir)  # a whole-package read (invalidation)
    records = []
    for resource in descriptor["resources"]:
        frame = load(resource["name"], data_dir)
        source = resource["sources"][0]
        records.append(
            {
                "file": f"data/{resource['path']}",
                "title": resource["title"],
                "rows": int(len(frame)),
                "columns": int(frame.shape[1]),
                "source": source["title"],
                "source_link": source.get("path", ""),
                "locator": source.get("x-locator", ""),
                "licence": ", ".join(lic["name"] for lic in resource["licenses"]),
                "sha256": resource["hash"].removeprefix("sha256:"),
            }
        )
    return pd.DataFrame.from_records(records)


def rehash(data_dir: Path | str | None = None) -> list[str]:
    """Rewrite the sha256 of every resource whose file changed; return the changed names.

    The descriptor is edited as text so that its comments and layout survive.
    """
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    descriptor_path = data_dir / DESCRIPTOR_NAME
    text = descriptor_path.read_text(encoding="utf-8")
    changed = []
    for resource in read_descriptor(data_dir)["resources"]:
        actual = "sha256:" + sha256_of(resource_path(resource, data_dir))
        recorded = str(resource.get("hash", ""))
        if recorded != actual:
            if recorded and text.count(recorded) == 1:
                text = text.replace(recorded, actual)
            else:
                raise ValueError(
                    f"{DESCRIPTOR_NAME}: cannot find a unique hash line for resource {resource['name']!r}; "
                    f"give its entry a placeholder such as `hash: sha256:pending-{resource['name']}` first"
                )
            changed.append(resource["name"])
    descriptor_path.write_text(text, encoding="utf-8")
    return changed


def field_table(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The schema of one resource as a table a reader can scan: field, type, rule, meaning."""
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    resource = resource_descriptor(name, read_descriptor(data_dir))
    rows = []
    for field in resource["schema"]["fields"]:
        constraints = field.get("constraints", {})
        rules = []
        if constraints.get("required"):
            rules.append("required")
        if constraints.get("unique"):
            rules.append("unique")
        if "enum" in constraints:
            rules.append("one of " + ", ".join(map(str, constraints["enum"])))
        for key, symbol in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
            if key in constraints:
                rules.append(f"{symbol} {constraints[key]}")
        if "pattern" in constraints:
            rules.append(f"matches {constraints['pattern']}")
        rows.append(
            {
                "field": field["name"],
                "type": field.get("type", "string"),
                "rules": "; ".join(rules),
                "meaning": field.get("description", ""),
            }
        )
    return pd.DataFrame(rows)
