"""Shared fixtures: the repository root, a scratch copy of the data package, the built book, and
a second clean build of the same sources (for the determinism test, and whose fresh execution of
every chapter nbval compares with the stored outputs: see tests/nbval_replay.py)."""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The post the book reviews: beside the repository (CI, a developer's checkout), or beside the
# folder of a git worktree.
SEED_POST = next((p for p in (ROOT.parent / "shared" / "seed" / "post.txt",
                              ROOT.parent.parent / "shared" / "seed" / "post.txt") if p.is_file()),
                 ROOT.parent / "shared" / "seed" / "post.txt")
BIN = Path(sys.executable).parent
BUILD_COMMAND = [str(BIN / "jupyter-book"), "build", "{book}", "-W", "-n", "--keep-going"]
# Background builds run under `nice -n 10`: the session build and the browser tests come first,
# but a background build is not starved on a busy machine. Under `nice -n 19` beside other
# work, a kernel's messages reached the executor after nbclient's 4 s output timeout and a
# build lost a cell's glued values ("No key ... found in glue data").
BACKGROUND_NICENESS = 10
# The environment every build this suite starts runs in: os.environ as it was before any test
# ran. Builds started from background threads run while in-process tests change os.environ
# (monkeypatch: the read-manifest variable pointing into a test's temporary folder, the
# warm-kernel switch, pytest's own PYTEST_CURRENT_TEST); a build must not take those over.
SESSION_ENV = {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}


def session_env(**extra: str) -> dict[str, str]:
    """A copy of SESSION_ENV with ``extra`` set: the environment for a build or a subprocess."""
    return dict(SESSION_ENV, **extra)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="module")
def claims():
    """The claim register as the loader returns it (validated)."""
    from claimcheck import load

    return load("claims")


@pytest.fixture(scope="module")
def meta():
    """The book's citation metadata (CITATION.cff and _config.yml)."""
    from claimcheck.data import bookmeta

    return bookmeta.read(ROOT)


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ so a test can corrupt a file without touching the real one."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def start_build(book_dir: Path, log_path: Path | None = None, low_priority: bool = False,
                extra: tuple[str, ...] = (), env: dict | None = None, niceness: int = BACKGROUND_NICENESS) -> subprocess.Popen:
    """Start the strict build exactly as `make book` runs it, without waiting for it.
    ``low_priority`` runs it (and its kernels) under ``nice``, on the cycles other tests leave."""
    command = [part.replace("{book}", str(book_dir)) for part in BUILD_COMMAND] + list(extra)
    if low_priority and shutil.which("nice"):
        command = ["nice", "-n", str(niceness), *command]
    output = open(log_path, "w", encoding="utf-8") if log_path else subprocess.PIPE
    # Its own process group (so it can be stopped with its kernels) but not its own session: a
    # new session would get its own scheduler autogroup on Linux, where `nice` has no effect.
    group = {"process_group": 0} if sys.version_info >= (3, 11) else {"preexec_fn": os.setpgrp}
    return subprocess.Popen(command, cwd=book_dir, env=session_env(**(env or {})), stdout=output,
                            stderr=subprocess.STDOUT if log_path else subprocess.PIPE,
                            text=True, errors="replace", **group)


def run_build(book_dir: Path, low_priority: bool = False,
              niceness: int = BACKGROUND_NICENESS) -> subprocess.CompletedProcess:
    """The strict build exactly as `make book` runs it (under ``nice`` if ``low_priority``)."""
    command = [part.replace("{book}", str(book_dir)) for part in BUILD_COMMAND]
    if low_priority and shutil.which("nice"):
        command = ["nice", "-n", str(niceness), *command]
    return subprocess.run(command, cwd=book_dir, env=session_env(), capture_output=True, text=True,
                          errors="replace")


# What a failed build's log says about the cause, most telling first: the book's own failure
# message (a failing cell, a kernel that did not start), then a traceback, then any warning under
# -W. A traceback's tail alone ("reported above") names none of them, and the cause is often in
# stderr (Sphinx's warnings and errors), so both streams are searched.
_CAUSES = (re.compile(r"Notebook execution failed|not executed again|Error occurred while starting"),
           re.compile(r"Exception occurred|Traceback"),
           re.compile(r"ERROR|WARNING"))


def build_failure(output, tail: int = 3000) -> str:
    """A failed build's log for an assertion message: from its most telling reported cause (up to
    60 lines), then its last ``tail`` characters. ``output``: a log, or a finished build (its
    stdout, then its stderr)."""
    if isinstance(output, subprocess.CompletedProcess):
        output = f"{output.stdout or ''}\n[stderr]\n{output.stderr or ''}"
    text = output or ""
    match = next((m for m in (pattern.search(text) for pattern in _CAUSES) if m), None)
    head = ""
    if match and match.start() < len(text) - tail:
        start = text.rfind("\n", 0, match.start()) + 1
        head = "\n".join(text[start:].splitlines()[:60]) + "\n[...]\n"
    return head + text[-tail:]


