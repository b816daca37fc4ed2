"""YAML syntax errors in words: what went wrong, at the line where the mistake is, and how to fix it.

PyYAML reports what its parser expected ("expected <block end>, but found '<block mapping start>'") at the place
it noticed, which for a line without its `:` or a line out of a `|` block is the line after the mistake. The
common mistakes are recognised from the parser's error and the text around it; anything else keeps the parser's
own words, at its line.
"""

from __future__ import annotations

import re
from typing import Optional

import yaml

# A key and what follows its `:` (plain keys only: the mistakes below are made in plain YAML).
_KEY = re.compile(r"(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s#:'\"\[\]{},&*!|>%@`][^#:]*?):(?P<rest>[ \t].*|$)")
_BLOCK_HEADER = re.compile(r".*:\s+[|>][-+0-9]*\s*(#.*)?$")
# `key:value`: YAML reads the whole line as text.
_NO_SPACE_AFTER_COLON = re.compile(r" *[^\s:]+:\S")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _spaces(count: int) -> str:
    return f"{count} space{'s' if count != 1 else ''}"


class _Text:
    """The lines of the file, and what a person sees around one of them."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def previous_content(self, number: int) -> int:
        """The nearest line before `number` that holds more than blanks or a comment (0 if none)."""
        for before in range(number - 1, 0, -1):
            if self.line(before).strip() and not self.line(before).lstrip().startswith("#"):
                return before
        return 0

    def name(self, number: int) -> str:
        """How to name line `number` in a message: its key, else its text."""
        line = self.line(number)
        match = _KEY.fullmatch(line)
        shown = match.group("key").strip() if match else line.strip()
        return shown if len(shown) <= 40 else shown[:37] + "..."

    def block_around(self, number: int) -> Optional[tuple[int, int]]:
        """(header line, content indentation) of the `|`/`>` block that line `number` comes right after, when the
        line is indented less than that block's content: a line that fell out of the block."""
        content_indent = None
        for before in range(number - 1, 0, -1):
            line = self.line(before)
            if not line.strip():
                continue
            if _BLOCK_HEADER.fullmatch(line):
                if content_indent is not None and _indent(self.line(number)) < content_indent:
                    return before, content_indent
                return None
            if content_indent is not None and _indent(line) != content_indent and _indent(line) < content_indent:
                return None
            content_indent = _indent(line) if content_indent is None else min(content_indent, _indent(line))
        return None

    def levels(self, number: int) -> list[tuple[int, int]]:
        """(indentation, line) of the lines above `number` that a line there could stand beside, deepest first."""
        found: list[tuple[int, int]] = []
        for before in range(number - 1, 0, -1):
            line = self.line(before)
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not found or _indent(line) < found[-1][0]:
                found.append((_indent(line), before))
        return found


def _quoted(value: str) -> str:
    value = value.strip()
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _with_colon(line: str) -> str:
    """`line` written as `key: value`: the first word is the key."""
    words = line.strip().split(None, 1)
    return f"{words[0]}: {words[1]}" if len(words) == 2 else f"{words[0]}:"


def _out_of_block(text: _Text, number: int) -> Optional[str]:
    found = text.block_around(number)
    if found is None:
        return None
    header, indent = found
    return (f"this line is indented less than the `|` block of `{text.name(header)}` (line {header}) above it, so it"
            f" ends the block and YAML reads it as a key without `:`: indent it {_spaces(indent)} like the block's"
            f" other lines")


def _misindented(text: _Text, number: int) -> Optional[str]:
    """The line is indented so that it stands beside no line above it."""
    indent = _indent(text.line(number))
    levels = text.levels(number)
    if not levels:
        return None
    deepest, nearest = levels[0]
    if indent > deepest:
        return (f"this line is indented {_spaces(indent)}, more than `{text.name(nearest)}` (line {nearest}), which"
                f" already has its value: indent it {_spaces(deepest)} to put it beside `{text.name(nearest)}`")
    deeper = [(level, line) for level, line in levels if level > indent]
    shallower = [(level, line) for level, line in levels if level < indent]
    if not deeper or not shallower:
        return None
    (inner, inner_line), (outer, outer_line) = deeper[-1], shallower[0]
    return (f"this line is indented {_spaces(indent)}, which lines it up with no line above: indent it"
            f" {_spaces(inner)} to put it beside `{text.name(inner_line)}` (line {inner_line}), or {_spaces(outer)}"
            f" beside `{text.name(outer_line)}` (line {outer_line})")


