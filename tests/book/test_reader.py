"""Reading the book on a phone and on a desktop (issue 14), in a real browser where it matters:

* the sidebar toggles work when tapped at 390 px and clicked at 1366 px;
* the first use of every glossary term on a page links to the glossary;
* tables show words, not vocabulary codes;
* figures are SVG, their smallest text is at least 9 CSS px at phone width, and a tap opens them;
* every page's first visit (every file it loads) stays under 1.5 MB; MathJax only where there is
  maths, no icon script of every icon;
* citing and sharing: "Cite this page" in the page contents, copy button visible on touch
  screens, the saved .bib named as its link, focus rings, per-page descriptions, no fake address.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_browser import (  # noqa: F401
    FIRST_VISIT_STATE,
    PAGES_AT_ONCE,
    browser,
    chromium_or_skip,
    fresh_state_context,
    html_pages,
    open_page,
    run_in_own_browser,
    server,
)

pytestmark = [pytest.mark.browser, pytest.mark.build, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
FIRST_VISIT_BUDGET = 1_500_000  # bytes, every file a first visit loads
MIN_TEXT_PX = 9.0
GLOSSARY = "chapters/glossary.html"
TOGGLE_PAGES = ["index.html", "chapters/method.html", "chapters/neural_signalling.html", GLOSSARY]

VISIBLE = "(b) => !!(b.getClientRects().length) && getComputedStyle(b).visibility !== 'hidden'"


def touch_context(browser, viewport=PHONE):  # noqa: F811
    context = browser.new_context(viewport=viewport, has_touch=True, is_mobile=True, device_scale_factor=2)
    context.add_init_script(FIRST_VISIT_STATE)
    return context


def visible_toggles(page) -> list[int]:
    toggles = page.locator(".primary-toggle, .secondary-toggle")
    return [i for i in range(toggles.count()) if toggles.nth(i).evaluate(VISIBLE)]


def sidebar_state(page) -> dict:
    return page.evaluate("""() => ({
        primaryDrawer: !!document.querySelector('#pst-primary-sidebar-modal')?.open,
        secondaryDrawer: !!document.querySelector('#pst-secondary-sidebar-modal')?.open,
        primaryHidden: !!document.querySelector('#pst-primary-sidebar')?.classList.contains('pst-sidebar-hidden'),
    })""")


# --- navigation ------------------------------------------------------------------------------

@pytest.mark.parametrize("relative", TOGGLE_PAGES)
def test_tapping_each_visible_toggle_opens_its_drawer_on_a_phone(server, browser, relative):  # noqa: F811
    context = touch_context(browser)
    page, errors, _ = open_page(context, f"{server}/{relative}", server)
    indexes = visible_toggles(page)
    kinds = [page.locator(".primary-toggle, .secondary-toggle").nth(i).get_attribute("class") for i in indexes]
    assert any("primary-toggle" in k for k in kinds), f"{relative}: no visible menu button"
    for index, kind in zip(indexes, kinds):
        page.goto(f"{server}/{relative}", wait_until="load")
        assert sidebar_state(page) == {"primaryDrawer": False, "secondaryDrawer": False, "primaryHidden": False}
        page.locator(".primary-toggle, .secondary-toggle").nth(index).tap()
        drawer = "#pst-primary-sidebar-modal" if "primary-toggle" in kind else "#pst-secondary-sidebar-modal"
        page.wait_for_selector(f"{drawer}[open]", timeout=3000)
        state = sidebar_state(page)
        assert state["primaryDrawer"] == ("primary-toggle" in kind) and state["secondaryDrawer"] == ("secondary-toggle" in kind)
        if "primary-toggle" in kind:  # the drawer holds the book's contents, links included
            assert page.locator(f"{drawer} a[href*='register']").count() >= 1
        page.keyboard.press("Escape")
        page.wait_for_function(f"() => !document.querySelector('{drawer}').open", timeout=3000)
    assert errors == []
    context.close()


@pytest.mark.parametrize("relative", TOGGLE_PAGES)
def test_clicking_the_menu_button_hides_and_shows_the_sidebar_on_a_desktop(server, browser, relative):  # noqa: F811
    context = fresh_state_context(browser, DESKTOP)
    page, errors, _ = open_page(context, f"{server}/{relative}", server)
    indexes = visible_toggles(page)
    assert indexes, f"{relative}: no visible toggle at desktop width"
    toggles = page.locator(".primary-toggle, .secondary-toggle")
    primary = [i for i in indexes if "primary-toggle" in toggles.nth(i).get_attribute("class")]
    assert primary, f"{relative}: no visible menu button at desktop width"
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.evaluate(VISIBLE) and sidebar.bounding_box()["width"] > 100
    toggles.nth(primary[0]).click()
    page.wait_for_timeout(400)
    assert sidebar_state(page)["primaryHidden"] and not sidebar_state(page)["primaryDrawer"]
    box = sidebar.bounding_box()
    assert box is None or box["width"] < 5 or not sidebar.evaluate(VISIBLE)
    toggles.nth(primary[0]).click()
    page.wait_for_timeout(400)
    assert not sidebar_state(page)["primaryHidden"]
    for index in indexes:  # any other visible toggle (the page contents) opens its drawer
        if index in primary:
            continue
        toggles.nth(index).click()
        page.wait_for_selector("#pst-secondary-sidebar-modal[open]", timeout=3000)
        page.keyboard.press("Escape")
    assert errors == []
    context.close()


# --- glossary links ----------------------------------------------------------------------------

def glossary_entries(built_book: Path) -> list[tuple[str, list[str]]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((built_book / GLOSSARY).read_text(encoding="utf-8"), "html.parser")
    entries, terms = [], []
    for element in soup.select("dl.glossary > dt, dl.glossary > dd"):
        if element.name == "dt":
            terms.append((element.get("id") or "", re.sub(r"\s+", " ", element.get_text()).strip().rstrip("¶#").strip()))
        else:
            anchor = next((a for a, _ in terms if a), "")
            entries.append((anchor, [t for _, t in terms]))
            terms = []
    return entries


EXCLUDED = ("pre", "code", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "dt", "figcaption", "caption")
# Rendered outputs (text_html) and verdict boxes (rendered from the register, the same HTML on a
# notebook page and through the {verdict-boxes} directive) define their own words in place.
EXCLUDED_CLASSES = {"cell_input", "text_html", "citation", "footnote", "bibliography", "toctree-wrapper",
                    "headerlink", "copybtn", "verdict-boxes"}


def _context_of(node):
    """(excluded, glossary anchor or None) for a text node."""
    anchor = None
    for parent in node.parents:
        if parent.name in EXCLUDED or EXCLUDED_CLASSES & set(parent.get("class") or []):
            return True, None
        if parent.get("id") == "cite-this-page":
            return True, None
        if parent.name == "a":
            href = parent.get("href") or ""
            if "glossary-link" in (parent.get("class") or []) and "glossary.html#" in href:
                anchor = href.split("#", 1)[1]
            else:
                return True, None
    return False, anchor


def unlinked_first_uses(html: str, entries) -> list[str]:
    from bs4 import BeautifulSoup

    from claimcheck.build.glossary_links import term_pattern

    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article.bd-article") or soup
    texts = []
    for node in article.find_all(string=True):
        if not node.parent or node.parent.name not in ("p", "li", "dd", "a", "em", "strong", "span", "td", "th"):
            continue
        # Only the running text of paragraphs, list items and definitions.
        if not any(p.name in ("p", "li", "dd") for p in node.parents):
            continue
        excluded, anchor = _context_of(node)
        if not excluded:
            texts.append((str(node), anchor))
    missing = []
    for anchor, terms in entries:
        patterns = [term_pattern(t) for t in terms]
        for text, link in texts:
            if link is not None and link != anchor:
                continue  # part of another term's link ("mean difference" in "standardised mean difference")
            if any(p.search(text) for p in patterns):
                if link != anchor:
                    missing.append(f"{terms[0]!r} first used in {text.strip()[:70]!r}")
                break
    return missing


def test_glossary_covers_the_terms_the_issue_lists(built_book):
    names = {t.replace("’", "'") for _, terms in glossary_entries(built_book) for t in terms}
    for term in ("HbA1c", "HR", "hazard ratio", "I²", "partial r", "HC3", "Cook's distance", "Holm's method",
                 "Fisher z", "type M error", "typical error", "SMD", "GRADE", "exaggeration flag",
                 "confidence interval", "p-value", "animal to human", "causal wording from correlational data",
                 "advice beyond the evidence"):
        assert term in names, term
    assert all(anchor for anchor, _ in glossary_entries(built_book))


def test_first_use_of_every_glossary_term_links_to_it(built_book):
    entries = glossary_entries(built_book)
    assert len(entries) >= 30
    found = {}
    for relative in html_pages(built_book):
        if relative in (GLOSSARY, "search.html", "genindex.html"):
            continue
        missing = unlinked_first_uses((built_book / relative).read_text(encoding="utf-8"), entries)
        if missing:
            found[relative] = missing
    assert found == {}
    # and the links exist: the chapters use many of the terms
    linked = sum((built_book / p).read_text(encoding="utf-8").count("glossary-link") for p in html_pages(built_book))
    assert linked >= 40


def test_glossary_check_catches_an_unlinked_term():
    entries = [("term-HbA1c", ["HbA1c"])]
    page = '<article class="bd-article"><p>Our HbA1c result.</p><p>The <a class="glossary-link" ' \
           'href="glossary.html#term-HbA1c">HbA1c</a> again.</p></article>'
    assert unlinked_first_uses(page, entries) == ["'HbA1c' first used in 'Our HbA1c result.'"]


# --- words, not codes, in tables -------------------------------------------------------------

def raw_codes_in_tables(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    from claimcheck.present.labels import is_code

    soup = BeautifulSoup(html, "html.parser")
    codes = []
    for cell in soup.select("article table td, article table th"):
        for code in cell.select("code"):
            code.decompose()  # shown as code, for programmers, on purpose
        text = " ".join(cell.get_text(" ").split())
        text = re.sub(r"\S+\.(csv|yaml|json|bib|ipynb|py)\b|https?://\S+|\b10\.\d{4,9}/\S+", "", text)
        if is_code(text):
            codes.append(text[:60])
    return codes


TABLE_CODES_PENDING = {
}


def toc_pages() -> list[str]:
    """Every page of the book, from _toc.yml (known before any build, so an empty _build/ still
    gives the test every page to check)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f"{name}.html" for name in files]


