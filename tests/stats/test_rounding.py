"""Printed numbers as windows: p-values as printed, their rounding windows, printed decimals."""

import pytest

from claimcheck.stats.rounding import ReportedP, half_unit, printed_decimals


@pytest.mark.parametrize(
    "text, relation, value, decimals",
    [("0.03", "=", 0.03, 2), ("<0.001", "<", 0.001, 3), ("P < .05", "<", 0.05, 2), ("p=0.006", "=", 0.006, 3), ("≤0.01", "<", 0.01, 2)],
)
def test_reported_p_is_parsed(text, relation, value, decimals):
    assert ReportedP.parse(text) == ReportedP(relation, value, decimals)


def test_reported_p_rejects_nonsense():
    with pytest.raises(ValueError):
        ReportedP.parse("significant")
    with pytest.raises(ValueError):
        ReportedP.parse("1.5")


def test_rounding_window_of_a_printed_p():
    printed = ReportedP.parse("0.03")
    assert printed.fits(0.0349) and printed.fits(0.025)
    assert not printed.fits(0.036) and not printed.fits(0.0249)
    assert ReportedP.parse("<0.001").fits(0.0004)
    assert not ReportedP.parse("<0.001").fits(0.002)
    assert ReportedP.parse(">0.05").fits(0.2) and not ReportedP.parse(">0.05").fits(0.01)


def test_a_range_of_p_fits_when_it_overlaps_the_window():
    printed = ReportedP.parse("0.03")
    assert printed.fits(0.01, 0.026) and printed.fits(0.034, 0.2)
    assert not printed.fits(0.036, 0.2) and not printed.fits(0.001, 0.0249)
    assert ReportedP.parse("<0.001").fits(0.0009, 0.5) and not ReportedP.parse("<0.001").fits(0.001, 0.5)
    assert half_unit(2) == pytest.approx(0.005) and half_unit(0) == 0.5


@pytest.mark.parametrize("value, places", [(0.5, 1), (7.65, 2), (15.0, 0), (-0.01, 2), (0.009, 3), (202, 0)])
def test_printed_decimals(value, places):
    assert printed_decimals(value) == places
