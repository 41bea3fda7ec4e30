"""How to cite a page of the book: a formatted reference and a BibTeX entry, generated from
the book's metadata (``CITATION.cff`` and ``html.baseurl``) and the page's own title. While the
book has no published address, references give title and version and no address."""

from __future__ import annotations

import re

from claimcheck.data.bookmeta import BookMeta


def bibtex_key(meta: BookMeta, docname: str) -> str:
    stem = docname.rsplit("/", 1)[-1]
    return f"claimcheck{meta.year}{re.sub(r'[^a-z0-9]', '', stem.lower())}"


def _bibtex_escape(text: str) -> str:
    return text.replace("&", r"\&").replace("%", r"\%").replace("#", r"\#").replace("_", r"\_")


def bibtex(meta: BookMeta, docname: str, title: str, anchor: str = "") -> str:
    authors = " and ".join("{" + a + "}" for a in meta.authors)
    fields = [
        ("author", authors),
        ("title", "{" + _bibtex_escape(title) + "}"),
        ("booktitle", "{" + _bibtex_escape(meta.title) + "}"),
        ("year", meta.year),
        ("version", meta.version),
        ("url", meta.page_url(docname, anchor) if meta.published else ""),
        ("note", f"Version {meta.version}, released {meta.date_released}"),
    ]
    fields = [(name, value) for name, value in fields if value]
    body = ",\n".join(f"  {name:<9} = {{{value}}}" for name, value in fields)
    entry_type = "misc" if docname == "index" else "incollection"
    key = bibtex_key(meta, docname) + (anchor.replace("-", "") if anchor else "")
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def reference(meta: BookMeta, docname: str, title: str, anchor: str = "") -> str:
    """A plain-text reference in author-year style."""
    authors = "; ".join(meta.authors)
    url = f" {meta.page_url(docname, anchor)}" if meta.published else ""
    if docname == "index":
        return f"{authors} ({meta.year}). {meta.title} (version {meta.version}).{url}"
    return f"{authors} ({meta.year}). {title}. In: {meta.title} (version {meta.version}).{url}"
