"""Kernels forked from a warm process (``claimcheck.build.kernel_zygote``) for the build's notebooks.

:class:`WarmKernels` starts the zygote, which imports the scientific stack once while Sphinx
reads, and hands ``claimcheck.build.preexecute`` a jupyter_client kernel manager class whose
kernel command goes through the zygote. Each kernel is then a fork of it instead of a fresh
interpreter importing pandas, scipy, statsmodels and matplotlib again (about 2 CPU-seconds per
notebook). Everything else about a kernel is jupyter_client's: its connection file, channels,
signals, shutdown. A kernel the zygote cannot give exactly as a fresh one would be (another
environment, a ``matplotlibrc`` beside the notebook), or any kernel when the zygote failed to
start, is started fresh as before.

``CLAIMCHECK_WARM_KERNELS=0`` (or ``claimcheck_warm_kernels = False`` in the Sphinx config)
starts every kernel fresh; so does a platform without ``os.fork`` and Unix sockets, and an
ipykernel or jupyter_client other than the versions in ``WRITTEN_FOR``: the zygote mimics
``python -m ipykernel_launcher`` (how ipykernel starts, which settings it reads when imported) and
replaces jupyter_client's kernel command, so a new version is re-read before it is trusted.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ZYGOTE_SCRIPT = Path(__file__).with_name("kernel_zygote.py")
# Re-read ipykernel's kernelapp.py (launch_new_instance, what it reads from the environment when
# imported) and jupyter_client's KernelManager.format_kernel_cmd before moving a version here.
WRITTEN_FOR = {"ipykernel": "7.4.0", "jupyter-client": "8.10.0"}


def version_mismatches() -> list[str]:
    from importlib.metadata import version

    return [f"{name} {version(name)} (written for {wanted})" for name, wanted in WRITTEN_FOR.items()
            if version(name) != wanted]


def wanted(setting) -> bool:
    """Whether to fork kernels: the environment variable, then the Sphinx setting, then the platform."""
    value = os.environ.get("CLAIMCHECK_WARM_KERNELS")
    enabled = setting if value is None else value.strip().lower() not in ("0", "false", "no", "off")
    platform = hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")
    return bool(enabled) and platform and not version_mismatches()


class WarmKernels:
    """A running zygote and the kernel manager class that uses it; :meth:`stop` ends both."""

    def __init__(self, kernel_name: str = "python3", env: dict[str, str] | None = None) -> None:
        """``env``: the zygote's environment (this process's by default); a kernel is forked only
        when it is started with the same one, apart from per-kernel variables."""
        self.folder = Path(tempfile.mkdtemp(prefix="claimcheck-kernels-"))
        self.address = str(self.folder / "zygote.sock")
        # Its output (an import error, a traceback) goes to the build's log; nothing else is printed.
        # With the kernel's interpreter options (ipykernel's spec has -Xfrozen_modules=off).
        options = interpreter_options(kernel_name)
        self.process = subprocess.Popen([sys.executable, *options, str(ZYGOTE_SCRIPT), "serve", self.address],
                                        stdin=subprocess.PIPE, cwd=self.folder, env=env)
        self.manager_class = _manager_class(self.address, self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()  # the zygote's signal to end
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def interpreter_options(kernel_name: str) -> list[str]:
    """The Python options in a kernel spec's command (between the executable and ``-m``)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv = KernelSpecManager().get_kernel_spec(kernel_name).argv
    except NoSuchKernel:
        return []
    return argv[1:argv.index("-m")] if "-m" in argv else []


def _manager_class(address: str, zygote_pid: int):
    from jupyter_client.manager import AsyncKernelManager

    class ZygoteKernelManager(AsyncKernelManager):
        """nbclient's default manager (asynchronous); only the kernel's command line goes through the zygote."""

        def format_kernel_cmd(self, extra_arguments=None):
            command = super().format_kernel_cmd(extra_arguments)
            return [sys.executable, str(ZYGOTE_SCRIPT), "launch", address, str(zygote_pid), "--", *command]

    return ZygoteKernelManager
