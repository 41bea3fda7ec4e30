"""Published addresses stay published in the built book (the list's own tests: tests/cli/test_anchors.py)."""

import pytest

from claimcheck.cli import anchors
from conftest import ROOT


@pytest.mark.build
def test_no_published_address_has_disappeared(built_book):
    assert anchors.missing(ROOT, built_book) == []
