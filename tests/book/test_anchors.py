"""Published addresses stay published."""

from pathlib import Path

import pytest

from claimcheck import load
from claimcheck.cli import anchors
from claimcheck.present import register

ROOT = Path(__file__).resolve().parents[2]


def test_every_claim_address_is_promised():
    listed = set(anchors.read_list(ROOT))
    for claim_id in load("claims")["claim_id"]:
        assert f"chapters/register.html#{register.anchor(claim_id)}" in listed, claim_id


def test_reviewed_claims_evidence_addresses_are_promised():
    listed = set(anchors.read_list(ROOT))
    claims = load("claims")
    for row in claims[claims["verdict"] != "pending"].itertuples():
        docname, target = register.evidence_docname(row.evidence_section)
        assert f"{docname}.html#{target}" in listed, row.claim_id


def test_a_vanished_anchor_is_reported(tmp_path):
    html = tmp_path / "html"
    (html / "chapters").mkdir(parents=True)
    (html / "chapters" / "register.html").write_text('<tr id="claim-c01"></tr>')
    (tmp_path / "tests").mkdir()
    (tmp_path / anchors.LIST_FILE).write_text(
        "chapters/register.html#claim-c01\nchapters/register.html#claim-c02\nchapters/gone.html\n")
    assert anchors.missing(tmp_path, html) == ["chapters/register.html#claim-c02", "chapters/gone.html"]


@pytest.mark.build
def test_no_published_address_has_disappeared(built_book):
    assert anchors.missing(ROOT, built_book) == []
