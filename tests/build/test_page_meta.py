"""Per-page description and social-preview tags (claimcheck.build.page_meta)."""

from __future__ import annotations

from types import SimpleNamespace

from docutils import nodes

from claimcheck.build import page_meta
from conftest import ROOT


def app(base=""):
    return SimpleNamespace(builder=SimpleNamespace(format="html"), srcdir=str(ROOT),
                           config=SimpleNamespace(project="The book", html_baseurl=base))


def page(*paragraphs):
    doctree = nodes.section()
    note = nodes.admonition(classes=["admonition"])
    note += nodes.paragraph(text="A note that is long enough to be a description but sits in a box.")
    doctree += note
    for text in paragraphs:
        doctree += nodes.paragraph(text=text)
    return doctree


def test_a_page_is_described_by_its_first_real_paragraph_shortened():
    doctree = page("Short.", "This paragraph is the first one long enough to describe the page. " * 5)
    description = page_meta.page_description(app(), "chapters/method", doctree)
    assert description.startswith("This paragraph is the first") and description.endswith("…")
    assert len(description) <= 200


def test_a_claim_chapter_is_described_by_its_verdicts(claims):
    description = page_meta.page_description(app(), "chapters/neural_signalling", page())
    assert description.startswith("Verdicts on ") and "claim" in description and description.endswith(".")


def test_tags_replace_the_book_wide_description_and_carry_the_address_only_when_published():
    context = {"title": "<em>Method</em> &amp; more", "metatags": '<meta name="description" content="book" />\n'}
    page_meta.add_meta_tags(app(), "chapters/method", "page.html", context, page("A first paragraph " * 4))
    tags = context["metatags"]
    assert 'content="book"' not in tags and tags.count('name="description"') == 1
    assert '<meta property="og:title" content="Method &amp; more" />' in tags and "og:url" not in tags
    context = {"title": "Method"}
    page_meta.add_meta_tags(app("https://example.org/book/"), "chapters/method", "page.html", context, page())
    assert '<meta property="og:url" content="https://example.org/book/chapters/method.html" />' in context["metatags"]
