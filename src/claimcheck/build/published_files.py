"""Sphinx extension: everything needed to re-run the book travels with it.

Published next to the HTML pages: the data (``data/``: every file with ``datapackage.yaml``,
which holds each file's schema, source and licence), ``references.bib``, the licences and the
citation file, and a source archive of the repository at the commit the book was built from,
made with ``git archive`` (so it holds exactly that commit's tree). Outside a git checkout no
archive is made and the build log says why: an archive of loose files could not be matched to a
commit. A build with uncommitted changes says that the archive holds the commit, not them.

Published addresses live here, in one place; the data appendix links files with
:func:`claimcheck.present.links.published_link`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PUBLISHED_DATA = "data"
SOURCE_ARCHIVE = "claimcheck-source.tar.gz"
ARCHIVE_FOLDER = "claimcheck-book"
PUBLISHED_FILES = ("references.bib", "LICENSE", "LICENSE-TEXT.md", "CITATION.cff")
_ARCHIVE_STAMP = "claimcheck-source-archive.commit"


# --- the source archive ----------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def git_commit(root: Path) -> tuple[str | None, str]:
    """(commit, "") when ``root`` is the top of a git checkout, else (None, the reason)."""
    root = Path(root).resolve()
    if shutil.which("git") is None:
        return None, "git is not installed"
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return None, f"{root} is not a git checkout"
    if Path(top.stdout.strip()).resolve() != root:
        return None, f"{root} is not the top of its git checkout ({top.stdout.strip()})"
    head = _git(root, "rev-parse", "--verify", "HEAD")
    if head.returncode != 0:
        return None, f"the git checkout at {root} has no commit yet"
    return head.stdout.strip(), ""


def make_source_archive(root: Path, target: Path) -> tuple[bool, str]:
    """Write ``git archive`` of HEAD to ``target``; (written, message for the build log).

    Not in a git checkout: nothing is written. Uncommitted changes: the archive holds the
    commit, and the message says the working tree differs from it."""
    root = Path(root).resolve()
    commit, reason = git_commit(root)
    if commit is None:
        return False, (f"no source archive: {reason}, so an archive could not be tied to a commit; "
                       f"build from a git clone to publish {SOURCE_ARCHIVE}")
    partial = target.with_name(target.name + ".partial")
    made = _git(root, "archive", "--format=tar.gz", f"--prefix={ARCHIVE_FOLDER}/", "-o", str(partial), commit)
    if made.returncode != 0:
        partial.unlink(missing_ok=True)
        return False, f"no source archive: git archive failed: {made.stderr.strip()}"
    os.replace(partial, target)
    message = f"source archive {target.name}: commit {commit[:12]}"
    changed = [line for line in _git(root, "status", "--porcelain").stdout.splitlines() if line.strip()]
    if changed:
        message += (f"; note: {len(changed)} file(s) differ from that commit (uncommitted changes), "
                    "and the archive does not contain them: commit before publishing")
    return True, message


# --- publishing ------------------------------------------------------------------------------


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.is_file() and target.stat().st_size == source.stat().st_size and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def publish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    root = Path(app.srcdir)
    outdir = Path(app.outdir)
    data_dir = root / "data"
    if data_dir.is_dir():
        for path in sorted([*data_dir.glob("*.csv"), data_dir / "datapackage.yaml"]):
            if path.is_file():
                _copy_if_changed(path, outdir / PUBLISHED_DATA / path.name)
    for name in PUBLISHED_FILES:
        if (root / name).is_file():
            _copy_if_changed(root / name, outdir / name)
    archive = outdir / SOURCE_ARCHIVE
    stamp = Path(app.doctreedir) / _ARCHIVE_STAMP
    commit, _ = git_commit(root)
    dirty = commit is not None and bool(_git(root, "status", "--porcelain").stdout.strip())
    if commit and not dirty and archive.is_file() and stamp.is_file() and stamp.read_text() == commit:
        return
    written, message = make_source_archive(root, archive)
    if written:
        stamp.write_text(commit)
    else:
        archive.unlink(missing_ok=True)
        stamp.unlink(missing_ok=True)
    logger.info(message)


def setup(app):
    app.connect("build-finished", publish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
