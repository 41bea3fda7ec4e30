"""A pytest plugin (loaded by ``-p claimcheck.build.nbval_figures`` in pyproject.toml): nbval compares
no drawing. It skips PNG and JPEG by itself; figures are also SVG now (for the web, see
:func:`claimcheck.present.plotstyle.use_phone_friendly_output`), whose coordinates differ in the last
digits between machines like every float. What a figure shows is tested where it is computed.
nbval has no option for this: the list it skips is extended through its internals
(claimcheck.build.overrides, ``nbval-skip-drawings``)."""

from __future__ import annotations

from claimcheck.build import overrides

DRAWINGS = ("image/svg+xml",)


def pytest_collection_finish(session):
    if overrides.require("nbval-skip-drawings"):
        overrides.skip_nbval_outputs(session.items, DRAWINGS)
