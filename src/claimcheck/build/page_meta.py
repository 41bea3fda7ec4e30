"""Sphinx extension: per-page description and static social-preview tags (no network request, and
no address while the published address, ``html.baseurl``, is unset). A claim chapter is
described by its verdicts, read from the register; any other page by its first paragraph.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes

CLAIM_CHAPTERS = {
    "chapters/neural_signalling": "neural signalling",
    "chapters/oxygen_metabolism": "oxygen and metabolism",
    "chapters/diabetes_fitness": "diabetes and fitness",
    "chapters/other_claims": "other",
}


def _first_paragraph(doctree) -> str:
    for paragraph in doctree.findall(nodes.paragraph):
        parent, inside = paragraph.parent, False
        while parent is not None:
            if isinstance(parent, nodes.container) or (isinstance(parent, nodes.Element)
                                                      and "admonition" in parent.get("classes", [])):
                inside = True
                break
            parent = parent.parent
        text = " ".join(paragraph.astext().split())
        if not inside and len(text) > 40:
            return text
    return ""


def _shorten(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def page_description(app, docname: str, doctree) -> str:
    """One line: for a claim chapter, its verdicts read from the register; otherwise the page's
    first paragraph."""
    if docname in CLAIM_CHAPTERS:
        from claimcheck.data.package import load
        from claimcheck.data.register import evidence_docname
        from claimcheck.present.register import VERDICT_ORDER

        claims = load("claims", Path(app.srcdir) / "data")
        rows = claims[claims["evidence_section"].map(lambda s: evidence_docname(s)[0]) == docname]
        if len(rows):
            counts = rows["verdict"].value_counts()
            order = [v for v in VERDICT_ORDER if v in counts] + [v for v in counts.index
                                                                          if v not in VERDICT_ORDER]
            parts = [f"{counts[v]} {v}" for v in order]
            noun = "claim" if len(rows) == 1 else "claims"
            return _shorten(f"Verdicts on {len(rows)} {noun} of the blog post: " + ", ".join(parts) + ".", 300)
    return _shorten(_first_paragraph(doctree)) if doctree is not None else ""


def add_meta_tags(app, pagename, templatename, context, doctree):
    import html as _html

    if app.builder.format != "html" or doctree is None:
        return
    description = page_description(app, pagename, doctree)
    title = _html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or ""))
    tags = [f'<meta property="og:title" content="{_html.escape(title, quote=True)}" />',
            f'<meta property="og:site_name" content="{_html.escape(app.config.project, quote=True)}" />',
            '<meta property="og:type" content="article" />',
            '<meta name="twitter:card" content="summary" />']
    if description:
        escaped = _html.escape(description, quote=True)
        tags.insert(0, f'<meta name="description" content="{escaped}" />')
        tags.append(f'<meta property="og:description" content="{escaped}" />')
    base = (app.config.html_baseurl or "").rstrip("/")
    if base:
        tags.append(f'<meta property="og:url" content="{_html.escape(base + "/" + pagename + ".html", quote=True)}" />')
    existing = context.get("metatags") or ""
    # The book-wide description set in _config.yml would repeat: the page's own one replaces it.
    existing = re.sub(r'<meta[^>]+name="description"[^>]*>\s*', "", existing)
    context["metatags"] = existing + "\n".join(tags) + "\n"


def setup(app):
    app.connect("html-page-context", add_meta_tags, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
