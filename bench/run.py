"""Measure how long the book takes to build and test, and write bench/results.md.

    make bench                      # 3 runs of everything (about 10 minutes on 2 cores)
    make bench RUNS=1               # one run of each, to try it out
    .venv/bin/python bench/run.py --runs 5 --skip tests

Everything runs in a scratch copy of the sources (tracked and new files, as `git ls-files`
lists them), made a git checkout of one commit with the seed post beside it, as a fresh clone
is, so the working tree and its _build/ are left alone. The environment (.venv) must
already be installed (`make env`). Measured, each several times:

* clean build: empty _build/, every notebook executed, HTML written (`make book` on a fresh clone);
* its floor, in the same run: each chapter's imports alone, executed as the build executes the
  chapters (bench/floor.py: one kernel per notebook, one per core), plus Sphinx's own work (the
  same build with execution off, rendering the stored outputs); the clean build is reported as
  a ratio to it, which holds on any machine;
* no-change rebuild: the same build again with nothing changed;
* data change: one CSV rewritten with the same values in other bytes (a trailing zero added to
  one decimal number) and re-hashed, then rebuilt; records which notebooks were executed again,
  against the notebooks that read the file (as their read manifests recorded, claimcheck.data.manifest);
* each notebook's execution time: inside the clean build (two run side by side on two cores)
  and alone (one kernel, nothing else running);
* the test suite (`pytest`, as `make test` runs it) from an empty _build/.

Every measurement records wall-clock seconds and CPU seconds (user + system of the command and
all its children, kernels included), and the report says how busy the machine was (load
average, share of CPU busy, the other processes using the most CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
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
    "clean build": 12.0,
    "no-change rebuild": 1.5,
    "test suite (from an empty _build/)": 90.0,
}
CLEAN, FLOOR, NOTEBOOK_FLOOR, SPHINX_ALONE = "clean build", "floor", "floor: imports-only notebooks", "floor: Sphinx alone"
NO_CHANGE, DATA_CHANGE, TESTS = "no-change rebuild", "data-change rebuild", "test suite (from an empty _build/)"


def source_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return sorted(n for n in set(listed.split("\0")) if n and (ROOT / n).is_file())


def copy_sources(target: Path) -> Path:
    for name in source_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]


def as_fresh_clone(book: Path) -> None:
    """Make the scratch copy what the suite sees in a fresh clone: a git checkout of one commit
    (the book ships the source archive of its commit; outside a checkout it ships none and says
    why, and the re-run test from that archive cannot pass), with the seed post beside it."""
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench: the working tree"]):
        subprocess.run([*GIT, *command], cwd=book, check=True, capture_output=True)
    seed = ROOT.parent / "shared" / "seed" / "post.txt"
    if seed.is_file():
        (book.parent / "shared" / "seed").mkdir(parents=True, exist_ok=True)
        shutil.copy2(seed, book.parent / "shared" / "seed" / "post.txt")


def restore_fresh_clone(book: Path) -> None:
    """Undo what the build measurements changed (a rewritten CSV, re-executed notebooks) and
    empty _build/, so each suite run starts as on a fresh clone."""
    subprocess.run([*GIT, "reset", "-q", "--hard"], cwd=book, check=True, capture_output=True)
    subprocess.run([*GIT, "clean", "-fdqx"], cwd=book, check=True, capture_output=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str, float]:
    """(wall seconds, output, CPU seconds of the command and every child it waited for)."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, errors="replace",
                            env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if result.returncode != 0:
        raise SystemExit(f"failed ({' '.join(command)}):\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return seconds, result.stdout + result.stderr, cpu


def sphinx_only_config(book: Path) -> Path:
    """The book's configuration with notebook execution off: Sphinx renders the stored outputs."""
    import yaml

    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    path = book / "_config.floor.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


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
    from claimcheck.data.package import read_descriptor, rehash, resource_descriptor

    path = book / "data" / resource_descriptor(resource, read_descriptor(book / "data"))["path"]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[-1], count = re.subn(r"(?<=,)(-?\d+\.\d+)(?=,|$)", r"\g<1>0", lines[-1], count=1)
    if not count:
        raise SystemExit(f"no decimal number in the last row of {path.name}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert rehash(book / "data") == [resource]


def readers_of(book: Path, resource: str) -> list[str]:
    """The notebooks whose last execution loaded ``resource`` (their read manifests)."""
    sys.path.insert(0, str(ROOT / "src"))
    from claimcheck.build import invalidation
    from claimcheck.data import manifest

    cache = book / invalidation.DEFAULT_CACHE_DIR
    return sorted(p.name for p in (book / "chapters").glob("*.ipynb")
                  if any(r.get("name") == resource for r in
                         manifest.read(invalidation.manifest_path(cache, f"chapters/{p.name}")) or []))


def cpu_counters() -> dict[str, int] | None:
    """CPU time since boot, in clock ticks over all cores (Linux /proc/stat): in all, idle
    (with waiting for I/O), and stolen (time a virtual machine's hypervisor ran something else
    while this machine had work: such a machine is slower than its idle figures say)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return {"total": sum(fields[:8]), "idle": fields[3] + fields[4], "steal": fields[7] if len(fields) > 7 else 0}
    except (OSError, ValueError, IndexError):
        return None


def busy_fraction(seconds: float = 3.0) -> float | None:
    """Share of CPU time the machine spent busy over a few seconds (Linux /proc/stat)."""
    before = cpu_counters()
    time.sleep(seconds)
    after = cpu_counters()
    if not before or not after:
        return None
    return 1 - (after["idle"] - before["idle"]) / max(1, after["total"] - before["total"])


def stolen_share(before: dict | None, after: dict | None) -> float | None:
    if not before or not after or after["total"] <= before["total"]:
        return None
    return (after["steal"] - before["steal"]) / (after["total"] - before["total"])


def other_processes(seconds: float = 3.0, top: int = 5) -> list[tuple[str, float]]:
    """The processes (not this one) that used the most CPU over a few seconds: (name, cores)."""
    def sample() -> dict[int, tuple[str, int]]:
        found = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            name = text[text.index("(") + 1:text.rindex(")")]
            fields = text[text.rindex(")") + 2:].split()
            found[int(stat.parent.name)] = (name, int(fields[11]) + int(fields[12]))  # utime + stime
        return found

    try:
        before = sample()
        time.sleep(seconds)
        after = sample()
    except (OSError, ValueError, IndexError):
        return []
    ticks = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for pid, (name, total) in after.items():
        if pid == os.getpid() or pid not in before:
            continue
        share = (total - before[pid][1]) / ticks / seconds
        if share > 0.02:
            used[name] = used.get(name, 0.0) + share
    return sorted(used.items(), key=lambda item: -item[1])[:top]


def machine_state() -> dict:
    return {"load": os.getloadavg() if hasattr(os, "getloadavg") else None, "busy": busy_fraction(),
            "others": other_processes()}


def describe_state(state: dict) -> str:
    parts = []
    if state.get("load"):
        parts.append("load average {:.1f} / {:.1f} / {:.1f} (1, 5, 15 min)".format(*state["load"]))
    if state.get("busy") is not None:
        parts.append(f"{state['busy']:.0%} of CPU busy")
    if state.get("others"):
        parts.append("busiest other processes: " + ", ".join(f"{n} {c:.2f} cores" for n, c in state["others"]))
    return "; ".join(parts) or "not measured"


def summary(values: list[float], unit: str = " s", digits: int = 1) -> str:
    if not values:
        return "not measured"
    median = statistics.median(values)
    return f"{median:.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS") or 3))
    parser.add_argument("--data-file", default="mtl", help="resource to change (default: mtl)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["builds", "floor", "notebooks", "tests"])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up the scratch copy when stopped
    state_before = machine_state()
    counters_before = cpu_counters()
    if state_before["busy"] is not None and state_before["busy"] > 0.2:
        print(f"warning: the machine is busy before the runs ({describe_state(state_before)}); "
              "wall-clock times will be slower, CPU seconds less so", flush=True)

    names = [CLEAN, FLOOR, NOTEBOOK_FLOOR, SPHINX_ALONE, NO_CHANGE, DATA_CHANGE, TESTS]
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    ratios: list[float] = []
    in_build: dict[str, list[float]] = {}
    alone: dict[str, list[float]] = {}
    reexecuted: list[list[str]] = []
    executed_counts: list[int] = []
    closing_lines: list[str] = []  # each suite run's last line ("N passed in S s")
    scratch = Path(tempfile.mkdtemp(prefix="claimcheck-bench-"))

    def record(name: str, measured: tuple[float, str, float]) -> str:
        times[name].append(measured[0])
        cpu[name].append(measured[2])
        return measured[1]

    try:
        book = copy_sources(scratch / "book")
        as_fresh_clone(book)
        readers: list[str] = []
        for run in range(1, args.runs + 1):
            floor_config = sphinx_only_config(book)  # untracked: restore_fresh_clone removes it
            if "builds" not in args.skip:
                shutil.rmtree(book / "_build", ignore_errors=True)
                log = record(CLEAN, timed(BUILD, book))
                executed = executed_notebooks(log)
                executed_counts.append(len(executed))
                for name, value in executed.items():
                    in_build.setdefault(name, []).append(value)
                readers = readers_of(book, args.data_file)  # as the clean build recorded them
                record(NO_CHANGE, timed(BUILD, book))
                saved = {p: p.read_bytes() for p in (book / "data").iterdir()}  # restored below
                change_data_file(book, args.data_file)
                log = record(DATA_CHANGE, timed(BUILD, book))
                reexecuted.append(sorted(re.findall(r"([\w.-]+\.ipynb): Executing notebook", log)))
                for path, content in saved.items():
                    path.write_bytes(content)
                print(f"run {run}: clean {times[CLEAN][-1]:.1f} s ({cpu[CLEAN][-1]:.1f} CPU s), no change "
                      f"{times[NO_CHANGE][-1]:.1f} s, data change {times[DATA_CHANGE][-1]:.1f} s", flush=True)
            if "floor" not in args.skip:
                _, out, notebook_cpu = timed([str(BIN / "python"), str(ROOT / "bench" / "floor.py"), str(book)], book)
                report = next(line for line in reversed(out.splitlines()) if line.startswith("{"))
                times[NOTEBOOK_FLOOR].append(json.loads(report)["seconds"])
                cpu[NOTEBOOK_FLOOR].append(notebook_cpu)
                shutil.rmtree(book / "_build", ignore_errors=True)
                record(SPHINX_ALONE, timed(BUILD + ["--config", str(floor_config)], book))
                shutil.rmtree(book / "_build", ignore_errors=True)
                times[FLOOR].append(times[NOTEBOOK_FLOOR][-1] + times[SPHINX_ALONE][-1])
                cpu[FLOOR].append(cpu[NOTEBOOK_FLOOR][-1] + cpu[SPHINX_ALONE][-1])
                if times[CLEAN]:
                    ratios.append(times[CLEAN][-1] / times[FLOOR][-1])
                print(f"run {run}: floor {times[FLOOR][-1]:.1f} s (imports-only notebooks "
                      f"{times[NOTEBOOK_FLOOR][-1]:.1f} s + Sphinx alone {times[SPHINX_ALONE][-1]:.1f} s)"
                      + (f", clean build / floor = {ratios[-1]:.2f}" if ratios else ""), flush=True)
            if "notebooks" not in args.skip:
                for notebook in sorted((book / "chapters").glob("*.ipynb")):
                    _, out, _ = timed([str(BIN / "python"), "-m", "claimcheck.cli.outputs", str(notebook)], book)
                    alone.setdefault(notebook.name, []).append(float(re.search(r"in ([\d.]+) s", out).group(1)))
            if "tests" not in args.skip:
                restore_fresh_clone(book)
                axe = ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
                out = record(TESTS, timed([str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], book,
                                    env={"CLAIMCHECK_AXE_JS": str(axe)}))
                closing_lines.append(next((line.strip("= ") for line in reversed(out.splitlines())
                                           if " passed" in line), "(no closing line)"))
                print(f"run {run}: test suite {times[TESTS][-1]:.1f} s ({cpu[TESTS][-1]:.1f} CPU s): "
                      f"{closing_lines[-1]}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    args.state_before, args.state_after = state_before, machine_state()
    args.stolen = stolen_share(counters_before, cpu_counters())
    args.closing_lines = closing_lines
    args.executed_counts = executed_counts
    write_results(args, times, cpu, ratios, in_build, alone, reexecuted, readers)
    print(f"written {args.output}")
    return 0


def write_results(args, times, cpu, ratios, in_build, alone, reexecuted, readers) -> None:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    executed = sorted(set(args.executed_counts))
    lines = [
        "# Build and test times",
        "",
        f"Measured by `make bench` (`bench/run.py --runs {args.runs}`) on {date.today().isoformat()}: "
        f"{cpus} CPU cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}. "
        "Each cell is the median over the runs, with the fastest and slowest run in brackets; CPU "
        "seconds are user + system time of the command and all its children (kernels included). "
        "Builds use the strict flags of `make book` (`-W -n --keep-going`) in a scratch copy of the "
        "sources, with the environment already installed.",
        "",
        f"How busy the machine was: before the runs, {describe_state(args.state_before)}; after them, "
        f"{describe_state(args.state_after)}"
        + (f"; over the runs the hypervisor took {args.stolen:.1%} of the CPU time (steal)"
           if getattr(args, "stolen", None) is not None else "")
        + ". Other work slows the wall-clock times; CPU seconds and "
        "the ratio to the floor (measured in the same run) are less sensitive to it.",
        "",
        "| Measurement | Wall clock, median (min–max) | CPU seconds, median (min–max) | Target | Met |",
        "|---|---|---|---|---|",
    ]
    for name, values in times.items():
        target = TARGETS.get(name)
        cpu_cell = summary(cpu.get(name, []), "")
        if name == DATA_CHANGE:
            expected = sorted(readers)
            ok = bool(reexecuted) and all(r == expected for r in reexecuted)
            verdict = "yes" if ok else ("not measured" if not reexecuted else "no")
            lines.append(f"| {name} (`{args.data_file}` changed) | {summary(values)} | {cpu_cell} | re-executes "
                         f"only the notebooks that read it: {', '.join(expected)} | {verdict} |")
            continue
        if name == FLOOR:
            notebooks = f" ({executed[0]} executed notebooks)" if len(executed) == 1 else ""
            lines.append(f"| {name}{notebooks}: imports-only notebooks + Sphinx alone | {summary(values)} | "
                         f"{cpu_cell} | | |")
            lines.append(f"| clean build / floor | {summary(ratios, '×', 2)} | | as close to 1 as the chapters' "
                         "own work allows | |")
            continue
        if target is None:
            lines.append(f"| {name} | {summary(values)} | {cpu_cell} | | |")
            continue
        met = "not measured" if not values else ("yes" if statistics.median(values) <= target else "no")
        lines.append(f"| {name} | {summary(values, digits=2 if target < 5 else 1)} | {cpu_cell} | "
                     f"within {target:g} s (quiet machine) | {met} |")
    if reexecuted:
        lines += ["", "Notebooks executed again after the data change, per run: "
                  + "; ".join(", ".join(r) or "none" for r in reexecuted) + "."]
    if getattr(args, "closing_lines", None):
        lines += ["", "The test suite's closing line, per run: "
                  + "; ".join(f"\"{line}\"" for line in args.closing_lines) + "."]
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
