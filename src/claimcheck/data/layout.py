"""Where data files may live, checked without pandas (the build runs this before every read).

Every file a resource names must lie inside ``data/``: an absolute path, a ``..`` step or a
symlink that leads out of the folder would let the book hash, read and publish a file from
anywhere on the machine. Every CSV inside ``data/`` must be listed in the descriptor, or it is
never validated and nobody notices it.
"""

from __future__ import annotations

import re
from pathlib import Path

from claimcheck.paths import DESCRIPTOR_NAME


def path_problem(resource: dict, data_dir: Path) -> str | None:
    """Why the resource's ``path`` is not a file inside ``data_dir`` (None when it is)."""
    given = str(resource.get("path", "") or "")
    if not given:
        return "gives no path"
    if Path(given).is_absolute() or given.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", given):
        return f"path {given!r} is absolute"
    if ".." in re.split(r"[/\\]", given):
        return f"path {given!r} leads out of data/ with '..'"
    root = Path(data_dir).resolve()
    target = (Path(data_dir) / given).resolve()
    if root not in target.parents:
        return f"path {given!r} resolves to {target}, outside data/ (through a symlink)"
    return None


def unlisted_csvs(data_dir: Path, descriptor: dict) -> list[str]:
    """CSV files under ``data_dir`` (relative POSIX paths) that no resource lists."""
    data_dir = Path(data_dir)
    described = {Path(str(r.get("path", ""))).as_posix() for r in descriptor.get("resources", [])}
    found = (p.relative_to(data_dir).as_posix() for p in sorted(data_dir.rglob("*.csv")))
    return [name for name in found if name not in described]


def layout_messages(data_dir: Path, descriptor: dict) -> list[str]:
    """One line per problem, each naming the file (and the resource)."""
    messages = []
    for resource in descriptor.get("resources", []):
        reason = path_problem(resource, data_dir)
        if reason:
            messages.append(f"data/{DESCRIPTOR_NAME}: resource {resource.get('name', '?')!r}: {reason}; "
                            "data files must lie inside data/")
    for name in unlisted_csvs(data_dir, descriptor):
        messages.append(f"data/{name}: not listed in data/{DESCRIPTOR_NAME}; describe it there (schema, "
                        "source, licence, hash) or remove it")
    return messages
