"""The grammar of a parameters cell's comments: keys, and allowed ranges in their written forms."""

from __future__ import annotations

import pytest

from claimcheck.data.parameter_comments import ParameterError, find_range, parse_range, split_comment


def test_comment_keys_and_ranges():
    parts = split_comment("Cut-off for a responder. unit: kg; SOURCE: our choice; range: 0..")
    assert parts == {"meaning": "Cut-off for a responder", "unit": "kg", "source": "our choice", "range": "0.."}
    assert parse_range("-1.5..2e1") == (-1.5, 20.0)
    assert parse_range("..5") == (None, 5.0)
    assert parse_range("1-5") == (1.0, 5.0)
    for bad in ("5..1", "..", "a..b", "wide"):
        with pytest.raises(ParameterError):
            parse_range(bad)


@pytest.mark.parametrize("text, bounds", [
    ("between 0 and 1", (0.0, 1.0, False, False)),
    ("strictly between 0 and 1", (0.0, 1.0, True, True)),
    ("> 0", (0.0, None, True, False)),
    ("at least 2", (2.0, None, False, False)),
    ("at most 5", (None, 5.0, False, False)),
    ("positive", (0.0, None, True, False)),
    ("0.5 to 5", (0.5, 5.0, False, False)),
])
def test_free_text_ranges_are_read(text, bounds):
    assert find_range(text) == bounds


def test_text_without_numbers_is_no_range():
    assert find_range("any estimate_id of the table") is None
