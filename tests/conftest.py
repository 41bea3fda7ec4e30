"""Shared fixtures: the repository root, a scratch copy of the data package, the built book."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ so a test can corrupt a file without touching the real one."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def run_build(book_dir: Path) -> subprocess.CompletedProcess:
    """The strict build exactly as `make book` runs it."""
    env = dict(os.environ)
    return subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(book_dir), "-W", "-n", "--keep-going"],
        cwd=book_dir, env=env, capture_output=True, text=True, errors="replace",
    )


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the real book once per test session (strict flags); fail loudly with the log."""
    result = run_build(ROOT)
    if result.returncode != 0:
        pytest.fail(f"strict book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    return ROOT / "_build" / "html"
