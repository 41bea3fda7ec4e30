"""Sphinx extension: pages load no script they do not use, and nothing from another site.

* Jupyter Book always loads sphinx-thebe, which adds a script pointing at a CDN (and, on
  notebook pages, adds it twice, a console error). The book offers no live kernels, so the
  thebe scripts are dropped from every page (https://github.com/jupyter-book/jupyter-book/issues/1603
  asks for a way to switch thebe off; ``launch_buttons.thebe: false`` hides only the button).
* Sphinx loads MathJax on a page whose toctree includes a page with maths (so on the landing
  page); only pages with maths of their own keep it (and with ``html_math_renderer: mathml``,
  claimcheck.build.mathml, no page needs it).
"""

from __future__ import annotations

from docutils import nodes


def _filename(script) -> str:
    return getattr(script, "filename", None) or ""


def _inline_body(script) -> str:
    return (getattr(script, "attributes", {}) or {}).get("body") or ""


def is_thebe(script) -> bool:
    return "thebe" in _filename(script) or "THEBE_JS_URL" in _inline_body(script)


def is_mathjax(script) -> bool:
    return "mathjax" in _filename(script).lower() or "window.MathJax" in _inline_body(script)


def drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not is_thebe(s)]


def drop_unneeded_mathjax(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or doctree is None:
        return
    if any(True for _ in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
        return
    scripts = context.get("script_files") or []
    context["script_files"] = [s for s in scripts if not is_mathjax(s)]


def setup(app):
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("html-page-context", drop_unneeded_mathjax, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
