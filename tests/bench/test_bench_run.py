"""bench/run.py's accounting of how busy the machine was (the timings themselves need builds)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_run", module)
    spec.loader.exec_module(module)
    return module


def test_stolen_share_is_steal_over_all_cpu_time(bench_run):
    before = {"total": 1000, "idle": 400, "steal": 10}
    after = {"total": 3000, "idle": 900, "steal": 210}
    assert bench_run.stolen_share(before, after) == pytest.approx(0.1)
    assert bench_run.stolen_share(before, before) is None  # no time passed: no share
    assert bench_run.stolen_share(None, after) is None  # no /proc/stat (not Linux)


def test_cpu_counters_read_this_machine(bench_run):
    counters = bench_run.cpu_counters()
    if counters is None:
        pytest.skip("no /proc/stat here")
    assert counters["total"] >= counters["idle"] + counters["steal"] >= 0
