"""Load a data file as a typed DataFrame, checked against ``data/datapackage.yaml``.

A notebook's ``load`` compares the file's sha256 with the one the descriptor records and looks
the content up in the validation cache (:mod:`claimcheck.data.validation_cache`): the build
validated it already, so the kernel never imports frictionless. Content that was never validated
(an edited file, a scratch copy in a test, a notebook run outside the build) is validated in full
first, so a bad edit still stops the notebook with a message naming file, row and column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from claimcheck.data import manifest, validation_cache
from claimcheck.data.descriptor import find_data_dir, read_descriptor, resource_descriptor, resource_path
from claimcheck.data.problems import DataValidationError

_PANDAS_TYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "1": True,
             "false": False, "False": False, "FALSE": False, "0": False}


def read_frame(path: Path, fields: list[dict]) -> pd.DataFrame:
    """A validated file as a DataFrame with the declared types.

    Integers come back as pandas ``Int64`` and numbers as ``Float64`` so that missing values stay
    missing rather than turning into silent zeros or object columns. pandas' C parser reads the
    numbers; text is stripped, and an empty cell (or one of the field's ``missingValues``) is missing.
    """
    parsed_by_pandas = ("integer", "number", "string")
    dtypes = {f["name"]: _PANDAS_TYPES[f.get("type", "string")] if f.get("type", "string") in parsed_by_pandas
              else str for f in fields}
    missing = {f["name"]: ["", *f.get("missingValues", [])] for f in fields}
    text = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=missing, encoding="utf-8")
    columns = {}
    for field in fields:
        name, field_type = field["name"], field.get("type", "string")
        cells = text[name]
        if field_type == "string":
            stripped = cells.str.strip()
            if not stripped.equals(cells):
                cells = stripped.mask(stripped.isin(missing[name]))
        elif field_type == "date":
            cells = pd.to_datetime(cells.str.strip(), format="%Y-%m-%d")
        elif field_type == "boolean":
            cells = cells.str.strip().map(_BOOLEANS).astype("boolean")
        columns[name] = cells
    return pd.DataFrame(columns)


def load(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The resource ``name`` as a typed DataFrame, once its content is known to be valid."""
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    resource = resource_descriptor(name, read_descriptor(data_dir))
    path = resource_path(resource, data_dir)
    if not validation_cache.already_validated(data_dir, resource):
        from claimcheck.data.validate import validate_resource

        problems = validate_resource(resource, data_dir)
        if problems:
            raise DataValidationError(problems)
        validation_cache.record(data_dir, validation_cache.resource_key(data_dir, name))
    manifest.record(resource, path)  # what this notebook read (invalidation)
    return read_frame(path, resource["schema"]["fields"])
