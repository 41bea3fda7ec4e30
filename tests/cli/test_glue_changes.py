"""Which glued values a re-run moved: values read from stored outputs, verdict-relevant ones found
in evidence sections and metadata, and the table of changes."""

from __future__ import annotations

import json

import nbformat

from claimcheck.cli import glue_changes


def glue_output(name: str, text: str) -> dict:
    prefix = "application/papermill.record/"
    return nbformat.v4.new_output("display_data", data={prefix + "text/plain": text},
                                  metadata={"scrapbook": {"name": name, "mime_prefix": prefix}})


def synthetic_notebook(metadata: dict | None = None) -> dict:
    notebook = nbformat.v4.new_notebook(metadata=metadata or {})
    code = nbformat.v4.new_code_cell("...")
    code.outputs = [glue_output("share", "0.36"), glue_output("n_tests", "28"), glue_output("note", "a\nb"),
                    glue_output("mean_o2", "58.57"), nbformat.v4.new_output("stream", text="printed")]
    notebook.cells = [
        code,
        nbformat.v4.new_markdown_cell("## Claims covered\n\nWe read {glue:text}`n_tests` tests."),
        nbformat.v4.new_markdown_cell("(evidence-c15)=\n### C15\n\nA share of {glue:text}`share:.0%`."),
        nbformat.v4.new_markdown_cell("More on C15:\n\n```{glue} note\n```"),
        nbformat.v4.new_markdown_cell("## Summary\n\nAgain {glue:text}`n_tests` and {glue:text}`mean_o2`."),
    ]
    return json.loads(nbformat.writes(notebook))


def test_glued_values_are_read_from_stored_outputs():
    values = glue_changes.glued_values(synthetic_notebook())
    assert list(values) == ["share", "n_tests", "note", "mean_o2"]
    assert values["share"] == {"text/plain": "0.36"}
    assert glue_changes.shown(values["note"]) == "a …"
    assert glue_changes.shown(None) == "(absent)"
    assert len(glue_changes.shown({"text/plain": "x" * 200})) == glue_changes.MAX_SHOWN


def test_verdict_relevant_values_come_from_evidence_sections_and_metadata():
    notebook = synthetic_notebook()
    names = set(glue_changes.glued_values(notebook))
    # Used in an evidence section (to the next level-2 heading), not merely elsewhere.
    assert glue_changes.verdict_relevant(notebook, names) == {"share", "note"}
    notebook["metadata"]["claimcheck"] = {"verdict_glue": ["mean_*"]}
    assert glue_changes.verdict_relevant(notebook, names) == {"share", "note", "mean_o2"}


def test_changed_values_are_listed_verdict_relevant_first():
    book = {"a": {"text/plain": "1"}, "b": {"text/plain": "2"}, "c": {"text/plain": "3"}}
    again = {"a": {"text/plain": "1.5"}, "b": {"text/plain": "2"}, "c": {"text/plain": "4"}, "d": {"text/plain": "9"}}
    rows = glue_changes.changes(book, again, relevant={"c"})
    assert [(r.name, r.book, r.rerun, r.verdict_relevant) for r in rows] == [
        ("c", "3", "4", True), ("a", "1", "1.5", False), ("d", "(absent)", "9", False)]
    table = glue_changes.format_changes(rows, total=4)
    assert table.splitlines()[0].startswith("3 of 4 glued values changed")
    assert table.splitlines()[3].split() == ["*", "c", "3", "4"]
    assert glue_changes.format_changes([], total=4).startswith("No glued value changed")
    # Long texts that differ only near their end are shown around the difference.
    long_book = {"t": {"text/plain": "Simulation 1 (seed 1, " + "x" * 60 + " share 64%)"}}
    long_again = {"t": {"text/plain": "Simulation 1 (seed 1, " + "x" * 60 + " share 71%)"}}
    (row,) = glue_changes.changes(long_book, long_again, relevant=set())
    assert row.book != row.rerun and "64%" in row.book and "71%" in row.rerun
