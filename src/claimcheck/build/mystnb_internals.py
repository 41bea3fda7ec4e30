"""Every private function of myst-nb and jupyter-cache that pre-execution relies on, in one place,
each guarded by the version it was written for.

Pre-execution (``claimcheck.build.preexecute``) runs a notebook exactly as myst-nb's ``cache``
mode would and stores the result where myst-nb will look it up. Neither package offers a public
way to ask "how will you read this notebook?" or "store this execution as you would", so this
module uses their internals:

* ``myst_nb.core.read.create_nb_reader`` (myst-nb's own notebook reader, which also says whether a
  file is a text notebook), ``myst_nb.core.nb_to_tokens.nb_node_to_dict`` and
  ``NbParserConfig.copy`` (the per-notebook ``mystnb`` metadata overrides), ``env.mystnb_config``
  (the configuration myst-nb stores on the Sphinx environment), and ``kernel_rgx_aliases``;
* the record myst-nb's ``NotebookClientCache`` matches: ``add_nb_to_project`` then
  ``cache_notebook_bundle(CacheBundleIn(...), check_validity=False, overwrite=True)`` with
  ``data={"execution_seconds": ...}``, as ``myst_nb/core/execute/cache.py`` writes it.

Upstream: parallel execution in a Jupyter Book build is an open request
(https://github.com/jupyter-book/jupyter-book/issues/1735: ``jupyter-book build`` passes no
``-j`` to Sphinx); myst-nb's executor is ``myst_nb/core/execute/cache.py``. When a pin in
requirements.txt changes, :func:`check_versions` stops the build until someone has re-read those
places and updated :data:`WRITTEN_FOR` (``tests/build/test_preexecute.py`` fails too).
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# The distributions whose internals are used here, and the versions this module was checked
# against (the same as their pins in requirements.txt; a test keeps the two equal).
WRITTEN_FOR = {"myst-nb": "1.4.0", "jupyter-cache": "1.0.1"}

RECHECK = {
    "myst-nb": "myst_nb/core/read.py (create_nb_reader, read_fmt), myst_nb/core/nb_to_tokens.py "
               "(nb_node_to_dict), myst_nb/core/config.py (NbParserConfig.copy, kernel_rgx_aliases, "
               "metadata_key) and myst_nb/core/execute/cache.py (how a cache record is made and matched)",
    "jupyter-cache": "jupyter_cache/base.py (add_nb_to_project, cache_notebook_bundle, CacheBundleIn, "
                     "match_cache_notebook) against myst_nb/core/execute/cache.py",
}


class UncheckedVersionError(RuntimeError):
    """An installed version differs from the one pre-execution was written for."""


def version_mismatches() -> list[str]:
    problems = []
    for distribution, expected in WRITTEN_FOR.items():
        try:
            installed = version(distribution)
        except PackageNotFoundError:
            installed = "not installed"
        if installed != expected:
            problems.append(
                f"{distribution} {installed} is installed, but claimcheck.build.mystnb_internals was written "
                f"for {expected}. Re-check {RECHECK[distribution]}, then set WRITTEN_FOR[{distribution!r}] "
                f"to {installed!r} and its pin in requirements.txt."
            )
    return problems


def check_versions() -> None:
    problems = version_mismatches()
    if problems:
        raise UncheckedVersionError("\n".join(problems))


def config(env):
    """myst-nb's configuration for the build, or None when myst-nb is not active."""
    return getattr(env, "mystnb_config", None)


def cache_path(env) -> str:
    return env.mystnb_config.execution_cache_path or ".jupyter_cache"


def cache_dir(env) -> Path:
    """The jupyter-cache folder myst-nb's cache mode opens, as an absolute path. myst-nb passes the
    configured path to ``get_cache`` as it is, so a relative one (Jupyter Book's ``execute.cache``,
    ``nb_execution_cache_path``) is taken from the working directory, not the source folder."""
    return Path(cache_path(env)).resolve()


def read_notebook(env, path: Path, text: str):
    """The notebook as myst-nb will read it, and myst-nb's configuration for it; ``(None, None)``
    for a text notebook (MyST/jupytext) or bad ``mystnb`` metadata, both left to myst-nb."""
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader

    nb_config = env.mystnb_config
    reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
    if reader is None or reader.read_fmt is not None:
        return None, None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel is not None and nb_config.kernel_rgx_aliases:
        for pattern, alias in nb_config.kernel_rgx_aliases.items():
            if re.fullmatch(pattern, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        try:
            nb_config = nb_config.copy(**overrides)
        except Exception:  # myst-nb reports the bad metadata itself
            return None, None
    return notebook, nb_config


def store_execution(cache, path: Path, executed_notebook, seconds: float) -> None:
    """Cache an executed notebook under the project record myst-nb's cache mode will match."""
    from jupyter_cache.base import CacheBundleIn

    stage_record = cache.add_nb_to_project(str(path))
    cache.cache_notebook_bundle(
        CacheBundleIn(executed_notebook, stage_record.uri, data={"execution_seconds": seconds}),
        check_validity=False,
        overwrite=True,
    )
