"""A chapter's declared assumptions: the code cell tagged ``parameters`` (the papermill convention).

Each assumption a re-analysis could change is one assignment of a literal value in that cell,
with a comment on the same line or on the comment lines just above it (or both). The comment is
free text (what the assumption means) plus ``key: value`` parts; a key starts the comment or one of
its lines, or follows a ``;`` (or a ``,`` or ``.`` and a space):

    # Typical error of one HbA1c measurement; unit: % points; source: Pandey et al. 2015, Table 2
    typical_error = 0.3  # range: 0.05..1.0
    cutoff = 10  # Responder cut-off; unit: mmHg; source: our choice (a round clinical value); values: 5, 10, 15

Recognised keys (case does not matter):

``unit``    the unit (``unit: none`` for a count or a ratio);
``source``  where the default comes from: a source and locator, or ``our choice`` and why;
``range``   allowed numbers, inclusive: ``LOW..HIGH``; either side may be left open (``0..``);
            for a list, every element must lie in it;
``values``  the allowed values, comma-separated (``values: age, sex, activity``); for a list,
            every element must be one of them.

Text outside a key is the meaning. A boolean allows ``True`` and ``False`` without saying so.
:func:`read` returns the declarations and :func:`declaration_problems` lists what a cell's comments
leave out (the chapter tests require none). The comment grammar is in
:mod:`claimcheck.data.parameter_comments`; checking a value given on the command line against a
declaration (:func:`claimcheck.data.parameter_values.coerce`) in :mod:`claimcheck.data.parameter_values`.
All three need only the standard library, so the Sphinx extension can use them on every build.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcheck.data.parameter_comments import (
    BARE_RANGE,
    SOURCE_HINT,
    ParameterError,
    comment_lines,
    find_range,
    literal,
    segments,
    split_comment,
    trailing_comment,
)
from claimcheck.data.parameter_values import check, format_value, show_value, type_name

PARAMETERS_TAG = "parameters"


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    comment: str = ""
    meaning: str = ""
    unit: str = ""
    source: str = ""
    minimum: float | None = None
    maximum: float | None = None
    values: tuple | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    allowed_text: str = ""  # an allowed-values statement that is not machine-readable
    line: int = 0
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def type(self) -> str:
        """``int``, ``float``, ``bool``, ``str``, ``list[int]`` (and so on), or ``any``."""
        return type_name(self.value)

    @property
    def allowed(self) -> str:
        """The allowed values or range, for readers: ``0.5 to 5``, ``one of: a, b``, or ``any``."""
        if self.values is not None:
            return "one of: " + ", ".join(show_value(v) for v in self.values)
        if isinstance(self.value, bool) or self.type == "list[bool]":
            return "one of: True, False"
        low = high = ""
        if self.minimum is not None:
            low = ("more than " if self.exclusive_minimum else "at least ") + show_value(self.minimum)
        if self.maximum is not None:
            high = ("less than " if self.exclusive_maximum else "at most ") + show_value(self.maximum)
        if low and high:
            if not (self.exclusive_minimum or self.exclusive_maximum):
                return f"{show_value(self.minimum)} to {show_value(self.maximum)}"
            return f"{low} and {high}"
        if low or high:
            return low or high
        if self.allowed_text:
            return self.allowed_text
        return "any value" if self.type in ("any", "list") else "any " + self.type

    @property
    def shown(self) -> str:
        """The current value as it would be typed on the command line."""
        return format_value(self.value)

    def example(self) -> Any:
        """Another allowed value (for the example commands): a bound, or the next allowed value."""
        if isinstance(self.value, bool):
            return not self.value
        if self.values:
            others = [v for v in self.values if v != self.value]
            return others[0] if others else None
        if isinstance(self.value, (int, float)):
            for bound in (self.maximum, self.minimum):
                if bound is not None and bound != self.value and not (
                        self.exclusive_maximum if bound == self.maximum else self.exclusive_minimum):
                    return int(bound) if isinstance(self.value, int) and float(bound).is_integer() else bound
        return None


def parse_cell(source: str, where: str = "parameters cell") -> list[Parameter]:
    """Every assumption declared in the source of a parameters cell, in order.

    Only assignments of literal values (numbers, text, booleans, lists of them) and comments may
    appear: the cell is the chapter's declaration, so anything computed belongs further down."""
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise ParameterError(f"{where}: line {err.lineno}: not valid Python ({err.msg})") from None
    lines = source.splitlines()
    declared: list[Parameter] = []
    seen: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value_node = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value_node = node.target, node.value
        else:
            raise ParameterError(f"{where}: line {node.lineno}: only `name = value` assignments and comments "
                                 "belong in a parameters cell")
        try:
            value = ast.literal_eval(value_node)
        except ValueError:
            raise ParameterError(f"{where}: line {node.lineno}: the value must be a literal (a number, text, "
                                 "True/False, or a list or dict of them), not an expression") from None
        if isinstance(target, ast.Name):
            pairs = [(target.id, value)]
        elif (isinstance(target, ast.Tuple) and all(isinstance(t, ast.Name) for t in target.elts)
              and isinstance(value, tuple) and len(value) == len(target.elts)):
            pairs = [(t.id, v) for t, v in zip(target.elts, value)]  # a, b = 1, 2: two assumptions
        else:
            raise ParameterError(f"{where}: line {node.lineno}: assign to plain names")
        for name, _ in pairs:
            if name in seen:
                raise ParameterError(f"{where}: line {node.lineno}: {name!r} is declared twice")
            seen.add(name)
        comment_parts = comment_lines(lines, node.lineno - 1)
        trailing = " ".join(trailing_comment(lines[i]) for i in range(node.lineno - 1, node.end_lineno))
        comment_parts.append(trailing.strip())
        comment = "\n".join(p for p in comment_parts if p)
        for name, item in pairs:
            declared.append(_declaration(name, list(item) if isinstance(item, tuple) else item, comment,
                                         node.lineno, where))
    return declared


