"""What planning produces: files to write, each knowing the inventory entry it comes from."""

from __future__ import annotations

import functools
from typing import Callable, Iterable, Optional

import attrs

from .errors import Location
from .provenance import LineSources, line_sources, source_at


@attrs.frozen
class Output:
    """A file mirrorgen owns: `path` (POSIX, relative to the output root), its full text, and its source."""

    path: str
    text: str
    source: Location
    # Finer provenance where a file gathers several inventory entries: a function giving (first line, source)
    # pairs. Only drift reports and `explain` ask for it, so a clean check or a generate never computes it.
    trace: Optional[Callable[[], Iterable[tuple[int, Location]]]] = attrs.field(default=None, eq=False, repr=False)

    @functools.cached_property
    def line_sources(self) -> LineSources:
        """(first line, source) pairs in line order; a line belongs to the last pair starting at or before it,
        lines before the first to `source`."""
        return line_sources(self.trace()) if self.trace else ()

    def source_of(self, line: int) -> Location:
        """The inventory location that governs line `line` (1-based) of this file."""
        return source_at(self.source, self.line_sources, line)


def is_plain_relative_path(path: str) -> bool:
    """Relative, `/`-separated, every component a visible name that is not `.` or `..`."""
    parts = path.split("/")
    return all(part not in ("", ".", "..") and part.isprintable() and "\\" not in part for part in parts)
