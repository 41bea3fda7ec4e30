"""Links from data: only absolute http(s) addresses ever become links, everything else is escaped text."""

from __future__ import annotations

LINK_SCHEMES = ("http", "https")


def safe_url(url) -> str | None:
    """``url`` if it is an absolute http or https address, else None (``javascript:``, ``data:``,
    relative or malformed addresses are never turned into links)."""
    from urllib.parse import urlsplit

    if not isinstance(url, str):
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc or any(c.isspace() for c in text):
        return None
    return text


def link(url, text=None):
    """A link to ``url`` showing ``text`` (default: the address), both HTML-escaped, for tables.

    Only http and https addresses become links; anything else shows as escaped text. The result
    is ``markupsafe.Markup``, which the escaping tables (:class:`Table`, pandas Styler with the
    book's default ``styler.format.escape = "html"``) keep as markup while escaping every other cell.
    """
    from markupsafe import Markup, escape

    shown = url if text is None else text
    target = safe_url(url)
    if target is None:
        return escape("" if shown is None else str(shown))
    return Markup('<a href="{}">{}</a>').format(target, "" if shown is None else str(shown))


def published_link(path: str, depth: int = 1):
    """A link to a file the book publishes beside its pages (``data/mtl.csv``), relative to a page
    ``depth`` folders deep; escaped like :func:`link`, for the escaping tables."""
    from markupsafe import Markup

    return Markup('<a href="{}">{}</a>').format("../" * depth + path, path)
