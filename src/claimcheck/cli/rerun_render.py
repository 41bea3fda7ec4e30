"""The re-run page: an executed notebook, with a note on what was changed and which glued values
moved, rendered to one HTML page (a one-page Sphinx build with myst-nb; no execution)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from claimcheck import paths
from claimcheck.cli.glue_changes import Change
from claimcheck.data import parameter_values
from claimcheck.data.parameters import Parameter


class RenderFailed(RuntimeError):
    """Sphinx could not render the executed notebook."""


def note_cell(chapter: str, values: dict[str, Any], parameters: list[Parameter], rows: list[Change],
               total: int) -> dict:
    """A box at the top of the re-run page: what was changed and which glued values moved."""
    by_name = {p.name: p for p in parameters}
    settings = "; ".join(f"`{n}` = {parameter_values.format_value(v)} (in the book: {by_name[n].shown})"
                         for n, v in values.items()) or "none (the book's own assumptions)"

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("`", "'")

    if rows:
        table = ["| | name | value in the book | value re-run |", "|---|---|---|---|"]
        table += [f"| {'verdict' if r.verdict_relevant else ''} | `{r.name}` | {cell(r.book)} | {cell(r.rerun)} |"
                  for r in rows]
        moved = f"{len(rows)} of {total} glued values changed (verdict-relevant first):\n\n" + "\n".join(table)
    else:
        moved = f"No glued value changed: the re-run reproduces all {total} glued values of the book."
    text = (f":::{{admonition}} Re-run of this chapter with other assumptions\n:class: note\n"
            f"Changed assumptions: {settings}. This page was produced by `python -m claimcheck.cli.rerun "
            f"{chapter}`; it is not the published chapter.\n\n{moved}\n:::\n")
    return {"cell_type": "markdown", "id": "claimcheck-rerun-note", "metadata": {}, "source": text}


def render_html(notebook: dict, name: str, root: Path, target: Path) -> Path:
    """A one-page HTML rendering of an executed notebook (myst-nb, no execution), glue and
    citations resolved; returns the page's path. References to other chapters stay plain text."""
    import io

    from sphinx.application import Sphinx

    source = target / "_source"
    source.mkdir(parents=True)
    (source / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    overrides: dict[str, Any] = {
        "extensions": ["myst_nb", "sphinx_design", "sphinx_togglebutton"],
        "root_doc": name,
        "project": name,
        "nb_execution_mode": "off",
        "nb_merge_streams": True,
        "nb_render_markdown_format": "myst",
        "myst_enable_extensions": ["colon_fence", "dollarmath", "deflist", "html_image", "substitution"],
        "html_theme": "sphinx_book_theme",
        "html_title": f"{name} (re-run)",
        "html_show_sourcelink": False,
        "html_copy_source": False,
        "exclude_patterns": [],
    }
    bibliography = root / paths.BIB_FILE
    if bibliography.is_file():
        shutil.copyfile(bibliography, source / paths.BIB_FILE)
        overrides["extensions"].append("sphinxcontrib.bibtex")
        overrides.update(bibtex_bibfiles=["references.bib"], bibtex_reference_style="author_year",
                         bibtex_default_style="plain")
    html = target / "html"
    warnings = io.StringIO()
    app = Sphinx(str(source), None, str(html), str(target / "_doctrees"), "html", confoverrides=overrides,
                 status=io.StringIO(), warning=warnings, freshenv=True)
    app.build()
    if app.statuscode:
        raise RenderFailed(f"rendering {name} to HTML failed:\n{warnings.getvalue()[-3000:]}")
    for scratch in (source, target / "_doctrees", target / "jupyter_execute"):
        shutil.rmtree(scratch, ignore_errors=True)
    return html / f"{name}.html"
