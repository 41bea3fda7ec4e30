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

from claimcheck.build.rerun_page import SOURCE_ARCHIVE
from conftest import ROOT, build_failure

pytestmark = pytest.mark.build

# Output files that may differ between two clean builds of one commit, and why. Everything else
# (pages, search index, claims.json, .bib files, copied assets) must be byte-identical, and the
# figures the notebooks draw identical up to rounding (see FIGURE_TOLERANCE).
ALLOWED_DIFFERENCES = {
    ".buildinfo": "Sphinx's build stamp: a hash of the configuration and tags, not page content",
}


# Figures a notebook draws are named by a hash of their bytes. Their pixels depend on the last
# digits of the plotted numbers (antialiasing rounds a coverage that moves with them), and those
# digits depend on the BLAS kernel and SIMD paths of the machine that executed the notebook: the
# session build may render an execution cache made in another environment. So pages are
# compared with these names replaced by their order of appearance, and each pair of figures
# pixel by pixel: same size, no channel more than FIGURE_TOLERANCE levels (of 255) apart. Any
# visible change (a moved marker, a different colour or label) is far above that.
FIGURE_NAME = re.compile(r"_images/[0-9a-f]{64}\.png")
FIGURE_TOLERANCE = 2


def output_files(html: Path) -> dict[str, Path]:
    return {p.relative_to(html).as_posix(): p for p in html.rglob("*") if p.is_file()}


def _figures_in_order(files: dict[str, Path]) -> tuple[dict[str, bytes], dict[str, list[str]]]:
    """Pages with figure names replaced by placeholders, and the figures each page shows."""
    pages, figures = {}, {}
    for name, path in files.items():
        if name.endswith(".html"):
            text = path.read_text(encoding="utf-8")
            figures[name] = FIGURE_NAME.findall(text)
            pages[name] = FIGURE_NAME.sub("_images/FIGURE.png", text).encode("utf-8")
    return pages, figures


def figures_agree(a: Path, b: Path) -> str:
    """'' if two PNGs show the same picture up to FIGURE_TOLERANCE; else what differs."""
    import numpy as np
    from PIL import Image

    if a.read_bytes() == b.read_bytes():
        return ""
    left = np.asarray(Image.open(a).convert("RGBA"), dtype=int)
    right = np.asarray(Image.open(b).convert("RGBA"), dtype=int)
    if left.shape != right.shape:
        return f"sizes differ: {left.shape} and {right.shape}"
    largest = int(np.abs(left - right).max())
    return "" if largest <= FIGURE_TOLERANCE else f"pixels differ by up to {largest} levels"


def test_figure_comparison_tolerates_rounding_but_not_a_change(tmp_path):
    import numpy as np
    from PIL import Image

    picture = np.full((20, 30, 3), 255, dtype=np.uint8)
    picture[5:10, 5:10] = (0, 114, 178)
    paths = {}
    for name, change in {"base": None, "rounding": (12, 12, 1), "moved": (0, 0, 0)}.items():
        copy = picture.copy()
        if name == "rounding":
            copy[change[0], change[1]] = np.clip(copy[change[0], change[1]].astype(int) - change[2], 0, 255)
        elif name == "moved":
            copy[5:10, 5:10] = 255
            copy[6:11, 6:11] = (0, 114, 178)
        paths[name] = tmp_path / f"{name}.png"
        Image.fromarray(copy).save(paths[name])
    assert figures_agree(paths["base"], paths["base"]) == ""
    assert figures_agree(paths["base"], paths["rounding"]) == ""
    assert "differ" in figures_agree(paths["base"], paths["moved"])


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
    assert returncode == 0, f"second clean build failed:\n{build_failure(log, 5000)}"
    notebooks = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))
    executed = {name for name in notebooks if re.search(rf"{re.escape(name)}: Executing notebook", log)}
    assert executed == set(notebooks), f"the second build did not execute {sorted(set(notebooks) - executed)}"

    first_files, second_files = output_files(built_book), output_files(second)
    # The second build's copy is no git checkout, so it publishes no source archive (it could not
    # be tied to a commit); everything else must be there, and the same.
    first_files.pop(SOURCE_ARCHIVE, None)
    first_pages, first_figures = _figures_in_order(first_files)
    second_pages, second_figures = _figures_in_order(second_files)
    figures = {f for names in first_figures.values() for f in names}
    figures |= {f for names in second_figures.values() for f in names}
    first_rest = sorted(set(first_files) - figures - set(first_pages))
    second_rest = sorted(set(second_files) - figures - set(second_pages))
    assert sorted(first_pages) == sorted(second_pages) and first_rest == second_rest, (
        f"only in the session build: {sorted(set(first_files) - set(second_files))[:10]}; "
        f"only in the second: {sorted(set(second_files) - set(first_files))[:10]}")
    differing = [name for name in sorted(first_pages) if first_pages[name] != second_pages[name]]
    differing += [name for name in first_rest
                  if name not in ALLOWED_DIFFERENCES and first_files[name].read_bytes() != second_files[name].read_bytes()]
    report = "\n\n".join(f"{name}:\n{first_difference(first_files[name], second_files[name])}" for name in differing[:5])
    assert differing == [], f"{len(differing)} files differ between two clean builds:\n{report}"
    for page, names in first_figures.items():
        assert len(names) == len(second_figures[page]), page
        for a, b in zip(names, second_figures[page]):
            problem = figures_agree(built_book / a, second / b)
            assert not problem, f"{page}: figure {a} and {b}: {problem}"


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
