"""The register for programs: claims.json, claims.csv and the schema (claimcheck.build.register_export)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from sphinx_fakes import fake_app

from claimcheck.build import register_export
from conftest import ROOT


def test_the_register_is_published_and_rewritten_only_when_an_input_changed(tmp_path):
    app = fake_app(tmp_path, srcdir=str(ROOT), config=SimpleNamespace(claimcheck_package_fingerprint="v1"))
    register_export.publish_register(app, None)
    out = Path(app.outdir)
    claims = json.loads((out / "claims.json").read_text(encoding="utf-8"))
    assert claims and (out / "claims.csv").read_bytes() == (ROOT / "data" / "claims.csv").read_bytes()
    assert (out / "claims.schema.json").is_file()
    (out / "claims.json").write_text("kept")  # nothing changed: the files in the output are kept
    register_export.publish_register(app, None)
    assert (out / "claims.json").read_text() == "kept"
    app.config.claimcheck_package_fingerprint = "v2"  # the package changed: written again
    register_export.publish_register(app, None)
    assert (out / "claims.json").read_text() != "kept"


def test_nothing_is_published_after_a_failure_or_for_the_pdf(tmp_path):
    app = fake_app(tmp_path, srcdir=str(ROOT), config=SimpleNamespace(claimcheck_package_fingerprint="v1"))
    register_export.publish_register(app, RuntimeError("failed"))
    app.builder.format = "latex"
    register_export.publish_register(app, None)
    assert not any(Path(app.outdir).iterdir())


def test_the_digest_covers_every_source_tier_file(tmp_path):
    import shutil

    app = fake_app(tmp_path, config=SimpleNamespace(claimcheck_package_fingerprint="v1"))
    shutil.copytree(ROOT / "data", Path(app.srcdir) / "data")
    before = register_export.register_inputs_digest(app)
    tier = sorted((Path(app.srcdir) / "data").glob("*_estimates.csv"))[0]
    tier.write_text(tier.read_text() + "\n")
    assert register_export.register_inputs_digest(app) != before
