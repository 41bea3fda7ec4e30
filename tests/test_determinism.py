"""Two clean builds of the same sources give the same book, and every random step is seeded.

The session build (``built_book``) is compared with a second build of a copy of the same files
in a temporary folder, with its own empty execution cache, so every notebook runs again there.
Only the files listed in ALLOWED_DIFFERENCES may differ.
"""

from __future__ import annotations

import ast
import difflib
import re
from pathlib import Path

import nbformat
import pytest

from claimcheck.rerun_ext import SOURCE_ARCHIVE
from conftest import ROOT

pytestmark = pytest.mark.build

# Output files that may differ between two clean builds of one commit, and why. Everything else
# (pages, figures, search index, claims.json, .bib files, copied assets) must be byte-identical.
ALLOWED_DIFFERENCES = {
    ".buildinfo": "Sphinx's build stamp: a hash of the configuration and tags, not page content",
}


def output_files(html: Path) -> dict[str, Path]:
    return {p.relative_to(html).as_posix(): p for p in html.rglob("*") if p.is_file()}


def first_difference(a: Path, b: Path, context: int = 2) -> str:
    try:
        left = a.read_text(encoding="utf-8").splitlines()
        right = b.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return f"binary files differ ({a.stat().st_size} and {b.stat().st_size} bytes)"
    diff = difflib.unified_diff(left, right, "session build", "second clean build", n=context, lineterm="")
    return "\n".join(line[:200] for line in list(diff)[:16])


def test_two_clean_builds_give_identical_html(built_book, second_clean_build):
    returncode, log, second = second_clean_build
    assert returncode == 0, f"second clean build failed:\n{log[-5000:]}"
    notebooks = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))
    executed = {name for name in notebooks if re.search(rf"{re.escape(name)}: Executing notebook", log)}
    assert executed == set(notebooks), f"the second build did not execute {sorted(set(notebooks) - executed)}"

    first_files, second_files = output_files(built_book), output_files(second)
    # The second build's copy is no git checkout, so it publishes no source archive (it could not
    # be tied to a commit); everything else must be there, and the same.
    first_files.pop(SOURCE_ARCHIVE, None)
    assert sorted(first_files) == sorted(second_files), (
        f"only in the session build: {sorted(set(first_files) - set(second_files))[:10]}; "
        f"only in the second: {sorted(set(second_files) - set(first_files))[:10]}")
    differing = [name for name in sorted(first_files)
                 if name not in ALLOWED_DIFFERENCES and first_files[name].read_bytes() != second_files[name].read_bytes()]
    report = "\n\n".join(f"{name}:\n{first_difference(first_files[name], second_files[name])}" for name in differing[:5])
    assert differing == [], f"{len(differing)} files differ between two clean builds:\n{report}"


# --- every random step is seeded ---------------------------------------------------------

# numpy's legacy global generator, the random module, and generators created without a seed.
UNSEEDED = [
    (re.compile(r"\bnp\.random\.(?!default_rng\b|Generator\b|RandomState\b|SeedSequence\b)[a-z_]+\s*\("),
     "numpy's global random generator (use np.random.default_rng(SEED))"),
    (re.compile(r"\b(?:np\.random\.)?default_rng\(\s*\)"), "a generator without a seed"),
    (re.compile(r"\bRandomState\(\s*\)"), "a RandomState without a seed"),
    (re.compile(r"^\s*(?:import random\b|from random import)", re.M), "the random module"),
    (re.compile(r"random_state\s*=\s*None\b"), "random_state=None"),
]


def code_sources() -> dict[str, str]:
    sources = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
               for p in sorted((ROOT / "src" / "claimcheck").glob("*.py"))}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                sources[f"{path.relative_to(ROOT).as_posix()} cell {index}"] = cell.source
    return sources


def test_every_random_step_is_seeded():
    problems = []
    for where, source in code_sources().items():
        for pattern, what in UNSEEDED:
            for match in pattern.finditer(source):
                line = source[: match.start()].count("\n") + 1
                problems.append(f"{where}, line {line}: {what}: {match.group(0).strip()}")
    assert problems == [], "unseeded randomness:\n" + "\n".join(problems)


def test_seeding_check_catches_unseeded_code():
    samples = ["x = np.random.normal(0, 1, 5)", "rng = np.random.default_rng()", "import random",
               "stats.norm.rvs(size=3, random_state=None)"]
    for sample in samples:
        assert any(pattern.search(sample) for pattern, _ in UNSEEDED), sample
    seeded = "rng = np.random.default_rng(20150617)\nx = rng.normal(0, 1, 5)"
    assert not any(pattern.search(seeded) for pattern, _ in UNSEEDED)


def test_package_functions_that_draw_take_a_generator():
    """Shared code never creates its own generator: the caller passes a seeded one."""
    for path in sorted((ROOT / "src" / "claimcheck").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "default_rng":
                pytest.fail(f"{path.name}:{node.lineno} creates a generator; take `rng` as an argument")
