"""Directives that render the register on Markdown pages (landing page, introduction, method).

``{verdict-boxes}`` shows verdict boxes for claim ids or a cluster; ``{vocabulary}`` shows one of the
rubric's vocabularies (verdicts, certainty in plain words, the ClaimReview mapping, ...). Both
render from ``data/claims.csv`` and :mod:`claimcheck.rubric` at build time, so a Markdown page
never types a verdict or a definition, and a page is re-read whenever the register changes.

Why a directive rather than glue: a glued output lives in the notebook's stored outputs, so the
landing page would show what the register notebook printed when it last ran; the directive
reads the register itself on every build that changed it, needs no notebook to run first, and
works the same in the HTML and the PDF.

    ```{verdict-boxes} C02 C06
    ```

    ```{vocabulary} certainty
    ```
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

REGISTER_FILES = ("data/claims.csv", "data/datapackage.yaml", "references.bib")


class VerdictBoxesDirective(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True
    has_content = False

    def run(self):
        from claimcheck.data.package import load
        from claimcheck.present.verdicts import verdict_boxes

        root = Path(self.env.srcdir)
        for name in REGISTER_FILES:
            self.env.note_dependency(str(root / name))
        for path in sorted((root / "data").glob("*_estimates.csv")):
            self.env.note_dependency(str(path))
        claims = load("claims", root / "data")
        argument = " ".join(self.arguments).strip()
        selection = argument if argument in set(claims["cluster"]) else argument.replace(",", " ").split()
        base = str(Path(self.env.docname).parent).replace(".", "")
        boxes = verdict_boxes(selection, claims=claims, base=base, data_dir=root / "data")

        html_only = addnodes.only(expr="html")
        html_only += nodes.raw("", boxes._repr_html_(), format="html")
        other = addnodes.only(expr="not html")
        container = nodes.container(classes=["verdict-boxes"])
        self.state.nested_parse(StringList(boxes._repr_markdown_().splitlines(), source=self.env.docname),
                                self.content_offset, container)
        other += container
        return [html_only, other]


class RubricDirective(SphinxDirective):
    """A vocabulary of the rubric as a definition list (a table for the ClaimReview mapping)."""

    required_arguments = 1

    def _definitions(self, items) -> nodes.definition_list:
        listing = nodes.definition_list(classes=["rubric-list"])
        for term, text in items:
            item = nodes.definition_list_item()
            item += nodes.term(text=term)
            definition = nodes.definition()
            definition += nodes.paragraph(text=text)
            item += definition
            listing += item
        return listing

    def _table(self, header, rows) -> nodes.table:
        table = nodes.table(classes=["rubric-table"])
        group = nodes.tgroup(cols=len(header))
        table += group
        for _ in header:
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        group += head
        for cells, parent in ([header], head), (rows, None):
            if parent is None:
                parent = nodes.tbody()
                group += parent
            for values in cells:
                row = nodes.row()
                for value in values:
                    entry = nodes.entry()
                    entry += nodes.paragraph(text=str(value))
                    row += entry
                parent += row
        return table

    def run(self):
        from claimcheck import rubric, vocab

        which = self.arguments[0]
        if which == "verdicts":
            return [self._definitions((v.name, v.meaning) for v in vocab.VERDICTS.values())]
        if which == "certainty":
            return [self._definitions((level, f"{vocab.CERTAINTY_PLAIN[level]}.")
                                      for level in (*vocab.CERTAINTY_LEVELS, "not applicable"))]
        if which == "wording":
            return [self._definitions(vocab.WORDING.items())]
        if which == "citation-accuracy":
            return [self._definitions(vocab.CITATION_ACCURACY.items())]
        if which == "source-tiers":
            return [self._definitions(vocab.SOURCE_TIERS.items())]
        if which == "ratings":
            rows = [(r["verdict"], r["certainty"], r["rating"] if r["rating"] is not None else "none",
                     r["alternateName"]) for r in rubric.rating_table()]
            return [self._table(("Verdict", "Certainty", "Rating (1-5)", "Name shown (alternateName)"), rows)]
        raise self.error(f"unknown rubric {which!r}: verdicts, certainty, wording, citation-accuracy, "
                         "source-tiers or ratings")


def setup(app):
    app.add_directive("verdict-boxes", VerdictBoxesDirective)
    app.add_directive("vocabulary", RubricDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
