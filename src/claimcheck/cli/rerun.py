"""Re-run one chapter with other assumptions and see exactly which glued numbers move.

    python -m claimcheck.cli.rerun diabetes_fitness --set typical_error=2.9 --set cutoff=10
    make rerun CHAPTER=diabetes_fitness SET="typical_error=2.9 cutoff=10"
    python -m claimcheck.cli.rerun diabetes_fitness --list     # the declared assumptions

The new values are checked against the chapter's ``parameters`` cell (``claimcheck.data.parameters``):
an unknown name, a value of the wrong type or one out of the declared range stops here with a
message. The chapter is then executed with papermill into a temporary folder under
``_build/rerun/``, rendered to HTML there (a one-page Sphinx build with myst-nb, so glued numbers
appear in the text), and the folder is moved to ``_build/rerun/<chapter>/`` only when all of that
succeeded: a failed run leaves nothing behind. ``chapters/`` and ``data/`` are only read.

The printed table lists every glued value whose stored output differs from the one in the book
(the outputs stored in ``chapters/<chapter>.ipynb``, which nbval keeps equal to a fresh run).
Verdict-relevant values come first: the glue names listed in the notebook's metadata under
``claimcheck.verdict_glue`` (names or shell-style patterns such as ``diabetes_mcid_*``), and every
glue name used in the text of a claim's evidence section (the markdown from an
``(evidence-cNN)=`` label to the next level-1 or level-2 heading).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimcheck import paths
from claimcheck.data import parameter_values
from claimcheck.data import parameters as declared

RERUN_FOLDER = paths.RERUN_DIR
CHAPTERS_FOLDER = paths.CHAPTERS_DIR
VERDICT_GLUE_KEY = "verdict_glue"  # notebook metadata: {"claimcheck": {"verdict_glue": [...]}}
MAX_SHOWN = 48

_EVIDENCE_LABEL = re.compile(r"^\s*\(evidence-[\w-]+\)=", re.M)
_SECTION_HEADING = re.compile(r"^\s*#{1,2}\s", re.M)
_GLUE_ROLE = re.compile(r"\{glue(?::[\w-]*)?\}`([^`:<>]+)")
_GLUE_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\s*\{glue(?::[\w-]*)?\}\s+([^\s`]+)", re.M)


class RerunError(Exception):
    """A problem the reader can fix (bad chapter name, unknown parameter, bad value)."""

    exit_code = 2


class ExecutionFailed(RerunError):
    exit_code = 1


# --- finding things --------------------------------------------------------------------------


def book_root(start: Path | None = None) -> Path:
    """The book's folder: the first folder, from ``start`` (default: cwd) upwards, holding
    ``_toc.yml`` and ``data/datapackage.yaml``."""
    try:
        root = paths.book_root(start)
    except FileNotFoundError as err:
        raise RerunError(str(err)) from None
    if not (root / paths.TOC_FILE).is_file():
        raise RerunError(f"{root} holds data/ but no {paths.TOC_FILE}: not a book (or an incomplete source archive)")
    return root


def chapter_notebooks(root: Path) -> list[Path]:
    return sorted((root / CHAPTERS_FOLDER).glob("*.ipynb"))


def chapter_path(chapter: str, root: Path) -> Path:
    """``diabetes_fitness`` means ``chapters/diabetes_fitness.ipynb``; a path to a notebook is taken as is."""
    if chapter.endswith(".ipynb") or "/" in chapter:
        path = Path(chapter)
        path = path if path.is_absolute() else (Path.cwd() / path)
        if path.suffix == ".ipynb" and path.is_file():
            return path.resolve()
        raise RerunError(f"no notebook at {chapter}")
    path = root / CHAPTERS_FOLDER / f"{chapter}.ipynb"
    if path.is_file():
        return path
    names = ", ".join(p.stem for p in chapter_notebooks(root))
    raise RerunError(f"no chapter named {chapter!r}; the chapters are: {names}")


# --- glued values ----------------------------------------------------------------------------


def glued_values(notebook: dict) -> dict[str, dict]:
    """Every glued value stored in a notebook's outputs: name -> its stored MIME bundle
    (the ``application/papermill.record/`` prefix myst-nb adds is removed), in notebook order."""
    found: dict[str, dict] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            scrap = (output.get("metadata") or {}).get("scrapbook")
            if not scrap or "name" not in scrap:
                continue
            prefix = scrap.get("mime_prefix", "")
            found[scrap["name"]] = {key.removeprefix(prefix): value for key, value in (output.get("data") or {}).items()}
    return found


def shown(bundle: dict | None) -> str:
    """A glued value as one short line of text."""
    if bundle is None:
        return "(absent)"
    text = bundle.get("text/plain")
    if text is None:
        return "(" + ", ".join(sorted(bundle)) + ")"
    text = "".join(text) if isinstance(text, list) else str(text)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    one_line = lines[0] + (" …" if len(lines) > 1 else "") if lines else "''"
    return one_line if len(one_line) <= MAX_SHOWN else one_line[: MAX_SHOWN - 1] + "…"


def _plain_text(bundle: dict | None) -> str | None:
    if not bundle or "text/plain" not in bundle:
        return None
    text = bundle["text/plain"]
    return " ".join(("".join(text) if isinstance(text, list) else str(text)).split())


def _shown_pair(book: dict | None, rerun: dict | None) -> tuple[str, str]:
    """Both values as short text; when the shortened texts would look the same, both are shown
    from a little before the first character that differs."""
    left, right = shown(book), shown(rerun)
    old, new = _plain_text(book), _plain_text(rerun)
    if left != right or old is None or new is None or old == new:
        return left, right
    first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(first - 12, 0)

    def window(text: str) -> str:
        part = ("…" if start else "") + text[start:start + MAX_SHOWN - 2]
        return part + ("…" if start + MAX_SHOWN - 2 < len(text) else "")

    return window(old), window(new)


def _markdown(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def glue_names_in_text(text: str) -> list[str]:
    return [name.strip() for name in _GLUE_ROLE.findall(text) + _GLUE_DIRECTIVE.findall(text)]


def verdict_relevant(notebook: dict, names) -> set[str]:
    """Which of ``names`` feed a verdict: listed (or matched by a pattern) in the notebook's
    ``claimcheck.verdict_glue`` metadata, or used in the text of an evidence section."""
    patterns = list(((notebook.get("metadata") or {}).get("claimcheck") or {}).get(VERDICT_GLUE_KEY) or [])
    in_evidence: set[str] = set()
    inside = False
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = _markdown(cell)
        label = _EVIDENCE_LABEL.search(text)
        if label:
            inside = True
            text = text[label.start():]
        elif _SECTION_HEADING.search(text):
            inside = False
        if inside:
            in_evidence.update(glue_names_in_text(text))
    return {name for name in names
            if name in in_evidence or any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)}


@dataclass(frozen=True)
class Change:
    name: str
    book: str
    rerun: str
    verdict_relevant: bool


def changes(book: dict, rerun: dict, relevant: set[str]) -> list[Change]:
    """Every glued value that differs (or appears or disappears), verdict-relevant first, each
    group in notebook order."""
    order = list(book) + [name for name in rerun if name not in book]
    moved = [name for name in order if book.get(name) != rerun.get(name)]
    rows = [Change(name, *_shown_pair(book.get(name), rerun.get(name)), name in relevant) for name in moved]
    return sorted(rows, key=lambda change: not change.verdict_relevant)


def format_changes(rows: list[Change], total: int) -> str:
    if not rows:
        return f"No glued value changed: the re-run reproduces all {total} glued values of the book."
    table = [("", "name", "value in the book", "value re-run")]
    table += [("*" if r.verdict_relevant else "", r.name, r.book, r.rerun) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = [f"{len(rows)} of {total} glued values changed (* = verdict-relevant, listed first):"]
    for index, row in enumerate(table):
        lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  " + "  ".join(("-" if i else " ") * w for i, w in enumerate(widths)))
    return "\n".join(lines)


# --- the new values --------------------------------------------------------------------------


def parse_assignments(items: list[str]) -> dict[str, str]:
    assignments: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise RerunError(f"{item!r} is not of the form name=value")
        if name.strip() in assignments:
            raise RerunError(f"{name.strip()} is set twice")
        assignments[name.strip()] = value.strip()
    return assignments


def validate(parameters: list[declared.Parameter], assignments: dict[str, str], chapter: str) -> dict[str, Any]:
    """The new values, typed and checked against the declarations."""
    by_name = {p.name: p for p in parameters}
    unknown = [name for name in assignments if name not in by_name]
    if unknown:
        if not parameters:
            raise RerunError(f"{chapter} declares no assumptions (it has no cell tagged 'parameters'), "
                             f"so {', '.join(unknown)} cannot be set")
        raise RerunError(f"{chapter} has no assumption named {', '.join(unknown)}. Its assumptions are:\n"
                         + parameter_values.describe(parameters))
    values = {}
    problems = []
    for name, raw in assignments.items():
        try:
            values[name] = parameter_values.coerce(by_name[name], raw)
        except declared.ParameterError as err:
            problems.append(str(err))
    if problems:
        raise RerunError("\n".join(problems))
    return values


# --- running ---------------------------------------------------------------------------------


def execute(source: Path, target: Path, values: dict[str, Any], timeout: int = 600) -> dict:
    """Execute ``source`` with papermill into ``target``, in the chapter's own folder (so it finds
    ``data/`` as it does in the book)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(str(source), str(target), parameters=values, cwd=str(source.parent),
                                   kernel_name="python3", progress_bar=False, log_output=False,
                                   execution_timeout=timeout)
    except PapermillExecutionError as err:
        raise ExecutionFailed(f"{source.name} failed in cell {err.cell_index} with these values: "
                              f"{err.ename}: {err.evalue}") from None
    return declared.read_notebook(target)


