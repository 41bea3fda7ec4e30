"""Sphinx extension for reading the book on a phone and on paper (issue 14).

* Glossary links: the first use of each glossary term in a page's text links to its entry on
  the glossary page (a post-transform, so chapters need no markup). Code, headings, links,
  literal text, references and the glossary page itself are left alone.
* The PDF reads like the book: code cells are left out, and a table that a notebook shows as a
  pandas Styler (whose only non-HTML form is ``<pandas.io.formats.style.Styler at 0x...>``)
  is set as a real table built from its HTML.
* Page weight: maths is written as MathML at build time (``html_math_renderer: mathml``), so
  no page loads MathJax (and with the MathJax renderer, only pages with maths of their own
  would); the theme's 1.5 MB icon script is replaced by ``icons.js`` (the few icons the pages
  use, as inline SVG; see templates/static/) and its icon font by a 3 kB subset.
* Reader script (``reader.js``): working sidebar toggles (the pinned theme binds them to the
  first, hidden, button), figures that open full size on tap.
* Per-page description and static social-preview tags (no network request, no address while
  the published address is unset).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from claimcheck import paths

GLOSSARY_DOC = "chapters/glossary"
CLAIM_CHAPTERS = {
    "chapters/neural_signalling": "neural signalling",
    "chapters/oxygen_metabolism": "oxygen and metabolism",
    "chapters/diabetes_fitness": "diabetes and fitness",
    "chapters/other_claims": "other",
}

# --- glossary links ----------------------------------------------------------------------


def term_pattern(term: str) -> re.Pattern:
    """A term as found in running text: whole words, an optional plural ``s``, straight or
    curly apostrophes; terms with capitals (HbA1c, GRADE, HR) match their case exactly, others
    ignore case."""
    body = re.escape(term).replace("'", "['’]").replace(r"\ ", r"[\s\u00a0]+").replace(r"\-", "[-‑]")
    flags = 0 if any(c.isupper() for c in term) else re.IGNORECASE
    return re.compile(r"(?<![\w\-‑])" + body + r"(?:s|es)?(?![\w²])", flags)


SKIP_PARENTS = (nodes.title, nodes.subtitle, nodes.rubric, nodes.reference, nodes.literal,
                nodes.literal_block, nodes.raw, nodes.math, nodes.math_block, nodes.citation,
                nodes.footnote, nodes.caption, nodes.term, nodes.comment, nodes.target)


def _skipped(node) -> bool:
    from sphinx import addnodes

    parent = node.parent
    while parent is not None:
        if isinstance(parent, SKIP_PARENTS) or isinstance(parent, (addnodes.pending_xref, addnodes.desc_signature)):
            return True
        if isinstance(parent, nodes.Element):
            classes = parent.get("classes", [])
            if "cell_input" in classes or "no-glossary" in classes:
                return True
            if isinstance(parent, nodes.section) and "cite-this-page" in parent.get("ids", []):
                return True
        parent = parent.parent
    return False


def collect_glossary(app, doctree):
    """Remember the glossary's entries (terms and anchors) when its page is read."""
    docname = app.env.docname
    if docname != GLOSSARY_DOC:
        return
    entries = []
    for item in doctree.findall(nodes.definition_list_item):
        terms = [t for t in item.findall(nodes.term)]
        if not terms:
            continue
        anchor = next((i for t in terms for i in t.get("ids", [])), "")
        names = [t.astext().strip() for t in terms]
        if anchor:
            entries.append((anchor, names))
    app.env.claimcheck_glossary = entries


def merge_glossary(app, env, docnames, other):
    if getattr(other, "claimcheck_glossary", None):
        env.claimcheck_glossary = other.claimcheck_glossary


def _join_text_nodes(element) -> None:
    index = 0
    while index < len(element.children) - 1:
        first, second = element.children[index], element.children[index + 1]
        if isinstance(first, nodes.Text) and isinstance(second, nodes.Text):
            element.replace(first, nodes.Text(str(first) + str(second)))
            element.remove(second)
        else:
            index += 1


