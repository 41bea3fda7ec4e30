"""The PDF reads like the book: no code cells, Stylers as real tables (claimcheck.build.paper_edition)."""

from __future__ import annotations

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from claimcheck.build import paper_edition

STYLER_HTML = """<table id="T_1"><caption>Fits</caption>
<thead><tr><th></th><th colspan="2">estimate</th></tr>
<tr><th>name</th><th>mean</th><th>sd</th></tr></thead>
<tbody><tr><td>a</td><td>1.0</td><td>0.1</td></tr><tr><td>b<br>c</td><td>2.0</td><td>0.2</td></tr></tbody>
</table>"""


def rows(table) -> list[list[str]]:
    return [[entry.astext() for entry in row.findall(nodes.entry)] for row in table.findall(nodes.row)]


def test_an_html_table_becomes_a_docutils_table_with_caption_and_column_widths():
    table = paper_edition.table_node(STYLER_HTML)
    assert table.next_node(nodes.title).astext() == "Fits"
    assert rows(table) == [["", "estimate", ""], ["name", "mean", "sd"], ["a", "1.0", "0.1"], ["b c", "2.0", "0.2"]]
    assert len(list(table.findall(nodes.colspec))) == 3
    assert paper_edition.table_node("<p>no table</p>") is None


def document_with(*children):
    document = new_document("test", get_default_settings(Parser))
    for child in children:
        document += child
    return document


def bundle(**forms):
    node = nodes.container(nb_element="mime_bundle")
    for mime_type, text in forms.items():
        node += nodes.container("", nodes.literal_block(text, text), mime_type=mime_type.replace("_", "/"))
    return node


def test_code_cells_go_and_a_styler_without_a_printable_form_gets_a_table():
    code = nodes.container(classes=["cell_input"])
    styler = bundle(text_plain="<pandas.io.formats.style.Styler at 0x7f0>", text_html=STYLER_HTML)
    printable = bundle(text_plain="<pandas.io.formats.style.Styler at 0x7f1>", text_html=STYLER_HTML,
                       text_markdown="| a |")
    plain_value = bundle(text_plain="42", text_html="<b>42</b>")
    document = document_with(code, styler, printable, plain_value)
    paper_edition.PaperEdition(document).run()
    assert code not in document.children
    assert rows(styler[0].next_node(nodes.table))[-1] == ["b c", "2.0", "0.2"]
    assert printable.next_node(nodes.table) is None and plain_value.next_node(nodes.table) is None
