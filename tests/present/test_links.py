"""Links from data: escaped, and only http(s) addresses or the book's own published files."""

from claimcheck.present.links import published_link


def test_a_published_link_is_escaped_markup_relative_to_the_page():
    link = published_link("data/a&b.csv", depth=2)
    assert str(link) == '<a href="../../data/a&amp;b.csv">data/a&amp;b.csv</a>'
    assert hasattr(link, "__html__")  # escaping tables keep it as a link
