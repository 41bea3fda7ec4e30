"""One figure style for the whole book: colour-blind-safe colours, readable type, small files.

The palette is Okabe & Ito's eight colours, distinguishable with the common forms of colour
vision deficiency; markers and line styles double-code groups so a figure also reads in grey.
"""

from __future__ import annotations

from collections.abc import Sequence

# matplotlib is imported where it is used, so code that needs only the colours (the claim
# register, built at the end of every book build) does not pay for importing it.

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
# Lines and markers use only the Okabe-Ito colours with at least 3:1 contrast against a white
# page (WCAG 1.4.11 for graphical objects); orange, sky blue and yellow serve as outlined fills.
CYCLE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "reddish_purple", "black")]
MARKERS = ["o", "s", "D", "^", "v", "P", "X"]

# Verdict colours are fixed so a verdict looks the same in every chapter; they are defined with
# the verdicts themselves in claimcheck.rubric.
def __getattr__(name):
    if name == "VERDICT_COLOURS":
        from .rubric import VERDICTS

        return {verdict: v.colour for verdict, v in VERDICTS.items()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#RRGGBB`` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(colour_a: str, colour_b: str = "#FFFFFF") -> float:
    """WCAG 2 contrast ratio between two colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(colour_a), relative_luminance(colour_b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def apply() -> None:
    """Set the book's matplotlib defaults, stable ids for pandas tables
    (:func:`claimcheck.notebook.stable_styler_ids`) and HTML escaping in every pandas Styler
    (:func:`claimcheck.notebook.escape_styler_html`); call once at the top of every notebook."""
    import matplotlib as mpl

    from .notebook import escape_styler_html, stable_styler_ids

    stable_styler_ids()
    escape_styler_html()

    mpl.rcParams.update(
        {
            "axes.prop_cycle": mpl.cycler(color=CYCLE),
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#DDDDDD",
            "grid.linewidth": 0.6,
            "legend.frameon": False,
            "figure.constrained_layout.use": True,
            # Fixed identifiers keep SVG output identical between builds.
            "svg.hashsalt": "claimcheck",
            "path.simplify": True,
        }
    )


def forest(ax, labels: Sequence[str], estimates: Sequence[float], lows: Sequence[float],
           highs: Sequence[float], null: float = 0.0, xlabel: str = "", colours: Sequence[str] | None = None):
    """Horizontal interval plot, first label at the top; returns the axes."""
    n = len(labels)
    if not (len(estimates) == len(lows) == len(highs) == n):
        raise ValueError("labels, estimates and interval bounds must have the same length")
    positions = list(range(n))[::-1]
    colours = list(colours) if colours is not None else [OKABE_ITO["blue"]] * n
    for y, est, lo, hi, colour in zip(positions, estimates, lows, highs, colours):
        ax.plot([lo, hi], [y, y], color=colour, linewidth=1.8, solid_capstyle="butt")
        ax.plot([est], [y], marker="s", color=colour, markersize=6)
    ax.axvline(null, color=OKABE_ITO["black"], linewidth=0.8, linestyle="--")
    ax.set_yticks(positions)
    ax.set_yticklabels(labels)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    return ax


def new_figure(width: float = 6.4, height: float = 4.0):
    import matplotlib.pyplot as plt

    apply()
    return plt.subplots(figsize=(width, height))
