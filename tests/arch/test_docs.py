"""README's layout section and CONTRIBUTING's architecture section are checked against the tree, so
they cannot drift from the code they describe."""

from __future__ import annotations

import re
from pathlib import Path

from test_layers import LAYERS, PACKAGE

ROOT = PACKAGE.parents[1]
ENTRY = re.compile(r"^  (?P<name>[a-z_()]+/?)\s{2,}(?P<text>.*)$")


def layout_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1].splitlines()


def package_entries(lines: list[str]) -> dict[str, str]:
    """``{"stats/": "consistency, intervals ...: what they do", "(base)": ...}``: the indented
    entries under ``src/claimcheck/``, continuation lines joined."""
    start = next(i for i, line in enumerate(lines) if line.startswith("src/claimcheck/"))
    entries: dict[str, str] = {}
    current = None
    for line in lines[start + 1:]:
        if line and not line.startswith(" "):
            break  # the next top-level entry
        match = ENTRY.match(line)
        if match:
            current = match["name"]
            entries[current] = match["text"]
        elif current and line.strip():
            entries[current] += " " + line.strip()
    return entries


def listed_modules(text: str) -> set[str]:
    """The modules an entry names: the comma-separated list before its first ': '."""
    names = text.split(": ", 1)[0]
    return {name.strip() for name in names.split(",")}


def actual_modules(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}


def test_readme_layout_lists_every_subpackage_and_module_and_nothing_else():
    entries = package_entries(layout_block())
    subpackages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert {name.rstrip("/") for name in entries if name != "(base)"} == subpackages
    for sub in subpackages:
        assert listed_modules(entries[f"{sub}/"]) == actual_modules(PACKAGE / sub), f"README layout, {sub}/"
    assert listed_modules(entries["(base)"]) == actual_modules(PACKAGE)
    assert set(LAYERS) == subpackages | actual_modules(PACKAGE), "tests/arch/test_layers.py LAYERS"


def test_every_path_in_the_layout_exists():
    for line in layout_block():
        first = line.split("  ", 1)[0].strip()
        for name in filter(None, (n.strip() for n in first.split(","))):
            if not line.startswith(" ") and name:
                assert (ROOT / name).exists(), f"README layout names {name!r}, which does not exist"


def test_contributing_names_the_layers_in_import_order():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    order = re.search(r"`base` < (.*)", section)
    assert order, "CONTRIBUTING.md: the Architecture section states the import order as `base` < `stats` < ..."
    named = re.findall(r"`([a-z]+)`", "`base` < " + order.group(1))
    expected = ["base"] + sorted({k for k in LAYERS if LAYERS[k] > 0}, key=LAYERS.get)
    assert named == expected
