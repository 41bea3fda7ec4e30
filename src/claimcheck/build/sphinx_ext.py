"""Not an extension any more: the book's extension is split by concern into the modules listed
under ``sphinx.extra_extensions`` in _config.yml (see CONTRIBUTING.md). This name stays importable
for :mod:`claimcheck.build.preexecute`, which takes :class:`BookInputError` from here; new code
imports it from :mod:`claimcheck.build.input_checks`.
"""

from __future__ import annotations

from claimcheck.build.input_checks import BookInputError

__all__ = ["BookInputError"]