def _page_params():
    return [pytest.param(p, id=p, marks=[pytest.mark.xfail(strict=True, reason=TABLE_CODES_PENDING[p])]
                         if p in TABLE_CODES_PENDING else []) for p in toc_pages()]


def test_every_page_is_checked_for_codes():
    assert len(toc_pages()) == len(list((ROOT / "chapters").glob("*.*"))) + 1  # the chapters and index


@pytest.mark.parametrize("relative", _page_params())
def test_tables_show_words_not_codes(built_book, relative):
    assert raw_codes_in_tables((built_book / relative).read_text(encoding="utf-8")) == []


def test_code_check_catches_a_raw_code():
    html = ('<article><table><tr><td>animal_to_human</td><td><code>claim_id</code></td>'
            '<td>data/verdict_history.csv</td></tr></table></article>')
    assert raw_codes_in_tables(html) == ["animal_to_human"]


# --- figures ---------------------------------------------------------------------------------

FIGURE_TEXT = """async (img) => {
  const text = await (await fetch(img.currentSrc || img.src)).text();
  const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
  const viewBox = (svg.getAttribute('viewBox') || '').split(/\\s+/).map(Number);
  const sizes = Array.from(text.matchAll(/font(?:-size)?:\\s*(?:[a-z]+\\s+)*([0-9.]+)px/g)).map(m => Number(m[1]));
  const shown = img.getBoundingClientRect().width;
  return {src: img.getAttribute('src'), shown, viewBoxWidth: viewBox[2], smallest: Math.min(...sizes),
          texts: sizes.length, px: Math.min(...sizes) * shown / viewBox[2]};
}"""

