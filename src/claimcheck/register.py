"""The claim register: one table, three renderings (HTML for people, JSON and schema.org
ClaimReview JSON-LD for programs), all built from ``data/claims.csv``."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from .bookmeta import BookMeta
from .datapackage import DataValidationError, Problem, find_data_dir, read_descriptor, resource_descriptor
from .plotstyle import VERDICT_COLOURS

REGISTER_DOC = "chapters/register"
MULTI_VALUED = ("primary_sources", "primary_dois", "species", "flags")
# Numeric ratings for ClaimReview, best = 5; "not assessable" and "pending" get none.
VERDICT_RATING = {
    "supported": 5,
    "partly supported": 4,
    "not supported by the cited evidence": 2,
    "contradicted": 1,
}
VERDICT_ORDER = [
    "supported", "partly supported", "not supported by the cited evidence", "contradicted",
    "not assessable", "pending",
]
FLAG_LABELS = {
    "advice_beyond_evidence": "advice beyond the evidence",
    "causal_from_correlational": "causal wording from correlational data",
    "animal_to_human": "inference to humans from animal or cell studies",
}


def anchor(claim_id: str) -> str:
    return f"claim-{claim_id.lower()}"


def evidence_docname(section: str) -> tuple[str, str]:
    """``neural_signalling#evidence-c02`` -> (``chapters/neural_signalling``, ``evidence-c02``)."""
    page, _, target = section.partition("#")
    return f"chapters/{page}", target


def split(value) -> list[str]:
    if value is None or pd.isna(value) or value == "":
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def post_metadata(data_dir: Path | None = None) -> dict:
    data_dir = data_dir or find_data_dir()
    return resource_descriptor("claims", read_descriptor(data_dir))["x-post"]


def history_problems(claims: pd.DataFrame, history: pd.DataFrame) -> list[Problem]:
    """Where the verdict history and the register disagree (row numbers are data rows)."""
    problems = []
    label = "data/verdict_history.csv"
    known = set(claims["claim_id"])
    previous: dict[str, str] = {}
    last_date: dict[str, pd.Timestamp] = {}
    for row_number, row in enumerate(history.to_dict(orient="records"), start=1):
        cid = row["claim_id"]
        if cid not in known:
            problems.append(Problem(label, row_number, "claim_id", f"{cid} is not in data/claims.csv"))
            continue
        expected_old = previous.get(cid, "none")
        if row["old_verdict"] != expected_old:
            problems.append(Problem(label, row_number, "old_verdict",
                                    f"{cid} had verdict {expected_old!r} before this change, not {row['old_verdict']!r}"))
        if cid in last_date and row["date"] < last_date[cid]:
            problems.append(Problem(label, row_number, "date", f"{cid}: changes must be in date order"))
        previous[cid] = row["new_verdict"]
        last_date[cid] = row["date"]
    for row_number, row in enumerate(claims.to_dict(orient="records"), start=1):
        cid = row["claim_id"]
        if previous.get(cid) != row["verdict"]:
            problems.append(Problem("data/claims.csv", row_number, "verdict",
                                    f"{cid} is {row['verdict']!r} but its last recorded change in "
                                    f"data/verdict_history.csv is to {previous.get(cid)!r}; record the change"))
    return problems


def check_history(claims: pd.DataFrame, history: pd.DataFrame) -> None:
    problems = history_problems(claims, history)
    if problems:
        raise DataValidationError(problems)


def last_changes(history: pd.DataFrame) -> dict[str, dict]:
    latest = history.sort_values(["date", "change_id"]).groupby("claim_id").tail(1)
    return {
        row["claim_id"]: {
            "date": row["date"].strftime("%Y-%m-%d"),
            "version": row["version"],
            "from": row["old_verdict"],
            "to": row["new_verdict"],
            "reason": row["reason"],
        }
        for row in latest.to_dict(orient="records")
    }


def claim_citation(record: dict, meta: BookMeta) -> str:
    address = f" {record['register_url']}" if meta.published else ""
    return (f"{'; '.join(meta.authors)} ({meta.year}). Claim {record['claim_id']}: {record['claim']} "
            f"In: {meta.title} (version {meta.version}).{address}")


def records(claims: pd.DataFrame, meta: BookMeta, history: pd.DataFrame | None = None) -> list[dict]:
    """The register as plain JSON-ready dicts, with absolute links to each claim and its evidence."""
    changes = last_changes(history) if history is not None else {}
    out = []
    for row in claims.to_dict(orient="records"):
        record = {k: (None if pd.isna(v) else (int(v) if k == "paragraph" else v)) for k, v in row.items()}
        for column in MULTI_VALUED:
            record[column] = split(row[column])
        docname, target = evidence_docname(row["evidence_section"])
        record["anchor"] = anchor(row["claim_id"])
        record["register_url"] = meta.page_url(REGISTER_DOC, record["anchor"])
        record["evidence_url"] = meta.page_url(docname, target)
        record["last_change"] = changes.get(row["claim_id"])
        record["cite_as"] = claim_citation(record, meta)
        out.append(record)
    return out


def to_json(claims: pd.DataFrame, meta: BookMeta, history: pd.DataFrame | None = None) -> str:
    payload = {
        "title": f"Claim register of {meta.title}",
        "version": meta.version,
        "date": meta.date_released,
        "source": "data/claims.csv",
        "claims": records(claims, meta, history),
    }
    return json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=False)


