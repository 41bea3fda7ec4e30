"""Pre-execution: the private parts of myst-nb and jupyter-cache it uses are guarded by the versions
they were written for; a kernel records what its notebook read; a two-notebook project builds
with each notebook executed once, and a failing cell is named by file and cell."""

from __future__ import annotations

import io
import re
import shutil
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from claimcheck.build import invalidation, mystnb_internals, preexecute
from claimcheck.data import manifest

ROOT = Path(__file__).resolve().parents[2]
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


@pytest.mark.parametrize("distribution", sorted(mystnb_internals.WRITTEN_FOR))
def test_private_calls_are_checked_against_the_pinned_and_installed_version(distribution):
    """Fails when a pin moves (or the environment drifts) before someone re-read the internals
    listed in claimcheck.build.mystnb_internals.RECHECK and updated WRITTEN_FOR."""
    written_for = mystnb_internals.WRITTEN_FOR[distribution]
    assert pins()[distribution] == written_for, f"requirements.txt pins {distribution} {pins()[distribution]}"
    assert version(distribution) == written_for
    assert mystnb_internals.version_mismatches() == []


def test_a_version_mismatch_stops_the_build_and_says_what_to_recheck(monkeypatch):
    monkeypatch.setitem(mystnb_internals.WRITTEN_FOR, "myst-nb", "0.0.1")
    with pytest.raises(mystnb_internals.UncheckedVersionError) as caught:
        mystnb_internals.check_versions()
    message = str(caught.value)
    assert f"myst-nb {version('myst-nb')} is installed" in message and "written for 0.0.1" in message
    assert "myst_nb/core/read.py" in message and "requirements.txt" in message


# --- kernels -------------------------------------------------------------------------------------


def tiny_book(folder: Path, sources: dict[str, list[str]]) -> Path:
    """A Sphinx project: index.md and one notebook per entry, each cell appending to ran-<name>.txt
    first, so the test can count executions."""
    shutil.copytree(ROOT / "data", folder / "data")
    (folder / "conf.py").write_text(
        "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
        'extensions = ["myst_nb", "hooks"]\nnb_execution_mode = "cache"\n'
        'nb_execution_cache_path = "_build/.jupyter_cache"\nexclude_patterns = ["_build", "data"]\n'
        "nb_execution_timeout = 600\n")  # a kernel importing pandas on a busy machine
    (folder / "hooks.py").write_text(
        "from claimcheck.build import preexecute\n\n\ndef setup(app):\n"
        '    app.add_config_value("claimcheck_execution_workers", 0, "")\n'
        '    app.connect("env-before-read-docs", preexecute.start)\n'
        '    app.connect("source-read", preexecute.collect)\n'
        '    app.connect("build-finished", preexecute.finish)\n')
    (folder / "index.md").write_text("# Tiny\n\n```{toctree}\n" + "\n".join(sources) + "\n```\n")
    for name, cells in sources.items():
        code = [new_code_cell(f'open("ran-{name}.txt", "a").write("x")')] + [new_code_cell(c) for c in cells]
        nbformat.write(new_notebook(cells=[new_markdown_cell(f"# {name}"), *code], metadata=KERNEL),
                       folder / f"{name}.ipynb")
    return folder


def build(book: Path) -> str:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    status = io.StringIO()
    with docutils_namespace():  # docutils' registries are global; each application gets its own
        app = Sphinx(str(book), str(book), str(book / "_build" / "html"), str(book / "_build" / "doctrees"), "html",
                     status=status, warning=status, freshenv=False)
        app.build()
    return status.getvalue()


def runs(book: Path, name: str) -> int:
    path = book / f"ran-{name}.txt"
    return len(path.read_text()) if path.is_file() else 0