FIGURE_PENDING = {
}
FIGURE_PAGES = ["chapters/neural_signalling.html", "chapters/oxygen_metabolism.html",
                "chapters/diabetes_fitness.html", "chapters/other_claims.html", "chapters/register.html"]


def measure_figures(page) -> list[dict]:
    images = page.locator("article.bd-article .cell_output img")
    return [images.nth(i).evaluate(FIGURE_TEXT) for i in range(images.count())]


@pytest.mark.parametrize("relative", [
    pytest.param(p, id=p, marks=[pytest.mark.xfail(strict=True, reason=FIGURE_PENDING[p])] if p in FIGURE_PENDING else [])
    for p in FIGURE_PAGES])
def test_figure_text_is_at_least_9_css_px_on_a_phone(server, browser, relative):  # noqa: F811
    context = touch_context(browser)
    page, _, _ = open_page(context, f"{server}/{relative}", server)
    figures = measure_figures(page)
    context.close()
    assert figures, f"{relative}: no figure"
    small = [f"{f['src']}: {f['px']:.1f} px" for f in figures if f["px"] < MIN_TEXT_PX]
    assert small == []


def test_figures_are_svg_and_open_full_size_on_tap(server, browser):  # noqa: F811
    context = touch_context(browser)
    measured = {}
    for relative in FIGURE_PAGES:
        page, _, _ = open_page(context, f"{server}/{relative}", server)
        figures = measure_figures(page)
        assert figures and all(f["src"].endswith(".svg") for f in figures), relative
        assert all(f["texts"] > 0 for f in figures), f"{relative}: SVG text drawn as paths cannot be measured"
        assert all(f["shown"] <= PHONE["width"] for f in figures)
        measured[relative] = min(f["px"] for f in figures)
        if relative == FIGURE_PAGES[0]:
            image = page.locator("article.bd-article .cell_output img").first
            image.scroll_into_view_if_needed()
            with context.expect_page() as opened:
                image.tap()
            full = opened.value
            full.wait_for_load_state()
            assert full.url.endswith(".svg")
            full.close()
        page.close()
    context.close()
    print("smallest figure text at 390 px:", {k: round(v, 1) for k, v in measured.items()})