class GlossaryLinks(SphinxPostTransform):
    """Wrap the first use of each glossary term on a page in a link to its entry."""

    default_priority = 900  # after cross-references are resolved

    def run(self, **kwargs):
        env = self.env
        docname = env.docname
        entries = getattr(env, "claimcheck_glossary", None) or []
        if docname == GLOSSARY_DOC or not entries or GLOSSARY_DOC not in env.found_docs:
            return
        builder = self.app.builder
        patterns = [(anchor, [term_pattern(t) for t in terms]) for anchor, terms in entries]
        # Where two names overlap, the one that starts first (then the longer) wins, so
        # "standardised mean difference" is not linked as "mean difference".
        done: set[str] = set()
        # MyST keeps each source line as its own text node: a term broken across two lines
        # ("press\nrelease") is found once neighbouring text nodes are joined.
        for element in list(self.document.findall(nodes.TextElement)):
            _join_text_nodes(element)
        for text in list(self.document.findall(nodes.Text)):
            if len(done) == len(patterns):
                break
            if not isinstance(text.parent, (nodes.paragraph, nodes.inline, nodes.strong, nodes.emphasis,
                                            nodes.list_item, nodes.entry)) or _skipped(text):
                continue
            self._link_in(text, patterns, done, builder, docname)

    def _link_in(self, text, patterns, done, builder, docname):
        value = str(text)
        found = []
        for anchor, regexes in patterns:
            if anchor in done:
                continue
            hits = [m for m in (r.search(value) for r in regexes) if m]
            if hits:
                first = min(hits, key=lambda m: (m.start(), -(m.end() - m.start())))
                found.append((first.start(), first.end(), anchor))
        if not found:
            return
        found.sort()
        chosen, end = [], -1
        for start, stop, anchor in found:
            if start >= end:
                chosen.append((start, stop, anchor))
                end = stop
        pieces, position = [], 0
        if builder.format == "html":
            base = builder.get_relative_uri(docname, GLOSSARY_DOC)
        else:
            base = None
        for start, stop, anchor in chosen:
            done.add(anchor)
            if start > position:
                pieces.append(nodes.Text(value[position:start]))
            words = value[start:stop]
            if base is None:
                link = nodes.reference("", "", nodes.Text(words), internal=True,
                                       refuri=f"%{GLOSSARY_DOC}#{anchor}", classes=["glossary-link"])
            else:
                link = nodes.reference("", "", nodes.Text(words), internal=True,
                                       refuri=f"{base}#{anchor}", classes=["glossary-link"],
                                       reftitle="Glossary")
            pieces.append(link)
            position = stop
        if position < len(value):
            pieces.append(nodes.Text(value[position:]))
        text.parent.replace(text, pieces)


# --- "Cite this page" in the page contents -------------------------------------------------

def cite_in_page_contents(app, doctree):
    """The "Cite this page" section is added when the page is written (claimcheck.build.sphinx_ext),
    after the page's contents list was made; its entry is added to that list here."""
    from sphinx import addnodes

    docname = app.env.docname
    toc = app.env.tocs.get(docname)
    if toc is None or not any(isinstance(n, nodes.section) for n in doctree.children):
        return
    top = next(iter(toc.findall(nodes.list_item)), None)
    if top is None:
        return
    nested = next((c for c in top.children if isinstance(c, nodes.bullet_list)), None)
    if nested is None:
        nested = nodes.bullet_list()
        top += nested
    reference = nodes.reference("", "", nodes.Text("Cite this page"), internal=True, refuri=docname,
                                anchorname="#cite-this-page")
    nested += nodes.list_item("", addnodes.compact_paragraph("", "", reference))


# --- the PDF -------------------------------------------------------------------------------

OBJECT_REPR = re.compile(r"^<[\w.]+ (object )?at 0x[0-9a-fA-F]+>$")


class _HtmlTable:
    """The cells of the first HTML table in a fragment: header rows and body rows of text."""

    def __init__(self, fragment: str):
        from html.parser import HTMLParser

        self.caption = ""
        self.head: list[list[str]] = []
        self.body: list[list[str]] = []
        state = {"section": "body", "row": None, "cell": None, "caption": False, "depth": 0}
        outer = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag == "table":
                    state["depth"] += 1
                if state["depth"] != 1:
                    return
                if tag == "thead":
                    state["section"] = "head"
                elif tag == "tbody":
                    state["section"] = "body"
                elif tag == "tr":
                    state["row"] = []
                    (outer.head if state["section"] == "head" else outer.body).append(state["row"])
                elif tag in ("td", "th") and state["row"] is not None:
                    state["cell"] = []
                    span = int(dict(attrs).get("colspan") or 1)
                    state["span"] = span
                elif tag == "caption":
                    state["caption"] = True
                elif tag == "br" and state["cell"] is not None:
                    state["cell"].append(" ")

            def handle_endtag(self, tag):
                if tag == "table":
                    state["depth"] -= 1
                if tag in ("td", "th") and state["cell"] is not None and state["row"] is not None:
                    text = " ".join("".join(state["cell"]).split())
                    state["row"].extend([text] + [""] * (state.get("span", 1) - 1))
                    state["cell"] = None
                elif tag == "caption":
                    state["caption"] = False

            def handle_data(self, data):
                if state["cell"] is not None:
                    state["cell"].append(data)
                elif state["caption"]:
                    outer.caption += data

        Parser(convert_charrefs=True).feed(fragment)
        self.caption = " ".join(self.caption.split())
        rows = self.head + self.body
        width = max((len(r) for r in rows), default=0)
        for row in rows:
            row.extend([""] * (width - len(row)))
        # A header row that is all empty (pandas' index-name row) carries nothing.
        self.head = [r for r in self.head if any(c for c in r)]
        if not self.head and self.body:
            self.head = [self.body.pop(0)]


