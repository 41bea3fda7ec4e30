"""A declared assumption's value: its type name, how it is written on the command line, and the
checks a new value must pass (type, range, allowed values) before a chapter re-runs with it, and
the declarations as a text table (:func:`describe`). Standard library only."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from claimcheck.data.parameter_comments import ParameterError, literal

if TYPE_CHECKING:  # annotations only: parameters imports this module
    from claimcheck.data.parameters import Parameter


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


def show_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)) if not isinstance(value, bool) else str(value)
    return str(value)


def format_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(format_value(v) for v in value)
    return show_value(value)


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
    return literal(text) if isinstance(raw, str) else raw


def coerce(parameter: Parameter, raw: Any) -> Any:
    """The value ``raw`` (text from the command line, or a Python value) as the declared type,
    checked against the declared range or values; raises ParameterError saying what is wrong."""
    kind = parameter.type
    name = parameter.name
    if kind.startswith("list"):
        if isinstance(raw, str):
            text = raw.strip()
            parsed = literal(text) if text.startswith("[") or text.startswith("(") else None
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
            raise ParameterError(f"{parameter.name} = {show_value(item)} is not allowed ({parameter.allowed})")
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            low, high = parameter.minimum, parameter.maximum
            below = low is not None and (item <= low if parameter.exclusive_minimum else item < low)
            above = high is not None and (item >= high if parameter.exclusive_maximum else item > high)
            if below or above:
                raise ParameterError(f"{parameter.name} = {show_value(item)} is out of range ({parameter.allowed}"
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
