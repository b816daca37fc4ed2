"""What changed in a YAML or JSON file, named by object and field rather than by line.

Lists whose items all carry a distinct `name` (periodics, env, volumes, containers with names) are keyed by
that name, and the documents of a multi-document file by `Kind/name` (or a Vault `item`), so a change reads
`periodic-image-mirroring-knative: spec.containers[0].image changed A → B` whatever moved around it. deepdiff is
imported only here, and this module only when there is drift to explain.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any, Optional

import attrs
import yaml

from ..artifacts.canonical_yaml import reads_as_non_string
from ..errors import one_line

Path = tuple[Any, ...]

_STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json")
# Prow's OWNERS files are YAML without the extension.
_STRUCTURED_NAMES = ("OWNERS",)
_PLAIN_KEY = re.compile(r"[A-Za-z_][\w-]*")
_KINDS = {
    "values_changed": "changed",
    "type_changes": "changed",
    "dictionary_item_added": "added",
    "iterable_item_added": "added",
    "dictionary_item_removed": "removed",
    "iterable_item_removed": "removed",
}
_MAX_VALUE = 100


@attrs.frozen
class Change:
    """One difference between two versions of a structured file."""

    object: str  # the named object it belongs to ("" when the file is one anonymous object)
    path: str  # the field inside the object, e.g. spec.containers[0].image ("" for the object itself)
    kind: str  # "changed", "added" or "removed"
    before: Any
    after: Any
    # Line of the change (or of its nearest enclosing value) in the `after` text; 0 when unknown.
    line: int

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.object, self.path) if part) or "the document"
        if self.kind == "changed":
            return f"{where} changed {show(self.before)} → {show(self.after)}"
        if self.kind == "added":
            return f"{where} added" + (f": {show(self.after)}" if self.path else "")
        return f"{where} removed"


@attrs.frozen
class Structured:
    """A parsed file: data with named lists turned into dicts, the paths of those dicts, and each path's line."""

    data: Any
    named: frozenset[Path]
    lines: dict[Path, int]


def is_structured(path: str) -> bool:
    return path.endswith(_STRUCTURED_SUFFIXES) or posixpath.basename(path) in _STRUCTURED_NAMES


def show(value: Any) -> str:
    """A value as a person reads it in a one-line summary: plain text bare, anything else (including text that
    would read as a number or boolean) as JSON, shortened."""
    bare = isinstance(value, str) and value and value.strip() == value and not reads_as_non_string(value)
    # A value read from a file on disk may hold anything: a line break or a terminal escape stays one escaped line.
    text = one_line(value) if bare else json.dumps(value, default=str)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _name_of(node: yaml.Node) -> Optional[str]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "name" and isinstance(value, yaml.ScalarNode) and value.value:
                return value.value
    return None


def _field(node: yaml.Node, *keys: str) -> Optional[str]:
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((value for k, value in node.value if k.value == key), None)
    return node.value if isinstance(node, yaml.ScalarNode) and node.value else None


def _document_label(node: yaml.Node, index: int) -> str:
    kind, name = _field(node, "kind"), _field(node, "metadata", "name")
    if kind and name:
        return f"{kind}/{name}"
    return _field(node, "item") or f"document {index + 1}"


class Unsummarised(ValueError):
    """YAML that parses but has no summary by field: a key that is not a plain value, an alias inside the value it
    names, or aliases that expand far beyond the text. Whatever mirrorgen renders has none of these; a file edited
    by hand may."""


class _Reader:
    def __init__(self, budget: int) -> None:
        self.named: set[Path] = set()
        self.lines: dict[Path, int] = {}
        self.constructor = yaml.SafeLoader("")
        # Values left to convert: a text without aliases has fewer values than characters.
        self.budget = budget
        self.open: set[int] = set()  # the nodes being converted: an alias to one of them would never end

    def keyed(self, path: Path, items: list[tuple[Any, yaml.Node]]) -> dict[Any, Any]:
        self.named.add(path)
        return {key: self.convert(node, path + (key,)) for key, node in items}

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise Unsummarised("its aliases expand to far more values than the text holds")
        if id(node) in self.open:
            raise Unsummarised(f"an alias at line {node.start_mark.line + 1} stands inside the value it names")
        self.lines[path] = node.start_mark.line + 1
        self.open.add(id(node))
        try:
            return self._convert(node, path)
        finally:
            self.open.discard(id(node))

    def _convert(self, node: yaml.Node, path: Path) -> Any:
        if isinstance(node, yaml.MappingNode):
            for key, _ in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise Unsummarised(f"the key at line {key.start_mark.line + 1} is not a plain value")
            return {key.value: self.convert(value, path + (key.value,)) for key, value in node.value}
        if isinstance(node, yaml.SequenceNode):
            names = [_name_of(item) for item in node.value]
            if names and all(names) and len(set(names)) == len(names):
                return self.keyed(path, list(zip(names, node.value)))
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.constructor.construct_object(node)


def parse(text: str) -> Structured:
    """Parse YAML (or JSON, which YAML reads too); raises yaml.YAMLError when the text is neither, Unsummarised
    when it has no summary by field."""
    documents = [node for node in yaml.compose_all(text, Loader=yaml.SafeLoader) if node is not None]
    reader = _Reader(budget=2 * len(text) + 100)
    if len(documents) == 1:
        data = reader.convert(documents[0], ())
    else:
        data = reader.keyed((), [(_document_label(node, i), node) for i, node in enumerate(documents)])
    return Structured(data, frozenset(reader.named), reader.lines)


def _format(path: list[Any], named: frozenset[Path]) -> tuple[str, str]:
    """(object, field path) for a deepdiff path: the object is the first key of a named collection."""
    start = next((i for i in range(len(path)) if tuple(path[:i]) in named), None)
    obj = "" if start is None else str(path[start])
    parts: list[str] = []
    for i in range(0 if start is None else start + 1, len(path)):
        key = path[i]
        if isinstance(key, int) or tuple(path[:i]) in named:
            parts.append(f"[{key}]")
        elif _PLAIN_KEY.fullmatch(str(key)):
            parts.append(f".{key}" if parts else str(key))
        else:
            parts.append(f"[{json.dumps(str(key))}]")
    return obj, "".join(parts)


def _line(path: list[Any], lines: dict[Path, int]) -> int:
    for end in range(len(path), -1, -1):
        if tuple(path[:end]) in lines:
            return lines[tuple(path[:end])]
    return 0


def changes(before: Structured, after: Structured) -> list[Change]:
    """Every difference from `before` to `after`, in path order."""
    from deepdiff import DeepDiff

    diff = DeepDiff(before.data, after.data, view="tree", verbose_level=2)
    named = before.named | after.named
    found = []
    for report_type, levels in diff.items():
        kind = _KINDS.get(report_type)
        if kind is None:
            continue
        for level in levels:
            path = level.path(output_format="list")
            obj, field = _format(path, named)
            found.append(Change(obj, field, kind,
                                None if kind == "added" else level.t1,
                                None if kind == "removed" else level.t2,
                                _line(path, after.lines)))
    return sorted(found, key=lambda c: (c.line, c.object, c.path))
