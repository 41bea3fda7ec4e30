"""The register page's renderings: the table escapes data text and anchors every claim and part;
the summary sentence counts every claim."""

from __future__ import annotations

import re

from claimcheck.data import register as register_data
from claimcheck.present import register


def test_html_table_escapes_text_and_anchors_every_claim(claims):
    tricky = claims.copy()
    tricky.loc[0, "claim"] = "Less <than> & more"
    table = register.html_table(tricky)
    assert "Less &lt;than&gt; &amp; more" in table
    for claim_id in claims["claim_id"]:
        assert f'id="{register_data.anchor(claim_id)}"' in table


def test_summary_sentence_counts_every_claim(claims):
    whole = register_data.whole_claims(claims)
    sentence = register.summary_sentence(whole)
    assert sum(int(n) for n in re.findall(r"\b(\d+) ", sentence)) == len(whole)
