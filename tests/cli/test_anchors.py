"""Published addresses stay published: every claim and every reviewed claim's evidence section is
on the list, and an address that vanished from a build is reported."""

from claimcheck import load
from claimcheck.cli import anchors
from claimcheck.data import register
from conftest import ROOT


def test_every_claim_address_is_promised():
    listed = set(anchors.read_list(ROOT))
    for claim_id in load("claims")["claim_id"]:
        assert f"{register.REGISTER_DOC}.html#{register.anchor(claim_id)}" in listed, claim_id


def test_reviewed_claims_evidence_addresses_are_promised():
    listed = set(anchors.read_list(ROOT))
    claims = load("claims")
    for row in claims[claims["verdict"] != "pending"].itertuples():
        docname, target = register.evidence_docname(row.evidence_section)
        assert f"{docname}.html#{target}" in listed, row.claim_id


def test_a_vanished_anchor_is_reported(tmp_path):
    html = tmp_path / "html"
    (html / "chapters").mkdir(parents=True)
    (html / "chapters" / "register.html").write_text('<table><tr id="claim-c01"><td id="">x</td></tr></table>')
    (tmp_path / "tests").mkdir()
    (tmp_path / anchors.LIST_FILE).write_text(
        "chapters/register.html#claim-c01\nchapters/register.html#claim-c02\nchapters/gone.html\n")
    assert anchors.missing(tmp_path, html) == ["chapters/register.html#claim-c02", "chapters/gone.html"]
    assert anchors.page_ids(html / "chapters" / "register.html") == {"claim-c01"}
