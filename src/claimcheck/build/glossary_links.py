"""Sphinx extension: glossary links. The first use of each glossary term in a page's text links to
its entry on the glossary page (a post-transform, so chapters need no markup). Code, headings,
links, literal text, references, the "Cite this page" section and the glossary page itself are
left alone.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from claimcheck.build.cite_page import CITE_SECTION_ID

GLOSSARY_DOC = "chapters/glossary"

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
            if isinstance(parent, nodes.section) and CITE_SECTION_ID in parent.get("ids", []):
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


def setup(app):
    app.connect("doctree-read", collect_glossary)
    app.connect("env-merge-info", merge_glossary)
    app.add_post_transform(GlossaryLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
