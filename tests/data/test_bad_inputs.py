"""Every bad input is stopped with one message naming the file and the row and column (or the
resource and the line); escaping everywhere text from data meets HTML; nothing from data runs.

Fast tests (no book build) for the cases of issue 12; the build-level ones are in
tests/book/test_safety_build.py."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from test_package import (
    GOOD_ROW,
    SECOND_ROW,
    assert_names,
    install_estimates,
    rejection,
    write_scratch_descriptor,
)

from claimcheck.data.bookmeta import read as read_meta
from claimcheck.data.descriptor import layout_messages
from claimcheck.data.package import (
    MAX_FIELD_CHARS,
    DataValidationError,
    load,
    read_descriptor,
    rehash,
    sha256_of,
    validate_all,
)
from claimcheck.data.register import post_metadata
from claimcheck.present import export, register
from claimcheck.present.links import link, safe_url
from claimcheck.present.tables import Table
from conftest import ROOT

HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<!--<script>",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
]


def write_rows_raw(data_dir: Path, name: str, text: bytes) -> None:
    """Overwrite a resource's file with raw bytes and record their hash (so only the content is judged)."""
    (data_dir / f"{name}.csv").write_bytes(text)
    rehash(data_dir)


def good_csv_text(rows=(GOOD_ROW,)) -> str:
    columns = list(GOOD_ROW)
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(f'"{row[c]}"' if "," in row[c] else row[c] for c in columns))
    return "\n".join(lines) + "\n"


# --- encodings and shapes ------------------------------------------------------------------


def test_non_utf8_bytes_name_file_and_line(data_copy):
    name = install_estimates(data_copy, [GOOD_ROW, SECOND_ROW])
    text = good_csv_text([GOOD_ROW, SECOND_ROW]).replace("metformin plus", "metformin pl\xfcs")
    write_rows_raw(data_copy, name, text.encode("latin-1"))
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 2, "group")
    assert "byte 0xfc is not valid UTF-8" in message
    assert message.count("not valid UTF-8") == 1


def test_byte_order_mark_is_named_not_reported_as_a_missing_column(data_copy):
    name = install_estimates(data_copy, [GOOD_ROW])
    write_rows_raw(data_copy, name, b"\xef\xbb\xbf" + good_csv_text().encode())
    message = rejection(data_copy, name)
    assert "data/trial.csv: whole file: the file starts with a UTF-8 byte-order mark (BOM)" in message
    assert "estimate_id" not in message


def test_huge_field_names_row_and_column(data_copy):
    name = install_estimates(data_copy, [dict(GOOD_ROW, note="x" * 200_000)])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 1, "note")
    assert f"the most a cell may hold is {MAX_FIELD_CHARS:,}" in message
    assert "field larger than field limit" not in message


def test_header_only_file_fails_validation(data_copy):
    name = install_estimates(data_copy, [])
    message = rejection(data_copy, name)
    assert "data/trial.csv: whole file: the file has a header but no data rows" in message


@pytest.mark.parametrize("value", ["١٢", "１.５", "1_000", "٣"])
def test_numbers_accept_ascii_digits_only(data_copy, value):
    name = install_estimates(data_copy, [dict(GOOD_ROW, estimate=value)])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 1, "estimate")
    assert "ASCII digits 0-9" in message


@pytest.mark.parametrize("value", ["２３２", "2_32"])
def test_integers_accept_ascii_digits_only(data_copy, value):
    name = install_estimates(data_copy, [dict(GOOD_ROW, n=value)])
    assert_names(rejection(data_copy, name), "trial.csv", 1, "n")


def test_yaml_syntax_error_names_the_descriptor_line_and_column(data_copy):
    path = data_copy / "datapackage.yaml"
    lines = path.read_text().splitlines()
    lines[3] = lines[3] + " ]: ["  # unbalanced flow sequence on line 4
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError) as caught:
        read_descriptor(data_copy)
    message = str(caught.value)
    assert "data/datapackage.yaml: whole file: YAML syntax error at line 4, column" in message, message
    assert "<unicode string>" not in message


def test_each_problem_is_reported_once(data_copy):
    name = install_estimates(data_copy, [dict(GOOD_ROW, n="-3")])
    message = rejection(data_copy, name)
    assert message.count("row 1 (line 2), column 'n'") == 1, message


# --- spreadsheet formulas ------------------------------------------------------------------


@pytest.mark.parametrize("value", ['=HYPERLINK("https://example.org","x")', "+1+cmd|' /C calc'!A0", "@SUM(A1:A2)",
                                   "-2+3", "- minus sign then text"])
