"""Every built page opened in headless Chromium: title shown, no console errors, no request
outside the book's own files, alt text on every image, and no serious or critical accessibility
problem found by axe-core; at phone width (390 px) no page scrolls sideways, and the claim
register is a real table that keyboard and screen-reader users can move through.

Each page is loaded once at each width (the findings are shared by several tests). Those visits
run side by side (Playwright's async API, in a browser of its own on a thread of its own): a page
load or an axe run mostly waits on the browser, so one after the other they left both cores idle
for most of their 50 s.

Uses Debian's chromium (never a downloaded browser). On a reader's machine without it the tests
are skipped with instructions; under CI (CI=true) a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.build, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
INSTALL_HINT = "install Debian's browser with `sudo apt-get install chromium` to run the browser tests"
AXE_JS = Path(os.environ.get("CLAIMCHECK_AXE_JS") or ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js")
AXE_HINT = "install axe-core with `make env` (needs npm: `sudo apt-get install npm`)"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


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


LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               # No host name resolves: a request outside the book fails at once (and is
               # reported by the tests) instead of reaching the network.
               "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]


@pytest.fixture(scope="module")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def html_pages(built_book: Path) -> list[str]:
    return sorted(p.relative_to(built_book).as_posix() for p in built_book.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


def axe_or_skip() -> Path | None:
    if AXE_JS.is_file():
        return AXE_JS
    if os.environ.get("CI"):
        pytest.fail(f"axe-core is missing under CI: {AXE_HINT}")
    return None


FIRST_VISIT_STATE = "try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}"  # before any page script


def fresh_state_context(browser, viewport: dict = DESKTOP):
    """A browser context whose pages all start as a first visit (storage emptied before any page
    script runs) but share the HTTP cache, so the book's scripts and fonts load once."""
    context = browser.new_context(viewport=viewport)
    context.add_init_script(FIRST_VISIT_STATE)
    return context


def record_errors_and_outside_requests(page, origin: str) -> tuple[list[str], list[str]]:
    """Lists that fill, as ``page`` loads, with its console errors and every request outside the
    book (registering listeners is the same call in Playwright's sync and async APIs)."""
    errors, outside = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def check(request):
        parsed = urlparse(request.url)
        if not (parsed.scheme in ("data", "blob", "about") or request.url.startswith(origin)):
            outside.append(request.url)

    page.on("request", check)
    return errors, outside


def open_page(context, url: str, origin: str):
    """A new page that records console errors and every request outside the book."""
    page = context.new_page()
    errors, outside = record_errors_and_outside_requests(page, origin)
    page.goto(url, wait_until="load")
    return page, errors, outside


AXE_RUN = """() => axe.run(document, {resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))
  .catch(e => [{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}])"""
AXE_TIMEOUT = 120  # seconds for one page's axe run
PAGES_AT_ONCE = 4  # pages open at the same time (both widths together)


def run_in_own_browser(work, executable: str):
    """``await work(browser)`` in a Chromium of its own, driven by Playwright's async API on a
    thread of its own (the sync API of this module's ``browser`` fixture owns the main thread's
    event loop); returns its result or raises its exception."""
    import asyncio

    from playwright.async_api import async_playwright

    async def main():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
            try:
                return await work(browser)
            finally:
                await browser.close()

    outcome: dict = {}

    def target():
        try:
            outcome["result"] = asyncio.run(main())
        except BaseException as exc:  # re-raised on the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="claimcheck-pages")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


async def visit(context, url: str, origin: str, axe_js: Path | None) -> dict:
    """Open one page and record what the tests check: title, first heading, console errors,
    requests outside the book, images and their alt text, and (with ``axe_js``) axe's findings."""
    import asyncio

    page = await context.new_page()
    errors, outside = record_errors_and_outside_requests(page, origin)
    try:
        await page.goto(url, wait_until="load")
        await page.wait_for_timeout(300)  # let deferred scripts (search, MathJax) make their requests
        heading = page.locator("main h1, article h1")
        result = {
            "title": await page.title(),
            "h1": await heading.first.inner_text() if await heading.count() else "",
            "errors": list(errors),
            "outside": list(outside),
            "images_without_alt": await page.eval_on_selector_all(
                "img", "imgs => imgs.filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src)"),
            "images": await page.eval_on_selector_all(
                "main img, article img", "imgs => imgs.map(i => ({src: i.getAttribute('src') || '', alt: i.getAttribute('alt') || ''}))"),
        }
        if axe_js is not None:
            await page.add_script_tag(path=str(axe_js))
            result["axe"] = await asyncio.wait_for(page.evaluate(AXE_RUN), AXE_TIMEOUT)
        return result
    finally:
        await page.close()


def every_page_at(built_book: Path, server: str, viewports: dict[str, dict]) -> dict[str, dict[str, dict]]:
    """{width name: {page: report}}: every page visited once at each width, PAGES_AT_ONCE at a
    time. Each width has one context whose pages start as a first visit but share its HTTP cache."""
    import asyncio

    axe_js, pages = axe_or_skip(), html_pages(built_book)

    async def work(browser):
        contexts = {}
        for name, viewport in viewports.items():
            contexts[name] = await browser.new_context(viewport=viewport)
            await contexts[name].add_init_script(FIRST_VISIT_STATE)
        gate = asyncio.Semaphore(PAGES_AT_ONCE)

        async def one(name, relative):
            async with gate:
                return await visit(contexts[name], f"{server}/{relative}", server, axe_js)

        jobs = [(name, relative) for relative in pages for name in viewports]
        found = await asyncio.gather(*(one(name, relative) for name, relative in jobs))
        reports = {name: {} for name in viewports}
        for (name, relative), report in zip(jobs, found):
            reports[name][relative] = report
        return reports

    return run_in_own_browser(work, chromium_or_skip())


