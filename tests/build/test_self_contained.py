"""Pages load no script they do not use, nothing from another site (claimcheck.build.self_contained)."""

from __future__ import annotations

from types import SimpleNamespace

from docutils import nodes

from claimcheck.build import self_contained


def script(filename="", body=""):
    return SimpleNamespace(filename=filename, attributes={"body": body} if body else {})


def test_thebe_scripts_are_dropped_and_others_kept():
    kept = script("_static/reader.js")
    context = {"script_files": [script("https://unpkg.com/thebe@0.8.2/lib/index.js"), kept,
                                script(body="const THEBE_JS_URL = 'https://unpkg.com/thebe'"),
                                script("_static/sphinx-thebe.js")]}
    self_contained.drop_thebe(None, "p", "page.html", context, None)
    assert context["script_files"] == [kept]


def test_mathjax_stays_only_on_pages_with_maths():
    app = SimpleNamespace(builder=SimpleNamespace(format="html"))
    scripts = [script("_static/mathjax/tex-chtml.js"), script(body="window.MathJax = {}"), script("a.js")]
    plain = nodes.section()
    plain += nodes.paragraph(text="no maths")
    context = {"script_files": list(scripts)}
    self_contained.drop_unneeded_mathjax(app, "p", "page.html", context, plain)
    assert context["script_files"] == [scripts[2]]
    with_maths = nodes.section()
    with_maths += nodes.paragraph("", "", nodes.math(text="x^2"))
    context = {"script_files": list(scripts)}
    self_contained.drop_unneeded_mathjax(app, "p", "page.html", context, with_maths)
    assert context["script_files"] == scripts
