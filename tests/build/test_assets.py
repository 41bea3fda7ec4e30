"""The book's stylesheet, scripts, icon and theme templates (claimcheck.build.assets)."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

from sphinx_fakes import build_tiny

from claimcheck import paths
from claimcheck.build import assets


def test_templates_come_first_and_the_book_gets_an_icon():
    config = SimpleNamespace(templates_path=["_templates"], html_favicon=None)
    assets.add_templates_and_icon(None, config)
    assert config.templates_path == [str(paths.TEMPLATES_DIR), "_templates"]
    assert config.html_favicon.endswith("favicon.svg")
    config = SimpleNamespace(templates_path=[], html_favicon="mine.ico")
    assets.add_templates_and_icon(None, config)
    assert config.html_favicon == "mine.ico"  # a configured icon is kept


def test_a_change_to_any_static_or_template_file_changes_the_fingerprint(tmp_path, monkeypatch):
    shutil.copytree(paths.STATIC_DIR, tmp_path / "static")
    shutil.copytree(paths.TEMPLATES_DIR, tmp_path / "templates")
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path)
    monkeypatch.setattr(paths, "STATIC_DIR", tmp_path / "static")
    monkeypatch.setattr(paths, "TEMPLATES_DIR", tmp_path / "templates")
    before = assets.assets_fingerprint()
    assert assets.assets_fingerprint() == before
    (tmp_path / "templates" / "static" / "webpack-macros.html").write_text("changed")
    assert assets.assets_fingerprint() != before


def test_the_stylesheet_is_copied_and_linked(tmp_path):
    html, log, app = build_tiny(tmp_path, ["claimcheck.build.assets"], {"index.rst": "Page\n====\n"},
                                templates_path=[], html_theme="basic")
    assert app.statuscode == 0, log
    assert (html / "_static" / "claimcheck.css").read_bytes() == (paths.STATIC_DIR / "claimcheck.css").read_bytes()
    assert "_static/claimcheck.css" in (html / "index.html").read_text(encoding="utf-8")
    assert (html / "_static" / "favicon.svg").is_file()
