"""Tables for readers: escaped HTML tables that become cards on a phone, their Markdown (PDF) form, and
pandas Styler set-up (escaping, stable ids)."""

from __future__ import annotations

import itertools
import re

from claimcheck.present.glue import kernel_shell

_STYLER_NUMBERS = itertools.count(1)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>!$&|~#^])")


def markdown_text(value) -> str:
    """Text from data, safe to place in a Markdown (MyST) table cell: every character that could
    start markup (HTML, links and images, roles, math, emphasis, table pipes) is backslash-escaped,
    so it shows as itself. (myst-nb parses the Markdown form of every output, even on the web.)"""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


def escape_styler_html() -> None:
    """Make every pandas Styler escape cell text (``styler.format.escape = "html"``): pandas does
    not by default, so text from a data file such as ``<script>`` would run in the page. Cells
    built with :func:`link` stay links. Called by :func:`claimcheck.present.plotstyle.apply`."""
    import functools

    import pandas as pd
    from pandas.io.formats.style import Styler

    pd.set_option("styler.format.escape", "html")
    # The option reaches only the formatter a Styler starts with: an explicit ``.format(...)`` or
    # ``.format_index(...)`` without ``escape=`` would drop escaping for its cells again, and
    # headers are not escaped at all. So both default to the option, and headers start escaped.
    for name in ("format", "format_index"):
        original = getattr(Styler, name)
        if getattr(original, "claimcheck_escapes", False):
            continue

        def escaping(self, *args, _original=original, escape=None, **kwargs):
            if escape is None:
                escape = pd.get_option("styler.format.escape")
            return _original(self, *args, escape=escape, **kwargs)

        functools.update_wrapper(escaping, original)
        escaping.claimcheck_escapes = True
        setattr(Styler, name, escaping)
    if not getattr(Styler.__init__, "claimcheck_escapes", False):
        original_init = Styler.__init__

        def init(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            for axis in (0, 1):
                self.format_index(axis=axis)

        functools.update_wrapper(init, original_init)
        init.claimcheck_escapes = True
        Styler.__init__ = init




def stable_styler_ids(shell=None) -> bool:
    """Number pandas Styler tables in display order instead of giving each a random id.

    pandas gives every ``DataFrame.style`` table a random id (``T_3f9a1``) that it repeats in
    every cell id and CSS selector, so each execution of a notebook changed its HTML. This
    registers an HTML formatter in the running IPython kernel that sets the ids to ``T_00001``,
    ``T_00002``, ... in the order the tables are shown; the tables look the same. Returns False
    outside IPython. Called by :func:`claimcheck.present.plotstyle.apply`, which every notebook runs.
    """
    shell = kernel_shell(shell)
    if shell is None:
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

    Every cell is HTML-escaped except cells made with :func:`link` (``markupsafe.Markup``).
    ``escape=False`` turns escaping off for trusted, code-written markup only: never for text
    that comes from a data file.

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

        from markupsafe import escape

        frame = self._formatted()
        if self.escape:  # escaped here, cell by cell, so that links made by link() survive
            frame = frame.map(lambda v: str(escape(v)))
            frame.columns = [str(escape(c)) for c in frame.columns]
        classes = "claimcheck-table claimcheck-cards" if self.cards else "claimcheck-table"
        table = frame.to_html(index=False, escape=False, border=0, classes=classes)
        if self.cards:
            table = _label_cells(table, [str(c) for c in self.frame.columns])
        if self.caption:
            table = table.replace(">", f"><caption>{_html.escape(self.caption)}</caption>", 1)
        return f'<div class="table-wrap">{table}</div>'

    def _repr_markdown_(self) -> str:
        from markupsafe import Markup

        frame = self._formatted()
        # Links and markup are for the web page; the PDF keeps their text.
        frame = frame.map(lambda v: Markup(v).striptags() if isinstance(v, Markup) else
                          (re.sub(r"<[^>]+>", "", v) if not self.escape and isinstance(v, str) else v))
        frame = frame.map(markdown_text)
        frame.columns = [markdown_text(c) for c in frame.columns]
        text = frame.to_markdown(index=False)
        return (f"*{markdown_text(self.caption)}*\n\n" if self.caption else "") + text

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)