def test_text_that_a_spreadsheet_runs_as_a_formula_is_rejected(data_copy, value):
    name = install_estimates(data_copy, [dict(GOOD_ROW, note=value)])
    message = rejection(data_copy, name)
    assert_names(message, "trial.csv", 1, "note")
    assert "which a spreadsheet runs as a formula" in message


@pytest.mark.parametrize("value", ["-1.5", "-12", "+0.3", "-1e-3", "minus-sign inside is fine", "a = b"])
def test_plain_numbers_and_inner_signs_in_text_are_kept(data_copy, value):
    name = install_estimates(data_copy, [dict(GOOD_ROW, note=value)])
    assert load(name, data_copy)["note"].iloc[0] == value


def test_published_claims_csv_has_no_formula_cell():
    with open(ROOT / "data" / "claims.csv", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            for cell in row:
                assert not cell.strip().startswith(("=", "+", "@")), cell


# --- paths confined to data/ ---------------------------------------------------------------


def _point_resource(data_dir: Path, resource_name: str, path: str) -> None:
    descriptor = read_descriptor(data_dir)
    for resource in descriptor["resources"]:
        if resource["name"] == resource_name:
            resource["path"] = path
    write_scratch_descriptor(data_dir, descriptor)


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "/etc/passwd", "sub/../../outside.csv"])
def test_paths_outside_data_are_rejected_by_name(data_copy, path):
    _point_resource(data_copy, "mtl", path)
    message = rejection(data_copy, "mtl")
    assert "data/datapackage.yaml: whole file: resource 'mtl'" in message, message
    assert "data files must lie inside data/" in message
    with pytest.raises(DataValidationError):
        rehash(data_copy)
    # the layout check the build makes before anything is read (claimcheck.build.validation)
    assert any("resource 'mtl'" in message for message in layout_messages(data_copy, read_descriptor(data_copy)))


def test_symlink_leaving_data_is_rejected(data_copy, tmp_path):
    outside = tmp_path / "outside.csv"
    shutil.copy(data_copy / "mtl.csv", outside)
    (data_copy / "mtl.csv").unlink()
    (data_copy / "mtl.csv").symlink_to(outside)
    message = rejection(data_copy, "mtl")
    assert "resource 'mtl'" in message and "outside data/" in message


def test_unlisted_csv_stops_the_build_reader(data_copy):
    (data_copy / "stray.csv").write_text("a,b\n1,2\n")
    messages = layout_messages(data_copy, read_descriptor(data_copy))  # the build's check (build.validation)
    assert any("data/stray.csv: not listed in data/datapackage.yaml" in message for message in messages)


# --- escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>",
                                 "vbscript:x", "//evil.example/x", "relative/page.html", "https://", " javascript:x"])
def test_only_http_addresses_become_links(url):
    assert safe_url(url) is None
    assert "<a" not in str(link(url, "text"))


def test_link_escapes_address_and_text():
    made = str(link('https://example.org/"><script>alert(1)</script>', "<b>x</b>"))
    assert made.startswith('<a href="https://example.org/&#34;&gt;&lt;script&gt;')
    assert "<script>" not in made and "<b>" not in made


def test_table_escapes_cells_and_keeps_links():
    frame = pd.DataFrame({"text": HOSTILE_TEXT, "source": [link("https://example.org", "ok")] * len(HOSTILE_TEXT)})
    html = Table(frame, caption="<i>c</i>")._repr_html_()
    for text in HOSTILE_TEXT:
        assert text not in html
    assert "<script" not in html and "<img" not in html and "<svg" not in html and "<!--" not in html
    assert html.count('<a href="https://example.org">ok</a>') == len(HOSTILE_TEXT)
    markdown = Table(frame)._repr_markdown_()
    assert "<a href" not in markdown and "| ok" in markdown


def test_styler_escapes_after_plotstyle_apply():
    from claimcheck.present import plotstyle

    plotstyle.apply()
    frame = pd.DataFrame({"text": HOSTILE_TEXT, "source": [link("https://example.org", "ok")] * len(HOSTILE_TEXT),
                          "<img src=x onerror=alert(2)>": [1.5] * len(HOSTILE_TEXT)},
                         index=[f"<script>alert({i})</script>" for i in range(len(HOSTILE_TEXT))])
    # Explicit formats (as the chapters write them) must not switch escaping off again.
    for styler in (frame.style, frame.style.format(precision=2), frame.style.format({"text": "{}"}),
                   frame.style.format(str.upper, subset=["text"]).format_index(str.lower, axis=1)):
        html = styler.to_html()
        assert "<script" not in html.lower() and "<img" not in html and "<svg" not in html and "<!--" not in html
        assert '<a href="https://example.org">ok</a>' in html


