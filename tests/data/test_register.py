"""The claim register as data: the method's rules hold in every row (certainty arithmetic, the
animal rule, the parts rule, the post's hedges kept), claims are paraphrased and complete, ids are
well formed, and the verdict history agrees with the register."""

from __future__ import annotations

import re

import pytest
from pybtex.database import parse_file

from claimcheck import load, rubric, vocab
from claimcheck.data import register
from conftest import ROOT, SEED_POST

POST = SEED_POST
CLUSTERS = {"neural signalling", "oxygen and metabolism", "diabetes fitness", "other"}

def rows(claims):
    return claims.to_dict(orient="records")


def test_register_covers_every_cluster_and_the_posts_key_paragraphs(claims):
    whole = register.whole_claims(claims)
    assert set(whole["cluster"]) == CLUSTERS
    # The post's headline (paragraph 0), its list (10) and its conclusion (11) are all covered.
    assert {0, 10, 11} <= set(whole["paragraph"])


def test_claim_ids_are_unique_and_sequential(claims):
    """Whole claims are C01, C02, ... without gaps, in register order; each claim's parts follow it
    directly, lettered a, b, c, ... without gaps; a claim split into parts has at least two."""
    assert claims["claim_id"].is_unique
    whole = register.whole_claims(claims)["claim_id"].tolist()
    assert whole == [f"C{n:02d}" for n in range(1, len(whole) + 1)]
    parts = register.parts_of(claims)
    expected_order = []
    for claim_id in whole:
        own = [p["claim_id"] for p in parts.get(claim_id, [])]
        assert len(own) != 1, f"{claim_id} has a single part"
        assert own == [f"{claim_id}{chr(ord('a') + i)}" for i in range(len(own))], claim_id
        expected_order += [claim_id, *own]
    assert claims["claim_id"].tolist() == expected_order


def shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


@pytest.fixture(scope="module")
def post_shingles():
    if not POST.is_file():
        pytest.skip(f"the seed post is not at {POST} (CI and developers have it beside the repository)")
    return shingles(POST.read_text(encoding="utf-8"))


def test_claims_are_paraphrased_not_copied(claims, post_shingles):
    for row in claims.itertuples():
        copied = shingles(row.claim) & post_shingles
        assert not copied, f"{row.claim_id} repeats the post word for word: {' '.join(next(iter(copied)))}"


def test_book_prose_does_not_copy_the_post(post_shingles):
    import nbformat

    texts = {p.name: p.read_text(encoding="utf-8") for p in [ROOT / "index.md", *ROOT.glob("chapters/*.md")]}
    for path in ROOT.glob("chapters/*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        texts[path.name] = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for name, text in texts.items():
        # A quotation in marks (with its locator beside it) is allowed: the rule is against
        # repeating the post's sentences as our own words.
        unquoted = re.sub(r'"[^"]{1,400}"|\u201c[^\u201d]{1,400}\u201d', " ", text)
        copied = shingles(unquoted) & post_shingles
        assert not copied, f"{name} repeats the post word for word: {' '.join(next(iter(copied)))}"


def test_quotations_in_marks_are_allowed_but_unquoted_copies_are_not(post_shingles):
    words = " ".join(next(iter(post_shingles)))
    assert shingles(words) & post_shingles
    quoted = re.sub(r'"[^"]{1,400}"|\u201c[^\u201d]{1,400}\u201d', " ", f'The post says "{words}" (paragraph 2).')
    assert not shingles(quoted) & post_shingles


def test_register_dois_are_in_the_bibliography(claims):
    bib_dois = {e.fields.get("doi", "").lower() for e in parse_file(str(ROOT / "references.bib")).entries.values()}
    bib_keys = set(parse_file(str(ROOT / "references.bib")).entries.keys())
    for row in claims.itertuples():
        for doi in register.split(row.primary_dois):
            assert doi.lower() in bib_dois, f"{row.claim_id}: DOI {doi} is not in references.bib"
        for key in register.split(row.primary_sources):
            assert key in bib_keys, f"{row.claim_id}: source key {key} is not in references.bib"


def test_reviewed_claims_are_complete(claims):
    reviewed = claims[claims["verdict"] != "pending"]
    for row in reviewed.itertuples():
        assert row.rationale and len(row.rationale) > 20, row.claim_id
        assert row.certainty != "pending" and row.evidence_type != "pending", row.claim_id


def test_every_certainty_is_recomputed_from_its_start_and_ratings(claims):
    checked = set()
    for row in rows(claims):
        if row["starting_certainty"] in ("from parts", "not applicable"):
            continue
        start = vocab.CERTAINTY_LEVELS.index(row["starting_certainty"])
        down = len(rubric.parse_ratings(row["rated_down"], vocab.GRADE_DOWN_DOMAINS))
        up = len(rubric.parse_ratings(row["rated_up"], vocab.GRADE_UP_DOMAINS))
        expected = vocab.CERTAINTY_LEVELS[min(max(start + down - up, 0), 3)]
        assert row["certainty"] == expected, (row["claim_id"], row["starting_certainty"], down, up)
        checked.add(row["claim_id"])
    # Every claim rated on the GRADE scale, and not by its parts, went through the arithmetic.
    rated = {r["claim_id"] for r in rows(claims)
             if r["certainty"] in vocab.CERTAINTY_LEVELS and r["starting_certainty"] != "from parts"}
    assert rated and rated <= checked
    assert register.rule_problems(claims) == []


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


def test_every_animal_or_cell_claim_follows_the_one_animal_rule(claims):
    animal = [r for r in rows(claims) if r["evidence_type"] in ("animal", "in_vitro")]
    # The flag and the evidence type agree both ways: no animal claim escapes the rule unflagged.
    flagged = {r["claim_id"] for r in rows(claims) if "animal_to_human" in register.split(r["flags"])}
    assert animal and {r["claim_id"] for r in animal} == flagged
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


def test_shipped_history_agrees_with_the_register(claims):
    assert register.history_problems(claims, load("verdict_history")) == []


def test_a_verdict_changed_without_a_record_is_caught(claims):
    changed = claims.copy()
    changed.loc[2, ["verdict", "rationale"]] = ["contradicted", "x" * 30]
    problems = register.history_problems(changed, load("verdict_history"))
    assert [(p.file, p.row, p.column) for p in problems] == [("data/claims.csv", 3, "verdict")]
    with pytest.raises(Exception, match=r"data/claims.csv: row 3 \(line 4\), column 'verdict'"):
        register.check_history(changed, load("verdict_history"))


def test_a_broken_chain_of_changes_is_caught(claims):
    history = load("verdict_history")
    first_c01 = history.index[history["claim_id"] == "C01"][0]
    history.loc[first_c01, "old_verdict"] = "supported"
    problems = register.history_problems(claims, history)
    assert [(p.file, p.row, p.column) for p in problems] == [("data/verdict_history.csv", first_c01 + 1, "old_verdict")]


SOURCE_CHAINS = sorted(p.stem for p in (ROOT / "data").glob("*_source_chain.csv"))


@pytest.mark.parametrize("resource", SOURCE_CHAINS)
def test_a_source_chain_names_only_whole_claims_of_the_register(claims, resource):
    """Every claim id a chapter's source chain names is a whole claim in the register (a chain is
    followed per claim, not per part), so renumbering the register cannot orphan a chain."""
    chained = set(load(resource)["claim_id"])
    whole = set(register.whole_claims(claims)["claim_id"])
    assert chained and chained <= whole, sorted(chained - whole)
