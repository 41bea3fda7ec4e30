"""The claim register: one table, rendered everywhere a verdict appears.

``data/claims.csv`` (with ``data/verdict_history.csv``) is the only place a verdict, certainty,
flag or rationale is written. This module renders it: the register table (HTML and a Markdown
table for the PDF), the verdict boxes that open each chapter (:func:`verdict_boxes`), ``claims.json``
with its JSON Schema, and schema.org ClaimReview JSON-LD. Vocabularies and rules are in
:mod:`claimcheck.rubric`."""

from __future__ import annotations

import html
import json
import textwrap
from pathlib import Path

import pandas as pd

from claimcheck import rubric, vocab
from claimcheck.data import manifest
from claimcheck.data.bookmeta import BookMeta
from claimcheck.data.package import DataValidationError, Problem, find_data_dir, read_descriptor, resource_descriptor
from claimcheck.present import labels, plotstyle

REGISTER_DOC = "chapters/register"
SCHEMA_NAME = "claims.schema.json"
MULTI_VALUED = ("primary_sources", "primary_dois", "species", "flags", "post_wording", "post_hedge",
                "rated_down", "rated_up")
VERDICT_ORDER = list(vocab.VERDICTS)
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


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def post_metadata(data_dir: Path | None = None) -> dict:
    data_dir = data_dir or find_data_dir()
    return resource_descriptor("claims", read_descriptor(data_dir))["x-post"]


def is_part(row: dict) -> bool:
    return bool(_text(row.get("parent")))


def parts_of(claims: pd.DataFrame) -> dict[str, list[dict]]:
    """Parent id -> its parts (rows as dicts), in register order."""
    out: dict[str, list[dict]] = {}
    for row in claims.to_dict(orient="records"):
        if is_part(row):
            out.setdefault(row["parent"], []).append(row)
    return out


# --- rules the data must follow (beyond the descriptor's per-cell checks) --------------------

def rule_problems(claims: pd.DataFrame) -> list[Problem]:
    """Where a row breaks the method's rules: certainty arithmetic, the animal rule's starting
    level, the parts rule, and the parent/part structure. Row numbers are data rows."""
    label = "data/claims.csv"
    problems = []
    rows = claims.to_dict(orient="records")
    ids = [r["claim_id"] for r in rows]
    parts = parts_of(claims)
    for number, row in enumerate(rows, start=1):
        cid, start = row["claim_id"], row["starting_certainty"]
        if is_part(row):
            if row["parent"] not in ids or is_part(rows[ids.index(row["parent"])]):
                problems.append(Problem(label, number, "parent", f"{cid}: {row['parent']!r} is not a whole claim"))
            elif not cid.startswith(row["parent"]):
                problems.append(Problem(label, number, "claim_id", f"a part's id starts with its parent's ({row['parent']})"))
            if start == "from parts":
                problems.append(Problem(label, number, "starting_certainty", f"{cid} is a part; parts have no parts"))
            continue
        if cid[-1].isalpha():
            problems.append(Problem(label, number, "parent", f"{cid} looks like a part but names no parent"))
        if start == "from parts":
            own = parts.get(cid, [])
            if not own:
                problems.append(Problem(label, number, "starting_certainty", f"{cid} has no parts"))
                continue
            expected = rubric.parent_verdict([p["verdict"] for p in own])
            if row["verdict"] != expected:
                problems.append(Problem(label, number, "verdict",
                                        f"{cid}: by the parts rule its verdict is {expected!r}, not {row['verdict']!r}"))
            expected = rubric.parent_certainty([(p["verdict"], p["certainty"]) for p in own])
            if row["certainty"] != expected:
                problems.append(Problem(label, number, "certainty",
                                        f"{cid}: by the parts rule its certainty is {expected!r}, not {row['certainty']!r}"))
            continue
        if cid in parts:
            problems.append(Problem(label, number, "starting_certainty", f"{cid} has parts: write 'from parts'"))
    for number, row in enumerate(rows, start=1):
        start = row["starting_certainty"]
        if start == "from parts" or row["verdict"] == "pending":
            continue
        allowed = vocab.ALLOWED_START.get(row["evidence_type"], ())
        if start not in allowed:
            problems.append(Problem(label, number, "starting_certainty",
                                    f"{row['claim_id']}: {row['evidence_type']} evidence starts at "
                                    f"{' or '.join(allowed)}, not {start!r}"))
        try:
            expected = rubric.compute_certainty(start, row["rated_down"], row["rated_up"])
        except ValueError as err:
            problems.append(Problem(label, number, "rated_down", f"{row['claim_id']}: {err}"))
            continue
        if row["certainty"] != expected:
            problems.append(Problem(label, number, "certainty",
                                    f"{row['claim_id']}: starting at {start} with the recorded ratings gives "
                                    f"{expected!r}, not {row['certainty']!r}"))
        if row["verdict"] in ("supported", "contradicted") and row["certainty"] not in ("high", "moderate"):
            problems.append(Problem(label, number, "verdict",
                                    f"{row['claim_id']}: {row['verdict']!r} needs at least moderate certainty"))
        if row["verdict"] in ("no evidence found", "not assessable") and row["certainty"] != "not applicable":
            problems.append(Problem(label, number, "certainty",
                                    f"{row['claim_id']}: {row['verdict']!r} has no body of evidence to rate"))
        if (row["evidence_type"] in ("animal", "in_vitro") and "human" not in split(row["species"])
                and row["verdict"] == "supported"):
            problems.append(Problem(label, number, "verdict",
                                    f"{row['claim_id']}: animal or cell evidence alone earns at most 'partly supported'"))
    return problems


