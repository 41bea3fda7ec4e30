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
