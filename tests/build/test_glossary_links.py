"""The first use of each glossary term links to its entry (claimcheck.build.glossary_links)."""

from __future__ import annotations

from sphinx_fakes import build_tiny

from claimcheck.build.glossary_links import GLOSSARY_DOC, term_pattern

GLOSSARY = """Glossary
========

.. glossary::

   hindlimb unloading
      Mice whose hind legs bear no weight.

   HbA1c
      Long-term blood sugar.
"""
PAGE = """Hindlimb unloading in mice
==========================

Mice under hindlimb
unloading lost cells, and their HbA1c rose; hindlimb unloading again. The hba1c of
others did not change. ``hindlimb unloading`` in code stays as typed.
"""


def test_term_patterns_match_words_plurals_and_case_rules():
    assert term_pattern("hindlimb unloading").search("Hindlimb  unloadings")
    assert not term_pattern("HbA1c").search("hba1c")
    assert term_pattern("HbA1c").search("HbA1cs")
    assert not term_pattern("HR").search("HRV")
    assert term_pattern("patient's view").search("patient’s view")


def test_the_first_use_links_to_the_entry_and_headings_code_and_the_glossary_do_not(tmp_path):
    files = {"index.rst": "Book\n====\n\n.. toctree::\n\n   chapters/glossary\n   chapters/page\n",
             f"{GLOSSARY_DOC}.rst": GLOSSARY, "chapters/page.rst": PAGE}
    html, log, app = build_tiny(tmp_path, ["claimcheck.build.glossary_links"], files)
    assert app.statuscode == 0, log
    page = (html / "chapters" / "page.html").read_text(encoding="utf-8")
    links = page.count('class="glossary-link')
    assert links == 2, page  # each term once, not in the heading or the code
    assert 'href="glossary.html#term-hindlimb-unloading"' in page and 'href="glossary.html#term-HbA1c"' in page
    assert "hindlimb\nunloading</a>" in page  # a term broken across two source lines is found
    assert "glossary-link" not in (html / "chapters" / "glossary.html").read_text(encoding="utf-8")