def history_problems(claims: pd.DataFrame, history: pd.DataFrame) -> list[Problem]:
    """Where the verdict history and the register disagree (row numbers are data rows)."""
    problems = []
    label = "data/verdict_history.csv"
    known = set(claims["claim_id"])
    previous: dict[str, tuple[str, str]] = {}
    last_date: dict[str, pd.Timestamp] = {}
    for row_number, row in enumerate(history.to_dict(orient="records"), start=1):
        cid = row["claim_id"]
        if cid not in known:
            problems.append(Problem(label, row_number, "claim_id", f"{cid} is not in data/claims.csv"))
            continue
        expected_verdict, expected_certainty = previous.get(cid, ("none", "none"))
        if row["old_verdict"] != expected_verdict:
            problems.append(Problem(label, row_number, "old_verdict",
                                    f"{cid} had verdict {expected_verdict!r} before this change, not {row['old_verdict']!r}"))
        if row["old_certainty"] != expected_certainty:
            problems.append(Problem(label, row_number, "old_certainty",
                                    f"{cid} had certainty {expected_certainty!r} before this change, "
                                    f"not {row['old_certainty']!r}"))
        if cid in last_date and row["date"] < last_date[cid]:
            problems.append(Problem(label, row_number, "date", f"{cid}: changes must be in date order"))
        previous[cid] = (row["new_verdict"], row["new_certainty"])
        last_date[cid] = row["date"]
    for row_number, row in enumerate(claims.to_dict(orient="records"), start=1):
        cid = row["claim_id"]
        recorded = previous.get(cid)
        for column, index in (("verdict", 0), ("certainty", 1)):
            if recorded is None or recorded[index] != row[column]:
                problems.append(Problem("data/claims.csv", row_number, column,
                                        f"{cid} is {row[column]!r} but its last recorded change in "
                                        f"data/verdict_history.csv is to {recorded[index] if recorded else None!r}; "
                                        "record the change"))
    return problems


def check_history(claims: pd.DataFrame, history: pd.DataFrame) -> None:
    """Stop the build when the register breaks a rule of the method or its history is incomplete."""
    problems = rule_problems(claims) + history_problems(claims, history)
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
            "certainty_from": row["old_certainty"],
            "certainty_to": row["new_certainty"],
            "reason": row["reason"],
        }
        for row in latest.to_dict(orient="records")
    }


# --- sources --------------------------------------------------------------------------------

def _bibliography(data_dir: Path) -> dict:
    from pybtex.database import parse_file

    return parse_file(str(data_dir.parent / "references.bib")).entries


