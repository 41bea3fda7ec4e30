"""Sphinx extension for the book.

* Keeps pages self-contained: Jupyter Book always loads sphinx-thebe, which adds a script
  pointing at a CDN (and, on notebook pages, adds it twice, a console error). The book offers
  no live kernels, so the thebe scripts are dropped from every page.
* Adds the book's stylesheet and icon.
* Publishes the claim register for programs: ``claims.json`` and ``claims.csv`` at the root of
  the HTML output, both built from ``data/claims.csv`` whenever it (or what else they depend
  on) changed.
* Re-executes and re-reads exactly the notebooks whose data (or the ``claimcheck`` package)
  changed since the last build: jupyter-cache keys on code cells only and Sphinx on file
  modification times, so neither would notice an edited CSV by itself.
* Executes notebooks that are not in the execution cache in parallel, one kernel per core,
  before Sphinx reads them (``claimcheck.build.preexecute``).
* Makes pybtex look each of its plugins up once per build instead of once per formatted
  reference (every look-up scans the metadata of every installed package: about a second a build).
* Re-reads every page after a build that ended with a warning (so a strict rebuild fails again
  instead of reporting success) or after a change to the bibliography; skips
  sphinxcontrib-bibtex's re-formatting of every reference when nothing at all changed.
* Ends every page with a generated "Cite this page" section (a formatted reference and a
  BibTeX entry with a copy button) and writes the same entry as ``_cite/<page>.bib``.
* Accessibility (found by axe-core, see tests/book/test_browser.py): theme buttons named by what
  they show (templates/), references marked as list items, code toggles named by their text,
  and every table a notebook prints in its own named, keyboard-reachable scroll box.
* Determinism: assets that other extensions copy only at the end are copied before the pages
  are written, so every build links them the same way.
"""

from __future__ import annotations

import atexit
import gc
import shutil
from pathlib import Path

from sphinx.errors import SphinxError

from claimcheck import paths


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", None) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return "thebe" in filename or "THEBE_JS_URL" in (attributes.get("body") or "")


def drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]


REGISTER_INPUTS = ("data/claims.csv", "data/verdict_history.csv", "data/datapackage.yaml", "CITATION.cff",
                   "_config.yml", "data/claims.schema.json", "references.bib")


def _register_inputs_digest(app) -> str:
    import hashlib

    digest = hashlib.sha256(app.config.claimcheck_package_fingerprint.encode())
    for name in REGISTER_INPUTS:
        path = Path(app.srcdir) / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"missing") + b"\0")
    for path in sorted((Path(app.srcdir) / "data").glob("*_estimates.csv")):  # source tiers
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def publish_register(app, exception):
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
    stamp = Path(app.doctreedir) / "claimcheck-register.sha256"
    digest = _register_inputs_digest(app)
    outputs = (outdir / "claims.json", outdir / "claims.csv", outdir / "claims.schema.json")
    if all(p.is_file() for p in outputs) and stamp.is_file() and stamp.read_text() == digest:
        return
    from claimcheck.data import bookmeta
    from claimcheck.data.package import load
    from claimcheck.present import register

    claims = load("claims", data_dir)
    meta = bookmeta.read(root)
    history = load("verdict_history", data_dir)
    register.check_history(claims, history)
    (outdir / "claims.json").write_text(register.to_json(claims, meta, history, data_dir), encoding="utf-8")
    shutil.copyfile(data_dir / "claims.csv", outdir / "claims.csv")
    shutil.copyfile(data_dir / register.SCHEMA_NAME, outdir / register.SCHEMA_NAME)
    stamp.write_text(digest)


CITE_SECTION_ID = "cite-this-page"


