"""Execute the book's stale notebooks in parallel, before Sphinx reads them.

myst-nb (``execute_notebooks: cache``) executes each notebook when Sphinx reads it, one after the
other. Most of that time is kernel start, imports and model fits, which run in the kernel
process, so several notebooks can run at once. Called by ``claimcheck.build.parallel_execution``:

* ``env-before-read-docs``: every notebook about to be read with no record in the jupyter-cache
  starts executing in a worker thread (one kernel per core), as myst-nb would run it (working
  directory, timeout, error policy, myst-nb's own reader); Markdown pages move to the front of
  the reading order. Each kernel gets a read manifest (``invalidation.begin_manifest``) and is
  forked from a warm process when possible (``claimcheck.build.warm_kernels``).
* ``source-read``: when Sphinx reaches such a notebook, its result is stored in the jupyter-cache
  under the record myst-nb would use; myst-nb then renders it ("Using cached notebook").

A failed execution (an error, a timeout, a dead kernel, a kernel that did not start) stops the
build with one message naming the notebook and the running cell; myst-nb does not run it again.
Private parts of myst-nb and jupyter-cache are in ``claimcheck.build.mystnb_internals``, version-
guarded. ``CLAIMCHECK_EXECUTION_WORKERS=1`` (or ``claimcheck_execution_workers = 1``) runs one
notebook at a time. Under ``sphinx-build -j`` myst-nb executes; those executions (like text
notebooks and ``run_in_temp``) record no manifest, so the next build executes them again.
"""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from claimcheck.build import invalidation, mystnb_internals, warm_kernels

TIMINGS_FILE = "execution-times.json"
KERNEL_START_SECONDS = 600  # nbclient's 60 s failed starved builds in CI; not the cell timeout (may be 4 s)


@dataclass
class _Job:
    docname: str
    path: Path
    key: str  # chapters/x.ipynb: the notebook's name in the cache folder's records
    notebook: object
    future: Future | None = None
    done: bool = False


@dataclass
class _State:
    jobs: dict[str, _Job] = field(default_factory=dict)
    pool: ThreadPoolExecutor | None = None
    cache_dir: Path | None = None
    warm: object | None = None  # a claimcheck.build.warm_kernels.WarmKernels while notebooks run


def _workers(app) -> int:
    configured = os.environ.get("CLAIMCHECK_EXECUTION_WORKERS") or app.config.claimcheck_execution_workers
    if configured:
        return max(1, int(configured))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _read_timings(cache_dir: Path) -> dict[str, float]:
    try:
        return json.loads((cache_dir / TIMINGS_FILE).read_text())
    except (OSError, ValueError):
        return {}


def _record_timing(cache_dir: Path, key: str, seconds: float) -> None:
    timings = _read_timings(cache_dir)
    timings[key] = round(seconds, 2)
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / TIMINGS_FILE).write_text(json.dumps(timings, indent=1, sort_keys=True))


@dataclass
class _Outcome:
    running_cell: int | None = None  # index of the cell that was executing last
    error: BaseException | None = None
    seconds: float = 0.0


def execute(notebook, cwd: str, nb_config, kernel_env: dict[str, str], kernel_manager_class=None) -> _Outcome:
    """Run ``notebook`` in place as myst-nb's cache mode would, in a kernel started with ``kernel_env``
    (by ``kernel_manager_class``, jupyter_client's own when None)."""
    from nbclient import NotebookClient

    timeout, allow_errors = nb_config.execution_timeout, nb_config.execution_allow_errors
    overrides = notebook.metadata.get("execution", {})  # as myst-nb: the notebook may set both
    outcome = _Outcome()

    def on_cell_start(cell, cell_index):
        outcome.running_cell = cell_index

    # nbclient drops outputs arriving 4 s after a cell's reply (lost glued values): wait as long as a cell may run.
    cell_timeout = overrides.get("timeout", timeout)
    patience = int(cell_timeout) if cell_timeout and cell_timeout > 0 else 600
    client = NotebookClient(notebook, timeout=cell_timeout, iopub_timeout=patience, raise_on_iopub_timeout=True,
                            startup_timeout=KERNEL_START_SECONDS,
                            allow_errors=overrides.get("allow_errors", allow_errors),
                            record_timing=False,  # as myst-nb: timings in cell metadata would change the cache key
                            resources={"metadata": {"path": cwd}}, on_cell_start=on_cell_start,
                            **({"kernel_manager_class": kernel_manager_class} if kernel_manager_class else {}))
    started = time.perf_counter()
    try:
        client.execute(env=kernel_env)  # passed on to the kernel manager's start_kernel
    except Exception as err:  # a failing cell, a timeout, a dead kernel, one that would not start
        outcome.error = err
    outcome.seconds = time.perf_counter() - started
    return outcome


