"""The book's extension is split by concern: every extension module in claimcheck.build is listed in
_config.yml (so it can be switched off), and each one loads on its own (what it needs from
another it loads itself) and declares itself safe for parallel reading and writing."""

from __future__ import annotations

import ast
import io
import re

import pytest
import yaml

from claimcheck import paths
from conftest import ROOT

BUILD = paths.PACKAGE_DIR / "build"
LISTED = [name for name in yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["extra_extensions"]
          if name.startswith("claimcheck.")]


def has_setup(path) -> bool:
    return any(isinstance(node, ast.FunctionDef) and node.name == "setup"
               for node in ast.parse(path.read_text(encoding="utf-8")).body)


def test_every_extension_module_is_listed_once_and_nothing_else_is():
    modules = sorted(f"claimcheck.build.{p.stem}" for p in BUILD.glob("*.py") if has_setup(p))
    assert sorted(LISTED) == modules
    assert len(set(LISTED)) == len(LISTED)


@pytest.mark.parametrize("extension", LISTED)
def test_each_extension_loads_alone_and_is_parallel_safe(extension, tmp_path):
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    (tmp_path / "conf.py").write_text("")
    with docutils_namespace():  # docutils' registries are global; each application gets its own
        app = Sphinx(str(tmp_path), str(tmp_path), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                     confoverrides={"extensions": [extension], "source_suffix": {".rst": "restructuredtext"}},
                     status=io.StringIO(), warning=io.StringIO())
    loaded = app.extensions[extension]
    assert loaded.parallel_read_safe and loaded.parallel_write_safe


def test_setup_functions_stay_thin():
    """A setup connects handlers and declares settings; the work lives in named functions."""
    for path in BUILD.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == "setup":
                assert node.end_lineno - node.lineno < 20, path.name
                assert not re.search(r"\bfor\b|\bwhile\b", ast.get_source_segment(path.read_text(), node)), path.name