def format_reference(entry) -> str:
    """A short formatted reference: authors (year). Title. Journal volume(number):pages."""
    people = entry.persons.get("author", [])
    names = [" ".join(p.last_names) for p in people]
    if len(names) > 2 or "others" in names:
        authors = f"{names[0]} et al."
    elif names:
        authors = " & ".join(names)
    else:
        authors = entry.fields.get("organization") or entry.fields.get("institution") or entry.fields.get("publisher", "")
    authors = authors.replace("{", "").replace("}", "")
    title = entry.fields.get("title", "").replace("{", "").replace("}", "").rstrip(".")
    venue = entry.fields.get("journal") or entry.fields.get("booktitle") or entry.fields.get("publisher") or ""
    where = venue.replace("{", "").replace("}", "")
    if entry.fields.get("volume"):
        where += f" {entry.fields['volume']}"
        if entry.fields.get("number"):
            where += f"({entry.fields['number']})"
    if entry.fields.get("pages"):
        where += f":{entry.fields['pages'].replace('--', '-')}"
    text = f"{authors} ({entry.fields.get('year', 'n.d.')}). {title}."
    return f"{text} {where.strip()}." if where.strip() else text


TIER_ORDER = list(vocab.SOURCE_TIERS)


def source_tiers(data_dir: Path | None = None) -> dict[str, list[str]]:
    """Source key -> the tiers its transcribed numbers were read at (from the ``source_tier``
    column of every ``*_estimates.csv``; empty while the files do not record it)."""
    from claimcheck.data.package import load

    data_dir = data_dir or find_data_dir()
    tiers: dict[str, set[str]] = {}
    descriptor = read_descriptor(data_dir)
    manifest.record_listing(descriptor)  # a new *_estimates file re-executes the register's readers
    for resource in descriptor["resources"]:
        if not resource["path"].endswith("_estimates.csv"):
            continue
        frame = load(resource["name"], data_dir)
        if "source_tier" not in frame.columns:
            continue
        for key, tier in zip(frame["source_key"], frame["source_tier"]):
            if isinstance(tier, str) and tier:
                tiers.setdefault(key, set()).add(tier)
    return {k: sorted(v, key=lambda t: TIER_ORDER.index(t) if t in TIER_ORDER else 99) for k, v in tiers.items()}


def sources(row: dict, bibliography: dict, tiers: dict[str, list[str]]) -> list[dict]:
    out = []
    for key in split(row.get("primary_sources")):
        entry = bibliography.get(key)
        doi = entry.fields.get("doi") if entry is not None else None
        out.append({
            "key": key,
            "citation": format_reference(entry) if entry is not None else None,
            "doi": doi or None,
            "source_tier": tiers.get(key) or None,
        })
    return out


def rests_on_secondary(row: dict, tiers: dict[str, list[str]]) -> bool:
    """True when some source of the verdict has numbers read only in a secondary report."""
    return any(tiers.get(key) == ["secondary_report"] for key in split(row.get("primary_sources")))


# --- JSON --------------------------------------------------------------------------------------

def claim_citation(record: dict, meta: BookMeta) -> str:
    address = f" {record['register_url']}" if meta.published else ""
    return (f"{'; '.join(meta.authors)} ({meta.year}). Claim {record['claim_id']}: {record['claim']} "
            f"In: {meta.title} (version {meta.version}).{address}")


def _record(row: dict, meta: BookMeta, changes: dict, bibliography: dict, tiers: dict) -> dict:
    record = {k: (None if pd.isna(v) or v == "" else (int(v) if k == "paragraph" else v)) for k, v in row.items()}
    for column in MULTI_VALUED:  # lists; 'none' (nothing to list) becomes an empty list
        record[column] = [item for item in split(row[column]) if item != "none"]
    record["sources"] = sources(row, bibliography, tiers)
    record["verdict_label"] = vocab.VERDICTS[row["verdict"]].label
    record["verdict_meaning"] = vocab.VERDICTS[row["verdict"]].meaning
    record["certainty_plain"] = vocab.CERTAINTY_PLAIN[row["certainty"]]
    record["rating"] = {"value": rubric.claimreview_rating(row["verdict"], row["certainty"]),
                        "best": 5, "worst": 1, "name": rubric.claimreview_name(row["verdict"], row["certainty"])}
    record["rests_on_secondary_reports"] = rests_on_secondary(row, tiers)
    docname, target = evidence_docname(row["evidence_section"])
    record["anchor"] = anchor(row["claim_id"])
    record["register_url"] = meta.page_url(REGISTER_DOC, record["anchor"])
    record["evidence_url"] = meta.page_url(docname, target)
    record["last_change"] = changes.get(row["claim_id"])
    record["cite_as"] = claim_citation(record, meta)
    return record


