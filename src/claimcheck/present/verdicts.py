"""Verdicts for readers: the coloured verdict label and the verdict boxes that open each chapter.

A verdict is never typed into a page: every label and box is rendered here from the register
(:mod:`claimcheck.data.register`), as HTML on the web and Markdown in the PDF. The label always
carries the verdict's name (never colour alone)."""

from __future__ import annotations

import html
import posixpath
from pathlib import Path

import pandas as pd

from claimcheck import vocab
from claimcheck.data.package import load
from claimcheck.data.register import (
    REGISTER_DOC,
    anchor,
    cell_text,
    evidence_docname,
    is_part,
    parts_of,
    rests_on_secondary,
    source_tiers,
)
from claimcheck.present.tables import markdown_text


def label_html(verdict: str, claim_id: str | None = None, certainty: str | None = None) -> str:
    """The verdict as a coloured label that always carries its name (never colour alone)."""
    v = vocab.VERDICTS[verdict]
    data = f' data-claim="{html.escape(claim_id)}"' if claim_id else ""
    if certainty is not None:
        data += f' data-certainty="{html.escape(certainty)}"'
    return (f'<span class="verdict-label verdict-{v.slug}" data-verdict="{html.escape(verdict)}"{data} '
            f'style="background-color: {v.colour}; color: #000000; padding: 0 0.3em; border-radius: 0.2em">'
            f"{html.escape(v.label)}</span>")


# --- verdict boxes ---------------------------------------------------------------------------

SECONDARY_NOTE = ("Some numbers behind this verdict were read only in a secondary report (news, press release "
                  "or blog), not in the study itself.")


class VerdictBox:
    """One claim's verdict, for the top of a chapter or the landing page.

    The claim in our words, the verdict as a coloured label with what it means, the certainty
    in plain words, why, its parts (if any), and a link down to the evidence. HTML on the web
    (CSS classes ``verdict-box``, ``verdict-label``, ``verdict-<slug>``); Markdown in the PDF.
    ``base`` is the folder of the page showing the box, relative to the book root.
    """

    def __init__(self, row: dict, parts: list[dict] | None = None, base: str = "chapters",
                 secondary: bool = False):
        self.row, self.parts, self.base, self.secondary = row, parts or [], base.strip("/"), secondary

    def _href(self, docname: str, target: str) -> str:
        return f"{posixpath.relpath(docname, self.base or '.')}.html#{target}"

    def _repr_html_(self) -> str:
        row = self.row
        v = vocab.VERDICTS[row["verdict"]]
        cid = row["claim_id"]
        docname, target = evidence_docname(row["evidence_section"])
        register = self._href(REGISTER_DOC, anchor(cid))
        parts = ""
        if self.parts:
            items = "".join(
                f'<li class="verdict-part" data-claim="{html.escape(p["claim_id"])}">'
                f'<a href="{self._href(REGISTER_DOC, anchor(p["claim_id"]))}">{html.escape(p["claim_id"])}</a> '
                f'{label_html(p["verdict"], p["claim_id"], p["certainty"])} '
                f'<span class="verdict-part-certainty">certainty: {html.escape(p["certainty"])}</span>. '
                f'<span class="verdict-part-claim">{html.escape(p["claim"])}</span></li>'
                for p in self.parts)
            parts = f'<p class="verdict-parts-title">Its parts, judged one at a time:</p><ul class="verdict-parts">{items}</ul>'
        secondary = f'<p class="verdict-secondary">{html.escape(SECONDARY_NOTE)}</p>' if self.secondary else ""
        return (
            f'<div class="verdict-box verdict-{v.slug}" data-claim="{html.escape(cid)}" '
            f'style="border-left: 0.5em solid {v.colour}">'
            f'<p class="verdict-claim"><a class="verdict-claim-id" href="{register}">{html.escape(cid)}</a> '
            f'{html.escape(row["claim"])}</p>'
            f'<p class="verdict-line">{label_html(row["verdict"], cid, row["certainty"])} '
            f'<span class="verdict-meaning">{html.escape(v.meaning)}</span></p>'
            f'<p class="verdict-certainty"><strong>Certainty: {html.escape(row["certainty"])}</strong>: '
            f'{html.escape(vocab.CERTAINTY_PLAIN[row["certainty"]])}.</p>'
            f'<p class="verdict-why">{html.escape(cell_text(row["rationale"]))}</p>'
            f"{secondary}{parts}"
            f'<p class="verdict-more"><a href="{self._href(docname, target)}">The evidence for {html.escape(cid)}</a></p>'
            "</div>"
        )

    def _repr_markdown_(self) -> str:
        row = self.row
        v = vocab.VERDICTS[row["verdict"]]
        _, target = evidence_docname(row["evidence_section"])
        lines = [f"**{row['claim_id']}**: {markdown_text(row['claim'])}", "",
                 f"**Verdict: {v.label}.** {markdown_text(v.meaning)}", "",
                 f"**Certainty: {row['certainty']}**: {markdown_text(vocab.CERTAINTY_PLAIN[row['certainty']])}.", "",
                 markdown_text(cell_text(row["rationale"])), ""]
        if self.secondary:
            lines += [SECONDARY_NOTE, ""]
        if self.parts:
            lines.append("Its parts, judged one at a time:")
            lines.append("")
            lines += [f"- **{p['claim_id']}** ({vocab.VERDICTS[p['verdict']].label}; certainty {p['certainty']}): "
                      f"{markdown_text(p['claim'])}" for p in self.parts]
            lines.append("")
        lines.append(f"{{ref}}`The evidence for {row['claim_id']} <{target}>`")
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:
        return f"Verdict on {self.row['claim_id']}: {self.row['verdict']} ({self.row['certainty']} certainty)"


