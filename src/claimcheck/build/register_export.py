"""Sphinx extension: publishes the claim register for programs, ``claims.json``, ``claims.csv`` and
``claims.schema.json`` at the root of the HTML output, built from ``data/claims.csv`` whenever it
(or anything else they depend on) changed since the last successful build.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

REGISTER_INPUTS = ("data/claims.csv", "data/verdict_history.csv", "data/datapackage.yaml", "CITATION.cff",
                   "_config.yml", "data/claims.schema.json", "references.bib")
STAMP_FILE = "claimcheck-register.sha256"


def register_inputs_digest(app) -> str:
    """The package, the register's inputs and every source tier (``data/*_estimates.csv``)."""
    fingerprint = getattr(app.config, "claimcheck_package_fingerprint", None)
    if fingerprint is None:  # (claimcheck.build.incremental switched off)
        from claimcheck.build.invalidation import package_fingerprint

        fingerprint = package_fingerprint()
    digest = hashlib.sha256(fingerprint.encode())
    for name in REGISTER_INPUTS:
        path = Path(app.srcdir) / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"missing") + b"\0")
    for path in sorted((Path(app.srcdir) / "data").glob("*_estimates.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def publish_register(app, exception):
    """``build-finished``: write the register files, unless the output already holds these."""
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.srcdir)
    data_dir = root / "data"
    if not (data_dir / "claims.csv").is_file():
        return
    outdir = Path(app.outdir)
    # Loading and checking the register takes pandas and the full validation; when none of its
    # inputs (nor this package) changed since the last successful build, the files in the
    # output are already the ones this would write.
    stamp = Path(app.doctreedir) / STAMP_FILE
    digest = register_inputs_digest(app)
    outputs = (outdir / "claims.json", outdir / "claims.csv", outdir / "claims.schema.json")
    if all(p.is_file() for p in outputs) and stamp.is_file() and stamp.read_text() == digest:
        return
    from claimcheck.data import bookmeta
    from claimcheck.data.package import load
    from claimcheck.data.register import check_history
    from claimcheck.present import export

    claims = load("claims", data_dir)
    meta = bookmeta.read(root)
    history = load("verdict_history", data_dir)
    check_history(claims, history)
    (outdir / "claims.json").write_text(export.to_json(claims, meta, history, data_dir), encoding="utf-8")
    shutil.copyfile(data_dir / "claims.csv", outdir / "claims.csv")
    shutil.copyfile(data_dir / export.SCHEMA_NAME, outdir / export.SCHEMA_NAME)
    stamp.write_text(digest)


def setup(app):
    app.connect("build-finished", publish_register)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