def table_node(fragment: str):
    """A docutils table with the text of the HTML table in ``fragment`` (None if it has none)."""
    parsed = _HtmlTable(fragment)
    rows = parsed.head + parsed.body
    if not rows or not rows[0]:
        return None
    width = len(rows[0])
    # "colwidths-given": Sphinx's LaTeX writer then sets each column's width from its colspec.
    table = nodes.table(classes=["claimcheck-pdf-table", "colwidths-given"])
    if parsed.caption:
        table += nodes.title(text=parsed.caption)
    group = nodes.tgroup(cols=width)
    table += group
    for column in range(width):  # columns share the page by how much text they hold
        longest = max(len(row[column]) for row in rows)
        group += nodes.colspec(colwidth=min(max(longest, 7), 40))

    def row_node(cells):
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(text=cell)
            row += entry
        return row

    head = nodes.thead()
    for cells in parsed.head:
        head += row_node(cells)
    group += head
    body = nodes.tbody()
    for cells in parsed.body:
        body += row_node(cells)
    if not parsed.body:
        body += row_node([""] * width)
    group += body
    return table


class PaperEdition(SphinxPostTransform):
    """For the PDF: leave code cells out, and give tables shown as pandas Stylers a table form."""

    default_priority = 3  # before myst-nb picks one form of each output (priority 4)
    formats = ("latex",)

    def run(self, **kwargs):
        for node in list(self.document.findall(nodes.container)):
            if "cell_input" in node.get("classes", []):
                node.parent.remove(node)
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            forms = {child.get("mime_type"): child for child in bundle.children}
            plain, html = forms.get("text/plain"), forms.get("text/html")
            if plain is None or html is None or set(forms) & {"text/latex", "text/markdown", "image/png",
                                                               "application/pdf", "image/svg+xml"}:
                continue
            if not OBJECT_REPR.match(plain.astext().strip()):
                continue
            table = table_node(html.astext())
            if table is not None:
                plain.children = []
                plain += table


# --- tables ----------------------------------------------------------------------------------

_CELL = re.compile(r"<td(\s[^>]*)?>(.*?)</td>", flags=re.S)
_NUMERIC = re.compile(r"^[\s\d.,;:%()\[\]+\-−–×/<>=≤≥~±]*\d[\s\d.,;:%()\[\]+\-−–×/<>=≤≥~±]*$")


def is_numeric_text(text: str) -> bool:
    """A number, or a number with its interval ("1.23 (0.45 to 2.01)", "−0.5 [−1.1, 0.2]")."""
    import html as _html

    plain = _html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u00a0", " ").strip()
    plain = re.sub(r"\bto\b", " ", plain)
    return 0 < len(plain) <= 48 and bool(_NUMERIC.match(plain))


def mark_numeric_cells(fragment: str) -> str:
    """Add class ``num`` to table cells that hold numbers, so they never wrap mid-number."""

    def mark(match):
        attributes, content = match.group(1) or "", match.group(2)
        if not is_numeric_text(content):
            return match.group(0)
        if re.search(r'\bclass="', attributes):
            attributes = re.sub(r'\bclass="', 'class="num ', attributes, count=1)
        else:
            attributes += ' class="num"'
        return f"<td{attributes}>{content}</td>"

    return _CELL.sub(mark, fragment)


def numeric_cells(app, doctree, docname):
    if app.builder.format != "html":
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split() and "<td" in raw.astext():
            marked = mark_numeric_cells(raw.astext())
            if marked != raw.astext():
                raw[:] = [nodes.Text(marked)]


# --- page weight, scripts, meta tags -----------------------------------------------------

