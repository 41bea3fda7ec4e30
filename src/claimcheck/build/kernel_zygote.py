"""Start notebook kernels by forking one process that has already imported the scientific stack.

Run as a script, never imported by the package (only the standard library is imported at the
top, so the kernels it forks hold nothing of ``claimcheck``):

    python kernel_zygote.py serve SOCKET                  # the zygote (claimcheck.build.warm_kernels)
    python kernel_zygote.py launch SOCKET PID -- CMD...   # a kernel's command line, in place of CMD

A kernel spends most of its start importing pandas, scipy, statsmodels and matplotlib (about 2
CPU-seconds; six kernels per build). The zygote imports them once and forks a child per kernel.
A fork is a separate process with its own (copied-on-write) memory, and the zygote runs nothing
but imports, so a kernel is as isolated as a fresh process.

``launch`` is the command jupyter_client starts: it asks the zygote for a child (passing its
standard streams, working directory and environment), forwards SIGINT and SIGTERM to it and
exits with its status; if the launcher is killed, the zygote kills the child. A kernel is forked
only when it sees what a fresh one would: the same environment apart from per-start variables
(``PER_KERNEL``), and no ``matplotlibrc`` in its working directory (read at import). Otherwise,
or without a zygote, ``launch`` replaces itself with CMD: the usual fresh kernel.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys

# Environment variables that differ from one kernel start to the next and are read after the
# stack's imports: jupyter_client's and ipykernel's (JPY_PARENT_PID, read by ipykernel when imported,
# is passed as configuration instead), and the read manifest of claimcheck.build.invalidation.
PER_KERNEL = ("CLAIMCHECK_READ_MANIFEST", "JPY_PARENT_PID", "JPY_SESSION_NAME", "PYDEVD_DISABLE_FILE_VALIDATION")
# ipykernel sets this before any user code when it is unset; matplotlib reads it at import.
INLINE_BACKEND = ("MPLBACKEND", "module://matplotlib_inline.backend_inline")
# What the zygote imports. Not pyplot nor matplotlib_inline: they hook into the running IPython
# when first imported, which must happen in the kernel.
STACK = ("numpy", "pandas", "scipy.stats", "statsmodels.api", "statsmodels.formula.api", "matplotlib",
         "matplotlib.figure", "matplotlib.font_manager", "matplotlib.backends.backend_agg",
         "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel")
KERNEL_MODULE = "ipykernel_launcher"


def kernel_environment(environ: dict[str, str]) -> dict[str, str]:
    """The environment a kernel's imports see: ``environ`` as ipykernel completes it."""
    seen = {k: v for k, v in environ.items() if k not in PER_KERNEL}
    if not seen.get(INLINE_BACKEND[0]):
        seen[INLINE_BACKEND[0]] = INLINE_BACKEND[1]
    return seen


def kernel_arguments(argv: list[str], interpreter: list[str]) -> list[str] | None:
    """The kernel's own arguments (after ``-m ipykernel_launcher``) if ``argv`` starts the
    interpreter ``interpreter`` (executable and options, as the zygote was started) on ipykernel."""
    head = len(interpreter)
    if argv[:head] == interpreter and argv[head:head + 2] == ["-m", KERNEL_MODULE]:
        return argv[head + 2:]
    return None


def may_fork(zygote_env: dict[str, str], interpreter: list[str], request: dict) -> bool:
    """Whether a forked kernel would see what a fresh kernel for ``request`` sees."""
    return (kernel_environment(zygote_env) == kernel_environment(request["env"])
            and kernel_arguments(request["argv"], interpreter) is not None
            and not os.path.exists(os.path.join(request["cwd"], "matplotlibrc")))


