"""The notebook part of a clean build's floor: each chapter's imports, and nothing else.

    .venv/bin/python bench/floor.py BOOK [--workers N]

For every notebook in BOOK/chapters/ this makes a notebook holding only that chapter's import
statements (every top-level ``import``/``from ... import`` of its code cells) and executes it
as the build executes the chapters (``claimcheck.build.preexecute``: jupyter-cache's
``single_nb_execution`` in the chapter's folder, one kernel per core, longest first). What is
left is a kernel start plus the imports (pandas, statsmodels, matplotlib, the book's package)
per notebook, shared over the cores: work no build of these chapters can avoid. Prints the
wall-clock seconds as JSON; the caller measures the CPU seconds of this process and its kernels.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook


def imports_only(path: Path):
    """A notebook with the import statements of ``path``'s code cells, in their order."""
    notebook = nbformat.read(path, as_version=4)
    statements = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # a cell with IPython magics: no plain imports to take from it
            continue
        statements += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return new_notebook(cells=[new_code_cell("\n".join(statements))], metadata=notebook.metadata)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("book", type=Path)
    default_workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    parser.add_argument("--workers", type=int, default=default_workers or 1)
    args = parser.parse_args(argv)
    from jupyter_cache.executors.utils import single_nb_execution

    chapters = sorted((args.book / "chapters").glob("*.ipynb"))
    notebooks = [(path, imports_only(path)) for path in chapters]
    started = time.perf_counter()

    def run(item):
        path, notebook = item
        result = single_nb_execution(notebook, cwd=str(path.parent), timeout=180, allow_errors=False)
        if result.err is not None:
            raise SystemExit(f"{path.name}: the imports alone failed: {result.err}")
        return result.time

    with ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
        times = list(pool.map(run, notebooks))
    wall = time.perf_counter() - started
    print(json.dumps({"seconds": wall, "notebooks": len(notebooks), "per_notebook": times}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
