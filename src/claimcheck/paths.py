"""The repository layout, in one place: every folder and file name the package looks for, and the
one way to find the book's root folder. Imports nothing else of the package."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = "data"
CHAPTERS_DIR = "chapters"
TESTS_DIR = "tests"
BUILD_DIR = "_build"
DESCRIPTOR_NAME = "datapackage.yaml"
CONFIG_FILE = "_config.yml"
TOC_FILE = "_toc.yml"
CITATION_FILE = "CITATION.cff"
BIB_FILE = "references.bib"
# Book metadata files: a change to either re-executes the notebooks that show book metadata.
BOOK_META_FILES = (CITATION_FILE, CONFIG_FILE)
RERUN_DIR = Path(BUILD_DIR) / "rerun"
PUBLISHED_ANCHORS = Path(TESTS_DIR) / "published_anchors.txt"

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

# The marker of a book root: its data descriptor (present in the repository and in the
# published source archive alike).
ROOT_MARKER = Path(DATA_DIR) / DESCRIPTOR_NAME


def book_root(start: Path | None = None) -> Path:
    """The book's folder: the first folder, from ``start`` (default: cwd) upwards, that holds
    ``data/datapackage.yaml``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ROOT_MARKER).is_file():
            return folder
    raise FileNotFoundError(
        f"no {ROOT_MARKER.as_posix()} found in {here} or any parent folder; "
        "run this from inside the book's repository (or its unpacked source archive)"
    )


def data_dir(root: Path | None = None) -> Path:
    """``data/`` of the book at ``root`` (default: found from the working folder)."""
    return Path(root or book_root()) / DATA_DIR


def chapters_dir(root: Path | None = None) -> Path:
    return Path(root or book_root()) / CHAPTERS_DIR


def chapter_notebooks(root: Path | None = None) -> list[Path]:
    return sorted(chapters_dir(root).glob("*.ipynb"))
