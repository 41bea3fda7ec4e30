"""Sphinx extension: validate the data package once, when the build starts.

Every data file is checked against ``data/datapackage.yaml`` (frictionless-py plus the book's own
checks, :mod:`claimcheck.data.validate`) before any notebook runs, and a bad file stops the build
with one message naming file, row (and line) and column. A clean result is recorded by content
hash (:mod:`claimcheck.data.validation_cache`), so a build where the data did not change does not
import frictionless, and the notebooks' ``load`` calls only compare hashes.

Listed in ``_config.yml`` under ``sphinx.extra_extensions`` as ``claimcheck.build.validation``.
"""

from __future__ import annotations

from pathlib import Path

from claimcheck import paths

# After the layout check of claimcheck.build.sphinx_ext (priority 500), which names a stray or
# escaping file in its own words; content is validated only in a data/ that passed it.
PRIORITY = 600


def validate_data(app, config) -> None:
    from claimcheck.build.sphinx_ext import BookInputError, _discard_output
    from claimcheck.data.problems import DataValidationError
    from claimcheck.data.validation_cache import validate_once

    data_dir = paths.data_dir(Path(app.srcdir))
    if not (data_dir / paths.DESCRIPTOR_NAME).is_file():
        return
    try:
        problems = validate_once(data_dir)
    except DataValidationError as err:
        problems = err.problems
    if problems:
        _discard_output(app)
        raise BookInputError(str(DataValidationError(problems))) from None


def setup(app):
    app.connect("config-inited", validate_data, priority=PRIORITY)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