def _missing_colon(text: _Text, number: int) -> str:
    line = text.line(number)
    if _NO_SPACE_AFTER_COLON.match(line):
        key, _, value = line.strip().partition(":")
        return f"`{line.strip()}` has no space after its `:`, so YAML reads it all as text: write `{key}: {value}`"
    return f"`{line.strip()}` has no `:` after its key: write `{_with_colon(line)}`"


def _stray_colon(text: _Text, number: int, column: int) -> tuple[int, str]:
    """`mapping values are not allowed here`: a `: ` inside a plain value, or a key without `:` just above."""
    line = text.line(number)
    match = _KEY.fullmatch(line)
    if match and match.end("key") < column:
        key, value = match.group("key").strip(), match.group("rest").strip()
        return number, (f"the value of `{key}` holds `: `, which YAML reads as the start of another key: put the value"
                        f" in quotes: {key}: {_quoted(value)}")
    previous = text.previous_content(number)
    if previous and (":" not in text.line(previous) or _NO_SPACE_AFTER_COLON.match(text.line(previous))):
        return previous, _missing_colon(text, previous)
    if previous and _indent(line) > _indent(text.line(previous)):
        return number, (f"this line is indented more than `{text.name(previous)}` (line {previous}), so YAML reads it"
                        f" as more of that value: indent it {_spaces(_indent(text.line(previous)))} to make it a key"
                        f" beside `{text.name(previous)}`, or quote the value if the `: ` belongs to it")
    return number, "a `: ` where no key can start: put the value in quotes if the `: ` belongs to it"


def explain(error: yaml.MarkedYAMLError, source: str) -> tuple[int, str]:
    """(line, message) for a YAML syntax error in `source`: what went wrong and how to fix it."""
    text = _Text(source)
    problem, context = error.problem or "", error.context or ""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column) if mark else (1, 0)
    start = error.context_mark.line + 1 if error.context_mark else line
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if "'" in problem else ""
        if char == "\\t":
            where = "in the indentation" if not text.line(line)[:column].strip() else "where YAML expects a space"
            return line, f"a TAB {where}: YAML allows only spaces there; replace the TAB with spaces"
        if char in ("@", "`"):
            match = _KEY.fullmatch(text.line(line))
            fix = f": {match.group('key').strip()}: {_quoted(match.group('rest'))}" if match else ""
            return line, f"a value cannot start with {char} in YAML: put it in quotes{fix}"
    if "while scanning a quoted scalar" in context and "end of stream" in problem:
        quote = text.line(start)[error.context_mark.column:][:1] or '"'
        return start, f"the {quote} opened on this line is never closed: end the value with {quote} on this line"
    if "unknown escape character" in problem:
        return line, ("in double quotes a backslash starts an escape such as \\n: write \\\\ for a backslash, or put"
                      " the value in single quotes")
    if context.startswith("while parsing a flow"):
        bracket = text.line(start)[error.context_mark.column:][:1]
        if bracket not in ("[", "{"):
            # At the end of the text the parser marks where the stream ends, not the bracket left open.
            start = next((n for n in range(start, 0, -1) if "[" in text.line(n) or "{" in text.line(n)), start)
            bracket = next((c for c in reversed(text.line(start)) if c in "[{"), "[")
        closing = {"[": "]", "{": "}"}.get(bracket, "]")
        return start, (f"the {bracket} opened on this line is not closed before line {line}: end it with {closing} on"
                       f" this line")
    if "could not find expected ':'" in problem and "simple key" in context:
        return start, _out_of_block(text, start) or _missing_colon(text, start)
    if "mapping values are not allowed here" in problem:
        return _stray_colon(text, line, column)
    if problem.startswith("expected <block end>"):
        if "'<scalar>'" in problem and text.line(line)[:column].rstrip()[-1:] in ("'", '"'):
            return line, "text after the closing quote: put the whole value inside the quotes"
        if "found '-'" in problem:
            return line, ("a list item (`- `) where the keys of a mapping are: write `key: value`, or indent the item"
                          " under the key whose list it belongs to")
        found = _out_of_block(text, line) or _misindented(text, line)
        if found:
            return line, found
    if isinstance(error, yaml.composer.ComposerError) and "undefined alias" in problem:
        return line, "a value starting with * is a YAML alias: put it in quotes if it is text"
    if "found duplicate anchor" in context and error.context_mark:
        anchor = context.split("'")[1] if "'" in context else ""
        return line, f"the anchor &{anchor} is defined twice (first on line {start}): rename one"
    if "expected a single document" in context:
        return line, "a second YAML document (after a `---` line): an inventory file holds one; merge the two"
    detail = f" ({context})" if context and "while" not in context else ""
    return line, f"YAML syntax error: {problem or error}{detail}"
