"""Kernels forked from the warm zygote: a fork is used only when it sees what a fresh kernel would
(environment, interpreter options, no matplotlibrc), it runs a notebook to the same outputs as a
fresh kernel (figures included), it gets its own working directory and read manifest, and it does
not outlive its launcher."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook

from claimcheck.build import kernel_zygote, warm_kernels

ROOT = Path(__file__).resolve().parents[2]
INTERPRETER = [sys.executable, "-Xfrozen_modules=off"]
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def request(env=None, argv=None, cwd="/") -> dict:
    return {"env": dict({"PATH": "/usr/bin", "HOME": "/root"}, **(env or {})), "cwd": cwd,
            "argv": argv or [*INTERPRETER, "-m", "ipykernel_launcher", "-f", "kernel-connection.json"]}


ZYGOTE_ENV = {"PATH": "/usr/bin", "HOME": "/root"}


def test_per_kernel_variables_do_not_prevent_a_fork():
    per_kernel = {"CLAIMCHECK_READ_MANIFEST": "reads.jsonl", "JPY_PARENT_PID": "12", "JPY_SESSION_NAME": "x",
                  "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    assert kernel_zygote.may_fork(ZYGOTE_ENV, INTERPRETER, request(per_kernel))


@pytest.mark.parametrize("change", [{"OPENBLAS_CORETYPE": "Haswell"}, {"PATH": "/opt/bin"},
                                    {"MPLBACKEND": "agg"}, {"NPY_DISABLE_CPU_FEATURES": "X86_V4"}])
def test_any_other_environment_gets_a_fresh_kernel(change):
    assert not kernel_zygote.may_fork(ZYGOTE_ENV, INTERPRETER, request(change))


def test_the_inline_backend_that_ipykernel_would_set_counts_as_unset():
    inline = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    assert kernel_zygote.may_fork(ZYGOTE_ENV, INTERPRETER, request(inline))


def test_other_interpreter_options_or_kernels_get_a_fresh_kernel():
    assert not kernel_zygote.may_fork(ZYGOTE_ENV, INTERPRETER, request(argv=[sys.executable, "-m", "ipykernel_launcher"]))
    assert not kernel_zygote.may_fork(ZYGOTE_ENV, INTERPRETER, request(argv=[*INTERPRETER, "-m", "other_kernel"]))
    assert kernel_zygote.kernel_arguments([*INTERPRETER, "-m", "ipykernel_launcher", "-f", "c.json"], INTERPRETER) == ["-f", "c.json"]


def test_a_matplotlibrc_beside_the_notebook_gets_a_fresh_kernel(tmp_path):
    assert kernel_zygote.may_fork(ZYGOTE_ENV, INTERPRETER, request(cwd=str(tmp_path)))
    (tmp_path / "matplotlibrc").write_text("lines.linewidth: 9\n")
    assert not kernel_zygote.may_fork(ZYGOTE_ENV, INTERPRETER, request(cwd=str(tmp_path)))


def test_the_zygote_imports_nothing_of_the_book():
    """A forked kernel must import claimcheck itself (the loader reads its read manifest then)."""
    source = Path(kernel_zygote.__file__).read_text()
    assert not re.search(r"^\s*(from|import)\s+claimcheck", source, flags=re.M)
    assert not any(name.startswith("claimcheck") for name in kernel_zygote.STACK)


def test_written_for_the_pinned_and_installed_versions():
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.txt").read_text(), flags=re.M))
    pins = {name.lower().replace("_", "-"): pin for name, pin in pins.items()}
    for name, written_for in warm_kernels.WRITTEN_FOR.items():
        assert pins[name] == written_for and version(name) == written_for
    assert warm_kernels.version_mismatches() == []


def test_a_version_mismatch_means_fresh_kernels(monkeypatch):
    monkeypatch.setitem(warm_kernels.WRITTEN_FOR, "ipykernel", "0.0.1")
    monkeypatch.delenv("CLAIMCHECK_WARM_KERNELS", raising=False)
    assert not warm_kernels.wanted(True)


def test_the_switch(monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_WARM_KERNELS", "0")
    assert not warm_kernels.wanted(True)
    monkeypatch.setenv("CLAIMCHECK_WARM_KERNELS", "1")
    assert warm_kernels.wanted(False)


# --- real kernels ----------------------------------------------------------------------------

PROBE = [
    "import os, sys\nprint(os.getppid(), os.getcwd(), os.environ.get('CLAIMCHECK_READ_MANIFEST'), 'claimcheck' in sys.modules)",
    "import matplotlib.pyplot as plt\nimport numpy as np\nplt.plot(np.arange(5) ** 2)\nplt.title('squares')",
    "import pandas as pd\npd.DataFrame({'a': [1.5, 2.25]})",
]


def run(cells, cwd: Path, env: dict, manager_class=None):
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells], metadata=KERNEL)
    extra = {"kernel_manager_class": manager_class} if manager_class else {}
    NotebookClient(notebook, timeout=60, resources={"metadata": {"path": str(cwd)}}, **extra).execute(env=env)
    return notebook


def outputs(notebook) -> list:
    """Outputs without what differs between two runs of the same code (process ids, counts)."""
    found = []
    for cell in notebook.cells[1:]:
        for output in cell.outputs:
            found.append({k: v for k, v in output.items() if k != "execution_count"})
    return found


def environment(**extra) -> dict:
    """This process's environment without the variable pytest changes between a test's phases."""
    return dict({k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}, **extra)


@pytest.fixture(scope="module")
def zygote():
    warm = warm_kernels.WarmKernels(env=environment())
    yield warm
    warm.stop()
    assert warm.process.returncode is not None


@pytest.mark.slow
def test_a_forked_kernel_runs_like_a_fresh_one(zygote, tmp_path):
    env = environment(CLAIMCHECK_READ_MANIFEST=str(tmp_path / "m.jsonl"))
    warm = run(PROBE, tmp_path, env, zygote.manager_class)
    fresh = run(PROBE, tmp_path, env)
    ppid, cwd, manifest, imported = warm.cells[0].outputs[0]["text"].split()
    assert int(ppid) == zygote.process.pid, "the kernel was not forked from the zygote"
    assert (cwd, manifest, imported) == (str(tmp_path), str(tmp_path / "m.jsonl"), "False")
    assert int(fresh.cells[0].outputs[0]["text"].split()[0]) != zygote.process.pid
    assert any("image/png" in o.get("data", {}) for o in outputs(warm)), "no inline figure from the forked kernel"
    assert outputs(warm) == outputs(fresh)
    nbformat.validate(warm)


@pytest.mark.slow
def test_another_environment_runs_in_a_fresh_kernel(zygote, tmp_path):
    notebook = run(PROBE[:1], tmp_path, environment(SOMETHING_ELSE="1"), zygote.manager_class)
    assert int(notebook.cells[0].outputs[0]["text"].split()[0]) != zygote.process.pid


@pytest.mark.slow
def test_a_kernel_that_dies_is_reported_as_dead(zygote, tmp_path):
    """nbclient notices a dead kernel by polling its process, here the launcher: it must end too."""
    cells = ["x = 1", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"]
    started = time.monotonic()
    with pytest.raises(DeadKernelError):
        run(cells, tmp_path, environment(), zygote.manager_class)
    assert time.monotonic() - started < 30


@pytest.mark.slow
def test_a_killed_launcher_takes_its_kernel_with_it(zygote, tmp_path):
    async def scenario() -> tuple[int, int]:
        manager = zygote.manager_class(kernel_name="python3")
        await manager.start_kernel(cwd=str(tmp_path), env=environment())
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        client.execute("import os; print(os.getpid())")
        pid = None
        while pid is None:
            message = await client.get_iopub_msg(timeout=30)
            if message["msg_type"] == "stream":
                pid = int(message["content"]["text"])
        client.stop_channels()
        launcher = manager.provisioner.process
        os.kill(launcher.pid, signal.SIGKILL)
        launcher.wait()
        await manager.cleanup_resources()
        return pid, launcher.pid

    pid, launcher = asyncio.run(scenario())
    assert pid != launcher, "the kernel was not forked"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "Z" not in _state(pid):
        time.sleep(0.05)
    assert "Z" in _state(pid), "the kernel outlived its launcher"


def _state(pid: int) -> str:
    """The process state letter; "Z" also for a process that is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"