# --- the zygote -------------------------------------------------------------------------------
def _child(request: dict, streams: list[int]) -> None:
    """In the forked child: become the kernel ``python -m ipykernel_launcher ARGS`` would start."""
    code = 1
    try:
        _die_with_parent()
        for signum in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(streams):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [KERNEL_MODULE, *request["arguments"]]
        if request["env"].get("JPY_PARENT_PID"):
            # ipykernel reads it when imported (the default of IPKernelApp.parent_handle): set it
            # as configuration, or the kernel would think it was started by `ipython kernel`.
            sys.argv.append(f"--IPKernelApp.parent_handle={int(request['env']['JPY_PARENT_PID'])}")
        from ipykernel import kernelapp

        try:
            kernelapp.launch_new_instance()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        import atexit

        atexit._run_exitfuncs()  # as at a normal interpreter exit (IPython's history, logging)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _die_with_parent() -> None:
    """Linux: the kernel gets SIGKILL if the zygote dies, so no kernel outlives a killed build."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def serve(address: str) -> None:
    """Import the stack, then fork a kernel per request until standard input closes."""
    import importlib

    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # as ipykernel_launcher: the script's folder is not on a kernel's path
    environ = dict(os.environ)
    if not os.environ.get(INLINE_BACKEND[0]):
        os.environ[INLINE_BACKEND[0]] = INLINE_BACKEND[1]
    for name in STACK:
        importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address + ".tmp")
    os.rename(address + ".tmp", address)  # a launcher that sees the address finds it listening
    listener.listen(16)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(sys.stdin, selectors.EVENT_READ, "stdin")
    children: dict[int, socket.socket] = {}  # kernel pid -> its launcher's connection
    try:
        while True:
            for key, _ in selector.select(timeout=0.05):
                if key.data == "stdin":
                    if not os.read(sys.stdin.fileno(), 4096):
                        return
                elif key.data == "accept":
                    connection, _ = listener.accept()
                    selector.register(connection, selectors.EVENT_READ, "request")
                elif key.data == "request":
                    selector.unregister(key.fileobj)
                    _answer(key.fileobj, environ, children, selector, listener)
                elif not key.fileobj.recv(64):  # a launcher went away: its kernel goes with it
                    selector.unregister(key.fileobj)
                    pid = next((p for p, c in children.items() if c is key.fileobj), None)
                    if pid is not None:
                        os.kill(pid, signal.SIGKILL)
            _reap(children, selector)
    finally:
        for pid in children:
            os.kill(pid, signal.SIGKILL)


def _answer(connection, environ, children, selector, listener) -> None:
    message, streams, _, _ = socket.recv_fds(connection, 1 << 20, 3)
    request = json.loads(message)
    interpreter = [sys.executable, *sys.orig_argv[1:sys.orig_argv.index(__file__)]]
    forkable = len(streams) == 3 and may_fork(environ, interpreter, request)
    if forkable:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            selector.close()
            listener.close()
            for other in [connection, *children.values()]:
                other.close()
            _child(dict(request, arguments=kernel_arguments(request["argv"], interpreter)), streams)
    for fd in streams:
        os.close(fd)
    if not forkable:
        connection.sendall(b"fresh\n")
        return connection.close()
    connection.sendall(f"pid {pid}\n".encode())
    children[pid] = connection
    selector.register(connection, selectors.EVENT_READ, "launcher")


def _reap(children, selector) -> None:
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        connection = children.pop(pid, None)
        if connection is not None:
            if connection.fileno() in selector.get_map():
                selector.unregister(connection)
            try:
                connection.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
            except OSError:  # the launcher is gone
                pass
            connection.close()


# --- the launcher (a kernel's command line) ---------------------------------------------------
def launch(address: str, zygote_pid: int, command: list[str]) -> None:
    """Run ``command`` (a kernel) as a child of the zygote at ``address``, or else as itself. A
    zygote still importing (process ``zygote_pid`` alive, no socket yet) is waited for."""
    import time

    deadline = time.monotonic() + 60
    while not os.path.exists(address) and time.monotonic() < deadline and _alive(zygote_pid):
        time.sleep(0.02)
    try:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(address)
        request = {"argv": command, "cwd": os.getcwd(), "env": dict(os.environ)}
        socket.send_fds(connection, [json.dumps(request).encode()], [0, 1, 2])
        reader = connection.makefile("r")
        answer = reader.readline().split()
    except OSError:
        answer = []
    if not answer or answer[0] != "pid":
        os.execv(command[0], command)  # the usual fresh kernel
    pid = int(answer[1])

    def forward(signum, frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    line = reader.readline().split()
    sys.exit(int(line[1]) if line[:1] == ["exit"] else 1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zygote that failed and was not yet reaped is a zombie: not alive
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["launch"] and sys.argv[4:5] == ["--"]:
        launch(sys.argv[2], int(sys.argv[3]), sys.argv[5:])
    else:
        sys.exit(__doc__)
