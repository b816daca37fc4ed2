"""Line-level provenance: which inventory line governs each line of a generated file.

Families know, while they render, which inventory entry each part of a file comes from; these helpers find
where those parts start in the rendered text by scanning it (no re-parsing), so the map costs one pass over
lines that were just produced. The scans rely on the fixed layout the templates and `canonical_yaml` emit.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterable, Sequence

from .errors import Location

LineSources = tuple[tuple[int, Location], ...]

_DOCUMENT_SEPARATOR = "---"
# A key directly under a top-level mapping key (2-space indent), possibly quoted, and its block indicator.
_NESTED_KEY = re.compile(r'^  ("?)([^\s"]+)\1:(?: (\|[-+]?))?$')


def line_sources(entries: Iterable[tuple[int, Location]]) -> LineSources:
    """The (first line, source) pairs in line order, dropping entries that repeat the previous source."""
    found: list[tuple[int, Location]] = []
    for first, location in sorted(entries, key=lambda entry: entry[0]):
        # Compared field by field: attrs' generated __ne__ costs more, and this runs for every generated line.
        if not found or (found[-1][1].line, found[-1][1].file) != (location.line, location.file):
            found.append((first, location))
    return tuple(found)


def sequence_item_lines(text: str) -> list[int]:
    """Lines (1-based) where an item of a top-level YAML sequence starts: go-yaml form does not indent them."""
    return [number for number, line in enumerate(text.split("\n"), 1) if line.startswith("- ")]


def document_lines(text: str) -> list[int]:
    """Lines (1-based) where each YAML document of a `---`-separated stream starts (after leading comments)."""
    lines = text.split("\n")
    starts = [next((n for n, line in enumerate(lines, 1) if line and not line.startswith("#")), 1)]
    starts += [number + 1 for number, line in enumerate(lines, 1) if line == _DOCUMENT_SEPARATOR]
    return starts


def document_sources(text: str, sources: Iterable[Location]) -> Iterable[tuple[int, Location]]:
    """The n-th document of a `---`-separated stream traced to the n-th source."""
    return zip(document_lines(text), sources)


def nested_key_lines(text: str, parent: str) -> list[tuple[int, str, bool]]:
    """(line, key, is a literal block) of each key of the top-level mapping `parent`, in text order."""
    found, inside = [], False
    for number, line in enumerate(text.split("\n"), 1):
        if line and not line.startswith(" "):
            inside = line == f"{parent}:"
            continue
        match = _NESTED_KEY.match(line) if inside else None
        if match:
            found.append((number, match.group(2), bool(match.group(3))))
    return found


def source_at(default: Location, sources: Sequence[tuple[int, Location]], line: int) -> Location:
    """The source of `line`: the last entry starting at or before it, else `default`."""
    index = bisect.bisect_right(sources, line, key=lambda entry: entry[0])
    return sources[index - 1][1] if index else default
