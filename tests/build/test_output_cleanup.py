"""No stale or partial book is left looking complete (claimcheck.build.output_cleanup)."""

from __future__ import annotations

from pathlib import Path

from sphinx_fakes import fake_app

from claimcheck.build import output_cleanup


def marker(app) -> Path:
    return Path(app.doctreedir) / output_cleanup.BUILD_RUNNING_FILE


def test_a_build_marks_itself_running_and_a_successful_one_keeps_its_output(tmp_path):
    app = fake_app(tmp_path)
    (tmp_path / "out" / "index.html").write_text("book")
    output_cleanup.start_output(app)
    assert marker(app).is_file() and (tmp_path / "out" / "index.html").is_file()
    output_cleanup.finish_output(app, None)
    assert not marker(app).exists() and (tmp_path / "out" / "index.html").is_file()


def test_the_output_of_a_killed_build_is_removed_at_the_next_start(tmp_path):
    app = fake_app(tmp_path)
    (tmp_path / "out" / "_static").mkdir()
    (tmp_path / "out" / "index.html").write_text("half a book")
    marker(app).write_text("running")  # the previous build never finished
    output_cleanup.start_output(app)
    assert not any((tmp_path / "out").iterdir()) and marker(app).is_file()


def test_a_build_that_warned_under_strict_flags_or_raised_removes_its_output(tmp_path):
    for attributes, exception in (({"_warncount": 1}, None), ({}, RuntimeError("boom"))):
        app = fake_app(tmp_path, **attributes)
        (tmp_path / "out" / "index.html").write_text("book")
        output_cleanup.start_output(app)
        output_cleanup.finish_output(app, exception)
        assert not any((tmp_path / "out").iterdir()) and not marker(app).exists()


def test_a_warning_without_strict_flags_keeps_the_output(tmp_path):
    app = fake_app(tmp_path, _warncount=2, keep_going=False, warningiserror=False)
    (tmp_path / "out" / "index.html").write_text("book")
    output_cleanup.finish_output(app, None)
    assert (tmp_path / "out" / "index.html").is_file()


def test_other_builders_are_left_alone(tmp_path):
    app = fake_app(tmp_path)
    app.builder.format = "latex"
    output_cleanup.start_output(app)
    assert not marker(app).exists()
