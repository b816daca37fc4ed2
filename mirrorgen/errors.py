"""Problems found in the inventory, and the error that carries them to the shell."""

from __future__ import annotations

import enum
from typing import Iterable

import attrs


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


def one_line(text: str) -> str:
    """`text` with every unprintable character escaped: file names and values in messages come from the
    inventory, and must neither break the line, print a terminal escape sequence, nor fail to encode."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


@attrs.frozen(order=True)
class Location:
    """A place in the inventory: a file relative to the inventory root, and a 1-based line (0: whole file)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@attrs.frozen
class Problem:
    """One finding: where, what is wrong, and how to fix it."""

    location: Location
    # Messages quote inventory values: escaped here, once, so that every way out (the command line, str() of the
    # library's InvalidInventory, JSON, annotations) gets one line.
    message: str = attrs.field(converter=one_line)
    severity: Severity = Severity.ERROR
    # Defects (rules.known_defects.defect) only: which rule found it, as a stable name (`duplicate-destination`),
    # and what it is about in words that survive unrelated edits (a file name, a destination tag, the text of a
    # line, never a line number). A baseline of known defects (config/known-defects.yaml) matches on these two and
    # the file, not on the message, whose wording may change.
    code: str = ""
    subject: str = ""

    def __str__(self) -> str:
        tag = "" if self.severity is Severity.ERROR else "warning: "
        return one_line(f"{self.location}: {tag}{self.message}")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.location, p.message))


class MirrorgenError(Exception):
    """Base class of every error mirrorgen raises on purpose; its message is one line (see one_line)."""

    def __init__(self, message: str = ""):
        super().__init__(one_line(message))


class InvalidInventory(MirrorgenError):
    """The inventory cannot be rendered; `problems` lists every reason, each with its file and line."""

    def __init__(self, problems: Iterable[Problem], partial: object = None):
        self.problems = sort_problems(problems)
        # What could be loaded despite the problems (an Inventory), so later rules can still report theirs.
        self.partial = partial
        Exception.__init__(self, "\n".join(str(p) for p in self.problems))  # one line per problem