def source_files(root: Path = ROOT) -> list[str]:
    """The files a build of this working tree reads: tracked and new files, not ignored ones."""
    if (root / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=root, capture_output=True, text=True, check=True).stdout
        return sorted(name for name in set(listed.split("\0")) if name and (root / name).is_file())
    skip = {".git", ".venv", "_build", "node_modules", ".pytest_cache", "__pycache__", ".ipynb_checkpoints"}
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and not skip.intersection(p.relative_to(root).parts))


def copy_sources(target: Path, root: Path = ROOT) -> Path:
    for name in source_files(root):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, destination)
    return target


class BackgroundBuild:
    """A strict build run in the background (at low priority) while other tests run."""

    def __init__(self, book: Path, log: Path, extra: tuple[str, ...] = (), output: str = "html"):
        self.book, self.log, self.output = book, log, output
        self.process = start_build(book, log, low_priority=True, extra=extra)

    def wait(self) -> tuple[int, str, Path]:
        returncode = self.process.wait()
        return returncode, self.log.read_text(encoding="utf-8", errors="replace"), self.book / "_build" / self.output

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait()


# Session fixtures whose builds run in the background (the second clean build from the start of
# the session, the PDF edition once the session build is done); the tests that use them run
# last (see pytest_collection_modifyitems).
BACKGROUND_FIXTURES = ("second_clean_build", "pdf_background_build")
PDF_TOOLS = ("pdflatex", "latexmk", "pdftotext")
NBVAL_LIVE = "CLAIMCHECK_NBVAL_LIVE"  # set to 1 to give nbval live kernels even beside the second build


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"  # nbval: one item per notebook cell


def _is_browser_test(item) -> bool:
    return item.get_closest_marker("browser") is not None


def _is_timed_browser_test(item) -> bool:
    """A browser test on the session's book: it waits for scripts and drawers with short
    timeouts, so nothing else runs beside it at normal priority. The browser test of the hostile
    book checks what is on its pages, not how fast, and keeps its module's order (moving it
    would end and later rebuild that module's fixtures)."""
    return _is_browser_test(item) and "hostile_book" not in getattr(item, "fixturenames", ())


# What makes a test slow: it builds a book (or waits for one), drives a browser, or runs nbval
# (a kernel per notebook). `pytest -m "not slow"` (`make check`) is the fast tier.
SLOW_FIXTURES = {"built_book", "second_clean_build", "pdf_background_build", "mini_builds", "nbval_runs",
                 "hostile_builds", "failed_builds"}
SLOW_MARKERS = ("build", "browser")


def _is_slow(item) -> bool:
    if _is_nbval_cell(item):
        return True
    if any(item.get_closest_marker(name) for name in SLOW_MARKERS):
        return True
    return bool(SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def _replays_nbval(items) -> bool:
    """nbval compares the second clean build's execution instead of running every chapter again
    when the session makes that build anyway (the determinism test is selected)."""
    return (os.environ.get(NBVAL_LIVE) != "1"
            and any("second_clean_build" in getattr(item, "fixturenames", ()) for item in items))


@pytest.hookimpl(tryfirst=True)  # before pytest's own hook deselects by `-m`
def pytest_collection_modifyitems(session, config, items):
    """Mark slow tests; timed browser tests first (they time page loads, so nothing else should
    run beside them at normal priority: all other work meanwhile is background builds under
    ``nice``), tests that wait for background work last (to give it the most time): first those
    of the early work (mini, hostile and failing books, tampered-notebook nbval runs), then the
    second clean build's (nbval's cells among them when they replay it), then the PDF's.

    So the tests that need nothing in the background (unit, data and kernel tests, about 90 s
    in one process) run while the background builds do, on the core those leave, instead of
    after them with the other core idle."""
    replay = _replays_nbval(items)

    def late(item):
        names = getattr(item, "fixturenames", ())
        if set(names) & set(getattr(getattr(item, "module", None), "START_EARLY", {})):
            return -1
        if replay and _is_nbval_cell(item) and (ROOT / "chapters") in item.path.parents:
            return 1  # after the determinism test, which reports a failed build first
        return next((2 * i for i, f in enumerate(BACKGROUND_FIXTURES) if f in names), None)

    for item in items:
        if _is_slow(item) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
    waiting = sorted((item for item in items if late(item) is not None), key=late)
    rest = [item for item in items if late(item) is None]
    items[:] = [i for i in rest if _is_timed_browser_test(i)] + [i for i in rest if not _is_timed_browser_test(i)] + waiting


_BUILDS: dict[str, BackgroundBuild] = {}  # background builds of this session, by fixture name
# Work that needs nothing from the session build starts, at low priority, as soon as the tests
# are collected, and so uses the cycles the session build and the browser tests leave idle:
# the second clean build (its own copy and cache), the mini books of tests/book/test_build.py,
# the hostile, release and killed builds and the failing one-page books of
# tests/book/test_safety_build.py, and the tampered-notebook nbval runs of tests/present/test_glue.py.
# Each such test module maps the fixture's name to a function ``folder -> result`` in
# ``START_EARLY``; the fixture of that name calls early_result.
_EARLY: dict[str, Future] = {}
_EARLY_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="claimcheck-early")
_SCRATCH: list[Path] = []


