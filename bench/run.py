"""Measure how long the book takes to build and test, and write bench/results.md.

    make bench                      # 3 runs of everything (about 15 minutes on 2 cores)
    .venv/bin/python bench/run.py --runs 5 --skip tests

Everything runs in a scratch copy of the sources (tracked and new files, as `git ls-files`
lists them), so the working tree and its _build/ are left alone. The environment (.venv) must
already be installed (`make env`). Measured, each several times:

* clean build: empty _build/, every notebook executed, HTML written (`make book` on a fresh clone);
* no-change rebuild: the same build again with nothing changed;
* data change: one CSV rewritten with the same values in other bytes (a trailing zero added to
  one decimal number) and re-hashed, then rebuilt; records which notebooks were executed again,
  against the notebooks that read the file (claimcheck.buildcache);
* each notebook's execution time: inside the clean build (two run side by side on two cores)
  and alone (one kernel, nothing else running);
* the test suite (`pytest`, as `make test` runs it) from an empty _build/.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUILD = [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
RESULTS = ROOT / "bench" / "results.md"
TARGETS = {
    "clean build": 30.0,
    "no-change rebuild": 3.0,
    "test suite (from an empty _build/)": 180.0,
}


def source_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return sorted(n for n in set(listed.split("\0")) if n and (ROOT / n).is_file())


def copy_sources(target: Path) -> Path:
    for name in source_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, errors="replace",
                            env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed ({' '.join(command)}):\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return seconds, result.stdout + result.stderr


def executed_notebooks(log: str) -> dict[str, float]:
    """Notebook name -> seconds, from the build log's 'Executed notebook in' lines."""
    found = {}
    for line in log.splitlines():
        match = re.search(r"([\w.-]+\.ipynb): Executed notebook in ([\d.]+) seconds", line)
        if match:
            found[match.group(1)] = float(match.group(2))
    return found


