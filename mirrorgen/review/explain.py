"""`mirrorgen explain PATH[:LINE]`: which inventory entry produced a generated file or one of its lines."""

from __future__ import annotations

import os
from typing import Optional

import attrs

from ..errors import Location, MirrorgenError
from ..output import Output


@attrs.frozen
class Explanation:
    path: str  # relative to the output root
    line: int  # 0: the whole file
    source: Location
    # For a whole file: (first line, last line, source) of each part that comes from its own entry.
    parts: tuple[tuple[int, int, Location], ...] = ()


def parse_target(target: str, output_root: str) -> tuple[str, int]:
    """`PATH[:LINE]` → (path relative to the output root, line or 0). PATH may include the output root."""
    path, line = target, 0
    head, colon, tail = target.rpartition(":")
    if colon and tail.isdigit():
        path, line = head, int(tail)
    root = os.path.normpath(output_root)
    normal = os.path.normpath(path)
    if normal == root or normal.startswith(root + os.sep):
        normal = os.path.relpath(normal, root)
    return normal.replace(os.sep, "/"), line


def explain(outputs: list[Output], path: str, line: int = 0) -> Explanation:
    """Pure: where `path` (or its line `line`) comes from; MirrorgenError when mirrorgen does not make it."""
    found: Optional[Output] = next((o for o in outputs if o.path == path), None)
    if found is None:
        raise MirrorgenError(f"{path}: not a file this inventory generates (the manifest lists every one)")
    count = found.text.count("\n") + (not found.text.endswith("\n"))
    if line > count:
        raise MirrorgenError(f"{path} has {count} lines, not {line}")
    if line:
        return Explanation(path, line, found.source_of(line))
    parts, start = [], 1
    for number in range(2, count + 2):
        if number > count or found.source_of(number) != found.source_of(start):
            parts.append((start, number - 1, found.source_of(start)))
            start = number
    return Explanation(path, 0, found.source, tuple(parts) if len(parts) > 1 else ())
