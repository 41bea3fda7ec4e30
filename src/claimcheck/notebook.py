"""Small helpers used by the chapter notebooks."""

from __future__ import annotations

import itertools
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


def glue(name: str, value, display: bool = False):
    """myst-nb ``glue`` for numbers and text, always with plain Python values.

    Returns the plain value so it can be reused; end a cell's last glue call with ``;`` so the
    value is not also printed.
    """
    from myst_nb import glue as _glue

    _glue(name, plain(value), display=display)
    return plain(value)


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


def _label_cells(table: str, columns: list[str]) -> str:
    """Give each body cell a ``data-label`` with its column name (shown before it on a card)."""
    import html as _html
    import re

    def label_row(match):
        cells = iter(columns)
        return re.sub(r"<td>", lambda _: f'<td data-label="{_html.escape(next(cells, ""), quote=True)}">',
                      match.group(0))

    head, _, body = table.partition("<tbody>")
    return head + "<tbody>" + re.sub(r"<tr>.*?</tr>", label_row, body, flags=re.S) if body else table


class Table:
    """A table that reads well in both editions: HTML (with links kept) on the web, a Markdown
    table in the PDF. ``caption`` becomes the HTML caption (screen readers announce it).

    ``cards=True`` is for record-like tables (one row per study, claim or file): on a phone each
    row becomes a card that labels every value with its column name, instead of a table that
    scrolls sideways."""

    def __init__(self, frame, caption: str = "", escape: bool = True, float_format: str = "{:.3g}",
                 cards: bool = False):
        self.frame = frame
        self.caption = caption
        self.escape = escape
        self.float_format = float_format
        self.cards = cards

    def _formatted(self):
        frame = self.frame.copy()
        for column in frame.columns:
            if frame[column].dtype.kind == "f" or str(frame[column].dtype) == "Float64":
                frame[column] = frame[column].map(lambda v: "" if v is None or v != v else self.float_format.format(v))
        return frame.astype(object).where(frame.notna(), "")

    def _repr_html_(self) -> str:
        import html as _html

        classes = "claimcheck-table claimcheck-cards" if self.cards else "claimcheck-table"
        table = self._formatted().to_html(index=False, escape=self.escape, border=0, classes=classes)
        if self.cards:
            table = _label_cells(table, [str(c) for c in self.frame.columns])
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
