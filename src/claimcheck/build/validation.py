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

# After the bibliography check (default priority 500): the cheaper check speaks first.
PRIORITY = 600


def validate_data(app, config) -> None:
    """Stop the build before anything is read when the descriptor cannot be read, names a file
    outside data/, data/ holds a CSV it does not list, or any file breaks its schema."""
    from claimcheck.build.input_checks import BookInputError
    from claimcheck.build.output_cleanup import discard_output
    from claimcheck.data.descriptor import layout_messages, read_descriptor
    from claimcheck.data.problems import DataValidationError
    from claimcheck.data.validation_cache import validate_once

    data_dir = paths.data_dir(Path(app.srcdir))
    if not (data_dir / paths.DESCRIPTOR_NAME).is_file():
        return
    try:
        messages = layout_messages(data_dir, read_descriptor(data_dir))
        if not messages:
            problems = validate_once(data_dir)
            messages = [str(DataValidationError(problems))] if problems else []
    except DataValidationError as err:
        messages = [str(err)]
    if messages:
        discard_output(app)
        raise BookInputError("\n".join(messages)) from None


def setup(app):
    app.connect("config-inited", validate_data, priority=PRIORITY)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