def records(claims: pd.DataFrame, meta: BookMeta, history: pd.DataFrame | None = None,
            data_dir: Path | None = None) -> list[dict]:
    """The register as JSON-ready dicts: whole claims, each with its parts nested under ``parts``."""
    data_dir = data_dir or find_data_dir()
    changes = last_changes(history) if history is not None else {}
    bibliography, tiers = _bibliography(data_dir), source_tiers(data_dir)
    out, by_id = [], {}
    for row in claims.to_dict(orient="records"):
        record = _record(row, meta, changes, bibliography, tiers)
        if is_part(row):
            by_id[row["parent"]]["parts"].append(record)
        else:
            record["parts"] = []
            by_id[row["claim_id"]] = record
            out.append(record)
    return out


def flat_records(nested: list[dict]) -> list[dict]:
    """Whole claims and parts in register order (each part right after its parent)."""
    out = []
    for record in nested:
        out.append(record)
        out.extend(record.get("parts", []))
    return out


def to_json(claims: pd.DataFrame, meta: BookMeta, history: pd.DataFrame | None = None,
            data_dir: Path | None = None) -> str:
    payload = {
        "$schema": SCHEMA_NAME,  # published beside claims.json
        "title": f"Claim register of {meta.title}",
        "format_version": "2.0",
        "version": meta.version,
        "date": meta.date_released,
        "licence": {"name": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        "source": "data/claims.csv",
        "method": meta.page_url("chapters/method"),
        "claims": records(claims, meta, history, data_dir),
    }
    return json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=False)


def json_schema(data_dir: Path | None = None) -> dict:
    data_dir = data_dir or find_data_dir()
    return json.loads((data_dir / SCHEMA_NAME).read_text(encoding="utf-8"))


# --- JSON-LD -------------------------------------------------------------------------------

def claim_reviews(claims: pd.DataFrame, meta: BookMeta, post: dict) -> list[dict]:
    """schema.org ClaimReview objects for every whole claim that has a verdict (pending ones are
    left out). The rating follows verdict and certainty (:func:`claimcheck.rubric.claimreview_rating`);
    the alternateName is what a reader sees."""
    reviews = []
    for row in claims.to_dict(orient="records"):
        verdict, certainty = row["verdict"], row["certainty"]
        if verdict == "pending" or is_part(row):
            continue
        rating = {"@type": "Rating", "alternateName": rubric.claimreview_name(verdict, certainty)}
        value = rubric.claimreview_rating(verdict, certainty)
        if value is not None:
            rating.update({"ratingValue": value, "bestRating": 5, "worstRating": 1})
        reviews.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": meta.page_url(REGISTER_DOC, anchor(row["claim_id"])),
                "claimReviewed": row["claim"],
                "reviewRating": rating,
                "itemReviewed": {
                    "@type": "Claim",
                    "author": {"@type": "Organization", "name": post["publisher"]},
                    "datePublished": post["datePublished"],
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
                "reviewBody": row["rationale"],
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


def script_safe_json(value) -> str:
    """JSON that can sit inside an HTML ``<script>`` element: ``<``, ``>`` and ``&`` are written as
    ``\\u003c``, ``\\u003e`` and ``\\u0026`` (the same JSON value), so no text from the data can
    close the element (``</script>``), open an HTML comment (``<!--``) or start an entity."""
    body = json.dumps(value, indent=1, ensure_ascii=False)
    return body.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def jsonld_script(claims: pd.DataFrame, meta: BookMeta, post: dict) -> str:
    body = script_safe_json(claim_reviews(claims, meta, post))
    return '<script type="application/ld+json">\n' + body + "\n</script>"


# --- the register table ----------------------------------------------------------------------

def label_html(verdict: str, claim_id: str | None = None, certainty: str | None = None) -> str:
    """The verdict as a coloured label that always carries its name (never colour alone)."""
    v = vocab.VERDICTS[verdict]
    data = f' data-claim="{html.escape(claim_id)}"' if claim_id else ""
    if certainty is not None:
        data += f' data-certainty="{html.escape(certainty)}"'
    return (f'<span class="verdict-label verdict-{v.slug}" data-verdict="{html.escape(verdict)}"{data} '
            f'style="background-color: {v.colour}; color: #000000; padding: 0 0.3em; border-radius: 0.2em">'
            f"{html.escape(v.label)}</span>")


def _badge(verdict: str, claim_id: str | None = None, certainty: str | None = None) -> str:
    return label_html(verdict, claim_id, certainty)


def html_table(claims: pd.DataFrame, history: pd.DataFrame | None = None) -> str:
    """An accessible table: caption, column headers, a row header per claim and per part, an
    anchor per row. Parts follow their claim, marked ``claim-part``."""
    changes = last_changes(history) if history is not None else {}
    head = ("<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in (
        "Claim", "What the post says (our words)", "Verdict", "Certainty", "Evidence")) + "</tr></thead>")
    rows = []
    for row in claims.to_dict(orient="records"):
        cid = row["claim_id"]
        flags = [FLAG_LABELS.get(f, f) for f in split(row["flags"]) if f not in ("none", "pending")]
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
            details.append(html.escape(_text(row["rationale"])))
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
            f'<td data-label="Verdict">{_badge(row["verdict"], cid, row["certainty"])}</td>'
            f'<td data-label="Certainty"><span class="certainty-level">{certainty}</span>'
            f'<span class="certainty-plain">: {html.escape(vocab.CERTAINTY_PLAIN[row["certainty"]])}</span></td>'
            f'<td data-label="Evidence">{evidence}</td></tr>'
        )
    return ('<div class="register-wrap"><table class="claim-register">'
            "<caption>Every checkable claim in the post, with our verdict; a claim with parts is followed by "
            "its parts. Select a claim's id to link to it; select its evidence to open the chapter section that "
            "holds it.</caption>"
            f"{head}<tbody>{''.join(rows)}</tbody></table></div>")


