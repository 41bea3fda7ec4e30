"""Accessibility fixes found by axe-core (claimcheck.build.a11y). The markup they rewrite is what the
installed docutils and myst-nb write: if an upgrade changes it, these tests fail."""

from __future__ import annotations

from docutils import nodes
from sphinx_fakes import build_tiny

from claimcheck.build import a11y

CITING_PAGE = "Page\n====\n\nSee [CIT2002]_.\n\n.. [CIT2002] A citation.\n"


def test_docutils_still_writes_the_role_that_is_rewritten_and_the_page_gets_list_items(tmp_path):
    html, _, _ = build_tiny(tmp_path / "plain", [], {"index.rst": CITING_PAGE})
    assert 'role="doc-biblioentry"' in (html / "index.html").read_text(encoding="utf-8")
    html, _, _ = build_tiny(tmp_path / "fixed", ["claimcheck.build.a11y"], {"index.rst": CITING_PAGE})
    page = (html / "index.html").read_text(encoding="utf-8")
    assert 'role="doc-biblioentry"' not in page and 'role="listitem"' in page


def test_myst_nb_still_names_the_code_toggle_as_rewritten():
    from types import SimpleNamespace

    from myst_nb.sphinx_ import visit_HideCellInput

    translator = SimpleNamespace(body=[])
    visit_HideCellInput(translator, {"classes": ["tag_hide-input"], "prompt_show": "Show code cell source",
                                     "prompt_hide": "Hide code cell source"})
    written = "".join(translator.body)
    assert '<summary aria-label="Toggle hidden content">' in written
    fixed = a11y.fix_body(written)
    assert "<summary>\n" in fixed and "aria-label" not in fixed and "Show code cell source" in fixed


def test_only_pages_with_a_body_are_touched():
    context = {"title": "no body"}
    a11y.fix_page_body(None, "p", "page.html", context, None)
    assert context == {"title": "no body"}


def output(html: str, classes=("output", "text_html")) -> nodes.raw:
    return nodes.raw("", html, format="html", classes=list(classes))


def test_notebook_tables_get_named_keyboard_reachable_scroll_boxes():
    from types import SimpleNamespace

    tables = [output("<table><caption>Fits &amp; <b>estimates</b></caption><tr><td>1</td></tr></table>"),
              output("<table><thead><tr><th></th><th>n</th><th>mean</th></tr></thead></table>"),
              output("<table><thead><tr><th>n</th><th>mean</th></tr></thead></table>"),
              output('<table class="claim-register"></table>'),
              output("<table></table>", classes=("raw",))]
    doctree = nodes.section()
    for table in tables:
        doctree += table
    app = SimpleNamespace(builder=SimpleNamespace(format="html"))
    a11y.scrollable_tables(app, doctree, "page")
    texts = [t.astext() for t in tables]
    assert texts[0].startswith('<div class="table-scroll" tabindex="0" role="region" aria-label="Fits &amp; estimates">')
    assert 'aria-label="Table of n, mean"' in texts[1]
    assert 'aria-label="Table of n, mean (2)"' in texts[2]  # each region its own name
    assert texts[3] == '<table class="claim-register"></table>' and texts[4] == "<table></table>"
