"""Replacing some entries of `config_updater.maps` in a Prow plugins file that people edit by hand, every other
byte kept.

Pure: old text in, new text out. The file is not mirrorgen's, so the edit works on lines, never by dumping the
parsed file again (which would lose comments, anchors, quoting and order), and it refuses, naming the file and
line, whatever it cannot do with certainty: a comment or anchor inside an entry it would replace, an alias or
flow style around it, duplicate keys.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Optional

import yaml

from ..errors import MirrorgenError
from . import canonical_yaml

# A `#` that starts a comment: at the start of a line or after a blank. Quoted `#`s are refused too (rarely seen
# in these entries): telling them apart would take a YAML scanner that keeps comments.
_COMMENT = re.compile(r"(^|[ \t])#")


class _Refused(Exception):
    def __init__(self, line: int, why: str):
        super().__init__(why)
        self.line, self.why = line, why


class PlacementRefused(MirrorgenError):
    """The plugins file cannot be edited with certainty: at `line`, `why`."""

    def __init__(self, shown: str, line: int, why: str):
        super().__init__(f"{shown}:{line}: cannot place mirrorgen's config_updater entries: {why}")
        self.line, self.why = line, why


def place_entries(text: str, shown: str, is_owned: Callable[[str], bool],
                  entries_for: Callable[[bool], dict[str, dict[str, Any]]]) -> str:
    """`text` with the `config_updater.maps` entries whose pattern `is_owned` replaced by `entries_for(gzip)`
    (`gzip`: the section's own default), at the place of the first one replaced, or in key order if there was none.
    Raises MirrorgenError `shown:line: ...` when the file cannot be edited with certainty."""
    try:
        return _placed(text, is_owned, entries_for)
    except _Refused as refused:
        raise PlacementRefused(shown, refused.line, refused.why) from None


def _placed(text: str, is_owned: Callable[[str], bool], entries_for: Callable[[bool], dict[str, dict[str, Any]]]) -> str:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        anchored = _anchor_lines(text)
        before = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise _Refused(mark.line + 1 if mark else 1, f"not valid YAML ({getattr(error, 'problem', None) or error})") from None
    updater = _block_mapping_at(root, "config_updater", None)
    maps = _block_mapping_at(updater, "maps", "config_updater")
    pairs = maps.value
    lines = text.splitlines(keepends=True)
    # The keys' indentation. A key over 128 characters is written `? key` (go-yaml and PyYAML both do), so the
    # line's, not the key's column.
    first_line = lines[pairs[0][0].start_mark.line]
    column = len(first_line) - len(first_line.lstrip(" "))
    owned: list[tuple[int, int]] = []  # 0-based first and last line of each entry replaced
    for key, value in pairs:
        if key.tag != "tag:yaml.org,2002:str" or not isinstance(key.value, str) or key.value == "<<":
            raise _Refused(key.start_mark.line + 1, "config_updater.maps holds a key that is no plain pattern")
        if not is_owned(key.value):
            continue
        first, last = key.start_mark.line, _last_line(value)
        if lines[first][:key.start_mark.column].strip() not in ("", "?"):
            raise _Refused(first + 1, f"the entry {key.value} does not start its own line")
        if not isinstance(value, yaml.MappingNode) or value.start_mark.index < key.end_mark.index:
            raise _Refused(first + 1, f"the entry {key.value} is not a mapping written in place (an alias?)")
        for number in range(first, last + 1):
            if number in anchored:
                raise _Refused(number + 1, f"the entry {key.value} holds an anchor or alias, which other parts"
                                           f" of the file may share; write it out in full")
            if _COMMENT.search(lines[number]):
                raise _Refused(number + 1, f"a comment inside the entry {key.value} would be lost; move it above"
                                           f" the entry")
        owned.append((first, last))

    gzip = bool((before.get("config_updater") or {}).get("gzip", False))
    new = entries_for(gzip)
    newline = "\r\n" if lines[pairs[0][0].start_mark.line].endswith("\r\n") else "\n"
    block = [" " * column + line + newline for line in canonical_yaml.dump(new).splitlines()]
    at = owned[0][0] if owned else _in_key_order(pairs, canonical_yaml.sorted_keys(new)[0])
    dropped = {number for first, last in owned for number in range(first, last + 1)}
    if at == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += newline  # the entries go after a last line that had no line end
    return "".join(lines[:at]) + "".join(block) + "".join(line for number, line in enumerate(lines[at:], at)
                                                              if number not in dropped)


def _anchor_lines(text: str) -> set[int]:
    """0-based lines where an anchor or an alias is written."""
    found = set()
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            found.add(event.start_mark.line)
    return found


def _block_mapping_at(node: Optional[yaml.Node], name: str, parent: Optional[str]) -> yaml.MappingNode:
    """The value of key `name` in `node`, a block mapping written in place and only once."""
    where = f"{parent}.{name}" if parent else name
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        line = node.start_mark.line + 1 if node is not None else 1
        raise _Refused(line, f"{parent or 'the file'} is not a block mapping, so {where} cannot be found with certainty")
    found = [(key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode) and key.value == name]
    if not found:
        raise _Refused(node.start_mark.line + 1, f"there is no {where} section: add one (`{name}:`) or remove the file"
                                                 f" from the output tree to have the entries written as a fragment")
    if len(found) > 1:
        raise _Refused(found[1][0].start_mark.line + 1, f"{where} is written twice")
    key, value = found[0]
    if not isinstance(value, yaml.MappingNode) or value.flow_style or value.start_mark.index < key.end_mark.index \
            or not value.value:
        raise _Refused(key.start_mark.line + 1, f"{where} is not a non-empty block mapping written in place")
    if len({k.value for k, _ in value.value}) != len(value.value):
        seen: set[str] = set()
        twice = next(k for k, _ in value.value if k.value in seen or seen.add(k.value))
        raise _Refused(twice.start_mark.line + 1, f"{twice.value} is written twice in {where}")
    return value


def _last_line(node: yaml.Node) -> int:
    """0-based last line holding part of `node` (not the comments or blank lines after it)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style:
        return max(max(_last_line(k), _last_line(v)) for k, v in node.value)
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return max(map(_last_line, node.value))
    end = node.end_mark
    return end.line if end.column > 0 else max(end.line - 1, node.start_mark.line)


def _in_key_order(pairs: list, first_new: str) -> int:
    """The line to insert new entries at when none is replaced: after the last entry whose pattern sorts before
    theirs (as Prow's tools write the file, sorted), or before the first entry."""
    previous = [value for key, value in pairs if canonical_yaml.go_key_less(key.value, first_new)]
    if previous:
        return _last_line(previous[-1]) + 1
    return pairs[0][0].start_mark.line

