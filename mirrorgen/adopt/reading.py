"""What every reader of a checkout shares: the problems it finds, each at a release file and line, and a file's text."""

from __future__ import annotations

from typing import Mapping, Optional

from ..errors import Location, Problem


class Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, file: str, line: int, message: str) -> None:
        self.found.append(Problem(Location(file, line), message))


def utf8_text(files: Mapping[str, bytes], path: str, problems: Problems) -> Optional[str]:
    try:
        return files[path].decode("utf-8")
    except UnicodeDecodeError as exc:
        line = files[path][: exc.start].count(b"\n") + 1
        problems.add(path, line, "not UTF-8 text; mirrorgen cannot carry it into the inventory: save it as UTF-8")
        return None
