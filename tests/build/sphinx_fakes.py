"""Helpers for the extension tests (tests/build/test_*.py): a tiny Sphinx project built in this
process with only the extensions a test names (a second or two, not a book build), and a small
fake of the Sphinx application for calling event handlers directly. (Not a conftest.py: the
shared tests/conftest.py is imported as ``conftest`` by every test module.)"""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace


def build_tiny(folder: Path, extensions, files: dict[str, str], builder: str = "html", fresh: bool = True,
               **confoverrides):
    """Build ``files`` (name -> text) with ``extensions``; (output folder, status and warnings, app).

    ``fresh=False``: an incremental build, as `jupyter-book build` runs one, keeping the last
    build's environment; a file is written only when its text changed (Sphinx compares times)."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    source = folder / "src"
    for name, text in {**files, "conf.py": ""}.items():
        path = source / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    status, warnings = io.StringIO(), io.StringIO()
    # A fresh source_suffix each time: myst-nb adds its suffixes to the one it is given, and
    # Sphinx's default is one dict shared by every application of the process.
    overrides = {"extensions": list(extensions), "exclude_patterns": ["_build"],
                 "source_suffix": {".rst": "restructuredtext"}, **confoverrides}
    with docutils_namespace():  # docutils' registries are global; each application gets its own
        app = Sphinx(str(source), str(source), str(source / "_build" / builder), str(source / "_build" / "doctrees"),
                     builder, confoverrides=overrides, status=status, warning=warnings, freshenv=fresh)
        app.build()
    return source / "_build" / builder, status.getvalue() + warnings.getvalue(), app


def fake_app(folder: Path, **attributes) -> SimpleNamespace:
    """The few attributes of a Sphinx application the book's event handlers read."""
    app = SimpleNamespace(srcdir=str(folder / "src"), confdir=str(folder / "src"), outdir=str(folder / "out"),
                          doctreedir=str(folder / "doctrees"), builder=SimpleNamespace(format="html"),
                          _warncount=0, keep_going=True, warningiserror=True, config=SimpleNamespace(values={}))
    for path in (app.srcdir, app.outdir, app.doctreedir):
        Path(path).mkdir(parents=True, exist_ok=True)
    for name, value in attributes.items():
        setattr(app, name, value)
    return app