def _drop_unneeded_mathjax(app, pagename, templatename, context, doctree):
    """Sphinx loads MathJax on a page whose toctree includes a page with maths (so on the
    landing page); only pages with maths of their own need it."""
    if app.builder.format != "html" or doctree is None:
        return
    has_maths = any(True for _ in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))))
    if has_maths:
        return
    scripts = context.get("script_files") or []
    context["script_files"] = [s for s in scripts
                               if "mathjax" not in (getattr(s, "filename", "") or "").lower()
                               and "window.MathJax" not in ((getattr(s, "attributes", {}) or {}).get("body") or "")]


def _first_paragraph(doctree) -> str:
    for paragraph in doctree.findall(nodes.paragraph):
        parent, inside = paragraph.parent, False
        while parent is not None:
            if isinstance(parent, nodes.container) or (isinstance(parent, nodes.Element)
                                                      and "admonition" in parent.get("classes", [])):
                inside = True
                break
            parent = parent.parent
        text = " ".join(paragraph.astext().split())
        if not inside and len(text) > 40:
            return text
    return ""


def _shorten(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def page_description(app, docname: str, doctree) -> str:
    """One line: for a claim chapter, its verdicts read from the register; otherwise the page's
    first paragraph."""
    if docname in CLAIM_CHAPTERS:
        from claimcheck.data.package import load
        from claimcheck.present import register

        claims = load("claims", Path(app.srcdir) / "data")
        rows = claims[claims["evidence_section"].map(lambda s: register.evidence_docname(s)[0]) == docname]
        if len(rows):
            counts = rows["verdict"].value_counts()
            order = [v for v in register.VERDICT_ORDER if v in counts] + [v for v in counts.index
                                                                          if v not in register.VERDICT_ORDER]
            parts = [f"{counts[v]} {v}" for v in order]
            noun = "claim" if len(rows) == 1 else "claims"
            return _shorten(f"Verdicts on {len(rows)} {noun} of the blog post: " + ", ".join(parts) + ".", 300)
    return _shorten(_first_paragraph(doctree)) if doctree is not None else ""


def add_meta_tags(app, pagename, templatename, context, doctree):
    import html as _html

    if app.builder.format != "html" or doctree is None:
        return
    description = page_description(app, pagename, doctree)
    title = _html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or ""))
    tags = [f'<meta property="og:title" content="{_html.escape(title, quote=True)}" />',
            f'<meta property="og:site_name" content="{_html.escape(app.config.project, quote=True)}" />',
            '<meta property="og:type" content="article" />',
            '<meta name="twitter:card" content="summary" />']
    if description:
        escaped = _html.escape(description, quote=True)
        tags.insert(0, f'<meta name="description" content="{escaped}" />')
        tags.append(f'<meta property="og:description" content="{escaped}" />')
    base = (app.config.html_baseurl or "").rstrip("/")
    if base:
        tags.append(f'<meta property="og:url" content="{_html.escape(base + "/" + pagename + ".html", quote=True)}" />')
    existing = context.get("metatags") or ""
    # The book-wide description set in _config.yml would repeat: the page's own one replaces it.
    existing = re.sub(r'<meta[^>]+name="description"[^>]*>\s*', "", existing)
    context["metatags"] = existing + "\n".join(tags) + "\n"


# --- maths as MathML -----------------------------------------------------------------------------

def _mathml(latex: str, block: bool) -> str:
    from docutils.utils.math import latex2mathml

    return latex2mathml.tex2mathml(latex, as_block=block)


def visit_math_mathml(self, node):
    """Maths is written as MathML at build time, which browsers draw natively: no MathJax
    (1.2 MB of script and fonts) on any page."""
    self.body.append(f'<span class="math notranslate">{_mathml(node.astext(), False)}</span>')
    raise nodes.SkipNode


def visit_displaymath_mathml(self, node):
    self.body.append(f'<div class="math notranslate">{_mathml(node.astext(), True)}</div>')
    raise nodes.SkipNode


def add_static(app):
    static = paths.STATIC_DIR
    if str(static) not in app.config.html_static_path:
        app.config.html_static_path.append(str(static))


def setup(app):
    app.connect("builder-inited", add_static)
    app.add_html_math_renderer("mathml", (visit_math_mathml, None), (visit_displaymath_mathml, None))
    app.add_js_file("reader.js", loading_method="defer")
    app.connect("doctree-read", collect_glossary)
    app.connect("doctree-read", cite_in_page_contents, priority=600)  # after the contents list
    app.connect("env-merge-info", merge_glossary)
    app.add_post_transform(GlossaryLinks)
    app.connect("doctree-resolved", numeric_cells)
    app.add_post_transform(PaperEdition)
    app.connect("html-page-context", _drop_unneeded_mathjax, priority=950)
    app.connect("html-page-context", add_meta_tags, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
