"""Reading on a phone: reader.js and numbers that never wrap (claimcheck.build.reader)."""

from __future__ import annotations

from sphinx_fakes import build_tiny

from claimcheck.build import reader

TABLE = """Page
====

.. raw:: html

   <table><tr><td>1.23 (0.45 to 2.01)</td><td class="x">&minus;0.5</td><td>mice</td></tr></table>
"""


def test_numeric_cells_are_marked_and_text_cells_left_alone():
    marked = reader.mark_numeric_cells('<td>12%</td><td class="a">3.4</td><td>n = 4 rats</td>')
    assert marked == '<td class="num">12%</td><td class="num a">3.4</td><td>n = 4 rats</td>'
    assert reader.is_numeric_text("−0.5 [−1.1, 0.2]") and not reader.is_numeric_text("")


def test_pages_load_reader_js_and_mark_numbers(tmp_path):
    html, log, app = build_tiny(tmp_path, ["claimcheck.build.reader"], {"index.rst": TABLE})
    assert app.statuscode == 0, log
    page = (html / "index.html").read_text(encoding="utf-8")
    assert '<script defer="defer" src="_static/reader.js' in page
    assert (html / "_static" / "reader.js").is_file()  # the assets extension came with it
    assert '<td class="num">1.23 (0.45 to 2.01)</td>' in page and '<td class="num x">&minus;0.5</td>' in page
    assert "<td>mice</td>" in page
