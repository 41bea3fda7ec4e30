"""Sphinx extension for the book.

* Keeps pages self-contained: Jupyter Book always loads sphinx-thebe, which adds a script
  pointing at a CDN (and, on notebook pages, adds it twice, a console error). The book offers
  no live kernels, so the thebe scripts are dropped from every page.
* Adds the book's stylesheet.
* Publishes the claim register for programs: ``claims.json`` and ``claims.csv`` at the root of
  the HTML output, both built from ``data/claims.csv`` at every build.
* Re-executes and re-reads exactly the notebooks whose data (or the ``claimcheck`` package)
  changed since the last build: jupyter-cache keys on code cells only and Sphinx on file
  modification times, so neither would notice an edited CSV by itself.
* Ends every page with a generated "Cite this page" section (a formatted reference and a
  BibTeX entry with a copy button) and writes the same entry as ``_cite/<page>.bib``.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", None) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return "thebe" in filename or "THEBE_JS_URL" in (attributes.get("body") or "")


def drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]


def publish_register(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from . import bookmeta, register
    from .datapackage import load

    root = Path(app.srcdir)
    data_dir = root / "data"
    if not (data_dir / "claims.csv").is_file():
        return
    claims = load("claims", data_dir)
    meta = bookmeta.read(root)
    outdir = Path(app.outdir)
    history = load("verdict_history", data_dir)
    register.check_history(claims, history)
    (outdir / "claims.json").write_text(register.to_json(claims, meta, history), encoding="utf-8")
    shutil.copyfile(data_dir / "claims.csv", outdir / "claims.csv")


CITE_SECTION_ID = "cite-this-page"


def add_cite_section(app, doctree, docname):
    from docutils import nodes

    from . import bookmeta, citation

    sections = [n for n in doctree.children if isinstance(n, nodes.section)]
    if not sections or (docname == app.config.root_doc and app.builder.format != "html"):
        # In a PDF the root page's sections become chapters; the book is cited from its front matter.
        return
    page = sections[0]
    title = page[0].astext() if isinstance(page[0], nodes.title) else docname
    meta = bookmeta.read(Path(app.srcdir))
    entry = citation.bibtex(meta, docname, title)
    bib_href = "/".join([".."] * docname.count("/") + ["_cite", docname.replace("/", "_") + ".bib"])

    section = nodes.section(ids=[CITE_SECTION_ID], names=["cite this page"])
    section += nodes.title(text="Cite this page")
    section += nodes.paragraph(text=citation.reference(meta, docname, title))
    intro = nodes.paragraph()
    intro += nodes.Text("BibTeX (copy with the button, or download ")
    intro += nodes.raw("", f'<a href="{bib_href}" download>{docname.rsplit("/", 1)[-1]}.bib</a>', format="html")
    bib_url = meta.page_url("_cite/" + docname.replace("/", "_")).removesuffix(".html") + ".bib"
    intro += nodes.raw("", r"the .bib file at \url{" + bib_url + "}", format="latex")
    intro += nodes.Text("):")
    section += intro
    block = nodes.literal_block(entry, entry, language="bibtex")
    section += block
    page += section
    app.env.claimcheck_citations = getattr(app.env, "claimcheck_citations", {})
    app.env.claimcheck_citations[docname] = entry


def write_bib_files(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_cite"
    target.mkdir(exist_ok=True)
    for docname, entry in sorted(getattr(app.env, "claimcheck_citations", {}).items()):
        (target / (docname.replace("/", "_") + ".bib")).write_text(entry, encoding="utf-8")


def outdated_by_data(app, env, added, changed, removed):
    from . import buildcache

    root = Path(app.srcdir)
    if not (root / "data" / "datapackage.yaml").is_file():
        return []
    cache_dir = Path(app.config.nb_execution_cache_path or "_build/.jupyter_cache")
    if not cache_dir.is_absolute():
        cache_dir = root / cache_dir
    stale = buildcache.invalidate(root, cache_dir)
    docnames = [key.removesuffix(".ipynb") for key in stale]
    return [d for d in docnames if d in env.found_docs and d not in added and d not in changed]


def setup(app):
    from .buildcache import package_fingerprint

    # A change to this package (the cite boxes, the register's HTML, ...) must rewrite every page.
    app.add_config_value("claimcheck_package_fingerprint", package_fingerprint(), "env")
    static = Path(__file__).parent / "static"
    app.connect("builder-inited", lambda app: app.config.html_static_path.append(str(static)))
    app.add_css_file("claimcheck.css")
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("build-finished", publish_register)
    app.connect("env-get-outdated", outdated_by_data)
    app.connect("doctree-resolved", add_cite_section)
    app.connect("build-finished", write_bib_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