class VerdictBoxes:
    """Several verdict boxes shown as one output."""

    def __init__(self, boxes: list[VerdictBox]):
        self.boxes = boxes

    def _repr_html_(self) -> str:
        return '<div class="verdict-boxes">' + "".join(b._repr_html_() for b in self.boxes) + "</div>"

    def _repr_markdown_(self) -> str:
        return "\n---\n\n".join(b._repr_markdown_() for b in self.boxes)

    def __repr__(self) -> str:
        return "\n".join(repr(b) for b in self.boxes)

    def __iter__(self):
        return iter(self.boxes)

    def __len__(self):
        return len(self.boxes)


def verdict_boxes(selection, claims: pd.DataFrame | None = None, base: str = "chapters",
                  data_dir: Path | None = None) -> VerdictBoxes:
    """The verdict boxes for a cluster (``"neural signalling"``), one claim id (``"C04"``) or a list
    of claim ids, in register order, each whole claim with its parts. A part's id gives that part's
    own box. Read from ``data/claims.csv`` (validated) unless ``claims`` is given.

    In a chapter notebook::

        from claimcheck.present.verdicts import verdict_boxes
        verdict_boxes("neural signalling")   # last line of a cell tagged remove-input
    """
    if claims is None:
        claims = load("claims", data_dir)
    tiers = source_tiers(data_dir)
    rows = claims.to_dict(orient="records")
    clusters = set(claims["cluster"])
    ids = set(claims["claim_id"])
    if isinstance(selection, str) and selection in clusters:
        wanted = [r["claim_id"] for r in rows if r["cluster"] == selection and not is_part(r)]
    else:
        wanted = [selection] if isinstance(selection, str) else list(selection)
        unknown = [c for c in wanted if c not in ids]
        if unknown:
            raise KeyError(f"not in data/claims.csv: {', '.join(map(str, unknown))} "
                           f"(give claim ids or one of the clusters: {', '.join(sorted(clusters))})")
    parts = parts_of(claims)
    order = {r["claim_id"]: i for i, r in enumerate(rows)}
    boxes = []
    for cid in sorted(dict.fromkeys(wanted), key=order.get):
        row = rows[order[cid]]
        boxes.append(VerdictBox(row, [] if is_part(row) else parts.get(cid, []), base=base,
                                secondary=rests_on_secondary(row, tiers)))
    return VerdictBoxes(boxes)

