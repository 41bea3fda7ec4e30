"""Screenshots of the top of every page of the book at phone width (390 x 844) and desktop width
(1366 x 900), from the built book (`make book` first), plus the phone menu opened.

    .venv/bin/python bench/screenshots.py            # writes bench/screenshots/*.png

Each screenshot is the first screen of the page (the part a reader sees on arrival), stored as
an 8-bit palette PNG so the files stay small enough to keep in the repository. Each run also
prints the page's scroll width against the window's: at 390 px they must be equal (no sideways
scrolling; tests/book/test_browser.py checks it on every page).
"""

from __future__ import annotations

import functools
import http.server
import io
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
OUT = ROOT / "bench" / "screenshots"

def book_pages() -> dict[str, str]:
    """Every page in the table of contents, named by its file: index, introduction, ..."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return {doc.rsplit("/", 1)[-1].replace("_", "-"): f"{doc}.html" for doc in docs}


PAGES = book_pages()
WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}
# Besides each page's top: the register where its table starts, a chapter at its first wide table.
SCROLL_TO = {"register-table": ("chapters/register.html", "table.claim-register"),
             "neural-signalling-table": ("chapters/neural_signalling.html", ".table-scroll")}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def small_png(data: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not (HTML / "index.html").is_file():
        print("build the book first: make book", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(HTML)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        for width_name, (width, height) in WIDTHS.items():
            phone = width_name == "phone"
            context = browser.new_context(viewport={"width": width, "height": height}, has_touch=phone,
                                          is_mobile=phone)
            page = context.new_page()
            shots = [(name, relative, None) for name, relative in PAGES.items()]
            shots += [(name, relative, selector) for name, (relative, selector) in SCROLL_TO.items()]
            for name, relative, selector in shots:
                page.goto(f"{base}/{relative}", wait_until="load")
                if selector:
                    page.evaluate("(s) => { document.querySelector(s).scrollIntoView({block: 'start'}); "
                                  "window.scrollBy(0, -90); }", selector)
                page.wait_for_timeout(300)
                scroll, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
                target = OUT / f"{name}-{width_name}.png"
                target.write_bytes(small_png(page.screenshot()))
                print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1000:.0f} kB; "
                      f"page width {scroll} px in a {window} px window")
            if width_name == "phone":  # the menu, opened by a tap
                page.goto(f"{base}/chapters/method.html", wait_until="load")
                page.locator(".primary-toggle").nth(1).tap()
                page.wait_for_selector("#pst-primary-sidebar-modal[open]")
                page.wait_for_timeout(300)
                target = OUT / "menu-open-phone.png"
                target.write_bytes(small_png(page.screenshot()))
                print(f"{target.relative_to(ROOT)}: menu opened by a tap")
            context.close()
        browser.close()
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
