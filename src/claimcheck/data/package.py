"""The book's data package: the public names notebooks and tools use, and the catalogue.

``data/datapackage.yaml`` is a Frictionless Data Package (``frictionless validate
data/datapackage.yaml`` accepts it). The work is split by concern:

* :mod:`claimcheck.data.descriptor` reads the descriptor, finds resources, hashes files (no pandas);
* :mod:`claimcheck.data.validate` checks files on frictionless-py plus the book's own checks
  (:mod:`claimcheck.data.checks`), with messages naming file, row (and line) and column;
* :mod:`claimcheck.data.validation_cache` validates once per change of the data, so that
* :mod:`claimcheck.data.load` only compares hashes before it reads a file into a typed DataFrame.

This module adds what reads the whole package for readers: :func:`catalogue`,
:func:`field_table`, and :func:`rehash` for an intended edit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from claimcheck.data import manifest
from claimcheck.data.checks import MAX_FIELD_CHARS
from claimcheck.data.descriptor import (
    DESCRIPTOR_NAME,
    find_data_dir,
    read_descriptor,
    resource_descriptor,
    resource_path,
    sha256_of,
)
from claimcheck.data.load import load
from claimcheck.data.problems import DataValidationError, Problem
from claimcheck.data.validate import unlisted_files, validate_all, validate_resource

__all__ = ["MAX_FIELD_CHARS", "DataValidationError", "Problem", "catalogue", "field_table", "find_data_dir", "load",
           "read_descriptor", "rehash", "resource_descriptor", "resource_path", "sha256_of", "unlisted_files",
           "validate_all", "validate_resource"]


def catalogue(data_dir: Path | str | None = None) -> pd.DataFrame:
    """One row per data file: title, rows, source, locator, licence and verified hash."""
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    descriptor = read_descriptor(data_dir)
    manifest.record_package(descriptor, data_dir)  # a whole-package read (invalidation)
    records = []
    for resource in descriptor["resources"]:
        frame = load(resource["name"], data_dir)
        source = resource["sources"][0]
        records.append(
            {
                "file": f"data/{resource['path']}",
                "title": resource["title"],
                "rows": int(len(frame)),
                "columns": int(frame.shape[1]),
                "source": source["title"],
                "source_link": source.get("path", ""),
                "locator": source.get("x-locator", ""),
                "licence": ", ".join(lic["name"] for lic in resource["licenses"]),
                "sha256": resource["hash"].removeprefix("sha256:"),
            }
        )
    return pd.DataFrame.from_records(records)


def rehash(data_dir: Path | str | None = None) -> list[str]:
    """Rewrite the sha256 of every resource whose file changed; return the changed names.

    The descriptor is edited as text so that its comments and layout survive.
    """
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    descriptor_path = data_dir / DESCRIPTOR_NAME
    text = descriptor_path.read_text(encoding="utf-8")
    changed = []
    for resource in read_descriptor(data_dir)["resources"]:
        actual = "sha256:" + sha256_of(resource_path(resource, data_dir))
        recorded = str(resource.get("hash", ""))
        if recorded != actual:
            if recorded and text.count(recorded) == 1:
                text = text.replace(recorded, actual)
            else:
                raise ValueError(
                    f"{DESCRIPTOR_NAME}: cannot find a unique hash line for resource {resource['name']!r}; "
                    f"give its entry a placeholder such as `hash: sha256:pending-{resource['name']}` first"
                )
            changed.append(resource["name"])
    descriptor_path.write_text(text, encoding="utf-8")
    return changed


def field_table(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The schema of one resource as a table a reader can scan: field, type, rule, meaning."""
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    resource = resource_descriptor(name, read_descriptor(data_dir))
    rows = []
    for field in resource["schema"]["fields"]:
        constraints = field.get("constraints", {})
        rules = []
        if constraints.get("required"):
            rules.append("required")
        if constraints.get("unique"):
            rules.append("unique")
        if "enum" in constraints:
            rules.append("one of " + ", ".join(map(str, constraints["enum"])))
        for key, symbol in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
            if key in constraints:
                rules.append(f"{symbol} {constraints[key]}")
        if "pattern" in constraints:
            rules.append(f"matches {constraints['pattern']}")
        rows.append(
            {
                "field": field["name"],
                "type": field.get("type", "string"),
                "rules": "; ".join(rules),
                "meaning": field.get("description", ""),
            }
        )
    return pd.DataFrame(rows)
