"""Every place the build reaches into the internals of a third-party package, in one module.

Each override names the distribution and the exact version it was written for (the pin in
requirements.txt when it was written), the upstream issue or source line it works around, and
is installed only through :func:`require`, which compares that version with the installed one.

On a mismatch the build stops with :class:`OverrideVersionError` instead of skipping the
override with a warning. Why: the book's environment is locked (requirements.txt pins every
package exactly), so a different version means someone upgraded on purpose; the strict build
(``-W``) would fail on a warning anyway, but with a less precise message; and an override
applied to code it was not written for can fail silently (a stale reference list, a page that
differs between builds). The error says what to re-check, and each override belongs to one
extension in ``_config.yml`` that can be switched off meanwhile. tests/build/test_overrides.py
fails as soon as requirements.txt or the environment moves away from a version written here.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

from sphinx.errors import ExtensionError


@dataclass(frozen=True)
class Override:
    distribution: str | None  # None: the Python standard library, nothing to pin
    written_for: str | None
    what: str
    upstream: str


OVERRIDES = {
    # https://github.com/mcmtroffaes/sphinxcontrib-bibtex/blob/2.7.0/src/sphinxcontrib/bibtex/domain.py#L309
    # No upstream issue found (searched sphinxcontrib-bibtex's tracker for env_updated / incremental).
    "bibtex-skip-unchanged": Override(
        "sphinxcontrib-bibtex", "2.7.0", "replaces BibtexDomain.env_updated",
        "none filed; source: sphinxcontrib/bibtex/domain.py BibtexDomain.env_updated (2.7.0)"),
    # No pybtex issue found; the same fix (caching entry-point look-ups) was merged upstream in
    # Pygments: https://github.com/pygments/pygments/pull/2979
    "pybtex-plugin-cache": Override(
        "pybtex", "0.26.1", "replaces pybtex.plugin.entry_points with a cached look-up",
        "none filed for pybtex; same fix in https://github.com/pygments/pygments/pull/2979"),
    # Sphinx has no public warning count; the closest request is for a documented way to see -W:
    # https://github.com/sphinx-doc/sphinx/issues/11239
    "sphinx-warning-count": Override(
        "sphinx", "7.4.7", "reads Sphinx's private app._warncount",
        "https://github.com/sphinx-doc/sphinx/issues/11239"),
    # myst-nb copies its stylesheet at build-finished (its source cites
    # https://github.com/sphinx-doc/sphinx/issues/1379); the hashed name came with
    # https://github.com/executablebooks/MyST-NB/pull/447
    "mystnb-css-early": Override(
        "myst-nb", "1.4.0", "calls myst_nb.sphinx_ext.add_global_html_resources before pages are written",
        "https://github.com/sphinx-doc/sphinx/issues/1379"),
    # No issue tracker entry found for sphinx-mathjax-offline (it copies at build-finished).
    "mathjax-offline-early": Override(
        "sphinx-mathjax-offline", "0.0.2", "calls sphinx-mathjax-offline's copy_mathjax_files early",
        "none filed; source: sphinx-mathjax-offline/__init__.py copy_mathjax_files (0.0.2)"),
    # nbval has no option for extra output types to skip; its per-notebook list is an attribute.
    "nbval-skip-drawings": Override(
        "nbval", "0.11.0", "extends nbval's IPyNbFile.skip_compare",
        "none filed; source: nbval/plugin.py IPyNbFile.skip_compare (0.11.0)"),
    # No Sphinx issue found for numbering figures only when a page changed.
    "sphinx-fignumbers-skip-unchanged": Override(
        "sphinx", "7.4.7", "wraps TocTreeCollector.assign_figure_numbers",
        "none filed; source: sphinx/environment/collectors/toctree.py TocTreeCollector.assign_figure_numbers (7.4.7)"),
    "gc-freeze-at-exit": Override(
        None, None, "gc.freeze() at interpreter exit (a public CPython API, no version to guard)",
        "https://docs.python.org/3/library/gc.html#gc.freeze"),
}


class OverrideVersionError(ExtensionError):
    """An override meets a version of its package it was not written for."""


def installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def require(name: str) -> bool:
    """Check override ``name`` against the installed package: True to install it, False when the
    package is not installed at all (nothing to override); raise on any other version."""
    override = OVERRIDES[name]
    if override.distribution is None:
        return True
    installed = installed_version(override.distribution)
    if installed is None:
        return False
    if installed != override.written_for:
        raise OverrideVersionError(
            f"claimcheck override {name!r} ({override.what}) was written for {override.distribution} "
            f"{override.written_for}, but {installed} is installed. Re-check it against the new version "
            f"(upstream: {override.upstream}); then update written_for in claimcheck/build/overrides.py "
            "and the pin in requirements.txt, or remove the override if the new version fixes the problem. "
            "Meanwhile the extension that installs it can be switched off in _config.yml.")
    return True


# --- the overrides -------------------------------------------------------------------------------


def warning_count(app) -> int:
    """How many warnings this build has logged (Sphinx keeps the count privately)."""
    return app._warncount


def cache_pybtex_plugin_lookup() -> None:
    """pybtex finds its styles through ``importlib.metadata.entry_points(group=..., name=...)``,
    called for every reference sphinxcontrib-bibtex formats; each call reads the entry points of
    every installed distribution. The installed packages do not change during a build, so the
    answer for one (group, name) is kept. Plugins registered at run time (``register_plugin``)
    are still looked up first by pybtex, as before. (Pre-registering the plugins through
    ``register_plugin`` instead would need the exact list of styles every bibliography asks for.)"""
    import functools

    import pybtex.plugin as plugin

    if getattr(plugin.entry_points, "claimcheck_cached", False):
        return
    original = plugin.entry_points

    @functools.cache
    def lookup(group, name):
        return tuple(original(group=group, name=name))

    def entry_points(**selection):
        if set(selection) == {"group", "name"}:
            return lookup(selection["group"], selection["name"])
        return original(**selection)

    entry_points.claimcheck_cached = True
    plugin.entry_points = entry_points


def nothing_changed(app) -> bool:
    """No page read or removed in this build, and the previous one ended clean with this
    bibliography: what claimcheck.build.incremental records on the app, or False without it."""
    return (app is not None
            and getattr(app, "claimcheck_previous_clean", False)
            and getattr(app, "claimcheck_docs_to_read", None) == 0
            and getattr(app, "claimcheck_removed", None) == 0)


def skip_unchanged_bibtex_update() -> None:
    """sphinxcontrib-bibtex formats every reference again at every build (``env-updated``), about
    a second for this book, even when no page was read. Its results are kept in the pickled
    environment, so when no page was read or removed, the bibliography and its settings are
    those of the previous build, and that build ended without a warning (the state
    claimcheck.build.incremental records on the app), the kept results are exactly what it would
    compute again, and the work is skipped."""
    from sphinxcontrib.bibtex.domain import BibtexDomain

    if getattr(BibtexDomain.env_updated, "claimcheck_wrapped", False):
        return
    original = BibtexDomain.env_updated

    def env_updated(self):
        if nothing_changed(getattr(self.env, "app", None)) and self.citations:
            return []
        return original(self)

    env_updated.claimcheck_wrapped = True
    BibtexDomain.env_updated = env_updated


def skip_unchanged_figure_numbers() -> None:
    """Sphinx numbers the figures of every page at every build, after reading: it loads each
    page's pickled doctree and walks all of its nodes (about a second of a no-change rebuild of
    this book on a slow 2-core machine), then compares the numbers with the ones it kept. The
    numbers depend on the pages' doctrees, the toctree and the configuration (a changed setting
    re-reads every page); when no page was read or removed and the previous build ended clean
    (:func:`nothing_changed`), they are the kept ones, none changed, and the walk is skipped."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    if getattr(TocTreeCollector.assign_figure_numbers, "claimcheck_wrapped", False):
        return
    original = TocTreeCollector.assign_figure_numbers

    def assign_figure_numbers(self, env):
        if nothing_changed(getattr(env, "app", None)):
            return []  # env.toc_fignumbers still holds the numbers of the unchanged pages
        return original(self, env)

    assign_figure_numbers.claimcheck_wrapped = True
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers


def freeze_gc_at_exit() -> None:
    """At exit, Python's final garbage collection walks every object of the build (about a second
    for this book); nothing in it needs finalising, so it is moved out of the collector's way."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)  # once, however many builds run in this process
    atexit.register(gc.freeze)


def copy_late_assets(app) -> None:
    """Run myst-nb's and sphinx-mathjax-offline's build-finished copy steps now (they skip
    unchanged files, so running them again at the end costs little)."""
    if "myst_nb" in app.extensions and require("mystnb-css-early"):
        from myst_nb import sphinx_ext as myst_nb_ext

        myst_nb_ext.add_global_html_resources(app, None)
    mathjax = app.extensions.get("sphinx-mathjax-offline")
    if mathjax is not None and require("mathjax-offline-early"):
        mathjax.module.copy_mathjax_files(app, None)


def skip_nbval_outputs(items, output_types: tuple[str, ...]) -> None:
    """Add ``output_types`` to the output keys nbval leaves out of its comparison, per notebook."""
    for item in items:
        parent = getattr(item, "parent", None)
        skip = getattr(parent, "skip_compare", None)  # nbval's per-notebook tuple of output keys
        if isinstance(skip, tuple):
            parent.skip_compare = skip + tuple(k for k in output_types if k not in skip)
