"""Page weight and the register's table structure, read from the built HTML (no browser).

* Each page with its images stays under 1.5 MB, and every figure is a compressed raster (PNG,
  JPEG, WebP) or a vector (SVG).
* The claim register is a real ``<table>`` with a ``<caption>``, ``<th scope="col">`` column
  headers and a ``<th scope="row">`` per claim, each holding the claim's link.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT

pytestmark = pytest.mark.build

PAGE_BUDGET = 1_500_000  # bytes: the page's HTML plus every image it shows
FIGURE_FORMATS = {".png", ".jpg", ".jpeg", ".webp", ".svg", ".gif"}


def image_sources(text: str) -> list[str]:
    """The ``src`` of every ``<img>`` in a page (empty ones left out)."""
    return [img["src"] for img in BeautifulSoup(text, "html.parser").find_all("img", src=True) if img["src"]]


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
        images = sum(image_bytes(page, src, html)[0] for src in image_sources(text))
        page_bytes = len(text.encode("utf-8"))
        weights[page.relative_to(html).as_posix()] = (page_bytes + images, page_bytes, images)
    return weights


def test_every_page_with_its_images_stays_under_the_budget(built_book):
    weights = page_weights(built_book)
    # Every page of the book is weighed: the landing page and one page per chapter source.
    sources = [p for p in (ROOT / "chapters").iterdir() if p.suffix in (".md", ".ipynb")]
    assert {"index.html", *(f"chapters/{p.stem}.html" for p in sources)} <= set(weights)
    heavy = {page: f"{total / 1e6:.2f} MB (HTML {html / 1e6:.2f}, images {images / 1e6:.2f})"
             for page, (total, html, images) in weights.items() if total > PAGE_BUDGET}
    assert heavy == {}, f"pages over {PAGE_BUDGET / 1e6} MB: {heavy}"


def test_figures_are_compressed_or_vector(built_book):
    for page in html_pages(built_book):
        for src in image_sources(page.read_text(encoding="utf-8")):
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


def register_table(text: str) -> dict:
    """The structure of ``table.claim-register``: its caption, the scope of each column header, and
    per body row its id, the scopes of its row headers, the links in them and its data cells."""
    table = BeautifulSoup(text, "html.parser").select_one("table.claim-register")
    assert table is not None, "no table.claim-register on the page"
    rows = []
    for tr in table.select(":scope > tbody > tr"):
        headers = tr.find_all("th", recursive=False)
        rows.append({
            "id": tr.get("id"),
            "row_headers": [th.get("scope") for th in headers],
            "links": [a.get("href") for th in headers for a in th.find_all("a")],
            "cells": len(tr.find_all("td", recursive=False)),
        })
    return {
        "caption": table.caption.get_text() if table.caption else "",
        "column_headers": [th.get("scope") for th in table.select(":scope > thead > tr > th")],
        "rows": rows,
    }


def test_register_is_a_real_table_with_headers(built_book):
    from claimcheck import load

    claims = load("claims")
    table = register_table((built_book / "chapters" / "register.html").read_text(encoding="utf-8"))
    assert re.sub(r"\s+", " ", table["caption"]).strip().startswith("Every checkable claim")
    assert table["column_headers"] == ["col"] * 5
    assert [row["id"] for row in table["rows"]] == [f"claim-{c.lower()}" for c in claims["claim_id"]]
    for row in table["rows"]:
        assert row["row_headers"] == ["row"], row
        assert row["links"] == [f"#{row['id']}"], row
        assert row["cells"] == 4, row