def whole_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims without their parts (counts and charts count claims, not parts)."""
    return claims[claims["parent"].fillna("") == ""]


def verdict_counts(claims: pd.DataFrame, by: str) -> pd.DataFrame:
    """Whole claims per verdict (columns, in a fixed order) for each level of ``by`` (rows)."""
    whole = whole_claims(claims) if "parent" in claims.columns else claims
    table = pd.crosstab(whole[by], whole["verdict"])
    return table.reindex(columns=[v for v in VERDICT_ORDER if v in table.columns], fill_value=0)


def _md(text) -> str:
    """Data text for a Markdown (MyST) output: every markup character escaped, so it shows as itself."""
    from claimcheck.present.tables import markdown_text

    return markdown_text(text)


def markdown_table(claims: pd.DataFrame) -> str:
    """The register as a Markdown table, used where HTML cannot be shown (the PDF edition)."""
    lines = ["| Id | Claim (our words) | Verdict | Certainty |", "|---|---|---|---|"]
    for row in claims.to_dict(orient="records"):
        claim = _md(row["claim"])
        if row["verdict"] != "pending" and row["rationale"]:
            claim += " *" + _md(row["rationale"]) + "*"
        if is_part(row):
            claim = f"Part of {row['parent']}: {claim}"
        lines.append(f"| {row['claim_id']} | {claim} | {_md(vocab.VERDICTS[row['verdict']].label)} | {_md(row['certainty'])} |")
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
        import posixpath

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
            f'<p class="verdict-why">{html.escape(_text(row["rationale"]))}</p>'
            f"{secondary}{parts}"
            f'<p class="verdict-more"><a href="{self._href(docname, target)}">The evidence for {html.escape(cid)}</a></p>'
            "</div>"
        )

    def _repr_markdown_(self) -> str:
        row = self.row
        v = vocab.VERDICTS[row["verdict"]]
        _, target = evidence_docname(row["evidence_section"])
        lines = [f"**{row['claim_id']}**: {_md(row['claim'])}", "",
                 f"**Verdict: {v.label}.** {_md(v.meaning)}", "",
                 f"**Certainty: {row['certainty']}**: {_md(vocab.CERTAINTY_PLAIN[row['certainty']])}.", "",
                 _md(_text(row["rationale"])), ""]
        if self.secondary:
            lines += [SECONDARY_NOTE, ""]
        if self.parts:
            lines.append("Its parts, judged one at a time:")
            lines.append("")
            lines += [f"- **{p['claim_id']}** ({vocab.VERDICTS[p['verdict']].label}; certainty {p['certainty']}): "
                      f"{_md(p['claim'])}" for p in self.parts]
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

        from claimcheck.present.register import verdict_boxes
        verdict_boxes("neural signalling")   # last line of a cell tagged remove-input
    """
    from claimcheck.data.package import load

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
