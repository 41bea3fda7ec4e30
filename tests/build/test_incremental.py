"""An incremental build re-reads exactly what changed (claimcheck.build.incremental)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from sphinx_fakes import fake_app

from claimcheck.build import incremental

DOCS = {"index", "chapters/a", "chapters/b"}


def app_with_bibliography(tmp_path):
    app = fake_app(tmp_path)
    (Path(app.confdir) / "refs.bib").write_text("@misc{a, title={A}}\n")
    app.config = SimpleNamespace(values={"bibtex_bibfiles": None, "bibtex_default_style": None},
                                 bibtex_bibfiles=["refs.bib"], bibtex_default_style="plain")
    return app


def run_build(app, exception=None, read=("index",)):
    env = SimpleNamespace(found_docs=DOCS)
    outdated = incremental.outdated_by_build_state(app, env, set(), set(read), set())
    incremental.count_docs_to_read(app, env, list(read) + outdated)
    incremental.record_build_state(app, exception)
    return outdated


def test_first_and_clean_builds_add_nothing_a_build_after_a_warning_rereads_everything(tmp_path):
    app = app_with_bibliography(tmp_path)
    assert run_build(app) == []  # no previous state
    assert app.claimcheck_previous_clean is False
    assert run_build(app) == [] and app.claimcheck_previous_clean  # the previous build was clean
    app._warncount = 1
    run_build(app)
    app._warncount = 0
    assert run_build(app, read=()) == sorted(DOCS)  # after a warning: every page again
    state = json.loads((Path(app.doctreedir) / incremental.BUILD_STATE_FILE).read_text())
    assert state["warnings"] == 0


def test_a_changed_bibliography_or_setting_rereads_every_page(tmp_path):
    app = app_with_bibliography(tmp_path)
    run_build(app)
    (Path(app.confdir) / "refs.bib").write_text("@misc{a, title={A, corrected}}\n")
    assert run_build(app, read=("index",)) == sorted(DOCS - {"index"})
    run_build(app)
    app.config.bibtex_default_style = "alpha"
    assert run_build(app, read=()) == sorted(DOCS)


def test_a_failed_build_leaves_no_state_so_the_next_one_checks_again(tmp_path):
    app = app_with_bibliography(tmp_path)
    run_build(app)
    run_build(app, exception=RuntimeError("stopped"))
    assert not (Path(app.doctreedir) / incremental.BUILD_STATE_FILE).exists()


def test_data_changes_mark_their_notebooks_outdated(tmp_path, monkeypatch):
    from claimcheck.build import invalidation

    app = fake_app(tmp_path)
    (Path(app.srcdir) / "data").mkdir()
    (Path(app.srcdir) / "data" / "datapackage.yaml").write_text("resources: []\n")
    seen = {}

    def invalidate(root, cache_dir):
        seen["args"] = (root, cache_dir)
        return ["chapters/a.ipynb", "chapters/b.ipynb", "chapters/gone.ipynb"]

    monkeypatch.setattr(invalidation, "invalidate", invalidate)
    # A relative cache path is where myst-nb opens it: from the working directory, which here is
    # not the source folder (as for `jupyter-book build path/to/book`).
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    env = SimpleNamespace(found_docs=DOCS, mystnb_config=SimpleNamespace(execution_cache_path="_build/.jupyter_cache"))
    assert incremental.outdated_by_data(app, env, set(), {"chapters/b"}, set()) == ["chapters/a"]
    assert seen["args"] == (Path(app.srcdir), elsewhere / "_build" / ".jupyter_cache")


def test_without_myst_nb_no_notebook_is_outdated_by_data(tmp_path, monkeypatch):
    from claimcheck.build import invalidation

    app = fake_app(tmp_path)
    (Path(app.srcdir) / "data").mkdir()
    (Path(app.srcdir) / "data" / "datapackage.yaml").write_text("resources: []\n")
    monkeypatch.setattr(invalidation, "invalidate", lambda root, cache_dir: ["chapters/a.ipynb"])
    assert incremental.outdated_by_data(app, SimpleNamespace(found_docs=DOCS), set(), set(), set()) == []


def test_a_package_change_is_an_env_rebuild(tmp_path):
    registered = {}
    app = SimpleNamespace(add_config_value=lambda name, default, rebuild: registered.update({name: rebuild}),
                          connect=lambda *args, **kwargs: None)
    metadata = incremental.setup(app)
    assert registered == {"claimcheck_package_fingerprint": "env"}
    assert metadata["parallel_read_safe"] and metadata["parallel_write_safe"]
