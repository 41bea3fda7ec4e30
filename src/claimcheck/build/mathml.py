"""Sphinx extension: maths is written as MathML at build time, which browsers draw natively, so no
page loads MathJax (1.2 MB of script and fonts). It adds the math renderer ``mathml``, chosen in
_config.yml (``html_math_renderer: mathml``): switch both off together.
"""

from __future__ import annotations

from docutils import nodes


def to_mathml(latex: str, block: bool) -> str:
    from docutils.utils.math import latex2mathml

    return latex2mathml.tex2mathml(latex, as_block=block)


def visit_math_mathml(self, node):
    self.body.append(f'<span class="math notranslate">{to_mathml(node.astext(), False)}</span>')
    raise nodes.SkipNode


def visit_displaymath_mathml(self, node):
    self.body.append(f'<div class="math notranslate">{to_mathml(node.astext(), True)}</div>')
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math_mathml, None), (visit_displaymath_mathml, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
