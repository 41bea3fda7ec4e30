"""The overrides of third-party internals: each is written for the exact version requirements.txt
pins, and the build refuses to install one on any other version (claimcheck.build.overrides)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from claimcheck.build import overrides
from conftest import ROOT

PINS = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", (ROOT / "requirements.txt").read_text(), flags=re.M))
PINS = {name.lower().replace("_", "-"): version for name, version in PINS.items()}
GUARDED = {name: o for name, o in overrides.OVERRIDES.items() if o.distribution is not None}


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_each_override_was_written_for_the_pinned_and_installed_version(name):
    override = GUARDED[name]
    pinned = PINS.get(override.distribution)
    assert pinned == override.written_for, (
        f"requirements.txt pins {override.distribution}=={pinned}, but the override {name!r} "
        f"({override.what}) was written for {override.written_for}: re-check it against {pinned} "
        f"(upstream: {override.upstream}), then update written_for in claimcheck/build/overrides.py")
    installed = overrides.installed_version(override.distribution)
    assert installed == override.written_for, (
        f"{override.distribution} {installed} is installed, the override {name!r} was written for "
        f"{override.written_for}: run `make env` (or re-check the override)")
    assert overrides.require(name) is True


def test_every_override_links_upstream_or_says_none_was_filed():
    for name, override in overrides.OVERRIDES.items():
        assert override.upstream.startswith("https://") or override.upstream.startswith("none filed"), name


def test_another_version_stops_the_build_with_what_to_do(monkeypatch):
    monkeypatch.setattr(overrides, "installed_version", lambda distribution: "99.0")
    with pytest.raises(overrides.OverrideVersionError) as raised:
        overrides.require("pybtex-plugin-cache")
    message = str(raised.value)
    assert "pybtex 0.26.1" in message and "99.0 is installed" in message and "requirements.txt" in message
    monkeypatch.setattr(overrides, "installed_version", lambda distribution: None)
    assert overrides.require("pybtex-plugin-cache") is False  # not installed: nothing to override


def test_the_private_names_the_overrides_touch_still_exist():
    import myst_nb.sphinx_ext
    import nbval.plugin
    import pybtex.plugin
    from sphinx.application import Sphinx
    from sphinx.environment.collectors import toctree
    from sphinxcontrib.bibtex.domain import BibtexDomain

    assert "_warncount" in Sphinx.__annotations__
    # The figure numbers are assigned only here, called from the collector's env-get-updated handler.
    assert "self.assign_figure_numbers(env)" in open(toctree.__file__, encoding="utf-8").read()
    assert callable(BibtexDomain.env_updated)
    assert callable(pybtex.plugin.entry_points)
    assert callable(myst_nb.sphinx_ext.add_global_html_resources)
    assert "self.skip_compare = " in open(nbval.plugin.__file__, encoding="utf-8").read()


def test_pybtex_looks_each_plugin_up_once(monkeypatch):
    import pybtex.plugin as plugin

    calls = []

    def counting(**selection):
        calls.append(selection)
        return [f"entry point for {selection}"]

    monkeypatch.setattr(plugin, "entry_points", counting)
    overrides.cache_pybtex_plugin_lookup()
    first = plugin.entry_points(group="pybtex.backends", name="docutils")
    again = plugin.entry_points(group="pybtex.backends", name="docutils")
    assert first == again == ("entry point for {'group': 'pybtex.backends', 'name': 'docutils'}",)
    assert len(calls) == 1
    plugin.entry_points(group="pybtex.backends")  # other selections are not cached
    plugin.entry_points(group="pybtex.backends")
    assert len(calls) == 3


def test_bibtex_update_is_skipped_only_when_nothing_changed(monkeypatch):
    from sphinxcontrib.bibtex.domain import BibtexDomain

    monkeypatch.setattr(BibtexDomain, "env_updated", lambda self: ["formatted again"])
    overrides.skip_unchanged_bibtex_update()
    state = {"claimcheck_previous_clean": True, "claimcheck_docs_to_read": 0, "claimcheck_removed": 0}

    def domain(**changes):
        return SimpleNamespace(env=SimpleNamespace(app=SimpleNamespace(**{**state, **changes})), citations=["c"])

    assert BibtexDomain.env_updated(domain()) == []
    assert BibtexDomain.env_updated(domain(claimcheck_docs_to_read=1)) == ["formatted again"]
    assert BibtexDomain.env_updated(domain(claimcheck_removed=2)) == ["formatted again"]
    assert BibtexDomain.env_updated(domain(claimcheck_previous_clean=False)) == ["formatted again"]


def test_figure_numbering_is_skipped_only_when_nothing_changed(monkeypatch):
    from sphinx.environment.collectors.toctree import TocTreeCollector

    monkeypatch.setattr(TocTreeCollector, "assign_figure_numbers", lambda self, env: ["numbered again"])
    overrides.skip_unchanged_figure_numbers()
    state = {"claimcheck_previous_clean": True, "claimcheck_docs_to_read": 0, "claimcheck_removed": 0}

    def env(**changes):
        return SimpleNamespace(app=SimpleNamespace(**{**state, **changes}))

    collector = TocTreeCollector()
    assert collector.assign_figure_numbers(env()) == []
    assert collector.assign_figure_numbers(env(claimcheck_docs_to_read=1)) == ["numbered again"]
    assert collector.assign_figure_numbers(env(claimcheck_removed=1)) == ["numbered again"]
    assert collector.assign_figure_numbers(env(claimcheck_previous_clean=False)) == ["numbered again"]
    assert collector.assign_figure_numbers(SimpleNamespace(app=SimpleNamespace())) == ["numbered again"]


def test_nbval_skips_drawings_once_per_notebook():
    notebook = SimpleNamespace(skip_compare=("metadata", "image/png"))
    items = [SimpleNamespace(parent=notebook), SimpleNamespace(parent=notebook), SimpleNamespace(parent=None)]
    overrides.skip_nbval_outputs(items, ("image/svg+xml",))
    assert notebook.skip_compare == ("metadata", "image/png", "image/svg+xml")


def test_gc_freeze_is_registered_once_however_many_builds(monkeypatch):
    import atexit
    import gc

    registered = []
    monkeypatch.setattr(atexit, "register", registered.append)
    monkeypatch.setattr(atexit, "unregister", lambda f: registered.remove(f) if f in registered else None)
    overrides.freeze_gc_at_exit()
    overrides.freeze_gc_at_exit()
    assert registered == [gc.freeze]
