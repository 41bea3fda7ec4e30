"""A declared value's type name, its command-line form, and the table of declarations."""

from __future__ import annotations

from claimcheck.data.parameter_values import describe, format_value, show_value, type_name
from claimcheck.data.parameters import parse_cell


def test_type_names_and_command_line_forms():
    assert [type_name(v) for v in (True, 3, 0.5, "a", [1, 2], [1, 2.5], ["a", 1], None)] == [
        "bool", "int", "float", "str", "list[int]", "list[float]", "list", "any"]
    assert show_value(5.0) == "5" and show_value(0.25) == "0.25" and show_value(True) == "True"
    assert format_value([3, 4.0, "x"]) == "3,4,x"


def test_describe_lists_name_value_allowed_and_unit():
    cell = "cutoff = 10  # Responder cut-off; unit: mmHg; source: our choice; values: 5, 10, 15\n"
    table = describe(parse_cell(cell)).splitlines()
    assert table[0].split() == ["name", "value", "allowed", "unit"]
    assert table[1].split() == ["cutoff", "10", "one", "of:", "5,", "10,", "15", "mmHg"]
