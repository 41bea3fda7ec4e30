"""Sphinx extension: accessibility fixes found by axe-core (tests/book/test_browser.py).

* References are list items: docutils marks each reference ``role="doc-biblioentry"`` inside a
  ``role="list"``; that DPUB role is deprecated and not allowed there
  (https://github.com/w3c/dpub-aria/pull/22, https://github.com/dequelabs/axe-core/issues/2759),
  so assistive technology (and axe, rule aria-required-children) found a list without items.
* Code toggles are named by their text: myst-nb's "Show code cell source" toggle is named
  "Toggle hidden content" (WCAG 2.5.3; axe rule label-content-name-mismatch), so a speech-input
  user saying what they see would not reach it.
* Every table a notebook prints sits in its own named, keyboard-reachable scroll box.

The first two rewrite the finished page body in ``html-page-context`` (a Sphinx event) instead of
replacing docutils' and myst-nb's node visitors; tests/build/test_a11y.py renders with the
installed docutils and myst-nb and fails if the markup they rewrite ever changes. The theme's
buttons are named by what they show in templates/ (claimcheck.build.assets).
"""

from __future__ import annotations

import html
import re

from docutils import nodes

# (what docutils / myst-nb write, what the page gets instead)
BODY_FIXES = (
    ('role="doc-biblioentry"', 'role="listitem"'),  # docutils HTML5 writer, visit_citation
    ('<summary aria-label="Toggle hidden content">', "<summary>"),  # myst-nb visit_HideCellInput
)


def fix_body(body: str) -> str:
    for found, replacement in BODY_FIXES:
        body = body.replace(found, replacement)
    return body


def fix_page_body(app, pagename, templatename, context, doctree):
    """``html-page-context``: references as list items, code toggles named by their text."""
    if "body" in context:
        context["body"] = fix_body(context["body"])


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def table_label(text: str) -> str:
    """A name for a table's scroll box: its caption, or else its column headings."""
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", text, flags=re.S)
    if caption and _plain(caption.group(1)):
        return _plain(caption.group(1))
    head = re.search(r"<thead[^>]*>(.*?)</thead>", text, flags=re.S)
    headings = [_plain(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1) if head else "", flags=re.S)]
    headings = [h for h in headings if h]
    return "Table of " + ", ".join(headings) if headings else "Table"


def scrollable_tables(app, doctree, docname):
    """Put every table a notebook prints into its own keyboard-reachable scroll box.

    A wide table scrolls sideways inside its box on a narrow screen instead of widening the page.
    A box that scrolls must be reachable by keyboard and named (WCAG 2.1.1; axe rule
    scrollable-region-focusable): ``tabindex="0"``, ``role="region"`` and a name, the table's
    caption or else its column headings. The claim register has its own small-screen layout and
    is left alone.
    """
    if app.builder.format != "html":
        return
    seen: dict[str, int] = {}
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        if "text_html" not in raw.get("classes", []):  # myst-nb's HTML outputs
            continue
        text = raw.astext()
        if "<table" not in text or "claim-register" in text or 'class="table-scroll"' in text:
            continue
        label = table_label(text)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:  # each region needs its own name
            label = f"{label} ({seen[label]})"
        label = html.escape(label, quote=True)
        wrapped = (f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label}">\n'
                   f"{text}\n</div>")
        raw[:] = [nodes.Text(wrapped)]


def setup(app):
    app.connect("doctree-resolved", scrollable_tables)
    app.connect("html-page-context", fix_page_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