def add_cite_section(app, doctree, docname):
    from docutils import nodes

    from claimcheck.data import bookmeta
    from claimcheck.present import citation

    sections = [n for n in doctree.children if isinstance(n, nodes.section)]
    if not sections or (docname == app.config.root_doc and app.builder.format != "html"):
        # In a PDF the root page's sections become chapters; the book is cited from its front matter.
        return
    page = sections[0]
    title = page[0].astext() if isinstance(page[0], nodes.title) else docname
    meta = bookmeta.read(Path(app.srcdir))
    entry = citation.bibtex(meta, docname, title)
    bib_href = "/".join([".."] * docname.count("/") + ["_cite", docname.replace("/", "_") + ".bib"])

    section = nodes.section(ids=[CITE_SECTION_ID], names=["cite this page"])
    section += nodes.title(text="Cite this page")
    section += nodes.paragraph(text=citation.reference(meta, docname, title))
    intro = nodes.paragraph()
    intro += nodes.Text("BibTeX (copy with the button, or download ")
    bib_name = docname.replace("/", "_") + ".bib"  # the link text is the name the file is saved as
    intro += nodes.raw("", f'<a href="{bib_href}" download="{bib_name}">{bib_name}</a>', format="html")
    if meta.base_url:
        bib_url = meta.page_url("_cite/" + docname.replace("/", "_")).removesuffix(".html") + ".bib"
        intro += nodes.raw("", r"the .bib file at \url{" + bib_url + "}", format="latex")
    else:
        intro += nodes.raw("", "the file " + bib_name.replace("_", r"\_") + " of the HTML edition", format="latex")
    intro += nodes.Text("):")
    section += intro
    block = nodes.literal_block(entry, entry, language="bibtex")
    section += block
    page += section
    app.env.claimcheck_citations = getattr(app.env, "claimcheck_citations", {})
    app.env.claimcheck_citations[docname] = entry


