"""The book's row checks (:data:`claimcheck.data.checks.ROW_CHECKS`) as a frictionless-py check,
so they run in the same pass as the Table Schema checks, on frictionless's typed rows.

Imports frictionless: only :mod:`claimcheck.data.validate` imports this module, when it validates.
"""

from __future__ import annotations

import attrs
from frictionless import Check, errors

from claimcheck.data.checks import ROW_CHECKS


class RowRuleError(errors.CellError):
    type = "claimcheck-row-rule"
    title = "Row rule"
    description = "A rule of the book across the fields of one row (schema.x-rowChecks)."
    template = "{note}"


@attrs.define(kw_only=True, repr=False)
class row_rules(Check):  # noqa: N801 - frictionless names checks in lower case
    """The row checks a resource names in ``schema.x-rowChecks``, on frictionless's typed rows."""

    type = "claimcheck-row-rules"
    Errors = [RowRuleError]
    names: list[str] = attrs.field(factory=list)

    def validate_row(self, row):
        for name in self.names:
            for column, reason in ROW_CHECKS[name](row):
                yield RowRuleError.from_row(row, note=reason, field_name=column)
