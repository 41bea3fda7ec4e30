"""Sphinx extension: every page ends with a generated "Cite this page" section (a formatted
reference and a BibTeX entry with a copy button), listed in the page's contents, and the same
entry is published as ``_cite/<page>.bib``.

A release (CITATION.cff: version, date, authors) rewrites every page (config value
``claimcheck_book_meta_fingerprint``, an "html" rebuild), as a theme change would.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docutils import nodes

CITE_SECTION_ID = "cite-this-page"


def bib_name(docname: str) -> str:
    """The .bib file's name: also the link text, so the reader sees what the file is saved as."""
    return docname.replace("/", "_") + ".bib"


def add_cite_section(app, doctree, docname):
    """``doctree-resolved``: append the section to the page's first (top) section."""
    from claimcheck.data import bookmeta
    from claimcheck.present import citation

    sections = [n for n in doctree.children if isinstance(n, nodes.section)]
    if not sections or (docname == app.config.root_doc and app.builder.format != "html"):
        # In a PDF the root page's sections become chapters; the book is cited from its front matter.
        return
    page = sections[0]
    title = page[0].astext() if isinstance(page[0], nodes.title) else docname
    meta = bookmeta.read(Path(app.srcdir))
    entry = citation.bibtex(meta, docname, title)
    name = bib_name(docname)
    bib_href = "/".join([".."] * docname.count("/") + ["_cite", name])

    section = nodes.section(ids=[CITE_SECTION_ID], names=["cite this page"])
    section += nodes.title(text="Cite this page")
    section += nodes.paragraph(text=citation.reference(meta, docname, title))
    intro = nodes.paragraph()
    intro += nodes.Text("BibTeX (copy with the button, or download ")
    intro += nodes.raw("", f'<a href="{bib_href}" download="{name}">{name}</a>', format="html")
    if meta.base_url:
        bib_url = meta.page_url("_cite/" + docname.replace("/", "_")).removesuffix(".html") + ".bib"
        intro += nodes.raw("", r"the .bib file at \url{" + bib_url + "}", format="latex")
    else:
        intro += nodes.raw("", "the file " + name.replace("_", r"\_") + " of the HTML edition", format="latex")
    intro += nodes.Text("):")
    section += intro
    section += nodes.literal_block(entry, entry, language="bibtex")
    page += section
    app.env.claimcheck_citations = getattr(app.env, "claimcheck_citations", {})
    app.env.claimcheck_citations[docname] = entry


def cite_in_page_contents(app, doctree):
    """``doctree-read``: the section is added when the page is written, after the page's contents
    list was made; its entry is added to that list here."""
    from sphinx import addnodes

    docname = app.env.docname
    toc = app.env.tocs.get(docname)
    if toc is None or not any(isinstance(n, nodes.section) for n in doctree.children):
        return
    top = next(iter(toc.findall(nodes.list_item)), None)
    if top is None:
        return
    nested = next((c for c in top.children if isinstance(c, nodes.bullet_list)), None)
    if nested is None:
        nested = nodes.bullet_list()
        top += nested
    reference = nodes.reference("", "", nodes.Text("Cite this page"), internal=True, refuri=docname,
                                anchorname="#" + CITE_SECTION_ID)
    nested += nodes.list_item("", addnodes.compact_paragraph("", "", reference))


def write_bib_files(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_cite"
    target.mkdir(exist_ok=True)
    for docname, entry in sorted(getattr(app.env, "claimcheck_citations", {}).items()):
        (target / bib_name(docname)).write_text(entry, encoding="utf-8")


def book_meta_fingerprint(srcdir) -> str:
    path = Path(srcdir) / "CITATION.cff"
    return hashlib.sha256(path.read_bytes() if path.is_file() else b"missing").hexdigest()


def setup(app):
    app.add_config_value("claimcheck_book_meta_fingerprint", book_meta_fingerprint(app.srcdir), "html")
    app.connect("doctree-read", cite_in_page_contents, priority=600)  # after the contents list
    app.connect("doctree-resolved", add_cite_section)
    app.connect("build-finished", write_bib_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