def write_bib_files(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_cite"
    target.mkdir(exist_ok=True)
    for docname, entry in sorted(getattr(app.env, "claimcheck_citations", {}).items()):
        (target / (docname.replace("/", "_") + ".bib")).write_text(entry, encoding="utf-8")


def outdated_by_data(app, env, added, changed, removed):
    from claimcheck.build import invalidation as buildcache

    root = Path(app.srcdir)
    if not (root / "data" / "datapackage.yaml").is_file():
        return []
    cache_dir = Path(app.config.nb_execution_cache_path or "_build/.jupyter_cache")
    if not cache_dir.is_absolute():
        cache_dir = root / cache_dir
    try:
        stale = buildcache.invalidate(root, cache_dir)
    except buildcache.DataLayoutError as err:
        raise BookInputError("\n".join(err.messages)) from None
    docnames = [key.removesuffix(".ipynb") for key in stale]
    return [d for d in docnames if d in env.found_docs and d not in added and d not in changed]


BUILD_STATE_FILE = "claimcheck-build-state.json"


class BookInputError(SphinxError):
    """A bad input file: Sphinx prints the message (file, line, what is wrong) and stops.

    Jupyter Book then re-raises it as the cause of its own error, and Python prints the cause's
    text a second time; after the first time the text is only a pointer, so it is read once."""

    category = "Bad input"

    def __str__(self) -> str:
        if getattr(self, "_reported", False):
            return f"({self.category}: reported above)"
        self._reported = True
        return super().__str__()


# Fields whose value a bibliography style turns into a link, and link commands inside any field.
LINK_FIELDS = ("url",)


def bibliography_link_problems(path: Path) -> list[str]:
    """Every link target in a BibTeX file that is not an http(s) address, as
    ``file: line N, entry KEY, field F: ...``. A ``javascript:`` or ``data:`` URL would become a
    live link on every page that cites the entry."""
    import re

    from claimcheck.present.links import safe_url

    problems = []
    key = "?"
    field_re = re.compile(r"^\s*(?P<field>[A-Za-z_-]+)\s*=\s*[{\"](?P<value>.*?)[}\"]?\s*,?\s*$")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        entry = re.match(r"^\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,", line)
        if entry:
            key = entry.group(1)
            continue
        targets = []
        field = field_re.match(line)
        if field and field.group("field").lower() in LINK_FIELDS:
            targets.append((field.group("field").lower(), field.group("value").strip().strip("{}")))
        for command in re.finditer(r"\\(url|href)\s*\{([^}]*)\}", line):
            targets.append((field.group("field").lower() if field else "?", command.group(2).strip()))
        for name, target in targets:
            if safe_url(target) is None:
                problems.append(f"{path.name}: line {number}, entry {key!r}, field {name}: {target[:80]!r} is not "
                                "an http or https address; only those may become links")
    return problems


def check_bibliography_links(app, config):
    problems = []
    for bibfile in config.bibtex_bibfiles or []:
        path = Path(app.confdir) / bibfile
        if path.is_file():
            problems.extend(bibliography_link_problems(path))
    if problems:
        _discard_output(app)
        raise BookInputError("\n".join(problems))


def check_data_layout(app, config):
    """Stop the build before anything is read when data/ holds a file the descriptor does not
    list or the descriptor names a file outside data/ (or cannot be read)."""
    from claimcheck.build import invalidation as buildcache

    data_dir = Path(app.srcdir) / "data"
    if not (data_dir / buildcache.DESCRIPTOR_NAME).is_file():
        return
    try:
        buildcache._read_descriptor(data_dir)
    except buildcache.DataLayoutError as err:
        _discard_output(app)
        raise BookInputError("\n".join(err.messages)) from None


def _discard_output(app) -> None:
    """A build stopped by bad input before the builder started: the previous book is removed
    too, so nothing stale looks like the result of this build."""
    from sphinx.util import logging

    outdir = Path(app.outdir)
    if outdir.is_dir() and any(outdir.iterdir()):
        _clear_output(outdir)
        logging.getLogger(__name__).info(
            f"claimcheck: the build stopped on bad input, so the previous output {outdir} was removed", color="red")


BUILD_RUNNING_FILE = "claimcheck-build-running"


def start_output(app):
    """A build that was killed (or crashed) while writing left a book that looks complete but is
    not (a partial search index, missing pages, images or .bib files). A marker lives in the
    doctree folder while an HTML build runs; if it is there at the start, the previous build did
    not finish, and the old output is removed so that this build writes every page again."""
    from sphinx.util import logging

    if app.builder.format != "html":
        return
    marker = Path(app.doctreedir) / BUILD_RUNNING_FILE
    outdir = Path(app.outdir)
    if marker.exists() and outdir.exists():
        # (info, not a warning: under -W a warning would fail this build, which is the recovery)
        logging.getLogger(__name__).info(
            f"claimcheck: the previous build did not finish; removed its output {outdir}, writing every page "
            "again", color="red")
        _clear_output(outdir)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("an HTML build is running (or was killed)\n")


def _clear_output(outdir: Path) -> None:
    for child in outdir.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def finish_output(app, exception):
    """After the last step of the build: a build that failed (an error, or a warning under
    ``-W --keep-going``) removes its output, so no stale or partial book is left that looks
    complete; a successful one clears the running marker."""
    from sphinx.util import logging

    if app.builder.format != "html":
        return
    failed = exception is not None or (app._warncount > 0 and (app.keep_going or app.warningiserror))
    marker = Path(app.doctreedir) / BUILD_RUNNING_FILE
    outdir = Path(app.outdir)
    if failed:
        if outdir.exists():
            _clear_output(outdir)
        logging.getLogger(__name__).info(
            f"claimcheck: the build failed, so its output {outdir} was removed (no stale or partial book is "
            "left); fix the problems reported above and build again", color="red")
        marker.unlink(missing_ok=True)
    else:
        marker.unlink(missing_ok=True)


def _bibliography_digest(app) -> str:
    """The bibliography files and every ``bibtex_*`` setting: what formatted references depend on."""
    import hashlib

    digest = hashlib.sha256()
    for name in sorted(n for n in app.config.values if n.startswith("bibtex_")):
        digest.update(f"{name}={getattr(app.config, name, None)!r}\0".encode())
    for bibfile in app.config.bibtex_bibfiles or []:
        path = Path(app.confdir) / bibfile
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


def _read_build_state(app) -> dict:
    import json

    try:
        return json.loads((Path(app.doctreedir) / BUILD_STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}


def outdated_by_build_state(app, env, added, changed, removed):
    """Re-read every page after a build that warned, or when the bibliography changed.

    Sphinx re-reads only changed pages, so after a strict build that failed on a warning, an
    unchanged rebuild would report success without looking again; and a page that cites an
    edited references.bib entry would keep the old reference. Both cases re-read everything.
    """
    previous = _read_build_state(app)
    app.claimcheck_bibliography = _bibliography_digest(app)
    app.claimcheck_previous_clean = (previous.get("warnings") == 0
                                     and previous.get("bibliography") == app.claimcheck_bibliography)
    app.claimcheck_removed = len(removed)
    if app.claimcheck_previous_clean or not previous:
        return []
    return sorted(d for d in env.found_docs if d not in added and d not in changed)


def count_docs_to_read(app, env, docnames):
    app.claimcheck_docs_to_read = len(docnames)


def record_build_state(app, exception):
    import json

    state_path = Path(app.doctreedir) / BUILD_STATE_FILE
    if exception is not None or not hasattr(app, "claimcheck_bibliography"):
        state_path.unlink(missing_ok=True)
        return
    state = {"warnings": app._warncount, "bibliography": app.claimcheck_bibliography}
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True))


