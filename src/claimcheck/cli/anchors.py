"""Published addresses that must never break.

``tests/published_anchors.txt`` lists every page and in-page anchor a reader may have linked
to or cited: each page, each claim in the register, each claim's evidence section. The list
only grows: ``python -m claimcheck.cli.anchors --update`` adds what a build newly publishes, and
the tests fail if any listed address disappears, for example after a chapter is renamed.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from claimcheck import paths

LIST_FILE = paths.PUBLISHED_ANCHORS
# Anchors worth promising: claims, evidence sections and the cite section.
STABLE_ID = re.compile(r"^(claim-c\d{2}[a-z]?|evidence-c\d{2}[a-z]?|cite-this-page)$")


def page_ids(page: Path) -> set[str]:
    """Every non-empty ``id`` on a built page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {element["id"] for element in soup.find_all(id=True) if element["id"]}


def pages(html_dir: Path) -> list[Path]:
    skip = {"genindex.html", "search.html"}
    return sorted(p for p in html_dir.rglob("*.html")
                  if p.name not in skip and not {"_static", "_sources", "_cite"} & set(p.relative_to(html_dir).parts))


def current(html_dir: Path) -> set[str]:
    """Every page and stable anchor in a built book, as ``page`` or ``page#anchor``."""
    found = set()
    for page in pages(html_dir):
        relative = page.relative_to(html_dir).as_posix()
        found.add(relative)
        found |= {f"{relative}#{i}" for i in page_ids(page) if STABLE_ID.match(i)}
    return found


def read_list(root: Path) -> list[str]:
    path = root / LIST_FILE
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def missing(root: Path, html_dir: Path) -> list[str]:
    built = current(html_dir)
    return [address for address in read_list(root) if address not in built]


def update(root: Path, html_dir: Path) -> list[str]:
    listed = read_list(root)
    added = sorted(current(html_dir) - set(listed))
    header = ("# Published addresses (page or page#anchor). Never remove a line: a test fails if one\n"
              "# disappears from the built book. Add new ones with `python -m claimcheck.cli.anchors --update`.\n")
    (root / LIST_FILE).write_text(header + "\n".join(sorted(set(listed) | set(added))) + "\n")
    return added


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="add newly published addresses to the list")
    parser.add_argument("--html", type=Path, default=Path("_build/html"))
    args = parser.parse_args(argv)
    root = Path.cwd()
    if args.update:
        for address in update(root, args.html):
            print(f"added {address}")
    gone = missing(root, args.html)
    for address in gone:
        print(f"MISSING {address}")
    return 1 if gone else 0


if __name__ == "__main__":
    raise SystemExit(main())
