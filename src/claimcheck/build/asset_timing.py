"""Sphinx extension: every build links the same assets the same way (determinism).

myst-nb's stylesheet and the offline MathJax are copied into the output only when the build
finishes, after the pages are written; Sphinx adds a ``?v=<checksum>`` to a page's link only when
the file is already there. So a clean build linked them without the checksum and the next build
with it: the same sources gave different pages. Their copy steps run (again: unchanged files are
skipped) before the pages are written. Calling another extension's build-finished step early is
an override of its internals (claimcheck.build.overrides: ``mystnb-css-early``,
``mathjax-offline-early``).
"""

from __future__ import annotations

from pathlib import Path

from claimcheck.build import overrides


def copy_late_assets_early(app, env):
    """``env-updated``: after reading, before writing."""
    if app.builder.format != "html":
        return []
    (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
    overrides.copy_late_assets(app)
    return []


def setup(app):
    app.connect("env-updated", copy_late_assets_early)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
