"""Sphinx extension for reading the book on a phone.

* Reader script (``reader.js``, in static/ of claimcheck.build.assets): working sidebar toggles
  (the pinned theme binds them to the first, hidden, button), figures that open full size on tap.
* Numbers in a notebook's tables never wrap mid-number: cells that hold a number (or a number
  with its interval) get class ``num``.
"""

from __future__ import annotations

import re

from docutils import nodes

_CELL = re.compile(r"<td(\s[^>]*)?>(.*?)</td>", flags=re.S)
_NUMERIC = re.compile(r"^[\s\d.,;:%()\[\]+\-−–×/<>=≤≥~±]*\d[\s\d.,;:%()\[\]+\-−–×/<>=≤≥~±]*$")


def is_numeric_text(text: str) -> bool:
    """A number, or a number with its interval ("1.23 (0.45 to 2.01)", "−0.5 [−1.1, 0.2]")."""
    import html as _html

    plain = _html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u00a0", " ").strip()
    plain = re.sub(r"\bto\b", " ", plain)
    return 0 < len(plain) <= 48 and bool(_NUMERIC.match(plain))


def mark_numeric_cells(fragment: str) -> str:
    """Add class ``num`` to table cells that hold numbers, so they never wrap mid-number."""

    def mark(match):
        attributes, content = match.group(1) or "", match.group(2)
        if not is_numeric_text(content):
            return match.group(0)
        if re.search(r'\bclass="', attributes):
            attributes = re.sub(r'\bclass="', 'class="num ', attributes, count=1)
        else:
            attributes += ' class="num"'
        return f"<td{attributes}>{content}</td>"

    return _CELL.sub(mark, fragment)


def numeric_cells(app, doctree, docname):
    if app.builder.format != "html":
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split() and "<td" in raw.astext():
            marked = mark_numeric_cells(raw.astext())
            if marked != raw.astext():
                raw[:] = [nodes.Text(marked)]


def setup(app):
    app.setup_extension("claimcheck.build.assets")  # reader.js lives in its static folder
    app.add_js_file("reader.js", loading_method="defer")
    app.connect("doctree-resolved", numeric_cells)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
