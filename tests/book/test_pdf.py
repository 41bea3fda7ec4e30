"""The PDF edition: builds with pdflatex, has every chapter, and keeps each chapter's figures.

Needs Debian texlive (see the README); on a machine without pdflatex these tests are skipped
with instructions, except under CI (CI=true), where .ci/run installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
INSTALL_HINT = ("install with `sudo apt-get install texlive-latex-recommended texlive-latex-extra "
                "texlive-fonts-recommended tex-gyre latexmk poppler-utils`")
pytestmark = [pytest.mark.build, pytest.mark.slow]


def need(tool: str) -> None:
    if shutil.which(tool):
        return
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is missing under CI: {INSTALL_HINT}")
    pytest.skip(f"{tool} not found: {INSTALL_HINT}")


@pytest.fixture(scope="module")
def pdf_build(built_book, pdf_background_build):
    """Built after the HTML book, so notebook outputs come from the execution cache (the build
    starts in the background as soon as the HTML book is built: see conftest.py)."""
    for tool in ("pdflatex", "latexmk", "pdftotext"):
        need(tool)
    returncode, log, latex = pdf_background_build
    if returncode != 0:
        pytest.fail(f"PDF build failed:\n{log[-8000:]}")
    return latex


def chapter_docs(part: str | None = None) -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [c["file"] for p in toc["parts"] if part in (None, p["caption"]) for c in p["chapters"]]


def page_title(docname: str) -> str:
    path = ROOT / f"{docname}.md"
    if path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        import nbformat

        notebook = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
        text = next(c.source for c in notebook.cells if c.cell_type == "markdown")
    return re.search(r"^# (.+)$", text, flags=re.M).group(1).strip()


def test_pdf_exists_and_has_every_chapter_title(pdf_build):
    pdf = pdf_build / "book.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 50_000
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text).lower()
    for docname in chapter_docs():
        title = page_title(docname)
        assert title.lower() in flat, f"chapter title missing from the PDF: {title}"


def test_each_chapter_keeps_its_figures(pdf_build, built_book):
    # Sphinx writes a hyphen in a title as \sphinxhyphen{} ("Re-running the analyses").
    tex = (pdf_build / "book.tex").read_text(encoding="utf-8").replace("\\sphinxhyphen{}", "-")
    chapters = re.split(r"\\chapter\{", tex)[1:]
    figures_in_pdf = {re.sub(r"\s+", " ", c.split("}", 1)[0]).lower(): len(re.findall(r"includegraphics", c)) for c in chapters}
    for docname in chapter_docs():
        html = (built_book / f"{docname}.html").read_text(encoding="utf-8")
        html_figures = len(re.findall(r'<figure class="align-', html))
        title = page_title(docname).lower()
        match = next((count for name, count in figures_in_pdf.items() if name.startswith(title[:30])), None)
        assert match is not None, f"no chapter in book.tex for {title}"
        assert match >= html_figures, f"{docname}: {html_figures} figures on the web page, {match} in the PDF"
        if docname in chapter_docs("Claim clusters") or docname == "chapters/register":
            assert match >= 1, f"{docname} has no figure in the PDF"


OBJECT_REPR = re.compile(r"<[\w.]+ (object )?at 0x[0-9a-fA-F]+>|<pandas\.io\.formats\.style\.Styler")
CODE_LINE = re.compile(
    r"^\s*(import [\w.]+|from [\w.]+ import \w"
    r"|.*\bglue\(|.*\bplt\.\w+\(|.*\.fit\(|def \w+\(.*\):|for \w+(, \w+)* in .*:$"
    r"|[a-z_][a-z0-9_]*(\[[^\]]*\])? = [\w.]*[(\[{\"']"
    r"|[a-z_][a-z0-9_]*\.(style|loc|iloc|assign|apply|groupby)\b)")


def pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def code_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if CODE_LINE.match(line)]


def test_code_line_check_catches_code_and_spares_prose():
    sample = """import numpy as np
glue("neural_n", n)
fit = smf.ols("y ~ x", data).fit()
The hazard ratio was 0.8 (95% CI 0.7 to 0.9), p = 0.03, in 12 trials.
Two trials (n = 120) reported it."""
    assert code_lines(sample) == ["import numpy as np", 'glue("neural_n", n)', 'fit = smf.ols("y ~ x", data).fit()']
    assert OBJECT_REPR.search("<pandas.io.formats.style.Styler at 0x7f3a2c1d0>")


def test_pdf_has_no_code_and_no_object_reprs(pdf_build):
    """The PDF reads like the book: tables as tables (not a Python object's repr), no code cells."""
    text = pdf_text(pdf_build / "book.pdf")
    reprs = OBJECT_REPR.findall(text)
    assert reprs == [], f"{len(reprs)} object reprs in the PDF"
    assert code_lines(text) == []
    # and the tables are there: the register's column headings and the glossary
    flat = re.sub(r"\s+", " ", text)
    assert "Glossary" in flat and "HbA1c" in flat
