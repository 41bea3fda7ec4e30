"""The package's architecture, enforced: layers import only downwards, and the folder tree says
where each kind of code lives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "claimcheck"

# Lower layers never import higher ones. `stats` imports nothing of the package at all.
LAYERS = {
    "paths": 0, "vocab": 0, "rubric": 0,
    "stats": 1,
    "data": 2,
    "present": 3,
    "build": 4,
    "cli": 5,
}
SELF_CONTAINED = {"stats"}  # may import only itself
MAX_LINES = 250


def layer_of(module: str) -> str:
    """``claimcheck.data.package`` -> ``data``; ``claimcheck.paths`` -> ``paths``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every claimcheck module ``path`` imports (at any depth: lazy imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("claimcheck")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise AssertionError(f"{path}: line {node.lineno}: relative import; write claimcheck.<layer>.<module>")
            if node.module and node.module.startswith("claimcheck"):
                if node.module == "claimcheck":  # from claimcheck import paths, data ...
                    found += [(node.lineno, f"claimcheck.{a.name}") for a in node.names]
                else:
                    found.append((node.lineno, node.module))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_sits_in_a_known_layer():
    for path in MODULES:
        name = module_name(path)
        if name == "claimcheck":
            continue
        assert layer_of(name) in LAYERS, f"{path}: not in a known layer ({', '.join(LAYERS)})"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_down(path):
    me = module_name(path)
    if me == "claimcheck":
        return
    mine = layer_of(me)
    for line, target in imported_modules(path):
        theirs = layer_of(target)
        if theirs not in LAYERS:  # package-level names (claimcheck.load ...) belong to the data layer
            theirs = "data"
        if mine in SELF_CONTAINED:
            assert theirs == mine, f"{path}:{line}: {me} imports {target}; {mine} imports nothing else of the package"
        assert LAYERS[theirs] <= LAYERS[mine], (
            f"{path}:{line}: {me} (layer {mine}) imports {target} (layer {theirs}), a higher layer")


def test_the_rule_can_fail(tmp_path):
    """The checker sees an upward import, a lazy one included."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from claimcheck.build import reader\n")
    assert imported_modules(bad) == [(2, "claimcheck.build")]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_modules_stay_small_or_say_why(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    if lines > MAX_LINES:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert "longer than" in doc.lower() and "because" in doc.lower(), (
            f"{path}: {lines} lines (> {MAX_LINES}); split it by concern or say in the module docstring why it is "
            f"longer than {MAX_LINES} lines, because ...")
