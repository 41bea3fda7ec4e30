"""Maths written as MathML at build time (claimcheck.build.mathml)."""

from __future__ import annotations

from sphinx_fakes import build_tiny


def test_pages_carry_mathml_and_load_no_mathjax(tmp_path):
    page = "Maths\n=====\n\nInline :math:`a^2 + b^2`.\n\n.. math::\n\n   \\frac{1}{n}\\sum x_i\n"
    html, log, app = build_tiny(tmp_path, ["claimcheck.build.mathml"], {"index.rst": page},
                                html_math_renderer="mathml")
    text = (html / "index.html").read_text(encoding="utf-8")
    assert app.statuscode == 0, log
    assert '<span class="math notranslate"><math' in text and '<div class="math notranslate"><math' in text
    assert "<mfrac>" in text and "mathjax" not in text.lower()
