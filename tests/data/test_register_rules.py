"""Register 2.0: the method's rules hold in the data (certainty arithmetic, the animal rule, the
parts rule, the post's hedges kept), claims.json validates against its schema, the ClaimReview
data carries what aggregators require, and verdicts are rendered, never typed."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import nbformat
import pytest
from pybtex.database import parse_file

from claimcheck import load, rubric, vocab
from claimcheck.present import plotstyle, register
from conftest import SEED_POST

ROOT = Path(__file__).resolve().parents[2]
POST = SEED_POST


def rows(claims):
    return claims.to_dict(orient="records")


# --- certainty arithmetic ------------------------------------------------------------------

def test_every_certainty_is_recomputed_from_its_start_and_ratings(claims):
    checked = 0
    for row in rows(claims):
        if row["starting_certainty"] in ("from parts", "not applicable"):
            continue
        start = vocab.CERTAINTY_LEVELS.index(row["starting_certainty"])
        down = len(rubric.parse_ratings(row["rated_down"], vocab.GRADE_DOWN_DOMAINS))
        up = len(rubric.parse_ratings(row["rated_up"], vocab.GRADE_UP_DOMAINS))
        expected = vocab.CERTAINTY_LEVELS[min(max(start + down - up, 0), 3)]
        assert row["certainty"] == expected, (row["claim_id"], row["starting_certainty"], down, up)
        checked += 1
    assert checked >= 20
    assert register.rule_problems(claims) == []


def test_c09_starts_low_and_ends_low():
    """Observational start, rated up once and down once: low, and at low certainty not 'supported'."""
    assert rubric.compute_certainty("low", "indirectness", "large_effect") == "low"
    assert rubric.compute_certainty("high", "imprecision:2; inconsistency", "") == "very low"
    assert rubric.compute_certainty("low", "indirectness:2; imprecision", "") == "very low"  # floor
    assert rubric.compute_certainty("low", "", "large_effect; dose_response:2") == "high"  # ceiling


def test_a_miscounted_certainty_is_caught(claims):
    wrong = claims.copy()
    row = wrong.index[wrong["claim_id"] == "C09"][0]
    wrong.loc[row, "certainty"] = "moderate"
    problems = register.rule_problems(wrong)
    assert [(p.file, p.row, p.column) for p in problems] == [("data/claims.csv", row + 1, "certainty")]
    assert "gives 'low'" in problems[0].text


def test_supported_needs_moderate_certainty_and_unknown_domains_are_refused(claims):
    wrong = claims.copy()
    row = wrong.index[wrong["claim_id"] == "C13"][0]  # low certainty
    wrong.loc[row, "verdict"] = "supported"
    assert [(p.row, p.column) for p in register.rule_problems(wrong)] == [(row + 1, "verdict")]
    with pytest.raises(ValueError, match="unknown GRADE domain"):
        rubric.compute_certainty("high", "vibes", "")


# --- the animal rule, one rule for every claim ---------------------------------------------

def test_every_animal_or_cell_claim_follows_the_one_animal_rule(claims):
    animal = [r for r in rows(claims) if r["evidence_type"] in ("animal", "in_vitro")]
    assert len(animal) >= 6
    for row in animal:
        assert row["starting_certainty"] == "low", row["claim_id"]
        assert "indirectness" in rubric.parse_ratings(row["rated_down"], vocab.GRADE_DOWN_DOMAINS), row["claim_id"]
        assert row["certainty"] == "very low", row["claim_id"]
        assert row["verdict"] in ("partly supported", "not supported"), row["claim_id"]
        assert "animal_to_human" in register.split(row["flags"]), row["claim_id"]


def test_starting_levels_match_the_evidence_type(claims):
    for row in rows(claims):
        if row["starting_certainty"] == "from parts":
            continue
        assert row["starting_certainty"] in vocab.ALLOWED_START[row["evidence_type"]], row["claim_id"]


def test_not_applicable_certainty_only_where_the_method_allows_it(claims):
    for row in rows(claims):
        if row["certainty"] != "not applicable":
            continue
        bibliographic = row["claim_id"] == "C01"  # where the paper was published: settled by the record
        assert bibliographic or row["verdict"] in ("no evidence found", "not assessable"), row["claim_id"]


def test_no_evidence_found_differs_from_not_supported(claims):
    for row in rows(claims):
        if row["verdict"] == "no evidence found":
            assert row["evidence_type"] == "none" and not register.split(row["primary_sources"]), row["claim_id"]
        if row["verdict"] == "not supported":
            assert register.split(row["primary_sources"]), f"{row['claim_id']}: which evidence does not support it?"
    assert "not supported by the cited evidence" not in set(claims["verdict"])


# --- parts ----------------------------------------------------------------------------------

@pytest.mark.parametrize("parent", ["C04", "C11", "C14", "C18", "C21"])
def test_compound_claims_are_split(claims, parent):
    parts = claims[claims["parent"] == parent]
    assert len(parts) >= 2, parent
    assert all(cid.startswith(parent) and cid[-1].isalpha() for cid in parts["claim_id"])
    assert set(parts["cluster"]) == set(claims.loc[claims["claim_id"] == parent, "cluster"])


def test_parent_verdicts_and_certainties_follow_the_parts_rule(claims):
    parts = register.parts_of(claims)
    for row in rows(claims):
        if row["claim_id"] not in parts:
            continue
        own = parts[row["claim_id"]]
        assert row["verdict"] == rubric.parent_verdict([p["verdict"] for p in own]), row["claim_id"]
        assert row["certainty"] == rubric.parent_certainty([(p["verdict"], p["certainty"]) for p in own])


@pytest.mark.parametrize("parts, verdict", [
    (["supported", "supported"], "supported"),
    (["supported", "not assessable"], "partly supported"),
    (["partly supported", "no evidence found"], "partly supported"),
    (["not supported", "no evidence found", "not assessable"], "not supported"),
    (["no evidence found", "not assessable"], "no evidence found"),
    (["not assessable", "not assessable"], "not assessable"),
    (["contradicted", "not supported"], "contradicted"),
])
def test_parts_rule(parts, verdict):
    assert rubric.parent_verdict(parts) == verdict


def test_parent_certainty_counts_no_evidence_as_very_low():
    assert rubric.parent_certainty([("supported", "moderate"), ("no evidence found", "not applicable")]) == "very low"
    assert rubric.parent_certainty([("supported", "moderate"), ("not assessable", "not applicable")]) == "moderate"


def test_a_parent_out_of_step_with_its_parts_is_caught(claims):
    wrong = claims.copy()
    row = wrong.index[wrong["claim_id"] == "C18a"][0]
    wrong.loc[row, ["starting_certainty", "rated_down", "certainty", "verdict"]] = ["high", "imprecision:2", "low",
                                                                                   "partly supported"]
    wrong.loc[wrong["claim_id"] == "C18b", ["rated_down", "certainty", "verdict"]] = [
        "imprecision:2", "low", "partly supported"]
    # all parts now partly supported at low: C18 stays 'partly supported, low' and passes
    assert register.rule_problems(wrong) == []
    wrong.loc[wrong["claim_id"] == "C18c", ["rated_down", "certainty", "verdict"]] = ["", "high", "supported"]
    wrong.loc[wrong["claim_id"].isin(["C18a", "C18b"]), ["rated_down", "certainty", "verdict"]] = [
        "", "high", "supported"]
    parent = wrong.index[wrong["claim_id"] == "C18"][0]
    assert [(p.row, p.column) for p in register.rule_problems(wrong)] == [(parent + 1, "verdict"),
                                                                            (parent + 1, "certainty")]


# --- the post's wording kept ---------------------------------------------------------------

HEDGE_MARKERS = ("may", "might", "can", "could", "likely", "probably", "possible", "often", "tend",
                 "hopefully", "clues", "said to", "some")
ATTRIBUTION_MARKERS = ("according to", "researchers", "study", "studies", "said to", "widely understood",
                       "literature", "carers", "has been shown", "have shown", "say", "hold")


def test_paraphrases_keep_the_posts_hedges_and_attributions(claims):
    for row in rows(claims):
        wording = register.split(row["post_wording"])
        text = row["claim"].lower()
        if "hedges" in wording:
            assert any(re.search(rf"\b{m}", text) for m in HEDGE_MARKERS), f"{row['claim_id']} lost its hedge"
        if "attributes" in wording:
            assert any(m in text for m in ATTRIBUTION_MARKERS), f"{row['claim_id']} lost its attribution"
        if wording == ["states"]:
            assert row["post_hedge"] == "none", row["claim_id"]


def test_recorded_hedges_are_the_posts_own_words(claims):
    if not POST.is_file():
        pytest.skip(f"the seed post is not at {POST}")
    post = " ".join(POST.read_text(encoding="utf-8").split()).lower()
    for row in rows(claims):
        for words in register.split(row["post_hedge"]):
            assert words == "none" or words.lower() in post, f"{row['claim_id']}: {words!r} is not in the post"


@pytest.mark.parametrize("claim_id, hardened", [
    ("C03", "explain why"), ("C05", "likely cause"), ("C07", "should change"),
])
def test_the_hardened_paraphrases_of_version_0_1_are_gone(claims, claim_id, hardened):
    text = claims.loc[claims["claim_id"] == claim_id, "claim"].iloc[0].lower()
    assert hardened not in text


def test_introduction_adds_nothing_the_post_does_not_say():
    text = (ROOT / "chapters" / "introduction.md").read_text(encoding="utf-8").lower()
    summary = text[text.index("## the post"):text.index("the post lists two references")]
    for added in ("rats", "young neurons", "explains why", "should change", "starves"):
        assert added not in summary, added


# --- sources and claims.json -------------------------------------------------------------------

def test_each_doi_is_paired_with_its_source(claims, meta):
    bib = parse_file(str(ROOT / "references.bib")).entries
    for record in register.flat_records(register.records(claims, meta)):
        assert [s["key"] for s in record["sources"]] == record["primary_sources"]
        for source in record["sources"]:
            assert source["doi"] == (bib[source["key"]].fields.get("doi") or None), source["key"]
            assert source["citation"] and source["citation"].endswith("."), source["key"]
        assert [s["doi"] for s in record["sources"] if s["doi"]] == record["primary_dois"], record["claim_id"]


def test_claims_json_validates_against_its_schema(claims, meta):
    schema = register.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(register.to_json(claims, meta, load("verdict_history")))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["version"] == meta.version and document["licence"]["name"] == "CC-BY-4.0"
    assert sum(len(c["parts"]) for c in document["claims"]) == int(claims["parent"].notna().sum())
    assert all(not p.get("parts") for c in document["claims"] for p in c["parts"])


def test_the_schema_rejects_a_broken_document(claims, meta):
    schema = register.json_schema()
    document = json.loads(register.to_json(claims, meta, load("verdict_history")))
    document["claims"][0]["verdict"] = "mostly true"
    del document["licence"]
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert len(errors) == 2


# --- ClaimReview -------------------------------------------------------------------------------

def test_claimreviews_carry_what_aggregators_require(claims, meta):
    reviews = register.claim_reviews(claims, meta, register.post_metadata())
    assert len(reviews) == len(register.whole_claims(claims))
    for review in reviews:
        assert review["@type"] == "ClaimReview" and review["claimReviewed"]
        # Absolute once the book has an address (html.baseurl); until then no fake domain is used.
        prefix = "https://" if meta.published else "chapters/register.html"
        assert review["url"].startswith(prefix) and "#claim-c" in review["url"]
        assert review["author"] and all(a["name"] for a in review["author"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])
        item = review["itemReviewed"]
        assert item["author"]["name"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["datePublished"])
        rating = review["reviewRating"]
        assert rating["alternateName"]
        if "ratingValue" in rating:
            assert rating["bestRating"] == 5 and rating["worstRating"] == 1
            assert 1 <= rating["ratingValue"] <= 5


def test_partly_supported_at_low_certainty_does_not_read_as_mostly_true(claims, meta):
    reviews = {r["url"].rsplit("#", 1)[1]: r for r in register.claim_reviews(claims, meta, register.post_metadata())}
    for row in rows(register.whole_claims(claims)):
        rating = reviews[register.anchor(row["claim_id"])]["reviewRating"]
        assert rating["alternateName"].startswith(vocab.VERDICTS[row["verdict"]].label)
        if row["certainty"] in vocab.CERTAINTY_LEVELS:
            assert row["certainty"] in rating["alternateName"]
        if row["verdict"] == "partly supported" and row["certainty"] in ("low", "very low"):
            assert rating["ratingValue"] <= 2, row["claim_id"]


def test_ratings_never_rise_as_certainty_falls():
    for verdict in vocab.VERDICTS:
        values = [rubric.claimreview_rating(verdict, c) for c in vocab.CERTAINTY_LEVELS]
        numbers = [v for v in values if v is not None]
        assert numbers == sorted(numbers, reverse=True), verdict
    assert rubric.claimreview_rating("not assessable", "not applicable") is None


# --- verdict boxes --------------------------------------------------------------------------

def test_verdict_label_colours_are_colour_blind_safe_and_readable():
    for verdict in vocab.VERDICTS.values():
        assert plotstyle.contrast_ratio(verdict.colour, "#000000") >= 4.5, verdict.name
    named = {v.colour for v in vocab.VERDICTS.values() if v.name not in ("not assessable", "pending")}
    assert named <= set(plotstyle.OKABE_ITO.values())
    assert len({v.colour for v in vocab.VERDICTS.values()}) == len(vocab.VERDICTS)


def test_a_chapter_gets_a_box_per_claim_with_its_parts(claims):
    boxes = register.verdict_boxes("oxygen and metabolism", claims=claims)
    expected = register.whole_claims(claims)
    expected = expected[expected["cluster"] == "oxygen and metabolism"]["claim_id"].tolist()
    assert [b.row["claim_id"] for b in boxes] == expected
    c11 = next(b for b in boxes if b.row["claim_id"] == "C11")
    assert [p["claim_id"] for p in c11.parts] == ["C11a", "C11b", "C11c"]
    with pytest.raises(KeyError, match="C99"):
        register.verdict_boxes(["C02", "C99"], claims=claims)


def test_a_box_shows_claim_label_meaning_certainty_why_and_link(claims):
    box = register.verdict_boxes("C04", claims=claims).boxes[0]
    page = box._repr_html_()
    row = claims.set_index("claim_id").loc["C04"]
    verdict = vocab.VERDICTS[row["verdict"]]
    assert 'class="verdict-box verdict-partly-supported"' in page
    assert f'class="verdict-label verdict-{verdict.slug}"' in page and f">{verdict.label}</span>" in page
    assert verdict.meaning in page and vocab.CERTAINTY_PLAIN[row["certainty"]] in page
    assert register.html.escape(row["rationale"]) in page
    assert 'href="neural_signalling.html#evidence-c04"' in page
    assert 'href="register.html#claim-c04a"' in page
    text = box._repr_markdown_()
    assert f"**Verdict: {verdict.label}.**" in text and "{ref}`The evidence for C04 <evidence-c04>`" in text
    assert "<" not in text.replace("<evidence-c04>", "")
    root_box = register.verdict_boxes("C04", claims=claims, base="").boxes[0]._repr_html_()
    assert 'href="chapters/neural_signalling.html#evidence-c04"' in root_box


def test_box_text_is_escaped(claims):
    tricky = claims.copy()
    tricky.loc[tricky["claim_id"] == "C02", "claim"] = "Less <b>than</b> & more"
    page = register.verdict_boxes("C02", claims=tricky)._repr_html_()
    assert "Less &lt;b&gt;than&lt;/b&gt; &amp; more" in page


def test_summary_sentence_counts_every_claim(claims):
    whole = register.whole_claims(claims)
    sentence = register.summary_sentence(whole)
    assert sum(int(n) for n in re.findall(r"\b(\d+) ", sentence)) == len(whole)


# --- one source of truth ---------------------------------------------------------------------

VERDICT_NAMES = sorted({*vocab.VERDICTS, *vocab.RETIRED_VERDICTS} - {"pending", "supported"}, key=len, reverse=True)
VERDICT_WORDS = "|".join(re.escape(v) for v in VERDICT_NAMES)
CLAIM_ID = re.compile(r"\bC\d{2}[a-z]?\b")
# A verdict typed as a label: "**Verdict:** partly supported", "verdict: supported", "**Not assessable.**"
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


class VerdictsShown(HTMLParser):
    """Every verdict label on a page: (claim, verdict, certainty, label text)."""

    def __init__(self):
        super().__init__()
        self.shown: list[list] = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "verdict-label" in (attrs.get("class") or "").split():
            self._open = [attrs.get("data-claim"), attrs.get("data-verdict"), attrs.get("data-certainty"), ""]
            self.shown.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open[3] += data

    def handle_endtag(self, tag):
        if tag == "span":
            self._open = None


@pytest.mark.build
def test_every_verdict_shown_on_a_built_page_is_the_registers(built_book, claims):
    register_rows = claims.set_index("claim_id")
    pages_with_boxes = set()
    total = 0
    for page in sorted(built_book.rglob("*.html")):
        if "_static" in page.parts:
            continue
        parser = VerdictsShown()
        parser.feed(page.read_text(encoding="utf-8"))
        for claim_id, verdict, certainty, label in parser.shown:
            where = f"{page.relative_to(built_book)}: {claim_id}"
            assert claim_id in register_rows.index, where
            assert verdict == register_rows.loc[claim_id, "verdict"], where
            assert certainty == register_rows.loc[claim_id, "certainty"], where
            assert label.strip() == vocab.VERDICTS[verdict].label, where
            total += 1
        if 'class="verdict-box' in page.read_text(encoding="utf-8"):
            pages_with_boxes.add(page.relative_to(built_book).as_posix())
    assert total >= len(claims)
    assert {"index.html", "chapters/introduction.html"} <= pages_with_boxes


@pytest.mark.build
def test_published_schema_validates_published_json(built_book):
    schema = json.loads((built_book / register.SCHEMA_NAME).read_text(encoding="utf-8"))
    document = json.loads((built_book / "claims.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


@pytest.mark.build
def test_register_page_opens_with_verdicts_and_shows_no_code(built_book):
    page = (built_book / "chapters" / "register.html").read_text(encoding="utf-8")
    body = page[page.index('<article'):]
    assert "cell_input" not in body and "highlight-ipython3" not in body
    glance = body.index('id="verdicts-at-a-glance"')
    assert body.index('class="claim-register"') < glance  # the verdicts come first
    assert "pending" not in re.sub(r"<[^>]+>", " ", body[glance:glance + 3000]).lower()


def test_a_verdict_resting_on_secondary_reports_says_so(claims):
    row = claims.set_index("claim_id").loc["C14a"].to_dict() | {"claim_id": "C14a"}
    tiers = {"martinezvelilla2019effect": ["secondary_report"], "nchs1992nhefs": ["article"]}
    assert register.rests_on_secondary(row, tiers)
    assert not register.rests_on_secondary(row, {"martinezvelilla2019effect": ["indexed_abstract", "secondary_report"]})
    box = register.VerdictBox(row, secondary=True)
    assert register.SECONDARY_NOTE in box._repr_html_() and register.SECONDARY_NOTE in box._repr_markdown_()
    assert register.SECONDARY_NOTE not in register.VerdictBox(row)._repr_html_()
