"""Screenshots of the introduction, the claim register and one chapter at phone width (390 px)
and desktop width (1280 px), from the built book (`make book` first).

    .venv/bin/python bench/screenshots.py            # writes bench/screenshots/*.png

Each screenshot is the first screen of the page (the part a reader sees on arrival), stored as
an 8-bit palette PNG so the files stay small enough to keep in the repository. Each run also
prints the page's scroll width against the window's: at 390 px they must be equal (no sideways
scrolling; tests/test_browser.py checks it on every page).
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
PAGES = {"introduction": "chapters/introduction.html", "register": "chapters/register.html",
         "chapter-neural-signalling": "chapters/neural_signalling.html"}
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
# The register is shown where its table starts, the chapter at its first wide table.
SCROLL_TO = {"register": "table.claim-register", "chapter-neural-signalling": ".table-scroll"}


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
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for name, relative in PAGES.items():
                page.goto(f"{base}/{relative}", wait_until="load")
                page.evaluate("async () => { if (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                              "await MathJax.startup.promise; }")
                if name in SCROLL_TO:
                    page.evaluate("(s) => { document.querySelector(s).scrollIntoView({block: 'start'}); "
                                  "window.scrollBy(0, -90); }", SCROLL_TO[name])
                page.wait_for_timeout(200)
                scroll, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
                target = OUT / f"{name}-{width_name}.png"
                target.write_bytes(small_png(page.screenshot()))
                print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1000:.0f} kB; "
                      f"page width {scroll} px in a {window} px window")
            context.close()
        browser.close()
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