def skip_unchanged_bibtex_update() -> None:
    """sphinxcontrib-bibtex formats every reference again at every build (``env-updated``), about
    a second for this book, even when no page was read. Its results are kept in the pickled
    environment, so when no page was read or removed, the bibliography and its settings are
    those of the previous build, and that build ended without a warning, the kept results are
    exactly what it would compute again, and the work is skipped."""
    try:
        from sphinxcontrib.bibtex.domain import BibtexDomain
    except ImportError:
        return
    if getattr(BibtexDomain.env_updated, "claimcheck_wrapped", False):
        return
    original = BibtexDomain.env_updated

    def env_updated(self):
        app = getattr(self.env, "app", None)
        unchanged = (
            app is not None
            and getattr(app, "claimcheck_previous_clean", False)
            and getattr(app, "claimcheck_docs_to_read", None) == 0
            and getattr(app, "claimcheck_removed", None) == 0
            and bool(self.citations)
        )
        if unchanged:
            return []
        return original(self)

    env_updated.claimcheck_wrapped = True
    BibtexDomain.env_updated = env_updated


# --- accessibility -------------------------------------------------------------------------

def visit_citation_html(self, node):
    """docutils marks each reference ``role="doc-biblioentry"`` inside a ``role="list"``; that
    DPUB role is deprecated and not allowed there, so assistive technology (and axe, rule
    aria-required-children) found a list without list items. Each reference is a list item.
    (Sphinx installs this function on the translator instance; the class keeps its own.)"""
    type(self).visit_citation(self, node)
    self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"')


def depart_citation_html(self, node):
    type(self).depart_citation(self, node)


def visit_hidden_cell_html(self, node):
    """myst-nb's "Show code cell source" toggle is named "Toggle hidden content" while it shows
    "Show code cell source" (WCAG 2.5.3; axe rule label-content-name-mismatch): a speech-input
    user saying what they see would not reach it. The toggle is now named by its visible text."""
    from myst_nb.sphinx_ import visit_HideCellInput

    visit_HideCellInput(self, node)
    for index in range(len(self.body) - 1, max(len(self.body) - 5, -1), -1):
        if self.body[index].startswith("<summary aria-label="):
            self.body[index] = "<summary>\n"
            break


def depart_hidden_cell_html(self, node):
    from myst_nb.sphinx_ import depart_HideCellInput

    depart_HideCellInput(self, node)


def _table_label(text: str) -> str:
    """A name for a table's scroll box: its caption, or else its column headings."""
    import html as _html
    import re

    def plain(fragment: str) -> str:
        return " ".join(_html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())

    caption = re.search(r"<caption[^>]*>(.*?)</caption>", text, flags=re.S)
    if caption and plain(caption.group(1)):
        return plain(caption.group(1))
    head = re.search(r"<thead[^>]*>(.*?)</thead>", text, flags=re.S)
    headings = [plain(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1) if head else "", flags=re.S)]
    headings = [h for h in headings if h]
    return "Table of " + ", ".join(headings) if headings else "Table"


def scrollable_tables(app, doctree, docname):
    """Put every table a notebook prints into its own keyboard-reachable scroll box.

    A wide table scrolls sideways inside its box on a narrow screen instead of widening the page.
    A box that scrolls must be reachable by keyboard and named (WCAG 2.1.1; axe rule
    scrollable-region-focusable): ``tabindex="0"``, ``role="region"`` and a name, the table's
    caption or else its column headings. The claim register has its own small-screen layout and
    is left alone.
    """
    import html as _html

    from docutils import nodes

    if app.builder.format != "html":
        return
    seen: dict[str, int] = {}
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        if "text_html" not in raw.get("classes", []):  # myst-nb's HTML outputs
            continue
        text = raw.astext()
        if "<table" not in text or "claim-register" in text or 'class="table-scroll"' in text:
            continue
        label = _table_label(text)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:  # each region needs its own name
            label = f"{label} ({seen[label]})"
        label = _html.escape(label, quote=True)
        wrapped = (f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label}">\n'
                   f"{text}\n</div>")
        raw[:] = [nodes.Text(wrapped)]


