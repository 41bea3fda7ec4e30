"""Count what the test suite starts: book builds, notebook executions, Chromium launches, and
the CPU seconds of each kind of process.

    .venv/bin/python bench/suite_profile.py                     # the whole suite, as `make test`
    .venv/bin/python bench/suite_profile.py tests/book/test_build.py -k mini

Wall-clock time depends on what else the machine runs; these counts do not, and the CPU
seconds much less. Every Python process the run starts (pytest, `jupyter-book build`, each
notebook's kernel, nbval's kernels) loads a small `sitecustomize` module from a scratch folder
put first on PYTHONPATH, which appends one JSON line at start and one at exit (its own CPU
seconds) to a log; Chromium is counted from the processes seen while the run lasts. Kernels
are mostly stopped by a signal, so they log their start but rarely their CPU: their CPU is in
the total (user + system of every process the run waited for). The summary is printed, and the
raw log kept beside it in the scratch folder.
"""

from __future__ import annotations

import collections
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIM = '''
import atexit, json, os, sys, time, resource
_log = os.environ.get("CLAIMCHECK_PROC_LOG")
if _log:
    _rec = {"pid": os.getpid(), "ppid": os.getppid(), "argv": list(getattr(sys, "orig_argv", sys.argv))[:8],
            "cwd": os.getcwd(), "t0": time.time()}
    def _write(rec):
        with open(_log, "a") as handle:
            handle.write(json.dumps(rec) + "\\n")
    def _done():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _write(dict(_rec, cpu=usage.ru_utime + usage.ru_stime, end=True))
    _write(_rec)
    atexit.register(_done)
'''


def kind(argv: list[str]) -> str:
    text = " ".join(argv)
    if "ipykernel_launcher" in text:
        return "notebook kernel"
    if "jupyter-book" in text:
        return "jupyter-book build"
    if "pytest" in text:
        return "pytest"
    return "other Python"


def summarise(log: Path) -> dict:
    processes: dict[int, dict] = {}
    for line in log.read_text().splitlines():
        record = json.loads(line)
        processes.setdefault(record["pid"], {}).update(record)
    counts = collections.Counter(kind(p["argv"]) for p in processes.values())
    cpu = collections.Counter()
    for p in processes.values():
        cpu[kind(p["argv"])] += p.get("cpu", 0.0)
    by_parent = collections.Counter()
    for p in processes.values():
        if kind(p["argv"]) == "notebook kernel":
            parent = processes.get(p["ppid"])
            by_parent[kind(parent["argv"]) if parent else "unknown"] += 1
    return {"counts": dict(counts), "cpu_seconds": {k: round(v, 1) for k, v in cpu.items()},
            "kernels_started_by": dict(by_parent)}


def chromium_launches(seen: set[int]) -> None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if command and command[0].endswith(b"chromium") and not any(a.startswith(b"--type=") for a in command):
                seen.add(int(entry.name))


def main(argv: list[str]) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="claimcheck-suite-profile-"))
    (scratch / "sitecustomize.py").write_text(SHIM)
    log = scratch / "processes.jsonl"
    env = dict(os.environ, CLAIMCHECK_PROC_LOG=str(log),
               PYTHONPATH=os.pathsep.join(filter(None, [str(scratch), os.environ.get("PYTHONPATH")])))
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *argv],
                               cwd=ROOT, env=env)
    browsers: set[int] = set()
    while process.poll() is None:
        chromium_launches(browsers)
        time.sleep(0.5)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = summarise(log) if log.exists() else {}
    summary["chromium_launches"] = len(browsers)
    summary["wall_seconds"] = round(time.monotonic() - started, 1)
    summary["cpu_seconds_total"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1)
    summary["load_average_after"] = os.getloadavg()
    summary["log"] = str(log)
    print(json.dumps(summary, indent=1))
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
