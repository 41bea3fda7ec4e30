"""A pytest plugin (loaded by ``-p claimcheck.build.nbval_figures`` in pyproject.toml): nbval compares
no drawing. It skips PNG and JPEG by itself; figures are also SVG now (for the web, see
:func:`claimcheck.present.plotstyle.use_phone_friendly_output`), whose coordinates differ in the last
digits between machines like every float. What a figure shows is tested where it is computed."""

from __future__ import annotations

DRAWINGS = ("image/svg+xml",)


def pytest_collection_finish(session):
    for item in session.items:
        parent = getattr(item, "parent", None)
        skip = getattr(parent, "skip_compare", None)  # nbval's per-notebook list of output keys
        if isinstance(skip, tuple):
            parent.skip_compare = skip + tuple(k for k in DRAWINGS if k not in skip)
