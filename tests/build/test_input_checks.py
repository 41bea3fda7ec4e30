"""Bad input stops the build before anything is read (claimcheck.build.input_checks)."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest
from sphinx_fakes import build_tiny, fake_app

from claimcheck.build import input_checks, validation
from conftest import ROOT


def test_a_non_http_link_in_the_bibliography_is_named_by_file_line_entry_and_field(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{good,\n  url = {https://example.org/a},\n}\n"
                   "@misc{bad,\n  title = {x},\n  url = {javascript:alert(1)},\n"
                   "  note = {see \\url{data:text/html,hi}},\n}\n", encoding="utf-8")
    problems = input_checks.bibliography_link_problems(bib)
    assert len(problems) == 2
    assert problems[0].startswith("refs.bib: line 6, entry 'bad', field url: 'javascript:alert(1)'")
    assert problems[1].startswith("refs.bib: line 7, entry 'bad', field note: 'data:text/html,hi'")


def test_bad_bibliography_stops_the_build_and_removes_the_previous_output(tmp_path):
    app = fake_app(tmp_path)
    (tmp_path / "src" / "refs.bib").write_text("@misc{k,\n  url = {ftp://x},\n}\n", encoding="utf-8")
    (tmp_path / "out" / "index.html").write_text("old book")
    with pytest.raises(input_checks.BookInputError, match="line 2, entry 'k', field url"):
        input_checks.check_bibliography_links(app, SimpleNamespace(bibtex_bibfiles=["refs.bib"]))
    assert not any((tmp_path / "out").iterdir())


def test_a_file_the_descriptor_does_not_list_stops_the_build(tmp_path):
    app = fake_app(tmp_path)
    shutil.copytree(ROOT / "data", tmp_path / "src" / "data")
    (tmp_path / "src" / "data" / "stray.csv").write_text("a\n1\n")
    with pytest.raises(input_checks.BookInputError, match="stray.csv"):
        validation.validate_data(app, app.config)  # the layout check lives in the validation extension
    (tmp_path / "src" / "data" / "stray.csv").unlink()
    validation.validate_data(app, app.config)  # the real layout passes


def test_the_message_is_printed_once_then_points_back():
    error = input_checks.BookInputError("data/x.csv: row 3, column n: not a number")
    assert "row 3" in str(error)
    assert str(error) == "(Bad input: reported above)"


def test_as_a_lone_extension_it_stops_a_build_on_a_bad_bibliography(tmp_path):
    from sphinx.errors import SphinxError

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "refs.bib").write_text("@misc{k,\n  url = {javascript:x},\n}\n", encoding="utf-8")
    with pytest.raises(SphinxError, match="field url"):
        build_tiny(tmp_path, ["sphinxcontrib.bibtex", "claimcheck.build.input_checks"], {"index.rst": "Hi\n==\n"},
                   bibtex_bibfiles=["refs.bib"])
