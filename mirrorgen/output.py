"""What planning produces: files to write, each knowing the inventory entry it comes from."""

from __future__ import annotations

import attrs

from .errors import Location


@attrs.frozen
class Output:
    """A file mirrorgen owns: `path` (POSIX, relative to the output root), its full text, and its source."""

    path: str
    text: str
    source: Location


def is_plain_relative_path(path: str) -> bool:
    """Relative, `/`-separated, every component a visible name that is not `.` or `..`."""
    parts = path.split("/")
    return all(part not in ("", ".", "..") and part.isprintable() and "\\" not in part for part in parts)
