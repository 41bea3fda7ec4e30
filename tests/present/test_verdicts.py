"""Verdicts for readers: labels readable and colour-blind safe, a box per claim with its parts,
text escaped, secondary sources disclosed, and no chapter typing a verdict instead of rendering it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

from claimcheck import vocab
from claimcheck.data import register as register_data
from claimcheck.present import plotstyle, verdicts
from conftest import ROOT


def test_verdict_label_colours_are_colour_blind_safe_and_readable():
    for verdict in vocab.VERDICTS.values():
        assert plotstyle.contrast_ratio(verdict.colour, "#000000") >= 4.5, verdict.name
    named = {v.colour for v in vocab.VERDICTS.values() if v.name not in ("not assessable", "pending")}
    assert named <= set(plotstyle.OKABE_ITO.values())
    assert len({v.colour for v in vocab.VERDICTS.values()}) == len(vocab.VERDICTS)


def test_a_chapter_gets_a_box_per_claim_with_its_parts(claims):
    boxes = verdicts.verdict_boxes("oxygen and metabolism", claims=claims)
    expected = register_data.whole_claims(claims)
    expected = expected[expected["cluster"] == "oxygen and metabolism"]["claim_id"].tolist()
    assert [b.row["claim_id"] for b in boxes] == expected
    c11 = next(b for b in boxes if b.row["claim_id"] == "C11")
    assert [p["claim_id"] for p in c11.parts] == ["C11a", "C11b", "C11c"]
    with pytest.raises(KeyError, match="C99"):
        verdicts.verdict_boxes(["C02", "C99"], claims=claims)


def test_a_box_shows_claim_label_meaning_certainty_why_and_link(claims):
    box = verdicts.verdict_boxes("C04", claims=claims).boxes[0]
    page = box._repr_html_()
    row = claims.set_index("claim_id").loc["C04"]
    verdict = vocab.VERDICTS[row["verdict"]]
    assert 'class="verdict-box verdict-partly-supported"' in page
    assert f'class="verdict-label verdict-{verdict.slug}"' in page and f">{verdict.label}</span>" in page
    assert verdict.meaning in page and vocab.CERTAINTY_PLAIN[row["certainty"]] in page
    assert html.escape(row["rationale"]) in page
    assert 'href="neural_signalling.html#evidence-c04"' in page
    assert 'href="register.html#claim-c04a"' in page
    text = box._repr_markdown_()
    assert f"**Verdict: {verdict.label}.**" in text and "{ref}`The evidence for C04 <evidence-c04>`" in text
    assert "<" not in text.replace("<evidence-c04>", "")
    root_box = verdicts.verdict_boxes("C04", claims=claims, base="").boxes[0]._repr_html_()
    assert 'href="chapters/neural_signalling.html#evidence-c04"' in root_box


def test_box_text_is_escaped(claims):
    tricky = claims.copy()
    tricky.loc[tricky["claim_id"] == "C02", "claim"] = "Less <b>than</b> & more"
    page = verdicts.verdict_boxes("C02", claims=tricky)._repr_html_()
    assert "Less &lt;b&gt;than&lt;/b&gt; &amp; more" in page


def test_a_verdict_resting_on_secondary_reports_says_so(claims):
    row = claims.set_index("claim_id").loc["C14a"].to_dict() | {"claim_id": "C14a"}
    tiers = {"martinezvelilla2019effect": ["secondary_report"], "nchs1992nhefs": ["article"]}
    assert register_data.rests_on_secondary(row, tiers)
    assert not register_data.rests_on_secondary(row, {"martinezvelilla2019effect": ["indexed_abstract", "secondary_report"]})
    box = verdicts.VerdictBox(row, secondary=True)
    assert verdicts.SECONDARY_NOTE in box._repr_html_() and verdicts.SECONDARY_NOTE in box._repr_markdown_()
    assert verdicts.SECONDARY_NOTE not in verdicts.VerdictBox(row)._repr_html_()


VERDICT_NAMES = sorted({*vocab.VERDICTS, *vocab.RETIRED_VERDICTS} - {"pending", "supported"}, key=len, reverse=True)


VERDICT_WORDS = "|".join(re.escape(v) for v in VERDICT_NAMES)


CLAIM_ID = re.compile(r"\bC\d{2}[a-z]?\b")


LABELLED = re.compile(rf"verdict\W{{0,6}}(is\s+|:\s*)?(\*\*)?\s*(supported|{VERDICT_WORDS})\b"
                      rf"|\*\*\s*(supported|{VERDICT_WORDS})\b[^*]{{0,40}}\*\*", re.I)


NEAR_CLAIM = re.compile(rf"\b(supported|{VERDICT_WORDS})\b", re.I)


STRING_LITERAL = re.compile(rf"""['"]\s*(supported|{VERDICT_WORDS})\s*['"]""", re.I)


def verdict_literals(path: Path) -> list[str]:
    """Places where a chapter source types a verdict instead of rendering it from the register."""
    found = []
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        blocks = [(c.cell_type, c.source) for c in notebook.cells]
    else:
        text = path.read_text(encoding="utf-8")
        blocks = [("markdown", block) for block in re.split(r"\n(?=#)", text)]  # one block per section
    for kind, text in blocks:
        if kind == "code":
            found += [m.group(0) for m in STRING_LITERAL.finditer(text)]
            continue
        found += [m.group(0) for m in LABELLED.finditer(text)]
        if CLAIM_ID.search(text):
            found += [m.group(0) for m in NEAR_CLAIM.finditer(text) if m.group(1).lower() != "supported"]
    return found


def test_the_literal_detector_finds_typed_verdicts(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# C02\n\n- **Verdict:** partly supported\n", encoding="utf-8")
    assert verdict_literals(page)
    page.write_text("# Other\n\n**Not assessable.** Overall strength is undefined.\n", encoding="utf-8")
    assert verdict_literals(page)
    page.write_text("# C22\n\nWe rate this partly supported with moderate certainty.\n", encoding="utf-8")
    assert verdict_literals(page)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("V = {'C15': {'verdict': 'supported'}}")])
    nbformat.write(notebook, tmp_path / "n.ipynb")
    assert verdict_literals(tmp_path / "n.ipynb")
    page.write_text("# Method\n\nA claim with parts is partly supported when one part is.\n", encoding="utf-8")
    assert verdict_literals(page) == []


CHAPTER_SOURCES = sorted(p for p in (ROOT / "chapters").iterdir() if p.suffix in (".md", ".ipynb"))


@pytest.mark.parametrize("path", CHAPTER_SOURCES + [ROOT / "index.md"], ids=lambda p: p.name)
def test_no_chapter_source_types_a_verdict(path):
    assert verdict_literals(path) == [], f"{path.name} types verdicts: render them with verdict_boxes()"
