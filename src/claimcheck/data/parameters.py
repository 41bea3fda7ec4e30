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
:func:`read` returns the declarations, :func:`coerce` checks a value given on the command line
against one, and :func:`declaration_problems` lists what a cell's comments leave out (the
chapter tests require none). The module needs only the standard library, so the Sphinx
extension can use it on every build.
"""

from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PARAMETERS_TAG = "parameters"
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
            return "one of: " + ", ".join(_show(v) for v in self.values)
        if isinstance(self.value, bool) or self.type == "list[bool]":
            return "one of: True, False"
        low = high = ""
        if self.minimum is not None:
            low = ("more than " if self.exclusive_minimum else "at least ") + _show(self.minimum)
        if self.maximum is not None:
            high = ("less than " if self.exclusive_maximum else "at most ") + _show(self.maximum)
        if low and high:
            if not (self.exclusive_minimum or self.exclusive_maximum):
                return f"{_show(self.minimum)} to {_show(self.maximum)}"
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


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, (list, tuple)):
        inner = {type_name(v) for v in value}
        if inner == {"int", "float"}:
            inner = {"float"}
        return f"list[{inner.pop()}]" if len(inner) == 1 else "list"
    return "any"


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)) if not isinstance(value, bool) else str(value)
    return str(value)


def format_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(format_value(v) for v in value)
    return _show(value)


# --- reading the cell ------------------------------------------------------------------------


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


def _literal(text: str) -> Any:
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


_BARE_RANGE = re.compile(r"^(?:[A-Za-z']+\s+){0,3}(?:\S+\s*(?:\.\.|to|\u2013)\s*\S+|between .+|strictly between .+|"
                         r"(?:>=?|<=?|\u2264|\u2265|at least|at most)\s*\S+|any positive \w+)\s*$", re.I)
_SOURCE_HINT = re.compile(r"our choice|convention|\b(?:19|20)\d\d\b|et al|source", re.I)


def _segments(text: str) -> list[str]:
    return [s.strip() for s in re.split(r";|\.\s|\n", text) if s.strip()]


def _comment_lines(lines: list[str], index: int) -> list[str]:
    """The comment lines directly above line ``index`` (0-based), nearest last."""
    found = []
    while index > 0 and lines[index - 1].strip().startswith("#"):
        index -= 1
        found.append(lines[index].strip().lstrip("#").strip())
    return found[::-1]


def _trailing_comment(line: str) -> str:
    """The comment at the end of a source line (a ``#`` outside any string)."""
    import io
    import tokenize

    try:
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            if token.type == tokenize.COMMENT:
                return token.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return ""


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
        comment_parts = _comment_lines(lines, node.lineno - 1)
        trailing = " ".join(_trailing_comment(lines[i]) for i in range(node.lineno - 1, node.end_lineno))
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
        for segment in _segments(parts.get("meaning", "")):
            if _BARE_RANGE.match(segment):
                bounds = find_range(segment, hyphen=False)
                if bounds:
                    break
    if bounds and bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        raise ParameterError(f"{where}: line {line}: {name}: the allowed range {parts.get('range', '')!r} has its "
                             "lower bound above its upper bound")
    if "values" in parts:
        allowed = tuple(_literal(v.strip()) for v in parts["values"].split(",") if v.strip())
    source = parts.get("source", "")
    if not source:
        source = next((s for s in _segments(parts.get("meaning", "")) if _SOURCE_HINT.search(s)), "")
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


def _cell_source(cell: dict) -> str:
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
    return parse_cell(_cell_source(cell), where=f"{path.name}, cell {index} (parameters)")


def declaration_problems(parameters: list[Parameter]) -> list[str]:
    """What the comments leave out, one line per gap (empty when every assumption is fully declared)."""
    return [f"{p.name} (line {p.line}) {problem}" for p in parameters for problem in p.problems]


# --- checking a new value --------------------------------------------------------------------

_TRUE_WORDS = {"true", "yes", "1"}
_FALSE_WORDS = {"false", "no", "0"}


def _coerce_scalar(kind: str, raw: Any, name: str) -> Any:
    text = str(raw).strip()
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if text.lower() in _TRUE_WORDS:
            return True
        if text.lower() in _FALSE_WORDS:
            return False
        raise ParameterError(f"{name} takes True or False, not {text!r}")
    if kind == "int":
        if isinstance(raw, bool):
            raise ParameterError(f"{name} takes a whole number, not {text!r}")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if re.fullmatch(r"[-+]?\d+", text):
            return int(text)
        raise ParameterError(f"{name} takes a whole number, not {text!r}")
    if kind == "float":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            number = float(raw)
        else:
            try:
                number = float(text)
            except ValueError:
                raise ParameterError(f"{name} takes a number, not {text!r}") from None
        if not math.isfinite(number):
            raise ParameterError(f"{name} takes a finite number, not {text!r}")
        return number
    if kind == "str":
        return text.strip("'\"")
    return _literal(text) if isinstance(raw, str) else raw


def coerce(parameter: Parameter, raw: Any) -> Any:
    """The value ``raw`` (text from the command line, or a Python value) as the declared type,
    checked against the declared range or values; raises ParameterError saying what is wrong."""
    kind = parameter.type
    name = parameter.name
    if kind.startswith("list"):
        if isinstance(raw, str):
            text = raw.strip()
            parsed = _literal(text) if text.startswith("[") or text.startswith("(") else None
            items = list(parsed) if isinstance(parsed, (list, tuple)) else [
                part.strip() for part in text.strip("[]()").split(",") if part.strip()]
        elif isinstance(raw, (list, tuple)):
            items = list(raw)
        else:
            items = [raw]
        if not items:
            raise ParameterError(f"{name} takes a comma-separated list, for example {parameter.shown}")
        inner = kind[5:-1] if kind.startswith("list[") else "any"
        value = [_coerce_scalar(inner, item, name) for item in items]
    else:
        value = _coerce_scalar(kind, raw, name)
    check(parameter, value)
    return value


def check(parameter: Parameter, value: Any) -> None:
    """Raise ParameterError when ``value`` lies outside the declared range or values."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if parameter.values is not None and item not in parameter.values:
            raise ParameterError(f"{parameter.name} = {_show(item)} is not allowed ({parameter.allowed})")
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            low, high = parameter.minimum, parameter.maximum
            below = low is not None and (item <= low if parameter.exclusive_minimum else item < low)
            above = high is not None and (item >= high if parameter.exclusive_maximum else item > high)
            if below or above:
                raise ParameterError(f"{parameter.name} = {_show(item)} is out of range ({parameter.allowed}"
                                     + (f" {parameter.unit}" if parameter.unit and parameter.unit != "none" else "") + ")")


def describe(parameters: list[Parameter]) -> str:
    """The declared assumptions as an aligned text table (name, value, allowed, unit)."""
    rows = [("name", "value", "allowed", "unit")]
    def short(text: str, width: int = 40) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    rows += [(p.name, short(p.shown), short(p.allowed), p.unit) for p in parameters]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  " + "  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip()
                     for row in rows)