def copy_late_assets_early(app, env):
    """myst-nb's stylesheet and the offline MathJax are copied into the output only when the
    build finishes, after the pages are written; Sphinx adds a ``?v=<checksum>`` to a page's link
    only when the file is already there. So a clean build linked them without the checksum and
    the next build with it: the same sources gave different pages. Copying them (again, it is
    cheap: unchanged files are skipped) before the pages are written makes every build link them
    the same way."""
    if app.builder.format != "html":
        return []
    (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
    for name, function in (("myst_nb", "add_global_html_resources"),
                           ("sphinx-mathjax-offline", "copy_mathjax_files")):
        extension = app.extensions.get(name)
        if extension is None:
            continue
        if name == "myst_nb":
            from myst_nb import sphinx_ext as module
        else:
            module = extension.module
        getattr(module, function)(app, None)
    return []


def add_templates_path(app, config):
    """The book's fixes to theme components (see the comment at the top of each file) are found
    before the theme's own copies. The book also gets an icon: without one, every browser asks
    for /favicon.ico and logs a failed request on every page."""
    config.templates_path.insert(0, str(paths.TEMPLATES_DIR))
    if not config.html_favicon:
        config.html_favicon = str(paths.STATIC_DIR / "favicon.svg")


def cache_pybtex_plugin_lookup() -> None:
    """pybtex finds its styles through ``importlib.metadata.entry_points(group=..., name=...)``,
    called for every reference sphinxcontrib-bibtex formats; each call reads the entry points of
    every installed distribution. The installed packages do not change during a build, so the
    answer for one (group, name) is kept. Plugins registered at run time (``register_plugin``)
    are still looked up first by pybtex, as before."""
    import functools

    try:
        import pybtex.plugin as plugin
    except ImportError:
        return
    if getattr(plugin.entry_points, "claimcheck_cached", False):
        return
    original = plugin.entry_points

    @functools.cache
    def lookup(group, name):
        return tuple(original(group=group, name=name))

    def entry_points(**selection):
        if set(selection) == {"group", "name"}:
            return lookup(selection["group"], selection["name"])
        return original(**selection)

    entry_points.claimcheck_cached = True
    plugin.entry_points = entry_points


def _book_meta_fingerprint(srcdir) -> str:
    """CITATION.cff (version, date, authors) appears in every page's cite box: a change rewrites
    every page ("html" rebuild), as a theme change would."""
    import hashlib

    path = Path(srcdir) / "CITATION.cff"
    return hashlib.sha256(path.read_bytes() if path.is_file() else b"missing").hexdigest()


def _assets_fingerprint() -> str:
    import hashlib

    digest = hashlib.sha256()
    here = paths.PACKAGE_DIR
    for path in sorted([*here.glob("static/**/*"), *here.glob("templates/**/*")]):
        if path.is_file():
            digest.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def setup(app):
    from claimcheck.build import preexecute
    from claimcheck.build import register_directive as sphinx_register
    from claimcheck.build.invalidation import package_fingerprint

    cache_pybtex_plugin_lookup()
    skip_unchanged_bibtex_update()
    # At exit, Python's final garbage collection walks every object of the build (about a second
    # for this book); nothing in it needs finalising, so it is moved out of the collector's way.
    atexit.register(gc.freeze)
    # A change to this package (the cite boxes, the register's HTML, ...) must rewrite every page.
    app.add_config_value("claimcheck_package_fingerprint", package_fingerprint(), "env")
    # So must a change to its stylesheet or theme templates (rewritten and copied, not re-read).
    app.add_config_value("claimcheck_assets_fingerprint", _assets_fingerprint(), "html")
    # And a release (CITATION.cff): every page's cite box and .bib file carries version and date.
    app.add_config_value("claimcheck_book_meta_fingerprint", _book_meta_fingerprint(app.srcdir), "html")
    app.connect("config-inited", check_bibliography_links)
    app.connect("config-inited", check_data_layout)
    app.connect("builder-inited", start_output)
    app.connect("build-finished", finish_output, priority=990)
    static = paths.STATIC_DIR
    app.connect("builder-inited", lambda app: app.config.html_static_path.append(str(static)))
    app.add_css_file("claimcheck.css")
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("build-finished", publish_register)
    app.connect("env-get-outdated", outdated_by_data)
    # 0 = one notebook per core; 1 = leave all execution to myst-nb (serial).
    app.add_config_value("claimcheck_execution_workers", 0, "")
    app.connect("env-before-read-docs", preexecute.start)
    app.connect("source-read", preexecute.collect)
    app.connect("build-finished", preexecute.finish)
    app.connect("doctree-resolved", add_cite_section)
    app.connect("doctree-resolved", scrollable_tables)
    app.connect("config-inited", add_templates_path)
    app.connect("env-updated", copy_late_assets_early)
    from docutils import nodes

    app.add_node(nodes.citation, override=True, html=(visit_citation_html, depart_citation_html))
    try:
        from myst_nb.sphinx_ import HideCodeCellNode
    except ImportError:
        pass
    else:
        app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell_html, depart_hidden_cell_html))
    app.connect("build-finished", write_bib_files)
    app.connect("env-get-outdated", outdated_by_build_state)
    app.connect("env-before-read-docs", count_docs_to_read)
    app.connect("build-finished", record_build_state, priority=900)
    sphinx_register.setup(app)  # {verdict-boxes} and {vocabulary}
    return {"parallel_read_safe": True, "parallel_write_safe": True}