@pytest.fixture(scope="module")
def reports(built_book, server) -> dict[str, dict[str, dict]]:
    """Every page at desktop width and at phone width (390 px, where the layout and the visible
    controls differ); axe findings included when axe-core is installed."""
    return every_page_at(built_book, server, {"desktop": DESKTOP, "phone": PHONE})


@pytest.fixture(scope="module")
def desktop_reports(reports) -> dict[str, dict]:
    return reports["desktop"]


@pytest.fixture(scope="module")
def phone_reports(reports) -> dict[str, dict]:
    return reports["phone"]


WIDTHS = pytest.mark.parametrize("reports_at", ["desktop_reports", "phone_reports"], ids=["desktop", "phone"])


def test_pages_exist(built_book):
    pages = html_pages(built_book)
    assert "index.html" in pages and "chapters/data.html" in pages


@WIDTHS
def test_every_page_opens_cleanly_and_offline(request, reports_at):
    report = request.getfixturevalue(reports_at)
    for relative, outcome in report.items():
        assert outcome["title"].strip(), f"{relative}: empty <title>"
        assert outcome["errors"] == [], f"{relative}: console errors {outcome['errors']}"
        assert outcome["outside"] == [], f"{relative}: requests outside the book {outcome['outside']}"
        assert outcome["images_without_alt"] == [], f"{relative}: images without alt {outcome['images_without_alt']}"
    assert report["index.html"]["h1"].startswith("Leg exercise")


@WIDTHS
def test_axe_finds_no_serious_or_critical_problem(request, reports_at):
    if not AXE_JS.is_file():
        pytest.skip(f"axe-core not installed: {AXE_HINT}")
    found = {}
    for relative, outcome in request.getfixturevalue(reports_at).items():
        assert "axe" in outcome, f"{relative}: axe did not run"
        bad = [v for v in outcome["axe"] if v["impact"] in ("serious", "critical")]
        if bad:
            found[relative] = [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in bad]
    assert found == {}, "axe-core: " + "; ".join(f"{page}: {', '.join(rules)}" for page, rules in found.items())


GENERIC_ALT = {"image", "figure", "plot", "chart", "graph", "picture", "png", "svg", "output", "img"}


def test_figures_have_meaningful_alt_text(desktop_reports):
    """Alt text describes the figure: not a file name, not a placeholder, not a few words."""
    figures = 0
    for relative, outcome in desktop_reports.items():
        for image in outcome["images"]:
            figures += 1
            alt, name = " ".join(image["alt"].split()), Path(unquote(urlparse(image["src"]).path)).name
            assert alt.lower() not in GENERIC_ALT, f"{relative}: placeholder alt text {alt!r} for {name}"
            assert not re.search(r"\.(png|jpe?g|svg|gif|webp)\b", alt, flags=re.I), f"{relative}: alt is a file name: {alt!r}"
            assert name.rsplit(".", 1)[0].lower() not in alt.lower(), f"{relative}: alt repeats the file name {name}"
            assert len(alt.split()) >= 8, f"{relative}: alt text too short to describe {name}: {alt!r}"
    assert figures >= 5, "the chapters' figures were not found"


def test_no_page_scrolls_sideways_on_a_phone(built_book, server, browser):
    """At 390 px, nothing in the page is wider than the window (wide tables, code and equations
    scroll inside their own boxes)."""
    context = fresh_state_context(browser, PHONE)
    page = context.new_page()
    too_wide = {}
    for relative in html_pages(built_book):
        page.goto(f"{server}/{relative}", wait_until="load")
        page.evaluate("async () => { if (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                      "await MathJax.startup.promise; }")
        width, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert window == PHONE["width"]
        if width > window:
            too_wide[relative] = width
    context.close()
    assert too_wide == {}, f"pages wider than a {PHONE['width']} px window: {too_wide}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_register_is_a_table_for_keyboard_and_screen_reader(built_book, server, browser, viewport):
    """The register as assistive technology sees it (Chromium's accessibility tree): one table
    named by its caption, five column headers, a row header per claim; and Tab reaches every
    claim's link, in order."""
    from claimcheck import load

    claim_ids = list(load("claims")["claim_id"])
    context = fresh_state_context(browser, viewport)
    page, _, _ = open_page(context, f"{server}/chapters/register.html", server)
    table = page.get_by_role("table", name="Every checkable claim", exact=False)
    assert table.count() == 1
    assert table.get_by_role("columnheader").count() == 5
    row_headers = table.get_by_role("rowheader")
    assert row_headers.all_inner_texts() == claim_ids
    assert table.get_by_role("row").count() == len(claim_ids) + 1

    reached = []
    for _ in range(40 + 6 * len(claim_ids)):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => { const a = document.activeElement; "
                                "return a && a.classList.contains('claim-anchor') ? a.textContent.trim() : null; }")
        if focused and focused not in reached:
            reached.append(focused)
        if len(reached) == len(claim_ids):
            break
    context.close()
    assert reached == claim_ids, f"Tab reached {reached}"


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
