"""Sphinx extension for the book.

* Keeps pages self-contained: Jupyter Book always loads sphinx-thebe, which adds a script
  pointing at a CDN (and, on notebook pages, adds it twice, a console error). The book offers
  no live kernels, so the thebe scripts are dropped from every page.
* Adds the book's stylesheet.
* Publishes the claim register for programs: ``claims.json`` and ``claims.csv`` at the root of
  the HTML output, both built from ``data/claims.csv`` at every build.
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
    (outdir / "claims.json").write_text(register.to_json(claims, meta), encoding="utf-8")
    shutil.copyfile(data_dir / "claims.csv", outdir / "claims.csv")


def setup(app):
    static = Path(__file__).parent / "static"
    app.connect("builder-inited", lambda app: app.config.html_static_path.append(str(static)))
    app.add_css_file("claimcheck.css")
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("build-finished", publish_register)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
