"""Every built page opened in headless Chromium: title shown, no console errors, no request
outside the book's own files, and alt text on every image.

Uses Debian's chromium (never a downloaded browser). On a reader's machine without it the tests
are skipped with instructions; under CI (CI=true) a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.build]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
INSTALL_HINT = "install Debian's browser with `sudo apt-get install chromium` to run the browser tests"


def chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"chromium is missing under CI: {INSTALL_HINT}")
    pytest.skip(f"chromium not found: {INSTALL_HINT}")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test log readable
        pass


@pytest.fixture(scope="module")
def server(built_book):
    handler = functools.partial(QuietHandler, directory=str(built_book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


def html_pages(built_book: Path) -> list[str]:
    return sorted(p.relative_to(built_book).as_posix() for p in built_book.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


def visit(browser, url: str, origin: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    errors, outside = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def check(route):
        request_url = route.request.url
        parsed = urlparse(request_url)
        if parsed.scheme in ("data", "blob", "about") or request_url.startswith(origin):
            route.continue_()
        else:
            outside.append(request_url)
            route.abort()

    page.route("**/*", check)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # let deferred scripts (search, MathJax) make their requests
    result = {
        "title": page.title(),
        "h1": page.locator("main h1, article h1").first.inner_text() if page.locator("main h1, article h1").count() else "",
        "errors": errors,
        "outside": outside,
        "images_without_alt": page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src)"),
    }
    context.close()
    return result


def test_pages_exist(built_book):
    pages = html_pages(built_book)
    assert "index.html" in pages and "chapters/data.html" in pages


def test_every_page_opens_cleanly_and_offline(built_book, server, browser):
    report = {}
    for relative in html_pages(built_book):
        outcome = visit(browser, f"{server}/{relative}", server)
        report[relative] = outcome
        assert outcome["title"].strip(), f"{relative}: empty <title>"
        assert outcome["errors"] == [], f"{relative}: console errors {outcome['errors']}"
        assert outcome["outside"] == [], f"{relative}: requests outside the book {outcome['outside']}"
        assert outcome["images_without_alt"] == [], f"{relative}: images without alt {outcome['images_without_alt']}"
    assert report["index.html"]["h1"].startswith("Leg exercise")


def test_no_page_points_at_a_mathjax_cdn(built_book):
    for relative in html_pages(built_book):
        text = (built_book / relative).read_text(encoding="utf-8")
        assert "cdn.jsdelivr.net" not in text and "mathjax@" not in text, relative


def test_vendored_mathjax_typesets_offline(built_book, server, browser):
    """The book's own copy of MathJax (with its fonts) typesets a formula with no outside request."""
    assert (built_book / "_static" / "mathjax" / "tex-chtml.js").is_file()
    probe = built_book / "_mathjax_probe.html"
    probe.write_text(
        '<!doctype html><html lang="en"><head><title>probe</title>'
        '<script async src="_static/mathjax/tex-chtml.js"></script></head>'
        '<body><p id="probe">\\(\\sqrt{x^2+1}\\)</p></body></html>')
    try:
        context = browser.new_context()
        page = context.new_page()
        outside = []

        def check(route):
            if route.request.url.startswith(server):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", check)
        page.goto(f"{server}/_mathjax_probe.html", wait_until="load")
        page.wait_for_selector("#probe mjx-container", timeout=15000)
        assert outside == []
        context.close()
    finally:
        probe.unlink()


def test_cite_block_copies_the_bibtex_in_one_click(built_book, server, browser):
    """The BibTeX entry at the end of a chapter has a copy button, and clicking it puts the entry
    (exactly the downloadable .bib) on the clipboard."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{server}/chapters/register.html", wait_until="load")
    button = page.locator("#cite-this-page button.copybtn")
    assert button.count() == 1
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = (built_book / "_cite" / "chapters_register.bib").read_text()
    assert copied.strip() == expected.strip()
    context.close()