def failure_message(path, notebook, outcome: _Outcome) -> str:
    """``chapters/x.ipynb: cell 7 (first line: `...`): <what happened>`` for any failed execution."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    error = outcome.error
    where = "before its first cell ran"
    if outcome.running_cell is not None:
        cell = notebook.cells[outcome.running_cell]
        code_number = sum(1 for c in notebook.cells[: outcome.running_cell + 1] if c.cell_type == "code")
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        where = f"code cell {code_number} (cell {outcome.running_cell + 1} of the file; first line: {first[:70]!r})"
    if isinstance(error, CellTimeoutError):
        what = "did not finish within the execution timeout (execute.timeout in _config.yml)"
    elif isinstance(error, DeadKernelError):
        what = "the kernel died (out of memory, or a crash in compiled code)"
    elif isinstance(error, CellExecutionError):
        what = f"raised {error.ename} (the cell's traceback follows)"
    else:
        what = f"could not be executed: {type(error).__name__}: {error}"
    return f"{path}: {where} {what}. The notebook was not executed again."


def _candidates(app, env, docnames: list[str], cache) -> list[tuple]:
    """``(docname, path, notebook, config)`` of every notebook among ``docnames`` to execute here."""
    found = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if path.suffix != ".ipynb":
            continue
        notebook, config = mystnb_internals.read_notebook(env, path, path.read_text(encoding="utf-8"))
        if notebook is None or config.execution_mode != "cache" or config.execution_in_temp:
            continue
        posix = PurePosixPath(path.as_posix())
        if any(posix.match(pattern) for pattern in config.execution_excludepatterns):
            continue
        try:
            cache.match_cache_notebook(notebook)
            continue  # already cached: myst-nb uses the record
        except KeyError:
            pass
        found.append((docname, path, notebook, config))
    return found


def start(app, env, docnames: list[str]) -> None:
    """``env-before-read-docs``: start executing every uncached notebook among ``docnames``."""
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    state = _State()
    app.claimcheck_preexecute = state
    nb_config = mystnb_internals.config(env)
    if nb_config is None or nb_config.execution_mode != "cache" or app.parallel > 1:
        return  # (with ``sphinx-build -j`` Sphinx itself reads documents in parallel)
    mystnb_internals.check_versions()
    from jupyter_cache import get_cache

    state.cache_dir = mystnb_internals.cache_dir(env)
    candidates = _candidates(app, env, docnames, get_cache(state.cache_dir))
    if not candidates:
        return  # (one notebook runs here too, so its failure is reported the same way)
    # Longest first keeps every core busy to the end: the time recorded at the last execution,
    # or (first build) an estimate from the amount of code.
    timings = _read_timings(state.cache_dir)

    def expected_seconds(candidate) -> float:
        recorded = timings.get(candidate[1].relative_to(app.srcdir).as_posix())
        if recorded is not None:
            return recorded
        code = sum(len(c.source) for c in candidate[2].cells if c.cell_type == "code")
        return 2.0 + code / 2500

    candidates.sort(key=expected_seconds, reverse=True)
    workers = min(_workers(app), len(candidates))
    state.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="claimcheck-nb")
    package = invalidation.package_fingerprint()
    manager_class = None
    if warm_kernels.wanted(getattr(app.config, "claimcheck_warm_kernels", True)):
        state.warm = warm_kernels.WarmKernels()
        manager_class = state.warm.manager_class
    for docname, path, notebook, config in candidates:
        logger.info(f"{path}: Executing notebook using local CWD ({workers} in parallel) [claimcheck]")
        key = path.relative_to(app.srcdir).as_posix() if path.is_relative_to(app.srcdir) else path.as_posix()
        job = _Job(docname, path, key, notebook)
        kernel_env = invalidation.begin_manifest(state.cache_dir, key, package)
        job.future = state.pool.submit(execute, notebook, str(path.parent), config, kernel_env, manager_class)
        state.jobs[docname] = job
    # Read Markdown pages (and cached notebooks) first, then the executing notebooks in the
    # order they were started, so Sphinx waits as little as possible.
    running = [d for d in docnames if d in state.jobs]
    order = {d: i for i, d in enumerate(c[0] for c in candidates)}
    docnames[:] = [d for d in docnames if d not in state.jobs] + sorted(running, key=order.get)


def collect(app, docname: str, source: list[str]) -> None:
    """``source-read``: wait for this notebook's execution and cache a successful result."""
    state = getattr(app, "claimcheck_preexecute", None)
    job = state.jobs.get(docname) if state else None
    if job is None or job.done:
        return
    from jupyter_cache import get_cache
    from sphinx.util import logging

    outcome = job.future.result()
    job.done = True
    if state.warm is not None and all(j.done for j in state.jobs.values()):
        state.warm.stop()  # every kernel has ended: free the zygote's memory now
        state.warm = None
    if outcome.error is not None:
        invalidation.discard_manifest(state.cache_dir, job.key)
        message = failure_message(job.key, job.notebook, outcome)
        from nbclient.exceptions import CellExecutionError

        if isinstance(outcome.error, CellExecutionError):
            message += "\n" + str(outcome.error)  # the cell's own traceback, as the kernel printed it
        from claimcheck.build.input_checks import BookInputError

        class NotebookExecutionError(BookInputError):
            category = "Notebook execution failed"

        raise NotebookExecutionError(message)
    mystnb_internals.store_execution(get_cache(state.cache_dir), job.path, job.notebook, outcome.seconds)
    invalidation.commit_manifest(state.cache_dir, job.key)
    _record_timing(state.cache_dir, job.key, outcome.seconds)
    logging.getLogger(__name__).info(f"{job.path}: Executed notebook in {outcome.seconds:.2f} seconds [claimcheck]")


def finish(app, exception) -> None:
    """``build-finished``: never leave a worker thread (or its kernel) behind."""
    state = getattr(app, "claimcheck_preexecute", None)
    if state and state.pool:
        for job in state.jobs.values():
            if job.future and not job.done:
                job.future.cancel()
        state.pool.shutdown(wait=True)
    if state and state.warm is not None:
        state.warm.stop()
        state.warm = None