def _scratch(name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"claimcheck-{name}-"))
    _SCRATCH.append(folder)
    return folder


def pytest_collection_finish(session):
    """Start the early work the selected tests need (after `-m`/`-k` deselection), and hand
    nbval's chapter cells the second clean build's execution when it is made anyway."""
    if session.config.option.collectonly:
        return
    wanted = {f: item for item in session.items for f in getattr(item, "fixturenames", ())}
    if "second_clean_build" in wanted:
        _start_background("second_clean_build", _BUILDS)
        if _replays_nbval(session.items):
            _replay_nbval(session.items)
    for item in {id(i.module): i for i in wanted.values() if getattr(i, "module", None)}.values():
        for name, start in getattr(item.module, "START_EARLY", {}).items():
            if name in wanted and name not in _EARLY:
                _EARLY[name] = _EARLY_POOL.submit(start, _scratch(name))


def early_result(name: str):
    """The result of work started by :func:`pytest_collection_finish`, or None if none was."""
    future = _EARLY.get(name)
    return future.result() if future is not None else None


def _replay_nbval(items) -> None:
    """nbval's chapter notebooks get a :class:`nbval_replay.ReplayKernel` (at their setup, which
    waits for the second clean build) instead of a live kernel."""
    from nbval_replay import ReplayKernel, executed_notebooks

    executed: dict = {}

    def replay_setup(notebook) -> None:
        if not executed:
            returncode, _, html = _BUILDS["second_clean_build"].wait()
            book = html.parent.parent
            executed["by_name"] = executed_notebooks(book / "_build" / ".jupyter_cache")
        notebook.kernel = ReplayKernel(executed["by_name"].get(notebook.path.name), "the second clean build")
        notebook.setup_sanitize_files()

    for item in items:
        notebook = item.parent if _is_nbval_cell(item) else None
        if notebook is not None and notebook.path.parent == ROOT / "chapters":
            notebook.setup = functools.partial(replay_setup, notebook)


def pytest_sessionfinish(session, exitstatus):
    for build in _BUILDS.values():
        build.stop()
    _EARLY_POOL.shutdown(wait=True, cancel_futures=True)
    for folder in _SCRATCH:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def _background_builds():
    yield _BUILDS


def _start_background(name: str, builds: dict) -> BackgroundBuild | None:
    if name in builds:
        return builds[name]
    if name == "second_clean_build":
        folder = _scratch("second-clean-build")
        builds[name] = BackgroundBuild(copy_sources(folder / "book"), folder / "build.log")
    elif name == "pdf_background_build":
        if not all(shutil.which(tool) for tool in PDF_TOOLS):
            return None  # the PDF tests skip (or fail under CI) with instructions
        # After the HTML build, so notebook outputs come from the execution cache.
        shutil.rmtree(ROOT / "_build" / "latex", ignore_errors=True)
        builds[name] = BackgroundBuild(ROOT, _scratch("pdf-build") / "build.log",
                                       extra=("--builder", "pdflatex"), output="latex")
    return builds.get(name)


@pytest.fixture(scope="session")
def built_book(request, _background_builds) -> Path:
    """Build the real book once per test session (strict flags); fail loudly with the log.

    The PDF edition, which renders this build's execution cache, then starts in the background
    (at low priority, like the second clean build, which started when the tests were collected)
    when the session includes its tests.
    """
    result = run_build(ROOT)
    if result.returncode != 0:
        pytest.fail(f"strict book build failed:\n{build_failure(result, 6000)}")
    wanted = {f for item in request.session.items for f in getattr(item, "fixturenames", ())}
    for name in BACKGROUND_FIXTURES:
        if name in wanted:
            _start_background(name, _background_builds)
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def second_clean_build(built_book, _background_builds) -> tuple[int, str, Path]:
    """(return code, log, html folder) of a clean build of a copy of the same sources in a
    temporary folder, with its own empty execution cache."""
    return _start_background("second_clean_build", _background_builds).wait()


@pytest.fixture(scope="session")
def pdf_background_build(built_book, _background_builds) -> tuple[int, str, Path] | None:
    """(return code, log, latex folder) of the PDF build of the book, or None without texlive."""
    build = _start_background("pdf_background_build", _background_builds)
    return build.wait() if build else None