def _declaration(name: str, value: Any, comment: str, line: int, where: str) -> Parameter:
    parts = split_comment(comment)
    problems = []
    bounds = None
    allowed = None
    allowed_text = ""
    if "range" in parts:
        bounds = find_range(parts["range"])
        if bounds is None:
            allowed_text = parts["range"]
    else:
        # No key: a short statement of its own, such as "; 1 to 5" or "; > 0", still counts.
        for segment in segments(parts.get("meaning", "")):
            if BARE_RANGE.match(segment):
                bounds = find_range(segment, hyphen=False)
                if bounds:
                    break
    if bounds and bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        raise ParameterError(f"{where}: line {line}: {name}: the allowed range {parts.get('range', '')!r} has its "
                             "lower bound above its upper bound")
    if "values" in parts:
        allowed = tuple(literal(v.strip()) for v in parts["values"].split(",") if v.strip())
    source = parts.get("source", "")
    if not source:
        source = next((s for s in segments(parts.get("meaning", "")) if SOURCE_HINT.search(s)), "")
    kind = type_name(value)
    if not parts.get("meaning"):
        problems.append("says nothing about what it means")
    if not parts.get("unit") and kind in ("int", "float", "list[int]", "list[float]"):
        problems.append("gives no unit (write `unit: none` for a count or a ratio)")
    if not source:
        problems.append("does not say where its default comes from (`source: ...`, or `source: our choice, because ...`)")
    numeric = kind in ("int", "float", "list[int]", "list[float]")
    # Numbers need a checked range or list; for text, lists of text and mappings a sentence such as
    # `allowed: any estimate_id of data/diabetes_estimates.csv` is the declaration.
    if allowed is None and bounds is None and kind not in ("bool", "list[bool]") and (numeric or not allowed_text):
        problems.append("gives no machine-readable allowed values (`range: LOW..HIGH` or `values: a, b`)"
                        + (f"; found only {allowed_text!r}" if allowed_text else ""))
    low, high, low_open, high_open = bounds or (None, None, False, False)
    parameter = Parameter(name=name, value=value, comment=comment, meaning=parts.get("meaning", ""),
                          unit=parts.get("unit", ""), source=source, minimum=low, maximum=high,
                          values=allowed, exclusive_minimum=low_open, exclusive_maximum=high_open,
                          allowed_text=allowed_text, line=line, problems=tuple(problems))
    try:
        check(parameter, value)
    except ParameterError as err:
        raise ParameterError(f"{where}: line {line}: the default of {name} breaks its own declaration: {err}") from None
    return parameter


def cell_source(cell: dict) -> str:
    """A notebook cell's source as one string (nbformat stores it as a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def parameters_cell(notebook: dict) -> tuple[int, dict] | None:
    """(index, cell) of the code cell tagged ``parameters``, or None. Two such cells are an error."""
    found = [(i, c) for i, c in enumerate(notebook.get("cells", []))
             if c.get("cell_type") == "code" and PARAMETERS_TAG in (c.get("metadata", {}).get("tags") or [])]
    if len(found) > 1:
        raise ParameterError(f"cells {[i for i, _ in found]} are all tagged {PARAMETERS_TAG!r}; keep one")
    return found[0] if found else None


def read_notebook(path: Path | str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read(path: Path | str) -> list[Parameter]:
    """The declared assumptions of a notebook (empty when it has no parameters cell)."""
    path = Path(path)
    found = parameters_cell(read_notebook(path))
    if found is None:
        return []
    index, cell = found
    return parse_cell(cell_source(cell), where=f"{path.name}, cell {index} (parameters)")


def declaration_problems(parameters: list[Parameter]) -> list[str]:
    """What the comments leave out, one line per gap (empty when every assumption is fully declared)."""
    return [f"{p.name} (line {p.line}) {problem}" for p in parameters for problem in p.problems]
