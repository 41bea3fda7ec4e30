"""Sphinx extension: the PDF reads like the book. Code cells are left out, and a table that a
notebook shows as a pandas Styler (whose only non-HTML form is
``<pandas.io.formats.style.Styler at 0x...>``) is set as a real table built from its HTML.

(myst-nb's per-format MIME priority, ``nb_mime_priority_overrides``, cannot do this: a Styler
offers no form a LaTeX page can show, so a table has to be made from its HTML.)
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

OBJECT_REPR = re.compile(r"^<[\w.]+ (object )?at 0x[0-9a-fA-F]+>$")


class _HtmlTable:
    """The cells of the first HTML table in a fragment: header rows and body rows of text."""

    def __init__(self, fragment: str):
        from html.parser import HTMLParser

        self.caption = ""
        self.head: list[list[str]] = []
        self.body: list[list[str]] = []
        state = {"section": "body", "row": None, "cell": None, "caption": False, "depth": 0}
        outer = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag == "table":
                    state["depth"] += 1
                if state["depth"] != 1:
                    return
                if tag == "thead":
                    state["section"] = "head"
                elif tag == "tbody":
                    state["section"] = "body"
                elif tag == "tr":
                    state["row"] = []
                    (outer.head if state["section"] == "head" else outer.body).append(state["row"])
                elif tag in ("td", "th") and state["row"] is not None:
                    state["cell"] = []
                    span = int(dict(attrs).get("colspan") or 1)
                    state["span"] = span
                elif tag == "caption":
                    state["caption"] = True
                elif tag == "br" and state["cell"] is not None:
                    state["cell"].append(" ")

            def handle_endtag(self, tag):
                if tag == "table":
                    state["depth"] -= 1
                if tag in ("td", "th") and state["cell"] is not None and state["row"] is not None:
                    text = " ".join("".join(state["cell"]).split())
                    state["row"].extend([text] + [""] * (state.get("span", 1) - 1))
                    state["cell"] = None
                elif tag == "caption":
                    state["caption"] = False

            def handle_data(self, data):
                if state["cell"] is not None:
                    state["cell"].append(data)
                elif state["caption"]:
                    outer.caption += data

        Parser(convert_charrefs=True).feed(fragment)
        self.caption = " ".join(self.caption.split())
        rows = self.head + self.body
        width = max((len(r) for r in rows), default=0)
        for row in rows:
            row.extend([""] * (width - len(row)))
        # A header row that is all empty (pandas' index-name row) carries nothing.
        self.head = [r for r in self.head if any(c for c in r)]
        if not self.head and self.body:
            self.head = [self.body.pop(0)]


def table_node(fragment: str):
    """A docutils table with the text of the HTML table in ``fragment`` (None if it has none)."""
    parsed = _HtmlTable(fragment)
    rows = parsed.head + parsed.body
    if not rows or not rows[0]:
        return None
    width = len(rows[0])
    # "colwidths-given": Sphinx's LaTeX writer then sets each column's width from its colspec.
    table = nodes.table(classes=["claimcheck-pdf-table", "colwidths-given"])
    if parsed.caption:
        table += nodes.title(text=parsed.caption)
    group = nodes.tgroup(cols=width)
    table += group
    for column in range(width):  # columns share the page by how much text they hold
        longest = max(len(row[column]) for row in rows)
        group += nodes.colspec(colwidth=min(max(longest, 7), 40))

    def row_node(cells):
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(text=cell)
            row += entry
        return row

    head = nodes.thead()
    for cells in parsed.head:
        head += row_node(cells)
    group += head
    body = nodes.tbody()
    for cells in parsed.body:
        body += row_node(cells)
    if not parsed.body:
        body += row_node([""] * width)
    group += body
    return table


class PaperEdition(SphinxPostTransform):
    """For the PDF: leave code cells out, and give tables shown as pandas Stylers a table form."""

    default_priority = 3  # before myst-nb picks one form of each output (priority 4)
    formats = ("latex",)

    def run(self, **kwargs):
        for node in list(self.document.findall(nodes.container)):
            if "cell_input" in node.get("classes", []):
                node.parent.remove(node)
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            forms = {child.get("mime_type"): child for child in bundle.children}
            plain, html = forms.get("text/plain"), forms.get("text/html")
            if plain is None or html is None or set(forms) & {"text/latex", "text/markdown", "image/png",
                                                               "application/pdf", "image/svg+xml"}:
                continue
            if not OBJECT_REPR.match(plain.astext().strip()):
                continue
            table = table_node(html.astext())
            if table is not None:
                plain.children = []
                plain += table


def setup(app):
    app.add_post_transform(PaperEdition)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