# --- first-visit weight ------------------------------------------------------------------------

FIRST_VISIT = """async () => {
  window.scrollTo(0, document.body.scrollHeight);  // lazy images load too
  await new Promise(r => setTimeout(r, 400));
  window.scrollTo(0, 0);
  await new Promise(r => setTimeout(r, 200));
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  return entries.map(e => ({name: e.name, bytes: e.transferSize || e.encodedBodySize || 0}));
}"""


async def first_visit_bytes(browser, url: str, viewport: dict) -> tuple[int, list[dict]]:  # noqa: F811
    context = await browser.new_context(viewport=viewport)  # a new context: empty cache
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="load")
        await page.wait_for_timeout(300)
        entries = await page.evaluate(FIRST_VISIT)
    finally:
        await context.close()
    return sum(e["bytes"] for e in entries), entries


def first_visits(built_book: Path, origin: str, viewport: dict) -> dict[str, tuple[int, list[dict]]]:
    """Every page's first visit, each in a context of its own (so nothing is cached), four at a
    time: the byte counts are per context, so visiting side by side changes none of them."""
    import asyncio

    pages = html_pages(built_book)

    async def work(own_browser):
        gate = asyncio.Semaphore(PAGES_AT_ONCE)

        async def one(relative):
            async with gate:
                return await first_visit_bytes(own_browser, f"{origin}/{relative}", viewport)

        return dict(zip(pages, await asyncio.gather(*(one(relative) for relative in pages))))

    return run_in_own_browser(work, chromium_or_skip())


