"""Package helpers written for the diabetes chapter that live in the data layer: count and interval
text of transcribed estimates. (Its statistics are tested in tests/stats: test_consistency,
test_rounding and test_responders.)"""

import pandas as pd

from claimcheck.data.transcribed import Estimates


def test_estimates_count_and_missing_interval_text():
    frame = pd.DataFrame({
        "estimate_id": ["a", "b"], "estimate": [-0.66, -0.34], "ci_low": [None, -0.64],
        "ci_high": [None, -0.03], "n": [504, None],
    })
    est = Estimates(frame, name="test_estimates")
    assert est.count_text("a") == "504" and est.count_text("b") == ""
    assert est.text("a", missing=" (interval not found)") == "\u22120.66 (interval not found)"
    assert est.text("b", missing=" (interval not found)") == "\u22120.34\u00a0(\u22120.64\u00a0to\u00a0\u22120.03)"
