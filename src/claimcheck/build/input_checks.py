"""Sphinx extension: bad input stops the build before anything is read.

* Every link target in the bibliography must be an http(s) address (a ``javascript:`` or
  ``data:`` URL would become a live link on every page that cites the entry).
(``data/`` is checked by :mod:`claimcheck.build.validation`: exactly the files its descriptor
lists, all inside ``data/``, each valid.)

A problem stops the build with a message naming file, line (or file and field) and what is
wrong, and removes the previous output (claimcheck.build.output_cleanup), so nothing stale looks
like the result of this build.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.errors import SphinxError

from claimcheck.build.output_cleanup import discard_output


class BookInputError(SphinxError):
    """A bad input file: Sphinx prints the message (file, line, what is wrong) and stops.

    Jupyter Book then re-raises it as the cause of its own error, and Python prints the cause's
    text a second time; after the first time the text is only a pointer, so it is read once."""

    category = "Bad input"

    def __str__(self) -> str:
        if getattr(self, "_reported", False):
            return f"({self.category}: reported above)"
        self._reported = True
        return super().__str__()


# Fields whose value a bibliography style turns into a link, and link commands inside any field.
LINK_FIELDS = ("url",)
_FIELD = re.compile(r"^\s*(?P<field>[A-Za-z_-]+)\s*=\s*[{\"](?P<value>.*?)[}\"]?\s*,?\s*$")
_ENTRY = re.compile(r"^\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,")
_LINK_COMMAND = re.compile(r"\\(url|href)\s*\{([^}]*)\}")


def bibliography_link_problems(path: Path) -> list[str]:
    """Every link target in a BibTeX file that is not an http(s) address, as
    ``file: line N, entry KEY, field F: ...``."""
    from claimcheck.present.links import safe_url

    problems = []
    key = "?"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        entry = _ENTRY.match(line)
        if entry:
            key = entry.group(1)
            continue
        targets = []
        field = _FIELD.match(line)
        if field and field.group("field").lower() in LINK_FIELDS:
            targets.append((field.group("field").lower(), field.group("value").strip().strip("{}")))
        for command in _LINK_COMMAND.finditer(line):
            targets.append((field.group("field").lower() if field else "?", command.group(2).strip()))
        for name, target in targets:
            if safe_url(target) is None:
                problems.append(f"{path.name}: line {number}, entry {key!r}, field {name}: {target[:80]!r} is not "
                                "an http or https address; only those may become links")
    return problems


def check_bibliography_links(app, config):
    problems = []
    for bibfile in getattr(config, "bibtex_bibfiles", None) or []:  # (none without sphinxcontrib-bibtex)
        path = Path(app.confdir) / bibfile
        if path.is_file():
            problems.extend(bibliography_link_problems(path))
    if problems:
        discard_output(app)
        raise BookInputError("\n".join(problems))


def setup(app):
    app.connect("config-inited", check_bibliography_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
