"""Small helpers used by the chapter notebooks."""

from __future__ import annotations

import itertools
import math
import numbers

import numpy as np

_STYLER_NUMBERS = itertools.count(1)


def plain(value):
    """Turn numpy scalars into Python ones so glued numbers render as ``1.23``, not ``np.float64(1.23)``."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


# Significant digits a glued float keeps. A double carries about 16; the last few depend on the
# machine (BLAS kernel chosen by OPENBLAS_CORETYPE, numpy's SIMD paths, summation order), and
# iterative fits can amplify that round-off by a few orders of magnitude. Ten digits leave about
# five orders of margin below that noise, while every number the prose shows (2 to 4 digits) and
# any real change down to the 6th significant digit still alters the stored output nbval compares.
GLUE_SIGNIFICANT_DIGITS = 10


def portable(value, digits: int = GLUE_SIGNIFICANT_DIGITS):
    """``value`` as a plain Python value, floats rounded to ``digits`` significant digits, so the
    stored output is the same on every machine. Integers, text, NaN and infinities are unchanged."""
    value = plain(value)
    if isinstance(value, float) and math.isfinite(value) and value != 0.0:
        return float(f"{value:.{digits}g}")
    return value


def glue(name: str, value, display: bool = False):
    """myst-nb ``glue`` for numbers and text, always with plain Python values; floats keep
    :data:`GLUE_SIGNIFICANT_DIGITS` significant digits (see :func:`portable`).

    Returns the stored value so it can be reused; end a cell's last glue call with ``;`` so the
    value is not also printed.
    """
    from myst_nb import glue as _glue

    stored = portable(value)
    _glue(name, stored, display=display)
    return stored


def stable_styler_ids(shell=None) -> bool:
    """Number pandas Styler tables in display order instead of giving each a random id.

    pandas gives every ``DataFrame.style`` table a random id (``T_3f9a1``) that it repeats in
    every cell id and CSS selector, so each execution of a notebook changed its HTML. This
    registers an HTML formatter in the running IPython kernel that sets the ids to ``T_00001``,
    ``T_00002``, ... in the order the tables are shown; the tables look the same. Returns False
    outside IPython. Called by :func:`claimcheck.plotstyle.apply`, which every notebook runs.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = shell or get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False

    def render(styler):
        styler.set_uuid(f"{next(_STYLER_NUMBERS):05x}")
        return styler._repr_html_()

    # By name, so pandas' Styler (and jinja2) is imported only by notebooks that use it.
    shell.display_formatter.formatters["text/html"].for_type_by_name("pandas.io.formats.style", "Styler", render)
    return True


class Table:
    """A table that reads well in both editions: HTML (with links kept) on the web, a Markdown
    table in the PDF. ``caption`` becomes the HTML caption (screen readers announce it)."""

    def __init__(self, frame, caption: str = "", escape: bool = True, float_format: str = "{:.3g}"):
        self.frame = frame
        self.caption = caption
        self.escape = escape
        self.float_format = float_format

    def _formatted(self):
        frame = self.frame.copy()
        for column in frame.columns:
            if frame[column].dtype.kind == "f" or str(frame[column].dtype) == "Float64":
                frame[column] = frame[column].map(lambda v: "" if v is None or v != v else self.float_format.format(v))
        return frame.astype(object).where(frame.notna(), "")

    def _repr_html_(self) -> str:
        import html as _html

        table = self._formatted().to_html(index=False, escape=self.escape, border=0, classes="claimcheck-table")
        if self.caption:
            table = table.replace(">", f"><caption>{_html.escape(self.caption)}</caption>", 1)
        return f'<div class="table-wrap">{table}</div>'

    def _repr_markdown_(self) -> str:
        import re

        frame = self._formatted()
        if not self.escape:  # links and markup are for the web page; the PDF keeps their text
            frame = frame.map(lambda v: re.sub(r"<[^>]+>", "", v) if isinstance(v, str) else v)
        frame = frame.map(lambda v: str(v).replace("|", "\\|"))
        text = frame.to_markdown(index=False)
        return (f"*{self.caption}*\n\n" if self.caption else "") + text

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)
