"""Sphinx extension: re-running a chapter with other assumptions, explained where it is read.

* Ends every notebook page that has a ``parameters`` cell with a "Re-run this chapter" block:
  its declared assumptions with their current values, the data files it reads, the two
  commands that set everything up, and an example re-run. Nothing in the chapter is marked up
  by hand: the block is read from the notebook at build time (``claimcheck.data.parameters``).
* Directives for the page on re-running: ``{rerun-setup}`` (the set-up commands and what the
  book publishes) and ``{rerun-assumptions}`` (every chapter's assumptions, from the
  notebooks themselves, so the page cannot drift from them).

The files these point at are published by claimcheck.build.published_files, loaded with this
extension.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from claimcheck.build.cite_page import CITE_SECTION_ID
from claimcheck.build.published_files import (
    ARCHIVE_FOLDER,
    PUBLISHED_DATA,
    SOURCE_ARCHIVE,
)

SETUP_COMMANDS = (f"tar -xzf {SOURCE_ARCHIVE} && cd {ARCHIVE_FOLDER}", "make env")
RERUN_SECTION_ID = "rerun-this-chapter"


def chapter_resources(notebook: Path, root: Path) -> list[str]:
    """The data files (``data/x.csv``) a notebook read at its last execution (its read manifest)."""
    from claimcheck.build import invalidation

    key = notebook.resolve().relative_to(Path(root).resolve()).as_posix()
    return [f"{PUBLISHED_DATA}/{name}" for name in invalidation.recorded_data_files(root, key)]


def example_command(chapter: str, parameters) -> str:
    """``make rerun CHAPTER=x SET="name=value"`` with the first assumption that has another allowed value."""
    from claimcheck.data.parameters import format_value

    for parameter in parameters:
        example = parameter.example()
        if example is not None:
            return f'make rerun CHAPTER={chapter} SET="{parameter.name}={format_value(example)}"'
    return f"make rerun CHAPTER={chapter}"


def _link_nodes(relative: str, absolute: str, text: str):
    from docutils import nodes

    return [nodes.raw("", f'<a href="{html.escape(relative, quote=True)}">{html.escape(text)}</a>', format="html"),
            nodes.raw("", r"\href{" + absolute + "}{" + text.replace("_", r"\_") + "}", format="latex")]


def _absolute(app, path: str) -> str:
    base = (app.config.html_baseurl or "").rstrip("/")
    return f"{base}/{path}" if base else path


def parameter_list(parameters):
    """A bullet list: name = value (allowed, unit): meaning; where the default comes from."""
    from docutils import nodes

    items = nodes.bullet_list(classes=["rerun-parameters"])
    for parameter in parameters:
        item = nodes.list_item()
        paragraph = nodes.paragraph()
        paragraph += nodes.literal(text=f"{parameter.name} = {parameter.shown}")
        details = [f"allowed: {parameter.allowed}"]
        if parameter.unit and parameter.unit.lower() != "none":
            details.append(f"unit: {parameter.unit}")
        paragraph += nodes.Text(f" ({'; '.join(details)})")
        if parameter.meaning:
            paragraph += nodes.Text(f": {parameter.meaning}.")
        if parameter.source:
            paragraph += nodes.Text(f" Default: {parameter.source}.")
        item += paragraph
        items += item
    return items


def setup_nodes(app, depth: int):
    """The two set-up commands, with a link to the source archive."""
    from docutils import nodes

    intro = nodes.paragraph()
    intro += nodes.Text("Set up once: download the book's source archive (")
    intro += _link_nodes("../" * depth + SOURCE_ARCHIVE, _absolute(app, SOURCE_ARCHIVE), SOURCE_ARCHIVE)
    intro += nodes.Text("), then, with Python 3.10 or later and access to PyPI:")
    commands = "\n".join(SETUP_COMMANDS)
    return [intro, nodes.literal_block(commands, commands, language="bash")]


def _read_parameters(app, path: Path, docname: str):
    from sphinx.util import logging

    from claimcheck.data.parameters import ParameterError, read

    try:
        return read(path)
    except ParameterError as err:
        logging.getLogger(__name__).warning(f"{path.name}: {err}", location=docname)
        return []


def rerun_block(app, docname: str, parameters, notebook: Path):
    from docutils import nodes

    chapter = Path(docname).name
    depth = docname.count("/")
    section = nodes.section(ids=[RERUN_SECTION_ID], names=["re-run this chapter"])
    section += nodes.title(text="Re-run this chapter")
    lead = nodes.paragraph(text=(
        "The assumptions below are declared in one code cell of this chapter's notebook (tagged "
        "parameters). Change any of them with one command: the chapter is executed again with "
        "your values, and a table lists every computed number that moved, the ones behind a "
        "verdict first. Current values:"))
    section += lead
    section += parameter_list(parameters)
    files = chapter_resources(notebook, Path(app.srcdir))
    if files:
        reads = nodes.paragraph()
        reads += nodes.Text("It reads ")
        for index, path in enumerate(files):
            if index:
                reads += nodes.Text(", " if index < len(files) - 1 else " and ")
            reads += _link_nodes("../" * depth + path, _absolute(app, path), path)
        reads += nodes.Text(f" (sources and licences: {PUBLISHED_DATA}/datapackage.yaml).")
        section += reads
    section += setup_nodes(app, depth)
    section += nodes.paragraph(text="Then re-run it with your values (as many NAME=VALUE pairs as you like), "
                                    "or open the notebooks in JupyterLab with the book's own kernel:")
    commands = f"{example_command(chapter, parameters)}\nmake lab"
    section += nodes.literal_block(commands, commands, language="bash")
    return section


def add_rerun_block(app, doctree, docname):
    from docutils import nodes

    if app.builder.format != "html":
        return
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    parameters = _read_parameters(app, path, docname)
    if not parameters:
        return
    pages = [n for n in doctree.children if isinstance(n, nodes.section)]
    if not pages:
        return
    page = pages[0]
    block = rerun_block(app, docname, parameters, path)
    for index, child in enumerate(page.children):
        if isinstance(child, nodes.section) and (
                CITE_SECTION_ID in child["ids"] or child[0].astext().strip().lower() == "references"):
            page.insert(index, block)
            return
    page += block


# --- directives --------------------------------------------------------------------------------


def chapter_docnames(app) -> list[str]:
    """Notebook pages in table-of-contents order (then any others, by name)."""
    env = app.env
    notebooks = sorted(d for d in env.found_docs if str(env.doc2path(d)).endswith(".ipynb"))
    toc = Path(app.srcdir) / "_toc.yml"
    listed = re.findall(r"file:\s*(\S+)", toc.read_text(encoding="utf-8")) if toc.is_file() else []
    ordered = [d for d in (entry.removesuffix(".ipynb").removesuffix(".md") for entry in listed) if d in notebooks]
    return ordered + [d for d in notebooks if d not in ordered]


def _directive_classes():
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.util.docutils import SphinxDirective

    class RerunSetup(SphinxDirective):
        """The set-up commands and what the book publishes for re-running it."""

        def run(self):
            depth = self.env.docname.count("/")
            result = setup_nodes(self.env.app, depth)
            published = nodes.paragraph()
            published += nodes.Text("The book also publishes its data (")
            published += _link_nodes("../" * depth + f"{PUBLISHED_DATA}/datapackage.yaml",
                                     _absolute(self.env.app, f"{PUBLISHED_DATA}/datapackage.yaml"),
                                     f"{PUBLISHED_DATA}/datapackage.yaml")
            published += nodes.Text(" describes every file, its source and its licence), its bibliography (")
            published += _link_nodes("../" * depth + "references.bib", _absolute(self.env.app, "references.bib"),
                                     "references.bib")
            published += nodes.Text(") and its licences.")
            return result + [published]

    class RerunAssumptions(SphinxDirective):
        """Every chapter's declared assumptions, read from the notebooks at build time."""

        def run(self):
            app = self.env.app
            output = []
            for docname in chapter_docnames(app):
                path = Path(self.env.doc2path(docname))
                self.env.note_dependency(str(path))
                parameters = _read_parameters(app, path, self.env.docname)
                if not parameters:
                    continue
                heading = nodes.paragraph(classes=["rerun-chapter"])
                link = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + docname,
                                             refexplicit=False, refwarn=True, refdoc=self.env.docname)
                link += nodes.inline(text=docname)
                heading += nodes.strong("", "", link)
                heading += nodes.Text(f" ({Path(docname).name}):")
                output += [heading, parameter_list(parameters)]
                example = example_command(Path(docname).name, parameters)
                output.append(nodes.literal_block(example, example, language="bash"))
            if not output:
                output.append(nodes.paragraph(text="No chapter declares assumptions yet."))
            return output

    return RerunSetup, RerunAssumptions


def setup(app):
    app.setup_extension("claimcheck.build.published_files")
    setup_directive, assumptions_directive = _directive_classes()
    app.add_directive("rerun-setup", setup_directive)
    app.add_directive("rerun-assumptions", assumptions_directive)
    app.connect("doctree-resolved", add_rerun_block)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
