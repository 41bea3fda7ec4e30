"""The claim register as data: loading helpers and the method's rules the rows must follow.

``data/claims.csv`` (with ``data/verdict_history.csv``) is the only place a verdict, certainty,
flag or rationale is written. The descriptor checks each cell; this module checks what spans rows:
the certainty arithmetic, the animal rule, the parts rule, the parent/part structure and the
verdict history (:func:`check_history` stops the build, naming file, row and column). It also
answers the questions every rendering asks of the data (a claim's parts, its published anchor,
the section that holds its evidence, the tiers its sources were read at). Renderings are in
:mod:`claimcheck.present.register` (table, chart), :mod:`claimcheck.present.verdicts` (boxes) and
:mod:`claimcheck.present.export` (claims.json, ClaimReview)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from claimcheck import paths, rubric, vocab
from claimcheck.data import manifest
from claimcheck.data.package import (
    DataValidationError,
    Problem,
    find_data_dir,
    load,
    read_descriptor,
    resource_descriptor,
)

REGISTER_DOC = f"{paths.CHAPTERS_DIR}/register"

MULTI_VALUED = ("primary_sources", "primary_dois", "species", "flags", "post_wording", "post_hedge",
                "rated_down", "rated_up")

def anchor(claim_id: str) -> str:
    """The claim's published anchor on the register page (``C04`` -> ``claim-c04``); never changes."""
    return f"claim-{claim_id.lower()}"


def evidence_docname(section: str) -> tuple[str, str]:
    """``neural_signalling#evidence-c02`` -> (``chapters/neural_signalling``, ``evidence-c02``)."""
    page, _, target = section.partition("#")
    return f"{paths.CHAPTERS_DIR}/{page}", target


def split(value) -> list[str]:
    """The items of a multi-valued cell (``a; b``); an empty cell has none."""
    if value is None or pd.isna(value) or value == "":
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def cell_text(value) -> str:
    """A cell as text; an empty cell as ``""``."""
    return "" if value is None or pd.isna(value) else str(value)


def post_metadata(data_dir: Path | None = None) -> dict:
    data_dir = data_dir or find_data_dir()
    return resource_descriptor("claims", read_descriptor(data_dir))["x-post"]


def is_part(row: dict) -> bool:
    return bool(cell_text(row.get("parent")))


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


TIER_ORDER = list(vocab.SOURCE_TIERS)


def source_tiers(data_dir: Path | None = None) -> dict[str, list[str]]:
    """Source key -> the tiers its transcribed numbers were read at (from the ``source_tier``
    column of every ``*_estimates.csv``; empty while the files do not record it)."""
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


def rests_on_secondary(row: dict, tiers: dict[str, list[str]]) -> bool:
    """True when some source of the verdict has numbers read only in a secondary report."""
    return any(tiers.get(key) == ["secondary_report"] for key in split(row.get("primary_sources")))


def whole_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims without their parts (counts and charts count claims, not parts)."""
    return claims[claims["parent"].fillna("") == ""]

