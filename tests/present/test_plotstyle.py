"""The shared figure style: colour-blind-safe palette with enough contrast, and a working forest plot."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from claimcheck.present import plotstyle


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


def test_default_text_is_legible_at_phone_width():
    """The style's smallest text, in the default figure, is at least 9 CSS px when the figure is
    shown 342 px wide (a 390 px phone)."""
    plotstyle.apply()
    width = matplotlib.rcParams["figure.figsize"][0]
    sizes = [matplotlib.rcParams[k] for k in ("font.size", "xtick.labelsize", "ytick.labelsize",
                                               "legend.fontsize", "axes.labelsize")]
    # bbox_inches="tight" adds up to ~0.3 inch of labels outside the axes.
    shown = min(float(s) for s in sizes) * plotstyle.PHONE_TEXT_WIDTH_PX / ((width + 0.3) * 72)
    assert shown >= plotstyle.MIN_PHONE_TEXT_PX, shown
    assert plotstyle.smallest_legible_font(width) <= plotstyle.SMALLEST_FONT


def test_svg_output_is_deterministic(tmp_path):
    """Two saves of the same figure give the same bytes (fixed ids, no date)."""
    plotstyle.apply()
    outputs = []
    for _ in range(2):
        fig, ax = plotstyle.new_figure()
        ax.plot([0, 1, 2], [2, 1, 3], label="a")
        ax.legend()
        path = tmp_path / f"f{len(outputs)}.svg"
        fig.savefig(path, format="svg", metadata={"Date": None})
        plt.close(fig)
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"<text" in outputs[0]  # text kept as text (svg.fonttype none)
