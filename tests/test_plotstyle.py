"""The shared figure style: colour-blind-safe palette with enough contrast, and a working forest plot."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from claimcheck import plotstyle


def test_contrast_ratio_matches_wcag_reference_values():
    assert plotstyle.contrast_ratio("#000000") == pytest.approx(21.0)
    assert plotstyle.contrast_ratio("#FFFFFF") == pytest.approx(1.0)
    # WCAG's own example: #767676 is the lightest grey that reaches 4.5:1 on white.
    assert plotstyle.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)


def test_line_colours_are_distinct_and_visible_on_white():
    assert len(set(plotstyle.CYCLE)) == len(plotstyle.CYCLE)
    for colour in plotstyle.CYCLE:
        assert plotstyle.contrast_ratio(colour) >= 3.0, colour
    assert set(plotstyle.CYCLE) <= set(plotstyle.OKABE_ITO.values())


def test_apply_sets_the_cycle():
    plotstyle.apply()
    cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert cycle == plotstyle.CYCLE


def test_forest_plot_puts_first_label_on_top_and_checks_lengths():
    fig, ax = plotstyle.new_figure()
    plotstyle.forest(ax, ["a", "b", "c"], [0.1, -0.2, 0.3], [0.0, -0.4, 0.1], [0.2, 0.0, 0.5])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    positions = list(ax.get_yticks())
    assert labels[positions.index(max(positions))] == "a"
    with pytest.raises(ValueError):
        plotstyle.forest(ax, ["a"], [0.1, 0.2], [0.0], [0.3])
    plt.close(fig)
