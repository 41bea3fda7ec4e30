"""The book's identity, read from the one place each fact lives.

Version, release date, title and authors come from ``CITATION.cff``; the published address
comes from ``html.baseurl`` in ``_config.yml``. While that address is not set (the book is not
published yet), nothing carries an address: links between the book's own files are relative,
and cite boxes give title and version only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from claimcheck import paths
from claimcheck.data import manifest
from claimcheck.data.descriptor import load_yaml


def _load_yaml(path: Path) -> dict:
    """A YAML file; a syntax error is a ValueError naming the file, line and column."""
    manifest.record_file(path)  # the notebook shows book metadata (invalidation)
    return load_yaml(path.read_text(encoding="utf-8"), path.name)


@dataclass(frozen=True)
class BookMeta:
    title: str
    version: str
    date_released: str
    authors: tuple[str, ...]
    base_url: str
    licence: str

    @property
    def published(self) -> bool:
        return bool(self.base_url)

    def page_url(self, docname: str, anchor: str = "") -> str:
        """The page's address; relative to the book's root while no address is set."""
        url = f"{self.base_url.rstrip('/')}/{docname}.html" if self.base_url else f"{docname}.html"
        return f"{url}#{anchor}" if anchor else url

    @property
    def year(self) -> str:
        return self.date_released[:4]


def read(root: Path | None = None) -> BookMeta:
    root = root or paths.book_root()
    cff = _load_yaml(root / "CITATION.cff")
    config = _load_yaml(root / "_config.yml")
    base_url = (config.get("html") or {}).get("baseurl") or ""
    if base_url and not base_url.startswith("https://"):
        raise ValueError("_config.yml: html.baseurl must be empty (not published yet) or the https "
                         "address the book is published at")
    authors = tuple(a.get("name") or f"{a['given-names']} {a['family-names']}" for a in cff["authors"])
    return BookMeta(
        title=cff["title"],
        version=str(cff["version"]),
        date_released=str(cff["date-released"]),
        authors=authors,
        base_url=base_url,
        licence=cff.get("license", ""),
    )
