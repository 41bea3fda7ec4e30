"""Sphinx extension: no stale or partial book is ever left looking complete.

* A build that was killed (or crashed) while writing left a book that looks complete but is not
  (a partial search index, missing pages, images or .bib files). A marker lives in the doctree
  folder while an HTML build runs; if it is there at the start, the previous build did not
  finish, and the old output is removed so that this build writes every page again.
* A build that failed (an error, or a warning under ``-W --keep-going``) removes its output.

The warning count is Sphinx's private one (claimcheck.build.overrides, ``sphinx-warning-count``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from claimcheck.build import overrides

BUILD_RUNNING_FILE = "claimcheck-build-running"


def clear_output(outdir: Path) -> None:
    for child in outdir.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def discard_output(app) -> None:
    """A build stopped by bad input before the builder started: the previous book is removed
    too, so nothing stale looks like the result of this build."""
    from sphinx.util import logging

    outdir = Path(app.outdir)
    if outdir.is_dir() and any(outdir.iterdir()):
        clear_output(outdir)
        logging.getLogger(__name__).info(
            f"claimcheck: the build stopped on bad input, so the previous output {outdir} was removed", color="red")


def start_output(app):
    """``builder-inited``: remove the output of a build that did not finish; mark this one running."""
    from sphinx.util import logging

    if app.builder.format != "html":
        return
    marker = Path(app.doctreedir) / BUILD_RUNNING_FILE
    outdir = Path(app.outdir)
    if marker.exists() and outdir.exists():
        # (info, not a warning: under -W a warning would fail this build, which is the recovery)
        logging.getLogger(__name__).info(
            f"claimcheck: the previous build did not finish; removed its output {outdir}, writing every page "
            "again", color="red")
        clear_output(outdir)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("an HTML build is running (or was killed)\n")


def build_failed(app, exception) -> bool:
    """An error, or a warning that makes this build fail (``-W``, or ``--keep-going``)."""
    return exception is not None or (overrides.warning_count(app) > 0 and (app.keep_going or app.warningiserror))


def finish_output(app, exception):
    """``build-finished``, after every other step: a failed build removes its output; either way
    the running marker goes."""
    from sphinx.util import logging

    if app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    if build_failed(app, exception):
        if outdir.exists():
            clear_output(outdir)
        logging.getLogger(__name__).info(
            f"claimcheck: the build failed, so its output {outdir} was removed (no stale or partial book is "
            "left); fix the problems reported above and build again", color="red")
    (Path(app.doctreedir) / BUILD_RUNNING_FILE).unlink(missing_ok=True)


def setup(app):
    overrides.require("sphinx-warning-count")
    app.connect("builder-inited", start_output)
    app.connect("build-finished", finish_output, priority=990)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
