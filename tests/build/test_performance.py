"""The speed-ups are installed by one extension, which also loads the state they rely on
(claimcheck.build.performance; the overrides themselves: tests/build/test_overrides.py)."""

from __future__ import annotations

from sphinx_fakes import build_tiny


def test_setup_installs_the_guarded_overrides_and_loads_incremental(tmp_path):
    import pybtex.plugin
    from sphinxcontrib.bibtex.domain import BibtexDomain

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "refs.bib").write_text("@misc{key, title={T}, author={A. Person}, year={2020}}\n")
    page = "Page\n====\n\nSee :cite:p:`key`.\n\n.. bibliography::\n"
    html, log, app = build_tiny(tmp_path, ["sphinxcontrib.bibtex", "claimcheck.build.performance"],
                                {"index.rst": page}, bibtex_bibfiles=["refs.bib"])
    assert app.statuscode == 0, log
    assert getattr(pybtex.plugin.entry_points, "claimcheck_cached", False)
    assert getattr(BibtexDomain.env_updated, "claimcheck_wrapped", False)
    assert "claimcheck.build.incremental" in app.extensions
    assert "Person" in (html / "index.html").read_text(encoding="utf-8")  # references still formatted


def _build_again(folder, files):
    """An incremental build with the speed-ups and numbered figures; (output folder, warnings, app)."""
    html, log, app = build_tiny(folder, ["claimcheck.build.performance"], files, fresh=False, numfig=True)
    return html, [line for line in log.splitlines() if "WARNING" in line], app


def test_figure_numbers_are_kept_when_nothing_changed_and_renumbered_after_an_edit(tmp_path, monkeypatch):
    from sphinx.environment import BuildEnvironment

    listing = ".. code-block:: python\n   :caption: {caption}\n   :name: {name}\n\n   x = 1\n\n"
    page = "Code\n====\n\n" + listing.format(caption="The one", name="the-one") + "See :numref:`the-one`.\n"
    files = {"index.rst": "Book\n====\n\n.. toctree::\n\n   code\n", "code.rst": page}
    html, log, first = _build_again(tmp_path, files)
    assert first.statuscode == 0 and log == [], log
    numbers = first.env.toc_fignumbers
    assert numbers["code"]["code-block"] == {"the-one": (1,)}

    # Each page's doctree is loaded only to number figures (or to write a page, and none is written).
    loads = []
    original_get_doctree = BuildEnvironment.get_doctree
    monkeypatch.setattr(BuildEnvironment, "get_doctree",
                        lambda env, docname: loads.append(docname) or original_get_doctree(env, docname))
    html, log, unchanged = _build_again(tmp_path, files)
    assert unchanged.statuscode == 0 and unchanged.claimcheck_docs_to_read == 0 and log == [], log
    assert loads == [] and unchanged.env.toc_fignumbers == numbers
    assert "Listing 1" in (html / "code.html").read_text(encoding="utf-8")

    # A listing added before it: read again, numbered again, and the reference follows.
    files["code.rst"] = page.replace("Code\n====\n\n", "Code\n====\n\n" + listing.format(
        caption="A new one", name="new-one"), 1)
    html, log, edited = _build_again(tmp_path, files)
    assert edited.statuscode == 0 and loads and log == [], log
    assert edited.env.toc_fignumbers["code"]["code-block"] == {"new-one": (1,), "the-one": (2,)}
    assert "Listing 2" in (html / "code.html").read_text(encoding="utf-8")
