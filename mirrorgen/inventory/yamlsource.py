"""Strict YAML reading that remembers where every value came from.

PyYAML's loaders lose line numbers, silently keep the last of two duplicate keys, and expand aliases
without bound. The inventory is edited by many people, so this reader composes the node graph itself
and builds plain Python data plus a map from each value's path to its line.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Optional

import attrs
import yaml

from ..errors import InvalidInventory, Location, Problem
from .yaml_mistakes import explain as explain_mistake

Path = tuple[Any, ...]

# Expanding aliases beyond this many extra nodes means the file is an alias bomb, not configuration.
MAX_ALIAS_EXPANSION = 100_000
MAX_DEPTH = 50

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:float",
}
# Only a `\ud800`-style escape, in a double-quoted scalar, can produce one (both parsers refuse one encoded in the
# file), and no UTF-8 output could hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_MESSAGE = "a \\uD800-\\uDFFF escape is half of a UTF-16 pair, not a character: write the character itself"
_COLLECTION_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
# Dates and the like stay the text the user wrote: no inventory field is a timestamp.
_TEXT_TAGS = {"tag:yaml.org,2002:timestamp"}

# libyaml (PyYAML's C extension) parses the same events, with the same lines, many times faster; its error
# messages are terser, so a file it rejects is parsed again by the pure-Python parser, whose messages name what
# it expected and found.
FAST_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()


@attrs.frozen
class SourceMap:
    """Lines (1-based) of the values and keys of one YAML file, by path from the document root."""

    file: str
    value_lines: dict[Path, int]
    key_lines: dict[Path, int]
    # For a text whose lines are lines of the file one for one, the line of its first one: the line after the
    # indicator of a `|` (or `>`) block, else the value's own line (a one-line value, or a quoted text written
    # one line per line, as `mirrorgen import` writes those a block cannot hold). Other texts have no entry.
    content_lines: dict[Path, int]
    # The parsed document, for rules that look at every value whatever file it is in (credentials, text).
    data: Any = attrs.field(default=None, eq=False, repr=False)

    def locate(self, path: Path, *, key: bool = False) -> Location:
        """The line of `path`, or of its nearest ancestor that the file spells out."""
        lines = self.key_lines if key else self.value_lines
        probe = tuple(path)
        while probe:
            if probe in lines:
                return Location(self.file, lines[probe])
            if probe in self.key_lines:
                return Location(self.file, self.key_lines[probe])
            probe = probe[:-1]
        return Location(self.file, self.value_lines.get((), 1))

    def strings(self) -> Iterator[tuple[Path, bool, str]]:
        """Every key and every text value of the document: (path, is_key, text)."""

        def walk(value: Any, path: Path) -> Iterator[tuple[Path, bool, str]]:
            if isinstance(value, dict):
                for key, item in value.items():
                    yield path + (key,), True, key
                    yield from walk(item, path + (key,))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    yield from walk(item, path + (index,))
            elif isinstance(value, str):
                yield path, False, value

        return walk(self.data, ())

    def locate_in_text(self, path: Path, text: str, offset: int) -> Location:
        """The line of character `offset` of the text value at `path` (exact where content_lines has it, else the
        value's first line)."""
        if path in self.content_lines:
            return Location(self.file, self.content_lines[path] + text.count("\n", 0, offset))
        return self.locate(path)


class _Reader:
    def __init__(self, file: str):
        self.file = file
        self.value_lines: dict[Path, int] = {}
        self.key_lines: dict[Path, int] = {}
        self.content_lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.visits = 0
        self.constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(Location(self.file, node.start_mark.line + 1), message))

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self.visits += 1
        self.seen.add(id(node))
        if self.visits - len(self.seen) > MAX_ALIAS_EXPANSION:
            raise _AliasBomb(node)
        line = node.start_mark.line + 1
        self.value_lines[path] = line
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            self.fail(node, f"YAML tag {node.tag!r} is not allowed in the inventory: write a plain list or mapping")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.style in ("|", ">"):
            self.content_lines[path] = line + 1
        elif node.value.count("\n") + (not node.value.endswith("\n")) == node.end_mark.line + 2 - line:
            self.content_lines[path] = line
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, "only plain keys are allowed here (no merge keys `<<`, lists or maps as keys)")
                continue
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 1
            if key_node.style == '"' and _SURROGATE.search(key):
                self.fail(key_node, _SURROGATE_MESSAGE)
                continue
            if key in first_line:
                self.fail(
                    key_node,
                    f"duplicate key '{key}' (first at line {first_line[key]}); YAML would silently keep only the"
                    " last one: merge the two entries",
                )
                continue
            first_line[key] = key_line
            self.key_lines[path + (key,)] = key_line
            result[key] = self.convert(value_node, path + (key,))
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag in _TEXT_TAGS:
            return node.value
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, f"YAML tag {node.tag!r} is not allowed in the inventory: write a plain value")
            return None
        if node.style == '"' and _SURROGATE.search(node.value):
            self.fail(node, _SURROGATE_MESSAGE)
            return None
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            self.fail(node, f"cannot read value {node.value!r}: {exc}")
            return None


