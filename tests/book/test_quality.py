"""Page weight and the register's table structure, read from the built HTML (no browser).

* Each page with its images stays under 1.5 MB, and every figure is a compressed raster (PNG,
  JPEG, WebP) or a vector (SVG).
* The claim register is a real ``<table>`` with a ``<caption>``, ``<th scope="col">`` column
  headers and a ``<th scope="row">`` per claim, each holding the claim's link.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytestmark = pytest.mark.build

PAGE_BUDGET = 1_500_000  # bytes: the page's HTML plus every image it shows
FIGURE_FORMATS = {".png", ".jpg", ".jpeg", ".webp", ".svg", ".gif"}


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.sources.append(src)


def html_pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def image_bytes(page: Path, src: str, html_root: Path) -> tuple[int, str]:
    """Size in bytes of one image and its format (suffix, or the data: URI's media type)."""
    if src.startswith("data:"):
        header, _, payload = src.partition(",")
        size = len(base64.b64decode(payload)) if ";base64" in header else len(unquote(payload).encode())
        return size, header[5:].split(";")[0]
    path = (page.parent / unquote(urlparse(src).path)).resolve()
    assert path.is_file(), f"{page.relative_to(html_root)}: image {src} is missing"
    return path.stat().st_size, path.suffix.lower()


def page_weights(html: Path) -> dict[str, tuple[int, int, int]]:
    weights = {}
    for page in html_pages(html):
        text = page.read_text(encoding="utf-8")
        parser = _Images()
        parser.feed(text)
        images = sum(image_bytes(page, src, html)[0] for src in parser.sources)
        page_bytes = len(text.encode("utf-8"))
        weights[page.relative_to(html).as_posix()] = (page_bytes + images, page_bytes, images)
    return weights


def test_every_page_with_its_images_stays_under_the_budget(built_book):
    weights = page_weights(built_book)
    assert len(weights) >= 9
    heavy = {page: f"{total / 1e6:.2f} MB (HTML {html / 1e6:.2f}, images {images / 1e6:.2f})"
             for page, (total, html, images) in weights.items() if total > PAGE_BUDGET}
    assert heavy == {}, f"pages over {PAGE_BUDGET / 1e6} MB: {heavy}"


def test_figures_are_compressed_or_vector(built_book):
    for page in html_pages(built_book):
        parser = _Images()
        parser.feed(page.read_text(encoding="utf-8"))
        for src in parser.sources:
            size, kind = image_bytes(page, src, built_book)
            kind = kind if kind.startswith(".") else "." + kind.split("/")[-1].replace("svg+xml", "svg")
            assert kind in FIGURE_FORMATS, f"{page.name}: {src[:60]} is {kind}"
            if kind == ".png":
                assert size < 400_000, f"{page.name}: {src[:60]} is a {size / 1e3:.0f} kB PNG"


def test_page_weight_counts_inline_images(tmp_path):
    """A data: URI image counts with its decoded size, a linked one with its file size."""
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "a.png").write_bytes(b"\x89PNG" + bytes(996))
    payload = base64.b64encode(bytes(3000)).decode()
    (tmp_path / "page.html").write_text(
        f'<html><body><img src="_images/a.png" alt="a"><img src="data:image/png;base64,{payload}" alt="b"></body></html>')
    total, html, images = page_weights(tmp_path)["page.html"]
    assert images == 1000 + 3000 and total == html + images


class _RegisterTable(HTMLParser):
    """The structure of ``table.claim-register``: caption, header cells and their scope, rows."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # >0 inside the register table
        self.caption = ""
        self.in_caption = False
        self.section = None
        self.column_headers: list[str | None] = []
        self.rows: list[dict] = []
        self.row: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "claim-register" in (attrs.get("class") or ""):
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "table":
            self.depth += 1
        elif tag == "caption":
            self.in_caption = True
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.row = {"id": attrs.get("id"), "row_headers": [], "links": [], "cells": 0}
            self.rows.append(self.row)
        elif tag == "th" and self.section == "thead":
            self.column_headers.append(attrs.get("scope"))
        elif tag == "th" and self.row is not None:
            self.row["row_headers"].append(attrs.get("scope"))
        elif tag == "td" and self.row is not None:
            self.row["cells"] += 1
        elif tag == "a" and self.row is not None and self.row["row_headers"] and not self.row["cells"]:
            self.row["links"].append(attrs.get("href"))

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag == "caption":
            self.in_caption = False
        elif tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.depth and self.in_caption:
            self.caption += data


def test_register_is_a_real_table_with_headers(built_book):
    from claimcheck import load

    claims = load("claims")
    table = _RegisterTable()
    table.feed((built_book / "chapters" / "register.html").read_text(encoding="utf-8"))
    assert re.sub(r"\s+", " ", table.caption).strip().startswith("Every checkable claim")
    assert table.column_headers == ["col"] * 5
    assert [row["id"] for row in table.rows] == [f"claim-{c.lower()}" for c in claims["claim_id"]]
    for row in table.rows:
        assert row["row_headers"] == ["row"], row
        assert row["links"] == [f"#{row['id']}"], row
        assert row["cells"] == 4, row
