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
