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
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimcheck import paths
from claimcheck.cli.glue_changes import Change, changes, format_changes, glued_values, verdict_relevant
from claimcheck.cli.rerun_render import RenderFailed, note_cell, render_html
from claimcheck.data import parameter_values
from claimcheck.data import parameters as declared

RERUN_FOLDER = paths.RERUN_DIR
CHAPTERS_FOLDER = paths.CHAPTERS_DIR


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
    names = ", ".join(p.stem for p in paths.chapter_notebooks(root))
    raise RerunError(f"no chapter named {chapter!r}; the chapters are: {names}")


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
                         note_cell(name, values, parameters, rows, total))
            try:
                page = render_html(shown_notebook, name, root, work)
            except RenderFailed as err:
                raise ExecutionFailed(str(err)) from None
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