def test_first_visit_of_every_page_stays_under_budget(built_book, server):  # noqa: F811
    weights, heavy = {}, {}
    for relative, (total, entries) in first_visits(built_book, server, PHONE).items():
        weights[relative] = total
        names = " ".join(e["name"] for e in entries)
        assert "fontawesome.js" not in names, f"{relative} loads the icon script of every icon"
        assert "mathjax" not in names.lower(), f"{relative}: maths is MathML, MathJax is not needed"
        if total > FIRST_VISIT_BUDGET:
            biggest = sorted(entries, key=lambda e: -e["bytes"])[:4]
            heavy[relative] = f"{total / 1e6:.2f} MB: " + ", ".join(f"{e['name'].rsplit('/', 1)[-1]} {e['bytes'] / 1e3:.0f} kB" for e in biggest)
    print("first-visit bytes:", {k: round(v / 1e6, 2) for k, v in sorted(weights.items())})
    assert heavy == {}
    assert max(weights.values()) > 100_000  # the measurement sees the pages' files


# --- citing and sharing --------------------------------------------------------------------------

def test_cite_this_page_is_in_the_page_contents_and_copyable_on_touch(built_book, server, browser):  # noqa: F811
    context = touch_context(browser)
    page, _, _ = open_page(context, f"{server}/chapters/method.html", server)
    toc_link = page.locator("#pst-page-toc-nav a[href='#cite-this-page']")
    assert toc_link.count() == 1 and toc_link.text_content().strip() == "Cite this page"
    button = page.locator("#cite-this-page button.copybtn")
    assert button.count() == 1
    assert float(button.evaluate("b => getComputedStyle(b).opacity")) == 1.0  # no hover on touch screens
    download = page.locator("#cite-this-page a[download]")
    name = download.get_attribute("download")
    assert download.text_content().strip() == name == "chapters_method.bib"
    assert (built_book / "_cite" / name).is_file()
    context.close()