class _AliasBomb(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


def _compose(events: Iterator[yaml.Event], file: str) -> Optional[yaml.Node]:
    """The node graph of a one-document stream (None if it holds none), composed from its events as PyYAML's
    Composer (yaml/composer.py) does, with its errors, but without recursion, and refusing nesting deeper than
    MAX_DEPTH: PyYAML's composers recurse once per level, and libyaml's would crash the process on deep input.

    Composing from the parser's events also reads the text once: a depth check before yaml.compose read it twice.
    """
    anchors: dict[str, yaml.Node] = {}
    # The collections being composed, each with the key that waits for its value (mappings only).
    open_nodes: list[tuple[yaml.CollectionNode, list[Optional[yaml.Node]]]] = []
    document: Optional[yaml.Node] = None
    ended = False
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            if ended:
                raise yaml.composer.ComposerError("expected a single document in the stream", document.start_mark,
                                                  "but found another document", event.start_mark)
            anchors = {}
            continue
        if isinstance(event, yaml.DocumentEndEvent):
            ended = True
            continue
        if not isinstance(event, yaml.NodeEvent) and not isinstance(event, yaml.CollectionEndEvent):
            continue  # the stream's start and end
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
            node = anchors[event.anchor]
        elif isinstance(event, yaml.CollectionEndEvent):
            node = open_nodes.pop()[0]
            node.end_mark = event.end_mark
        else:
            if event.anchor is not None and event.anchor in anchors:
                raise yaml.composer.ComposerError(f"found duplicate anchor {event.anchor!r}; first occurrence",
                                                  anchors[event.anchor].start_mark, "second occurrence", event.start_mark)
            if isinstance(event, yaml.ScalarEvent):
                tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            else:
                kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
                tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(kind, None, event.implicit)
                node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if event.anchor is not None:
                anchors[event.anchor] = node
            if not isinstance(event, yaml.ScalarEvent):
                if len(open_nodes) == MAX_DEPTH:
                    raise InvalidInventory([Problem(Location(file, event.start_mark.line + 1),
                                                    f"values nest more than {MAX_DEPTH} levels deep; no setting needs that")])
                open_nodes.append((node, [None]))
                continue
        # A complete node: the document itself, an item, a key, or the value of the key before it.
        if not open_nodes:
            document = node
            continue
        parent, waiting = open_nodes[-1]
        if isinstance(parent, yaml.SequenceNode):
            parent.value.append(node)
        elif waiting[0] is None:
            waiting[0] = node
        else:
            parent.value.append((waiting[0], node))
            waiting[0] = None
    return document


def parse_yaml(text: str | bytes, file: str) -> tuple[dict[str, Any], SourceMap]:
    """Parse one inventory document: a mapping at the top. Raises InvalidInventory with file:line problems."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInventory(
                [Problem(Location(file, text[: exc.start].count(b"\n") + 1),
                         f"not UTF-8 text (byte 0x{text[exc.start]:02x}); save the file as UTF-8")]
            ) from None
    try:
        try:
            node = _compose(yaml.parse(text, Loader=FAST_LOADER), file)
        except yaml.YAMLError:
            node = _compose(yaml.parse(text, Loader=yaml.SafeLoader), file)
    except yaml.MarkedYAMLError as exc:
        line, message = explain_mistake(exc, text)
        raise InvalidInventory([Problem(Location(file, line), message)]) from None
    except yaml.YAMLError as exc:
        raise InvalidInventory([Problem(Location(file, 1), f"YAML syntax error: {exc}")]) from None
    if node is None:
        raise InvalidInventory([Problem(Location(file, 1), "file is empty: it must hold a mapping of settings (`{}` for none)")])
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        raise InvalidInventory(
            [Problem(Location(file, node.start_mark.line + 1), f"the top level must be a mapping of keys to values, not {kind}")]
        )
    reader = _Reader(file)
    try:
        data = reader.convert(node, ())
    except _AliasBomb as bomb:
        raise InvalidInventory(
            [Problem(Location(file, bomb.node.start_mark.line + 1),
                     f"aliases expand to more than {MAX_ALIAS_EXPANSION} extra values; write the values out instead")]
        ) from None
    except RecursionError:
        raise InvalidInventory([Problem(Location(file, 1), "the document nests too deeply (or an alias refers to itself)")]) from None
    if reader.problems:
        raise InvalidInventory(reader.problems)
    return data, SourceMap(file, reader.value_lines, reader.key_lines, reader.content_lines, data)