def claim_reviews(claims: pd.DataFrame, meta: BookMeta, post: dict) -> list[dict]:
    """schema.org ClaimReview objects for every claim that has a verdict (pending ones are left out)."""
    reviews = []
    for record in records(claims, meta):
        verdict = record["verdict"]
        if verdict == "pending":
            continue
        rating = {"@type": "Rating", "alternateName": verdict}
        if verdict in VERDICT_RATING:
            rating.update({"ratingValue": VERDICT_RATING[verdict], "bestRating": 5, "worstRating": 1})
        reviews.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": record["register_url"],
                "claimReviewed": record["claim"],
                "reviewRating": rating,
                "itemReviewed": {
                    "@type": "Claim",
                    "appearance": {
                        "@type": "CreativeWork",
                        "url": post["url"],
                        "headline": post["headline"],
                        "datePublished": post["datePublished"],
                        "publisher": {"@type": "Organization", "name": post["publisher"]},
                    },
                },
                "author": [{"@type": "Organization", "name": name} for name in meta.authors],
                "datePublished": meta.date_released,
                "reviewBody": record["rationale"],
            }
        )
    return reviews


class JsonLd:
    """Embeds the ClaimReview data in a web page; contributes nothing to the PDF."""

    def __init__(self, script: str):
        self.script = script

    def _repr_html_(self) -> str:
        return self.script

    def _repr_markdown_(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "schema.org ClaimReview data"


def jsonld_script(claims: pd.DataFrame, meta: BookMeta, post: dict) -> str:
    body = json.dumps(claim_reviews(claims, meta, post), indent=1, ensure_ascii=False)
    # "</" inside a script element would end it early; JSON allows the escaped form.
    return '<script type="application/ld+json">\n' + body.replace("</", "<\\/") + "\n</script>"


def _badge(verdict: str) -> str:
    colour = VERDICT_COLOURS.get(verdict, "#DDDDDD")
    return (f'<span class="verdict-badge" style="border-left: 0.6em solid {colour}">'
            f"{html.escape(verdict)}</span>")


def html_table(claims: pd.DataFrame, history: pd.DataFrame | None = None) -> str:
    """An accessible table: caption, column headers, a row header per claim, an anchor per row."""
    changes = last_changes(history) if history is not None else {}
    head = ("<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in (
        "Claim", "What the post says (our words)", "Verdict", "Certainty", "Evidence")) + "</tr></thead>")
    rows = []
    for row in claims.to_dict(orient="records"):
        cid = row["claim_id"]
        flags = [FLAG_LABELS.get(f, f) for f in split(row["flags"]) if f not in ("none", "pending")]
        details = [
            f"Cluster: {html.escape(row['cluster'])}; post paragraph {int(row['paragraph'])}.",
            f"Post cites: {html.escape(row['post_cites'])}.",
        ]
        if row["verdict"] != "pending":
            details.append(f"Citation accuracy: {html.escape(row['citation_accuracy'])}.")
            if flags:
                details.append("Flags: " + html.escape("; ".join(flags)) + ".")
            details.append(html.escape(row["rationale"] or ""))
        change = changes.get(cid)
        if change:
            details.append(f"Last change {change['date']} (version {html.escape(change['version'])}): "
                           f"{html.escape(change['from'])} → {html.escape(change['to'])}.")
        docname, target = evidence_docname(row["evidence_section"])
        if row["verdict"] == "pending":
            evidence = "chapter in preparation"
        else:
            page = docname.removeprefix("chapters/")
            evidence = (f'<a href="{page}.html#{target}">{html.escape(row["evidence_type"].replace("_", " "))}'
                        f' ({html.escape(row["species"])})</a>')
        rows.append(
            f'<tr id="{anchor(cid)}">'
            f'<th scope="row"><a class="claim-anchor" href="#{anchor(cid)}">{cid}</a></th>'
            f'<td><p class="claim-text">{html.escape(row["claim"])}</p>'
            f'<p class="claim-details">{" ".join(details)}</p></td>'
            f'<td data-label="Verdict">{_badge(row["verdict"])}</td>'
            f'<td data-label="Certainty">{html.escape(row["certainty"])}</td>'
            f'<td data-label="Evidence">{evidence}</td></tr>'
        )
    return ('<div class="register-wrap"><table class="claim-register">'
            "<caption>Every checkable claim in the post, with our verdict. Select a claim's id to link to it; "
            "select its evidence to open the chapter section that holds it.</caption>"
            f"{head}<tbody>{''.join(rows)}</tbody></table></div>")


def verdict_counts(claims: pd.DataFrame, by: str) -> pd.DataFrame:
    """Claims per verdict (columns, in a fixed order) for each level of ``by`` (rows)."""
    table = pd.crosstab(claims[by], claims["verdict"])
    return table.reindex(columns=[v for v in VERDICT_ORDER if v in table.columns], fill_value=0)


def markdown_table(claims: pd.DataFrame) -> str:
    """The register as a Markdown table, used where HTML cannot be shown (the PDF edition)."""

    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| Id | Claim (our words) | Verdict | Certainty |", "|---|---|---|---|"]
    for row in claims.to_dict(orient="records"):
        claim = cell(row["claim"])
        if row["verdict"] != "pending" and row["rationale"]:
            claim += " *" + cell(row["rationale"]) + "*"
        lines.append(f"| {row['claim_id']} | {claim} | {cell(row['verdict'])} | {cell(row['certainty'])} |")
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
        return f"Claim register: {len(self.claims)} claims"
