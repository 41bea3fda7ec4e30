"""Markdown pages render the register with directives (claimcheck.build.register_directive)."""

from __future__ import annotations

import shutil

from sphinx_fakes import build_tiny

from claimcheck import vocab
from conftest import ROOT

PAGE = """Page
====

.. verdict-boxes:: {claim}

.. vocabulary:: verdicts

.. vocabulary:: ratings

.. vocabulary:: nonsense
"""


def test_verdict_boxes_and_vocabularies_render_from_the_register(tmp_path, claims):
    (tmp_path / "src").mkdir()
    shutil.copytree(ROOT / "data", tmp_path / "src" / "data")
    claim = claims.iloc[0]["claim_id"]
    html, log, app = build_tiny(tmp_path, ["claimcheck.build.register_directive"],
                                {"index.rst": PAGE.format(claim=claim)}, exclude_patterns=["_build", "data"])
    page = (html / "index.html").read_text(encoding="utf-8")
    assert claim in page
    for verdict in vocab.VERDICTS.values():
        assert verdict.name in page
    assert "Rating (1-5)" in page
    assert "unknown rubric 'nonsense'" in log  # a typo is reported, not silently empty
    assert str(tmp_path / "src" / "data" / "claims.csv") in app.env.dependencies["index"]
