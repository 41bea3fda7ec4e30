"""The register page: the table of every claim (HTML on the web, Markdown in the PDF), the
verdict counts and the chart of verdicts by cluster and evidence type.

Rules and data access are in :mod:`claimcheck.data.register`, verdict labels and boxes in
:mod:`claimcheck.present.verdicts`, claims.json and ClaimReview in :mod:`claimcheck.present.export`."""

from __future__ import annotations

import html
import textwrap

import pandas as pd

from claimcheck import vocab
from claimcheck.data.register import anchor, cell_text, evidence_docname, is_part, last_changes, split, whole_claims
from claimcheck.present import labels, plotstyle
from claimcheck.present.tables import markdown_text
from claimcheck.present.verdicts import label_html

VERDICT_ORDER = list(vocab.VERDICTS)


def html_table(claims: pd.DataFrame, history: pd.DataFrame | None = None) -> str:
    """An accessible table: caption, column headers, a row header per claim and per part, an
    anchor per row. Parts follow their claim, marked ``claim-part``."""
    changes = last_changes(history) if history is not None else {}
    head = ("<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in (
        "Claim", "What the post says (our words)", "Verdict", "Certainty", "Evidence")) + "</tr></thead>")
    rows = []
    for row in claims.to_dict(orient="records"):
        cid = row["claim_id"]
        flags = [labels.label(f, "flags") for f in split(row["flags"]) if f not in ("none", "pending")]
        details = []
        if is_part(row):
            details.append(f"Part of {html.escape(row['parent'])}.")
        else:
            details += [f"Cluster: {html.escape(row['cluster'])}; post paragraph {int(row['paragraph'])}.",
                        f"Post cites: {html.escape(row['post_cites'])}."]
        if row["verdict"] != "pending":
            details.append(f"Citation accuracy: {html.escape(row['citation_accuracy'])}.")
            if flags:
                details.append("Flags: " + html.escape("; ".join(flags)) + ".")
            details.append(html.escape(cell_text(row["rationale"])))
        change = changes.get(cid)
        if change:
            details.append(f"Last change {change['date']} (version {html.escape(change['version'])}): "
                           f"{html.escape(change['from'])} → {html.escape(change['to'])}.")
        docname, target = evidence_docname(row["evidence_section"])
        if row["verdict"] == "pending":
            evidence = "chapter in preparation"
        else:
            page = docname.removeprefix("chapters/")
            kind = "the chapter's section" if row["evidence_type"] == "none" else row["evidence_type"].replace("_", " ")
            species = "" if row["species"] == "none" else f" ({html.escape(row['species'])})"
            evidence = f'<a href="{page}.html#{target}">{html.escape(kind)}{species}</a>'
        part_class = ' class="claim-part"' if is_part(row) else ""
        certainty = html.escape(row["certainty"])
        rows.append(
            f'<tr id="{anchor(cid)}"{part_class}>'
            f'<th scope="row"><a class="claim-anchor" href="#{anchor(cid)}">{cid}</a></th>'
            f'<td><p class="claim-text">{html.escape(row["claim"])}</p>'
            f'<p class="claim-details">{" ".join(details)}</p></td>'
            f'<td data-label="Verdict">{label_html(row["verdict"], cid, row["certainty"])}</td>'
            f'<td data-label="Certainty"><span class="certainty-level">{certainty}</span>'
            f'<span class="certainty-plain">: {html.escape(vocab.CERTAINTY_PLAIN[row["certainty"]])}</span></td>'
            f'<td data-label="Evidence">{evidence}</td></tr>'
        )
    return ('<div class="register-wrap"><table class="claim-register">'
            "<caption>Every checkable claim in the post, with our verdict; a claim with parts is followed by "
            "its parts. Select a claim's id to link to it; select its evidence to open the chapter section that "
            "holds it.</caption>"
            f"{head}<tbody>{''.join(rows)}</tbody></table></div>")



