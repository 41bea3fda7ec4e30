"""The build's data-validation extension: a bad file stops the build at its start with the named
message; clean content is validated once and recorded for the notebooks' loads."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from claimcheck.build import validation
from claimcheck.build.input_checks import BookInputError
from claimcheck.data import validation_cache
from claimcheck.data.package import rehash
from conftest import ROOT


@pytest.fixture()
def book(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return SimpleNamespace(srcdir=str(tmp_path), outdir=str(tmp_path / "_build" / "html"))


def test_clean_data_passes_and_is_recorded(book):
    validation.validate_data(book, None)
    data_dir = Path(book.srcdir) / "data"
    assert validation_cache.package_key(data_dir) in validation_cache.cache_path(data_dir).read_text()


def test_bad_file_stops_the_build_naming_file_row_and_column(book):
    path = Path(book.srcdir) / "data" / "today_trial.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",not-a-number"
    path.write_text("\n".join(lines) + "\n")
    rehash(path.parent)
    with pytest.raises(BookInputError) as caught:
        validation.validate_data(book, None)
    message = str(caught.value)
    assert "data/today_trial.csv: row 3 (line 4), column 'outcome'" in message
    assert message.count("data/today_trial.csv") == 1
    assert not validation_cache.cache_path(path.parent).exists()


def test_a_book_without_data_is_left_alone(tmp_path):
    validation.validate_data(SimpleNamespace(srcdir=str(tmp_path), outdir=str(tmp_path / "out")), None)


def test_unlisted_file_and_escaping_path_are_named_as_the_layout_check_names_them(book):
    data_dir = Path(book.srcdir) / "data"
    (data_dir / "stray.csv").write_text("a,b\n1,2\n")
    with pytest.raises(BookInputError) as caught:
        validation.validate_data(book, None)
    assert str(caught.value) == "data/stray.csv: not listed in data/datapackage.yaml; describe it there (schema, " \
                                "source, licence, hash) or remove it"
    (data_dir / "stray.csv").unlink()
    descriptor = data_dir / "datapackage.yaml"
    descriptor.write_text(descriptor.read_text().replace("path: mtl.csv", "path: ../../../../etc/passwd", 1))
    with pytest.raises(BookInputError) as caught:
        validation.validate_data(book, None)
    assert "data/datapackage.yaml: resource 'mtl': path '../../../../etc/passwd' leads out of data/" in str(caught.value)
