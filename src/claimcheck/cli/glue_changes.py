"""Which glued values a re-run moved: the values stored in a notebook's outputs, compared with the
book's, verdict-relevant ones first (named in the notebook's ``claimcheck.verdict_glue`` metadata
or used in the text of a claim's evidence section)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from claimcheck.data.parameters import cell_source

VERDICT_GLUE_KEY = "verdict_glue"  # notebook metadata: {"claimcheck": {"verdict_glue": [...]}}
MAX_SHOWN = 48

_EVIDENCE_LABEL = re.compile(r"^\s*\(evidence-[\w-]+\)=", re.M)
_SECTION_HEADING = re.compile(r"^\s*#{1,2}\s", re.M)
_GLUE_ROLE = re.compile(r"\{glue(?::[\w-]*)?\}`([^`:<>]+)")
_GLUE_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\s*\{glue(?::[\w-]*)?\}\s+([^\s`]+)", re.M)


def glued_values(notebook: dict) -> dict[str, dict]:
    """Every glued value stored in a notebook's outputs: name -> its stored MIME bundle
    (the ``application/papermill.record/`` prefix myst-nb adds is removed), in notebook order."""
    found: dict[str, dict] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            scrap = (output.get("metadata") or {}).get("scrapbook")
            if not scrap or "name" not in scrap:
                continue
            prefix = scrap.get("mime_prefix", "")
            found[scrap["name"]] = {key.removeprefix(prefix): value for key, value in (output.get("data") or {}).items()}
    return found


def shown(bundle: dict | None) -> str:
    """A glued value as one short line of text."""
    if bundle is None:
        return "(absent)"
    text = bundle.get("text/plain")
    if text is None:
        return "(" + ", ".join(sorted(bundle)) + ")"
    text = "".join(text) if isinstance(text, list) else str(text)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    one_line = lines[0] + (" …" if len(lines) > 1 else "") if lines else "''"
    return one_line if len(one_line) <= MAX_SHOWN else one_line[: MAX_SHOWN - 1] + "…"


def _plain_text(bundle: dict | None) -> str | None:
    if not bundle or "text/plain" not in bundle:
        return None
    text = bundle["text/plain"]
    return " ".join(("".join(text) if isinstance(text, list) else str(text)).split())


def _shown_pair(book: dict | None, rerun: dict | None) -> tuple[str, str]:
    """Both values as short text; when the shortened texts would look the same, both are shown
    from a little before the first character that differs."""
    left, right = shown(book), shown(rerun)
    old, new = _plain_text(book), _plain_text(rerun)
    if left != right or old is None or new is None or old == new:
        return left, right
    first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(first - 12, 0)

    def window(text: str) -> str:
        part = ("…" if start else "") + text[start:start + MAX_SHOWN - 2]
        return part + ("…" if start + MAX_SHOWN - 2 < len(text) else "")

    return window(old), window(new)


def glue_names_in_text(text: str) -> list[str]:
    return [name.strip() for name in _GLUE_ROLE.findall(text) + _GLUE_DIRECTIVE.findall(text)]


def verdict_relevant(notebook: dict, names) -> set[str]:
    """Which of ``names`` feed a verdict: listed (or matched by a pattern) in the notebook's
    ``claimcheck.verdict_glue`` metadata, or used in the text of an evidence section."""
    patterns = list(((notebook.get("metadata") or {}).get("claimcheck") or {}).get(VERDICT_GLUE_KEY) or [])
    in_evidence: set[str] = set()
    inside = False
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = cell_source(cell)
        label = _EVIDENCE_LABEL.search(text)
        if label:
            inside = True
            text = text[label.start():]
        elif _SECTION_HEADING.search(text):
            inside = False
        if inside:
            in_evidence.update(glue_names_in_text(text))
    return {name for name in names
            if name in in_evidence or any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)}


@dataclass(frozen=True)
class Change:
    name: str
    book: str
    rerun: str
    verdict_relevant: bool


def changes(book: dict, rerun: dict, relevant: set[str]) -> list[Change]:
    """Every glued value that differs (or appears or disappears), verdict-relevant first, each
    group in notebook order."""
    order = list(book) + [name for name in rerun if name not in book]
    moved = [name for name in order if book.get(name) != rerun.get(name)]
    rows = [Change(name, *_shown_pair(book.get(name), rerun.get(name)), name in relevant) for name in moved]
    return sorted(rows, key=lambda change: not change.verdict_relevant)


def format_changes(rows: list[Change], total: int) -> str:
    if not rows:
        return f"No glued value changed: the re-run reproduces all {total} glued values of the book."
    table = [("", "name", "value in the book", "value re-run")]
    table += [("*" if r.verdict_relevant else "", r.name, r.book, r.rerun) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = [f"{len(rows)} of {total} glued values changed (* = verdict-relevant, listed first):"]
    for index, row in enumerate(table):
        lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  " + "  ".join(("-" if i else " ") * w for i, w in enumerate(widths)))
    return "\n".join(lines)