def change_data_file(book: Path, resource: str) -> None:
    """Add a trailing zero to the first decimal number of the last row: same values, new bytes."""
    sys.path.insert(0, str(ROOT / "src"))
    from claimcheck.datapackage import read_descriptor, rehash, resource_descriptor

    path = book / "data" / resource_descriptor(resource, read_descriptor(book / "data"))["path"]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[-1], count = re.subn(r"(?<=,)(-?\d+\.\d+)(?=,|$)", r"\g<1>0", lines[-1], count=1)
    if not count:
        raise SystemExit(f"no decimal number in the last row of {path.name}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert rehash(book / "data") == [resource]


def readers_of(book: Path, resource: str) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from claimcheck import buildcache
    from claimcheck.datapackage import read_descriptor

    names = {r["name"] for r in read_descriptor(book / "data")["resources"]}
    return sorted(p.name for p in (book / "chapters").glob("*.ipynb")
                  if resource in buildcache.notebook_resources(p, names))


def busy_fraction(seconds: float = 3.0) -> float | None:
    """Share of CPU time the machine spent busy over a few seconds (Linux /proc/stat)."""
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def summary(values: list[float]) -> str:
    if not values:
        return "not measured"
    median = statistics.median(values)
    return f"{median:.1f} s ({min(values):.1f}–{max(values):.1f})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-file", default="mtl", help="resource to change (default: mtl)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["builds", "notebooks", "tests"])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up the scratch copy when stopped
    busy_before = busy_fraction()
    if busy_before is not None and busy_before > 0.2:
        print(f"warning: the machine is {busy_before:.0%} busy before the runs; the times will be slower",
              flush=True)

    times: dict[str, list[float]] = {"clean build": [], "no-change rebuild": [], "data-change rebuild": [],
                                     "test suite (from an empty _build/)": []}
    in_build: dict[str, list[float]] = {}
    alone: dict[str, list[float]] = {}
    reexecuted: list[list[str]] = []
    scratch = Path(tempfile.mkdtemp(prefix="claimcheck-bench-"))
    try:
        book = copy_sources(scratch / "book")
        readers = readers_of(book, args.data_file)
        for run in range(1, args.runs + 1):
            if "builds" not in args.skip:
                shutil.rmtree(book / "_build", ignore_errors=True)
                seconds, log = timed(BUILD, book)
                times["clean build"].append(seconds)
                for name, value in executed_notebooks(log).items():
                    in_build.setdefault(name, []).append(value)
                times["no-change rebuild"].append(timed(BUILD, book)[0])
                saved = {p: p.read_bytes() for p in (book / "data").iterdir()}  # restored below
                change_data_file(book, args.data_file)
                seconds, log = timed(BUILD, book)
                times["data-change rebuild"].append(seconds)
                reexecuted.append(sorted(re.findall(r"([\w.-]+\.ipynb): Executing notebook", log)))
                for path, content in saved.items():
                    path.write_bytes(content)
                print(f"run {run}: clean {times['clean build'][-1]:.1f} s, no change "
                      f"{times['no-change rebuild'][-1]:.1f} s, data change {seconds:.1f} s", flush=True)
            if "notebooks" not in args.skip:
                for notebook in sorted((book / "chapters").glob("*.ipynb")):
                    _, out = timed([str(BIN / "python"), "-m", "claimcheck.execute", str(notebook)], book)
                    alone.setdefault(notebook.name, []).append(float(re.search(r"in ([\d.]+) s", out).group(1)))
            if "tests" not in args.skip:
                shutil.rmtree(book / "_build", ignore_errors=True)
                axe = ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
                seconds, _ = timed([str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], book,
                                   env={"CLAIMCHECK_AXE_JS": str(axe)})
                times["test suite (from an empty _build/)"].append(seconds)
                print(f"run {run}: test suite {seconds:.1f} s", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    args.busy = busy_before
    write_results(args, times, in_build, alone, reexecuted, readers)
    print(f"written {args.output}")
    return 0


def write_results(args, times, in_build, alone, reexecuted, readers) -> None:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [
        "# Build and test times",
        "",
        f"Measured by `make bench` (`bench/run.py --runs {args.runs}`) on {date.today().isoformat()}: "
        f"{cpus} CPU cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}. "
        "Each cell is the median over the runs, with the fastest and slowest run in brackets. "
        "Builds use the strict flags of `make book` (`-W -n --keep-going`) in a scratch copy of the "
        "sources, with the environment already installed. "
        + (f"The machine was {args.busy:.0%} busy just before the runs (other work slows every "
           "measurement)." if args.busy is not None else ""),
        "",
        "| Measurement | Median (min–max) | Target | Met |",
        "|---|---|---|---|",
    ]
    for name, values in times.items():
        target = TARGETS.get(name)
        if name == "data-change rebuild":
            expected = sorted(readers)
            ok = bool(reexecuted) and all(r == expected for r in reexecuted)
            verdict = "yes" if ok else ("not measured" if not reexecuted else "no")
            lines.append(f"| {name} (`{args.data_file}` changed) | {summary(values)} | re-executes only "
                         f"the notebooks that read it: {', '.join(expected)} | {verdict} |")
            continue
        met = "not measured" if not values else ("yes" if statistics.median(values) <= target else "no")
        lines.append(f"| {name} | {summary(values)} | within {target:.0f} s | {met} |")
    if reexecuted:
        lines += ["", "Notebooks executed again after the data change, per run: "
                  + "; ".join(", ".join(r) or "none" for r in reexecuted) + "."]
    lines += ["", "## Notebook execution times", "",
              "Inside the clean build two notebooks run side by side (one kernel per core), so each "
              "takes longer than alone; the clean build's time is set by the longest chain.", "",
              "| Notebook | In the clean build | Alone |", "|---|---|---|"]
    for name in sorted(set(in_build) | set(alone)):
        lines.append(f"| {name} | {summary(in_build.get(name, []))} | {summary(alone.get(name, []))} |")
    total_alone = [sum(run) for run in zip(*alone.values())] if alone else []
    if total_alone:
        lines.append(f"| all, one after the other | | {summary(total_alone)} |")
    notes = ROOT / "bench" / "notes.md"
    if notes.is_file():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