def test_every_button_shows_a_focus_ring(server, browser):  # noqa: F811
    context = fresh_state_context(browser, DESKTOP)
    page, _, _ = open_page(context, f"{server}/chapters/method.html", server)
    rings = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const a = document.activeElement; if (!a) return null;
            const s = getComputedStyle(a);
            return {tag: a.tagName, name: a.getAttribute('aria-label') || a.title || a.textContent.trim().slice(0, 30),
                    ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'}; }""")
        if info and info["tag"] == "BUTTON":
            rings[info["name"]] = info["ring"]
    context.close()
    assert len(rings) >= 3, rings
    assert all(rings.values()), rings


def test_pages_describe_themselves_without_a_fake_address(built_book):
    from bs4 import BeautifulSoup

    from claimcheck import load

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    base = config["html"]["baseurl"]
    claims = load("claims")
    descriptions = {}
    for relative in html_pages(built_book):
        if relative in ("search.html", "genindex.html"):
            continue
        soup = BeautifulSoup((built_book / relative).read_text(encoding="utf-8"), "html.parser")
        metas = soup.select('meta[name="description"]')
        assert len(metas) == 1, relative
        descriptions[relative] = metas[0]["content"]
        assert soup.select_one('meta[property="og:title"]')["content"].strip()
        assert soup.select_one('meta[property="og:description"]')["content"] == descriptions[relative]
        if not base:
            assert soup.select('link[rel="canonical"]') == [] and soup.select('meta[property="og:url"]') == []
        assert "example.org" not in (built_book / relative).read_text(encoding="utf-8")
    assert len(set(descriptions.values())) == len(descriptions), "pages share a description"
    neural = claims[claims["evidence_section"].str.startswith("neural_signalling#")]
    assert descriptions["chapters/neural_signalling.html"].startswith(f"Verdicts on {len(neural)} claims")
    for verdict, count in neural["verdict"].value_counts().items():
        assert f"{count} {verdict}" in descriptions["chapters/neural_signalling.html"]


def test_icon_template_differs_from_the_theme_only_in_the_icon_script():
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "webpack-macros.html"
    ours = ROOT / "src" / "claimcheck" / "templates" / "static" / "webpack-macros.html"
    theirs_lines = theme.read_text().splitlines()
    our_lines = re.sub(r"\{#-.*?-#\}\n", "", ours.read_text(), flags=re.S).splitlines()
    changed = [(a, b) for a, b in zip(theirs_lines, our_lines) if a != b]
    assert len(theirs_lines) == len(our_lines)
    assert len(changed) == 2 and "fontawesome.js" in changed[1][0] and "icons.js" in changed[1][1], changed


def test_every_icon_is_drawn(server, browser):  # noqa: F811
    """Each Font Awesome icon element in the page chrome gets its inline SVG from icons.js (an
    icon missing from icons.js would leave an empty button)."""
    context = fresh_state_context(browser, PHONE)
    empty = {}
    for relative in ["index.html", "chapters/method.html", "chapters/neural_signalling.html", GLOSSARY]:
        page, errors, _ = open_page(context, f"{server}/{relative}", server)
        missing = page.evaluate("() => Array.from(document.querySelectorAll(\"i[class*='fa-'], span[class*='fa-']\"))"
                                ".filter(e => !e.querySelector('svg.cc-icon')).map(e => e.className)")
        drawn = page.evaluate("() => document.querySelectorAll('svg.cc-icon').length")
        if missing or drawn < 5:
            empty[relative] = (missing, drawn)
        assert errors == []
        page.close()
    context.close()
    assert empty == {}


def test_maths_is_drawn_as_mathml(built_book, server, browser):  # noqa: F811
    """Pages with maths carry MathML, which the browser lays out itself (no MathJax)."""
    with_maths = [p for p in html_pages(built_book) if 'class="math' in (built_book / p).read_text(encoding="utf-8")]
    assert with_maths, "no page with maths found"
    context = fresh_state_context(browser, PHONE)
    for relative in with_maths:
        page, errors, _ = open_page(context, f"{server}/{relative}", server)
        boxes = page.eval_on_selector_all(".math math", "ms => ms.map(m => m.getBoundingClientRect().width)")
        assert boxes and all(width > 0 for width in boxes), relative
        assert errors == []
        page.close()
    context.close()


LINES_OF = """c => { const r = document.createRange(); r.selectNodeContents(c);
  return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size; }"""


def test_numbers_with_intervals_stay_on_one_line_on_a_phone(server, browser):  # noqa: F811
    context = touch_context(browser)
    page, _, _ = open_page(context, f"{server}/chapters/diabetes_fitness.html", server)
    cells = page.eval_on_selector_all(
        "article td.num", f"cs => cs.map(c => ({{text: c.textContent.trim(), ws: getComputedStyle(c).whiteSpace, "
                          f"lines: ({LINES_OF})(c)}}))")
    context.close()
    intervals = [c for c in cells if " to " in c["text"] or "(" in c["text"]]
    assert len(intervals) >= 3, "no interval cells found"
    wrapped = [c["text"] for c in cells if c["ws"] != "nowrap" or c["lines"] != 1]
    assert wrapped == []


CONTRAST = """(selector) => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const element = document.querySelector(selector);
  let node = element, background = null;
  while (node && node.nodeType === 1) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { background = c; break; }
    node = node.parentElement;
  }
  background = background || [255, 255, 255];
  const [a, b] = [lum(parse(getComputedStyle(element).color)), lum(background)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_register_reads_in_dark_mode(server, browser):  # noqa: F811
    """In dark mode the register's text keeps at least 4.5:1 contrast with what is behind it (the
    theme puts notebook HTML outputs on a light slab)."""
    context = touch_context(browser)
    page, _, _ = open_page(context, f"{server}/chapters/register.html", server)
    page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'; }")
    ratios = {s: page.evaluate(CONTRAST, s) for s in ("table.claim-register .claim-text", "table.claim-register .claim-details")}
    context.close()
    assert all(r >= 4.5 for r in ratios.values()), ratios


def test_the_landing_page_title_is_said_once(built_book):
    landing = (built_book / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", landing, re.S).group(1)
    assert "&#8212;" not in title and "\u2014" not in title, title
    chapter = (built_book / "chapters" / "method.html").read_text(encoding="utf-8")
    assert "&#8212;" in re.search(r"<title>(.*?)</title>", chapter, re.S).group(1)  # other pages keep the book's name
