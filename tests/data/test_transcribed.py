"""The shared way to look up, print and reproduce transcribed numbers."""

import pandas as pd
import pytest

from claimcheck.data.transcribed import Estimates, Reproduction, format_number, interval_text, reported_vs_recomputed


@pytest.fixture()
def estimates():
    frame = pd.DataFrame({
        "estimate_id": ["a-mean", "b-count", "c-no-ci"],
        "estimate": [-0.456, 12.0, 3.0],
        "ci_low": [-0.9, None, None],
        "ci_high": [-0.01, None, None],
        "n": [40, 12, None],
    })
    return Estimates(frame, name="toy_estimates")


def test_value_types_and_missing_cells(estimates):
    assert estimates.value("a-mean") == pytest.approx(-0.456)
    assert isinstance(estimates.value("b-count", "n"), int)
    assert estimates.value("c-no-ci", "ci_low", default=None) is None
    with pytest.raises(ValueError, match=r"toy_estimates\.csv, row 'c-no-ci', column 'ci_low'"):
        estimates.value("c-no-ci", "ci_low")
    with pytest.raises(KeyError, match="no row with estimate_id 'zzz'"):
        estimates.value("zzz")
    assert "a-mean" in estimates and "zzz" not in estimates


def test_interval_text_uses_true_minus_and_does_not_wrap(estimates):
    text = estimates.text("a-mean")
    assert text == "\u22120.46\u00a0(\u22120.90\u00a0to\u00a0\u22120.01)"
    assert " " not in text
    assert estimates.text("c-no-ci", digits=1) == "3.0"
    assert format_number(-0.001, 2) == "0.00"  # never a negative zero
    assert interval_text(1.0, float("nan"), 2.0) == "1.00"


def test_reproduction_agrees_only_within_printed_precision():
    rows = [Reproduction("r", reported=-0.37, recomputed=-0.3684, decimals=2),
            Reproduction("p", reported=0.03, recomputed=0.0352, decimals=2)]
    assert rows[0].agrees and not rows[1].agrees
    table = reported_vs_recomputed(rows)
    assert list(table["reproduces at printed precision"]) == ["yes", "no"]
    assert table.loc[0, "reported"] == "\u22120.37"


def test_real_estimates_file_loads_with_source_tiers():
    neural = Estimates("neural_estimates")
    tiers = set(neural.frame["source_tier"])
    assert tiers <= {"article", "publisher_abstract", "indexed_abstract", "mirror", "secondary_report"}
    assert neural.row("siddarth2018-total")["source_tier"] == "mirror"
