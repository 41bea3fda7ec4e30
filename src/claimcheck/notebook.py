"""Small helpers used by the chapter notebooks."""

from __future__ import annotations

import numbers

import numpy as np


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
