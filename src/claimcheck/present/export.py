"""The register for machines: ``claims.json`` (with its JSON Schema) and schema.org ClaimReview JSON-LD.

Both are generated from ``data/claims.csv`` and ``data/verdict_history.csv`` through
:mod:`claimcheck.data.register`, so they cannot disagree with the pages; the build publishes
``claims.json`` beside the book, and the register page embeds the JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from claimcheck import paths, rubric, vocab
from claimcheck.data.bookmeta import BookMeta
from claimcheck.data.package import find_data_dir
from claimcheck.data.register import (
    MULTI_VALUED,
    REGISTER_DOC,
    anchor,
    evidence_docname,
    is_part,
    last_changes,
    rests_on_secondary,
    source_tiers,
    split,
)

SCHEMA_NAME = "claims.schema.json"

# --- sources --------------------------------------------------------------------------------

def _bibliography(data_dir: Path) -> dict:
    from pybtex.database import parse_file

    return parse_file(str(data_dir.parent / paths.BIB_FILE)).entries


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