@pytest.fixture()
def meta():
    return read_meta(ROOT)


def test_jsonld_cannot_be_broken_by_claim_text(meta):
    claims = load("claims")
    reviewed = claims[claims["verdict"] != "pending"].copy()
    first = reviewed.index[0]
    reviewed.loc[first, "claim"] = "<!--<script> & </script><script>alert(1)</script>"
    reviewed.loc[first, "rationale"] = "</SCRIPT>-->]]>"
    script = export.jsonld_script(reviewed, meta, post_metadata())
    body = script.removeprefix('<script type="application/ld+json">\n').removesuffix("\n</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    parsed = json.loads(body)
    assert parsed[0]["claimReviewed"] == "<!--<script> & </script><script>alert(1)</script>"
    assert "\\u003c!--\\u003cscript\\u003e \\u0026" in body


# (A release bump re-executes only the notebooks that read book metadata: tested in
# tests/build/test_invalidation.py, since that is now recorded when a notebook runs.)


# --- bibliography ---------------------------------------------------------------------------


def test_bibliography_links_must_be_http(tmp_path):
    from claimcheck.build.input_checks import bibliography_link_problems

    assert bibliography_link_problems(ROOT / "references.bib") == []
    bib = tmp_path / "references.bib"
    bib.write_text((ROOT / "references.bib").read_text()
                   + "\n@misc{evil2020entry,\n  title = {Hostile},\n  url = {javascript:alert(1)},\n"
                   "  note = {see \\url{data:text/html,<script>alert(1)</script>}},\n}\n")
    problems = bibliography_link_problems(bib)
    line = len((ROOT / "references.bib").read_text().splitlines()) + 4
    assert problems[0] == (f"references.bib: line {line}, entry 'evil2020entry', field url: 'javascript:alert(1)' "
                           "is not an http or https address; only those may become links")
    assert "field note: 'data:text/html" in problems[1]


# --- line endings ---------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a clone")
def test_data_hashes_survive_a_crlf_checkout(tmp_path):
    """A Windows-style checkout (core.autocrlf=true) of the committed tree keeps every data file
    byte-exact (.gitattributes), so every recorded hash still matches."""
    clone = tmp_path / "clone"
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp_path))
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", "-c", "core.autocrlf=true", str(ROOT), str(clone)],
                   check=True, env=env)
    crlf_somewhere = any(b"\r\n" in p.read_bytes() for p in clone.glob("*.md"))
    assert crlf_somewhere, "the clone did not convert line endings: the test would prove nothing"
    problems = [p.message() for p in validate_all(clone / "data") if "sha256" in p.text]
    assert problems == []
    for path in (ROOT / "data").glob("*.csv"):
        assert sha256_of(clone / "data" / path.name) == sha256_of(path), path.name


def test_yaml_error_in_citation_file_names_it(tmp_path):
    for name in ("CITATION.cff", "_config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "CITATION.cff").write_text((ROOT / "CITATION.cff").read_text() + "\nbroken: [unclosed\n")
    with pytest.raises(ValueError, match=r"^CITATION\.cff: YAML syntax error at line \d+, column \d+"):
        read_meta(tmp_path)


def test_markdown_forms_show_data_text_as_text():
    """myst-nb parses the Markdown form of every output (the PDF's tables), even on the web: data
    text must not become an image, a link, a role or math there."""
    from markdown_it import MarkdownIt

    hostile = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) {download}`x` $x$ ![i](x.png) *e*"
    parser = MarkdownIt("commonmark").enable("table")
    table_md = Table(pd.DataFrame({"text": [hostile]}))._repr_markdown_()
    claims = load("claims")
    claims.loc[claims.index[0], "claim"] = hostile
    register_md = register.markdown_table(claims)
    for markdown in (table_md, register_md):
        tokens = [t for block in parser.parse(markdown) for t in ([block] + list(block.children or []))]
        kinds = {t.type for t in tokens}
        assert not kinds & {"html_inline", "html_block", "image", "link_open", "code_inline"}, kinds
        assert "<img src=x onerror=alert(1)>" in parser.render(markdown).replace("&lt;", "<").replace("&gt;", ">")
