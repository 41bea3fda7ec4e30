"""Sphinx extension: about two seconds less per build, through four overrides of other packages'
internals (each described, version-guarded and linked upstream in claimcheck.build.overrides):

* pybtex looks each of its plugins up once per build instead of once per formatted reference
  (every look-up scans the metadata of every installed package: about a second a build);
* sphinxcontrib-bibtex's re-formatting of every reference is skipped when nothing at all changed
  (the state comes from claimcheck.build.incremental, loaded here for that reason);
* Sphinx's numbering of every page's figures (a walk over every doctree) is skipped when no page
  was read or removed (the same state);
* the garbage collector's final walk over every object of the build at exit is skipped.

Switched off, builds give the same pages, more slowly.
"""

from __future__ import annotations

from claimcheck.build import overrides


def setup(app):
    if overrides.require("pybtex-plugin-cache"):
        overrides.cache_pybtex_plugin_lookup()
    if overrides.require("bibtex-skip-unchanged"):
        app.setup_extension("claimcheck.build.incremental")
        overrides.skip_unchanged_bibtex_update()
    if overrides.require("sphinx-fignumbers-skip-unchanged"):
        app.setup_extension("claimcheck.build.incremental")
        overrides.skip_unchanged_figure_numbers()
    overrides.require("gc-freeze-at-exit")
    overrides.freeze_gc_at_exit()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