def _note_cell(chapter: str, values: dict[str, Any], parameters: list[declared.Parameter], rows: list[Change],
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
    bibliography = root / "references.bib"
    if bibliography.is_file():
        shutil.copyfile(bibliography, source / "references.bib")
        overrides["extensions"].append("sphinxcontrib.bibtex")
        overrides.update(bibtex_bibfiles=["references.bib"], bibtex_reference_style="author_year",
                         bibtex_default_style="plain")
    html = target / "html"
    warnings = io.StringIO()
    app = Sphinx(str(source), None, str(html), str(target / "_doctrees"), "html", confoverrides=overrides,
                 status=io.StringIO(), warning=warnings, freshenv=True)
    app.build()
    if app.statuscode:
        raise ExecutionFailed(f"rendering {name} to HTML failed:\n{warnings.getvalue()[-3000:]}")
    for scratch in (source, target / "_doctrees", target / "jupyter_execute"):
        shutil.rmtree(scratch, ignore_errors=True)
    return html / f"{name}.html"


@dataclass
class Result:
    folder: Path
    notebook: Path
    page: Path | None
    changes: list[Change]
    total: int
    report: str


def rerun(chapter: str, assignments: dict[str, str], root: Path | None = None, html: bool = True,
          timeout: int = 600) -> Result:
    """Validate, execute, render, compare; the output folder appears only when all of it worked."""
    root = book_root(root)
    source = chapter_path(chapter, root)
    name = source.stem
    parameters = declared.read(source)
    values = validate(parameters, assignments, name)

    book_notebook = declared.read_notebook(source)
    book_values = glued_values(book_notebook)
    output_root = root / RERUN_FOLDER
    output_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=output_root))
    work.chmod(0o755)
    try:
        executed = execute(source, work / f"{name}.ipynb", values, timeout=timeout)
        new_values = glued_values(executed)
        rows = changes(book_values, new_values, verdict_relevant(book_notebook, set(book_values) | set(new_values)))
        total = len(set(book_values) | set(new_values))
        report = format_changes(rows, total)
        (work / "changes.txt").write_text(report + "\n", encoding="utf-8")
        (work / "assumptions.json").write_text(json.dumps(
            {"chapter": name, "changed": values,
             "declared": {p.name: p.value for p in parameters}}, indent=1, default=str) + "\n", encoding="utf-8")
        page = None
        if html:
            shown_notebook = json.loads(json.dumps(executed))
            cells = shown_notebook["cells"]
            cells.insert(1 if cells and cells[0].get("cell_type") == "markdown" else 0,
                         _note_cell(name, values, parameters, rows, total))
            page = render_html(shown_notebook, name, root, work)
        final = output_root / name
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{name}-old-", dir=output_root))
            final.rename(old / name)
            work.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    page = final / page.relative_to(work) if page else None
    return Result(final, final / f"{name}.ipynb", page, rows, total, report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m claimcheck.cli.rerun", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapter", help="chapter name (as in chapters/NAME.ipynb) or a path to a notebook")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE",
                        help="a new value for one declared assumption (repeat for several)")
    parser.add_argument("--list", action="store_true", help="list the chapter's assumptions and stop")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML rendering")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    # `make rerun SET="a=1 b=2"` passes each assignment on its own; tolerate "a=1 b=2" in one too.
    items = [part for item in args.assignments for part in item.split()]
    try:
        root = book_root()
        source = chapter_path(args.chapter, root)
        if args.list:
            parameters = declared.read(source)
            print(parameter_values.describe(parameters) if parameters else f"{source.stem} declares no assumptions")
            return 0
        result = rerun(args.chapter, parse_assignments(items), root=root, html=not args.no_html,
                       timeout=args.timeout)
    except (RerunError, declared.ParameterError) as err:
        print(f"error: {err}", file=sys.stderr)
        return getattr(err, "exit_code", 2)
    print(result.report)
    where = result.folder.relative_to(book_root()) if result.folder.is_relative_to(book_root()) else result.folder
    print(f"\nExecuted notebook: {where}/{result.notebook.name}")
    if result.page:
        print(f"HTML page: {where}/{result.page.relative_to(result.folder)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