def verdict_counts(claims: pd.DataFrame, by: str) -> pd.DataFrame:
    """Whole claims per verdict (columns, in a fixed order) for each level of ``by`` (rows)."""
    whole = whole_claims(claims) if "parent" in claims.columns else claims
    table = pd.crosstab(whole[by], whole["verdict"])
    return table.reindex(columns=[v for v in VERDICT_ORDER if v in table.columns], fill_value=0)


def markdown_table(claims: pd.DataFrame) -> str:
    """The register as a Markdown table, used where HTML cannot be shown (the PDF edition)."""
    lines = ["| Id | Claim (our words) | Verdict | Certainty |", "|---|---|---|---|"]
    for row in claims.to_dict(orient="records"):
        claim = markdown_text(row["claim"])
        if row["verdict"] != "pending" and row["rationale"]:
            claim += " *" + markdown_text(row["rationale"]) + "*"
        if is_part(row):
            claim = f"Part of {row['parent']}: {claim}"
        lines.append(f"| {row['claim_id']} | {claim} | {markdown_text(vocab.VERDICTS[row['verdict']].label)} | {markdown_text(row['certainty'])} |")
    return "\n".join(lines)


class RegisterTable:
    """Displays as the accessible HTML table on the web and as a longtable in the PDF."""

    def __init__(self, claims: pd.DataFrame, history: pd.DataFrame | None = None):
        self.claims, self.history = claims, history

    def _repr_html_(self) -> str:
        return html_table(self.claims, self.history)

    def _repr_markdown_(self) -> str:
        return markdown_table(self.claims)

    def __repr__(self) -> str:
        return f"Claim register: {len(self.claims)} claims and parts"


def summary_sentence(claims: pd.DataFrame) -> str:
    """How many claims got each verdict, in the rubric's order, as words for a sentence
    (for example "2 supported, 12 partly supported and 5 not supported")."""
    counts = claims["verdict"].value_counts()
    pieces = [f"{int(counts[v])} {v}" for v in VERDICT_ORDER if counts.get(v, 0)]
    return pieces[0] if len(pieces) == 1 else ", ".join(pieces[:-1]) + " and " + pieces[-1]


def verdict_chart(claims: pd.DataFrame):
    """Two stacked bar charts of whole claims by verdict: by cluster, and by strongest evidence
    type. Each segment is outlined so the split also reads in grey; the legend names every verdict."""
    import matplotlib.pyplot as plt
    import numpy as np

    def stacked_bars(ax, table, title):
        left = np.zeros(len(table))
        for verdict in table.columns:
            values = table[verdict].to_numpy()
            ax.barh(table.index, values, left=left, color=vocab.VERDICTS[verdict].colour,
                    edgecolor="black", linewidth=0.6, label=vocab.VERDICTS[verdict].label)
            left += values
        ax.set_title(title, loc="left")
        ax.set_xlabel("number of claims")
        ax.grid(axis="y", visible=False)
        ax.invert_yaxis()

    by_cluster = verdict_counts(claims, "cluster")
    by_type = verdict_counts(claims, "evidence_type")
    by_type.index = ["no body of evidence" if i == "none" else labels.label(i, "evidence_type") for i in by_type.index]
    # Phone width (plotstyle's default), panels stacked; long evidence words wrap onto two lines.
    by_type.index = [textwrap.fill(str(i), 22) for i in by_type.index]
    fig, axes = plt.subplots(2, 1, figsize=(plotstyle.FIGURE_WIDTH, 6.2))
    stacked_bars(axes[0], by_cluster, "By claim cluster")
    stacked_bars(axes[1], by_type, "By strongest evidence type")
    shown = [v for v in VERDICT_ORDER if v in by_cluster.columns or v in by_type.columns]
    handles = [plt.Rectangle((0, 0), 1, 1, color=vocab.VERDICTS[v].colour, ec="black") for v in shown]
    fig.legend(handles, [vocab.VERDICTS[v].label for v in shown], loc="lower center", ncol=2, frameon=False,
               bbox_to_anchor=(0.5, -0.02))
    fig.get_layout_engine().set(rect=(0, 0.12, 1, 0.88))
    return fig