@pytest.mark.slow
def test_two_notebooks_each_execute_once_and_record_what_they_read(tmp_path, monkeypatch):
    book = tiny_book(tmp_path / "book", {"reads_mtl": ['from claimcheck import load\nprint(len(load("mtl")))'],
                                         "reads_nothing": ["print(6 * 7)"]})
    # The book's relative cache path is opened by myst-nb from the working directory: build from
    # another folder, so a cache filled anywhere else (the source folder, say) is not found.
    monkeypatch.chdir(tmp_path)
    log = build(book)
    assert runs(book, "reads_mtl") == 1 and runs(book, "reads_nothing") == 1, log
    assert "[claimcheck]" in log  # executed here (in parallel), not by myst-nb
    cache = tmp_path / "_build" / ".jupyter_cache"
    for name in ("reads_mtl", "reads_nothing"):  # stored under the key myst-nb looks up
        get_cache(cache).match_cache_notebook(nbformat.read(book / f"{name}.ipynb", as_version=4))
    records = manifest.read(invalidation.manifest_path(cache, "reads_mtl.ipynb"))
    assert records[0]["kind"] == "execution"
    assert [(r["name"], r["path"]) for r in records[1:]] == [("mtl", "data/mtl.csv")]
    assert manifest.read(invalidation.manifest_path(cache, "reads_nothing.ipynb"))[1:] == []
    html = (book / "_build" / "html" / "reads_nothing.html").read_text()
    assert "42" in html
    (book / "index.md").write_text((book / "index.md").read_text() + "\nTouched.\n")
    build(book)  # cached: nothing executes again
    assert runs(book, "reads_mtl") == 1 and runs(book, "reads_nothing") == 1


@pytest.mark.slow
def test_a_failing_cell_is_named_by_file_and_cell_and_runs_once(tmp_path, monkeypatch):
    book = tiny_book(tmp_path / "book", {"fails": ["x = 1", "raise ValueError('deliberately broken')"]})
    monkeypatch.chdir(book)  # the relative cache path is taken from here (by myst-nb and by us)
    with pytest.raises(Exception) as caught:
        build(book)
    message = str(caught.value)
    assert "fails.ipynb: code cell 3 (cell 4 of the file; first line: \"raise ValueError('deliberately broken')\")" \
        in message, message
    assert "raised ValueError" in message and "not executed again" in message
    assert runs(book, "fails") == 1
    cache = book / "_build" / ".jupyter_cache"
    assert not invalidation.manifest_path(cache, "fails.ipynb").exists()  # no manifest for a failure
    assert not list((cache / invalidation.MANIFEST_DIR).glob("*.partial"))


@pytest.mark.slow
def test_a_kernel_started_without_the_variable_writes_nothing(tmp_path):
    import os

    book = tiny_book(tmp_path / "book", {"reads_mtl": ['from claimcheck import load\nload("mtl")']})
    notebook = nbformat.read(book / "reads_mtl.ipynb", as_version=4)

    class Config:
        execution_timeout, execution_allow_errors = 60, False

    env = {k: v for k, v in os.environ.items() if k != manifest.ENV_VAR}
    outcome = preexecute.execute(notebook, str(book), Config, env)
    assert outcome.error is None and outcome.seconds > 0
    assert not list(tmp_path.rglob("*.jsonl*"))


def test_a_slow_kernel_start_and_late_outputs_are_waited_for_and_a_lost_output_fails(tmp_path, monkeypatch):
    """On a busy machine nbclient's defaults fail a good notebook: a kernel gets 60 s to start,
    and a cell's outputs arriving 4 s after its reply are dropped. Pre-execution waits for outputs
    as long as a cell may run (execute.timeout, or the notebook's own), a lost output is an error,
    and a kernel gets KERNEL_START_SECONDS to start, however short the notebook's cell timeout."""
    import nbclient

    seen = {}

    def record(self, **kwargs):
        seen.update(iopub_timeout=self.iopub_timeout, raise_on_iopub_timeout=self.raise_on_iopub_timeout,
                    startup_timeout=self.startup_timeout)

    monkeypatch.setattr(nbclient.NotebookClient, "execute", record)

    class Config:
        execution_timeout, execution_allow_errors = 180, False

    outcome = preexecute.execute(new_notebook(cells=[new_code_cell("1")], metadata=KERNEL), str(tmp_path), Config, {})
    assert outcome.error is None
    start = preexecute.KERNEL_START_SECONDS
    assert start >= 300  # (a starved kernel in CI needed over 60 s)
    assert seen == {"iopub_timeout": 180, "raise_on_iopub_timeout": True, "startup_timeout": start}
    for own_timeout in (400, 4):
        own = new_notebook(cells=[new_code_cell("1")], metadata=dict(KERNEL, execution={"timeout": own_timeout}))
        assert preexecute.execute(own, str(tmp_path), Config, {}).error is None
        assert seen == {"iopub_timeout": own_timeout, "raise_on_iopub_timeout": True, "startup_timeout": start}
