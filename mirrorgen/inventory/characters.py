"""Characters no inventory text may hold: control and invisible ones, refused in values and file names alike."""

from __future__ import annotations

import re
import unicodedata

# Control characters (TAB and newline aside), line and paragraph separators (line breaks to YAML 1.1, not to oc),
# and format characters: bidi overrides, zero-width spaces, byte-order marks — invisible in a diff, so a reviewer
# cannot see what they approve.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
_ALLOWED_CONTROLS = {"\t", "\n"}
_ASCII_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def forbidden_character(text: str) -> str | None:
    if text.isascii():  # nearly every value; a regex is many times faster than asking unicodedata per character
        match = _ASCII_FORBIDDEN.search(text)
        return match.group() if match else None
    for char in text:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return char
    return None


def file_name_problem(path: str) -> str | None:
    """Why an inventory file's name cannot be used (it ends up in headers, messages and output paths), or None."""
    if any("\udc80" <= char <= "\udcff" for char in path):
        return "the file name is not UTF-8; rename the file"
    char = forbidden_character(path)
    if char is not None:
        return f"the file name contains {describe(char)}; rename the file"
    return None


def describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"
