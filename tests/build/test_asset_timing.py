"""Every build links the same assets the same way (claimcheck.build.asset_timing). Without it,
myst-nb's stylesheet reaches the output only after the pages are written, so a clean build links
it without the ``?v=`` checksum that every later build adds; the first test shows that this is
still how the installed myst-nb behaves (when it fails, the override can go)."""

from __future__ import annotations

import re

from sphinx_fakes import build_tiny

PAGE = {"index.rst": "Page\n====\n"}
OPTIONS = {"nb_execution_mode": "off"}


def mystnb_link(html) -> str:
    return re.search(r'href="_static/(mystnb\.[0-9a-f]+\.css[^"]*)"', (html / "index.html").read_text()).group(1)


def test_without_it_a_clean_build_links_the_stylesheet_without_its_checksum(tmp_path):
    html, _, _ = build_tiny(tmp_path, ["myst_nb"], PAGE, **OPTIONS)
    assert "?v=" not in mystnb_link(html)


def test_with_it_a_clean_build_links_every_asset_as_later_builds_do(tmp_path):
    extensions = ["myst_nb", "sphinx-mathjax-offline", "claimcheck.build.asset_timing"]
    html, log, app = build_tiny(tmp_path, extensions, PAGE, **OPTIONS)
    assert app.statuscode == 0, log
    assert "?v=" in mystnb_link(html)
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()
