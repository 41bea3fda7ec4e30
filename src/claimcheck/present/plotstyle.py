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
        from claimcheck.vocab import VERDICTS

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


# Figures on phones. A figure is shown at most as wide as the text column: about 342 CSS px on
# a 390 px phone. An SVG figure W inches wide is W * 72 units wide, and a font of s units is
# drawn at s * 342 / (W * 72) CSS px there; so text of at least 9 CSS px needs
# s >= 9 * W * 72 / 342 = 1.9 * W. At the default width of 4.8 inches that is 9.1 (9.7 with the
# margin a tight bounding box adds): the smallest text (ticks, legends) is 10. Wider figures need
# larger text or, for several panels, panels stacked one above the other.
PHONE_TEXT_WIDTH_PX = 342
MIN_PHONE_TEXT_PX = 9.0
FIGURE_WIDTH = 4.8
SMALLEST_FONT = 10.0


def smallest_legible_font(width_inches: float) -> float:
    """Smallest font size (points) still at least 9 CSS px when a figure ``width_inches`` wide
    is shown at phone width."""
    return MIN_PHONE_TEXT_PX * width_inches * 72 / PHONE_TEXT_WIDTH_PX


def use_phone_friendly_output(shell=None) -> bool:
    """Notebook figures as SVG (vector, sharp on every screen; text kept as text so it stays
    small and can be measured) for the web, plus a PNG at twice the resolution for the PDF
    (pdflatex cannot include SVG). SVG output is made deterministic: fixed ids (``svg.hashsalt``)
    and no date. Returns False outside IPython."""
    try:
        import matplotlib_inline  # noqa: F401
    except ImportError:
        return False
    from claimcheck.present.glue import kernel_shell

    shell = kernel_shell(shell)
    if shell is None:
        return False
    import matplotlib.pyplot  # noqa: F401  (activates the inline backend, which resets formats)
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib_inline.config import InlineBackend

    options = {"bbox_inches": "tight", "metadata": {"Date": None}}
    config = InlineBackend.instance()
    config.figure_formats = {"svg", "retina"}
    config.print_figure_kwargs = options
    select_figure_formats(shell, {"svg", "retina"}, **options)
    return True


def apply() -> None:
    """Set the book's matplotlib defaults, figure output for phones and the PDF
    (:func:`use_phone_friendly_output`), stable ids for pandas tables
    (:func:`claimcheck.present.tables.stable_styler_ids`) and HTML escaping in every pandas Styler
    (:func:`claimcheck.present.tables.escape_styler_html`); call once at the top of every notebook."""
    import matplotlib as mpl

    from claimcheck.present.tables import escape_styler_html, stable_styler_ids

    stable_styler_ids()
    escape_styler_html()
    use_phone_friendly_output()

    mpl.rcParams.update(
        {
            "axes.prop_cycle": mpl.cycler(color=CYCLE),
            "figure.figsize": (FIGURE_WIDTH, 3.4),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 10.5,
            "axes.titlesize": 11.5,
            "axes.labelsize": 10.5,
            "xtick.labelsize": SMALLEST_FONT,
            "ytick.labelsize": SMALLEST_FONT,
            "legend.fontsize": SMALLEST_FONT,
            "legend.title_fontsize": SMALLEST_FONT,
            # Text stays text in SVG: smaller files, selectable, and its size can be checked.
            "svg.fonttype": "none",
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


def new_figure(width: float = FIGURE_WIDTH, height: float = 3.4):
    import matplotlib.pyplot as plt

    apply()
    return plt.subplots(figsize=(width, height))
