"""Sphinx extension: an incremental build re-reads exactly what changed, data included.

* Re-executes and re-reads exactly the notebooks whose data (or the ``claimcheck`` package)
  changed since the last build (:func:`claimcheck.build.invalidation.invalidate`): jupyter-cache
  keys on code cells only and Sphinx on file modification times, so neither would notice an
  edited CSV by itself.
* A change to this package (the cite boxes, the register's HTML, ...) rewrites every page
  (config value ``claimcheck_package_fingerprint``, an "env" rebuild).
* Re-reads every page after a build that ended with a warning (so a strict rebuild fails again
  instead of reporting success) or after a change to the bibliography. The state it records
  (``claimcheck_previous_clean``, pages to read, pages removed) lets the ``bibtex-skip-unchanged``
  override (claimcheck.build.performance) skip sphinxcontrib-bibtex's re-formatting of every
  reference when nothing at all changed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from claimcheck.build import mystnb_internals, overrides
from claimcheck.build.input_checks import BookInputError

BUILD_STATE_FILE = "claimcheck-build-state.json"


def outdated_by_data(app, env, added, changed, removed):
    """``env-get-outdated``: the notebooks whose data changed (re-executed, so re-read too)."""
    from claimcheck.build import invalidation
    from claimcheck.data.problems import DataValidationError

    root = Path(app.srcdir)
    if not (root / "data" / "datapackage.yaml").is_file():
        return []
    if mystnb_internals.config(env) is None:
        return []  # no myst-nb, no execution cache to invalidate
    cache_dir = mystnb_internals.cache_dir(env)  # where myst-nb looks, which pre-execution fills
    try:
        stale = invalidation.invalidate(root, cache_dir)
    except DataValidationError as err:  # an unreadable descriptor (the validation extension names it first)
        raise BookInputError(str(err)) from None
    docnames = [key.removesuffix(".ipynb") for key in stale]
    return [d for d in docnames if d in env.found_docs and d not in added and d not in changed]


def bibliography_digest(app) -> str:
    """The bibliography files and every ``bibtex_*`` setting: what formatted references depend on."""
    digest = hashlib.sha256()
    for name in sorted(n for n in app.config.values if n.startswith("bibtex_")):
        digest.update(f"{name}={getattr(app.config, name, None)!r}\0".encode())
    for bibfile in getattr(app.config, "bibtex_bibfiles", None) or []:
        path = Path(app.confdir) / bibfile
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


def read_build_state(app) -> dict:
    try:
        return json.loads((Path(app.doctreedir) / BUILD_STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}


def outdated_by_build_state(app, env, added, changed, removed):
    """Re-read every page after a build that warned, or when the bibliography changed.

    Sphinx re-reads only changed pages, so after a strict build that failed on a warning, an
    unchanged rebuild would report success without looking again; and a page that cites an
    edited references.bib entry would keep the old reference. Both cases re-read everything.
    """
    previous = read_build_state(app)
    app.claimcheck_bibliography = bibliography_digest(app)
    app.claimcheck_previous_clean = (previous.get("warnings") == 0
                                     and previous.get("bibliography") == app.claimcheck_bibliography)
    app.claimcheck_removed = len(removed)
    if app.claimcheck_previous_clean or not previous:
        return []
    return sorted(d for d in env.found_docs if d not in added and d not in changed)


def count_docs_to_read(app, env, docnames):
    app.claimcheck_docs_to_read = len(docnames)


def record_build_state(app, exception):
    state_path = Path(app.doctreedir) / BUILD_STATE_FILE
    if exception is not None or not hasattr(app, "claimcheck_bibliography"):
        state_path.unlink(missing_ok=True)
        return
    state = {"warnings": overrides.warning_count(app), "bibliography": app.claimcheck_bibliography}
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True))


def setup(app):
    from claimcheck.build.invalidation import package_fingerprint

    overrides.require("sphinx-warning-count")
    app.add_config_value("claimcheck_package_fingerprint", package_fingerprint(), "env")
    app.connect("env-get-outdated", outdated_by_data)
    app.connect("env-get-outdated", outdated_by_build_state)
    app.connect("env-before-read-docs", count_docs_to_read)
    app.connect("build-finished", record_build_state, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
