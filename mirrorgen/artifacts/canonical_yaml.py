"""YAML in the exact form sigs.k8s.io/yaml (go-yaml v2) writes, which openshift/release's job sanitizer keeps.

go-yaml v2's emitter is a port of libyaml, as is PyYAML's, so PyYAML emits the same layout (2-space indent,
sequences not indented under their key, plain scalars folded at 80 columns, single quotes when a plain
scalar is not allowed). What differs is decided here: go-yaml's natural key order, double quotes for
strings that would read back as another type, and `|` blocks for multi-line strings.
"""

from __future__ import annotations

import ctypes
import functools
import io
import re
import unicodedata
from typing import Any

import yaml

# go-yaml v2 reads these as numbers or booleans on top of what PyYAML's YAML 1.1 resolver knows.
_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# A plain scalar starting with a digit or sign is tried as strconv.ParseInt(s, 0, 64) with every `_` removed first,
# and Go (since 1.13) reads 0b/0o/0x prefixes in either case there, which YAML 1.1 does not know.
_GO_NUMBER = re.compile(rf"[-+]?0(?:[bB][01]+|[oO][0-7]+|[xX][0-9a-fA-F]+)|{_GO_FLOAT.pattern}")
# parseTimestamp's time.Parse layouts ("2006-1-2", with "T15:4:5.999999999Z07:00" or " 15:4:5.999999999") take
# one-digit months, days, hours, minutes and seconds, which YAML 1.1 timestamps do not. A superset of them: quoting
# a string go-yaml would leave plain costs nothing in reading it back.
_GO_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:[.,][0-9]+)?"
                           r"(?:Z|[-+][0-9]{2}:[0-9]{2})?)?")
_GO_NUMBER_START = frozenset("+-0123456789")
_GO_EXTRA_BOOLS = {"y", "Y", "n", "N"}
_STR_TAG = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=8192)
def reads_as_non_string(text: str) -> bool:
    """Whether a plain scalar `text` would be read back as something other than that string."""
    if text in _GO_EXTRA_BOOLS or _GO_FLOAT.fullmatch(text):
        return True
    if text[:1] in _GO_NUMBER_START and (_GO_NUMBER.fullmatch(text.replace("_", "")) or _GO_TIMESTAMP.fullmatch(text)):
        return True
    return _resolver.resolve(yaml.ScalarNode, text, (True, False)) != _STR_TAG


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _is_digit(ch: str) -> bool:
    # Go's unicode.IsDigit: decimal digits (category Nd) only, so '²' is not one.
    return unicodedata.category(ch) == "Nd"


def _digit_value(ch: str) -> int:
    # go-yaml computes `rune - '0'`, also for non-ASCII digits.
    return ord(ch) - ord("0")


def _go_int64(n: int) -> int:
    # go-yaml adds the digits up in an int64, which wraps: a run of 19 digits or more can count as a negative number.
    # ctypes keeps the low 64 bits as Go does ("no overflow checking is done").
    return ctypes.c_int64(n).value


def go_key_less(a: str, b: str) -> bool:
    """go-yaml v2's keyList.Less for string keys: letters after other runes, digit runs compared as numbers."""
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        al, bl = _is_letter(a[i]), _is_letter(b[i])
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and _is_digit(a[j]):
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and _is_digit(a[ai]):
            an = an * 10 + _digit_value(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and _is_digit(b[bi]):
            bn = bn * 10 + _digit_value(b[bi])
            bi += 1
        an, bn = _go_int64(an), _go_int64(bn)
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


class _GoKey:
    __slots__ = ("key",)

    def __init__(self, key: str):
        self.key = key

    def __lt__(self, other: "_GoKey") -> bool:
        return go_key_less(self.key, other.key)


def _key_order(keys: tuple) -> tuple[int, ...]:
    """Positions of `keys` in go-yaml's order; raises TypeError on a non-string key."""
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"mapping keys must be strings, got {key!r}")
    return tuple(sorted(range(len(keys)), key=lambda i: _GoKey(keys[i])))


# Most mappings share their key sets (every job, every RoleBinding), so each set is ordered once.
_cached_key_order = functools.lru_cache(maxsize=4096)(_key_order)


def sorted_keys(mapping: dict[str, Any]) -> list[str]:
    """The keys of `mapping` in go-yaml v2's order; raises TypeError on a non-string key."""
    keys = tuple(mapping)
    return [keys[i] for i in _cached_key_order(keys)]


def _str_style(value: str) -> str | None:
    if "\n" in value:
        return "|"
    if reads_as_non_string(value) or value == "":
        return '"'
    return None


class _Dumper(yaml.SafeDumper):
    def check_simple_key(self) -> bool:
        """go-yaml v2's rule, which libyaml shares: a one-line scalar key of at most 128 bytes, its tag counted only
        when written, is a simple `key:`. PyYAML's pure-Python emitter counts characters and the implicit tag, stops
        at 127 and refuses an empty key, so it would write `? key` where the job sanitizer writes `key:`."""
        event = self.event
        if not isinstance(event, yaml.ScalarEvent) or event.anchor is not None:
            return super().check_simple_key()
        if self.analysis is None:
            self.analysis = self.analyze_scalar(event.value)
        length = len(event.value.encode("utf-8", "surrogatepass"))
        if not any(event.implicit):
            if self.prepared_tag is None:
                self.prepared_tag = self.prepare_tag(event.tag)
            length += len(self.prepared_tag)
        return length <= _MAX_SIMPLE_KEY and not self.analysis.multiline


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar(_STR_TAG, value, style=_str_style(value))


def _represent_dict(dumper: yaml.SafeDumper, value: dict) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", [(k, value[k]) for k in sorted_keys(value)])


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)
# Never emit anchors and aliases, even when one object appears twice.
_Dumper.ignore_aliases = lambda self, data: True  # type: ignore[method-assign]


# PyYAML's C emitter (libyaml) is some 20 times faster, which matters for the multi-megabyte ConfigMap, but it
# breaks long double-quoted lines, escapes characters and writes complex keys differently from the pure-Python
# emitter. It writes the same bytes for the strings _c_emitter_agrees accepts (tests compare both emitters), so a
# document made only of those goes through C; any other document keeps the pure-Python emitter.
_CDumper = None
if getattr(yaml, "__with_libyaml__", False):
    class _CDumper(yaml.CSafeDumper):  # type: ignore[no-redef]
        pass

    for _type, _representer in _Dumper.yaml_representers.items():
        _CDumper.add_representer(_type, _representer)
    _CDumper.ignore_aliases = _Dumper.ignore_aliases  # type: ignore[method-assign]

_ASCII_TEXT = re.compile(r"[\x20-\x7e\n]*")
_MAX_SIMPLE_KEY = 128


def _c_emitter_agrees(text: str, *, key: bool) -> bool:
    if not _ASCII_TEXT.fullmatch(text):
        return False
    if key:
        return len(text) <= _MAX_SIMPLE_KEY and "\n" not in text
    # A multi-line string must be one that both write as a plain `|` block: whole lines, none padded with
    # spaces, the last one not blank (a `|+` block makes libyaml end the document with `...`).
    return "\n" not in text or (text.endswith("\n") and not text.endswith("\n\n") and text.strip(" ") != "\n"
                                 and not text.startswith(" ") and " \n" not in text and "\n " not in text)


# `dump` turns a document of plain data straight into the events PyYAML's representer and serializer would
# produce for it (tests compare the bytes with that path), skipping the node graph, the per-scalar resolver
# calls and the anchor bookkeeping; any other type is left to the representers.
_DUMP_OPTIONS = {"default_flow_style": False, "allow_unicode": True, "width": 80, "indent": 2, "sort_keys": False}


class _Unrepresentable(Exception):
    """`dump`'s fast path met a value that only PyYAML's representers know how to write."""


def _scalar_event(tag: str, text: str, style: str | None = None) -> yaml.ScalarEvent:
    # The implicit flags yaml.serializer.Serializer.serialize_node computes.
    implicit = (_resolver.resolve(yaml.ScalarNode, text, (True, False)) == tag,
                _resolver.resolve(yaml.ScalarNode, text, (False, True)) == tag)
    return yaml.ScalarEvent(None, tag, implicit, text, style=style)


def _string_scalar(text: str, key: bool) -> tuple[yaml.ScalarEvent, bool]:
    """The event for string `text` (a mapping key if `key`), and whether the C emitter agrees on it."""
    return _scalar_event(_STR_TAG, text, _str_style(text)), _c_emitter_agrees(text, key=key)


# Keys and short values repeat across documents; long texts (the ConfigMap data) are seldom repeated and
# would only keep megabytes alive.
_cached_string_scalar = functools.lru_cache(maxsize=16384)(_string_scalar)
_CACHED_LENGTH = 256
_TRUE = _scalar_event("tag:yaml.org,2002:bool", "true")
_FALSE = _scalar_event("tag:yaml.org,2002:bool", "false")
_NULL = _scalar_event("tag:yaml.org,2002:null", "null")
# Events carry no state of the emitter, so one instance serves every mapping and sequence.
_MAPPING_START = yaml.MappingStartEvent(None, "tag:yaml.org,2002:map", True, flow_style=False)
_MAPPING_END = yaml.MappingEndEvent()
_SEQUENCE_START = yaml.SequenceStartEvent(None, "tag:yaml.org,2002:seq", True, flow_style=False)
_SEQUENCE_END = yaml.SequenceEndEvent()


# A long `|` block (a mapping file in the ConfigMap) is written by indenting its lines here, which is what both
# emitters do with it, at a fraction of their cost: the emitter writes a one-line placeholder block in its place,
# and the placeholder's indentation is the block's. A document that holds the mark otherwise keeps the emitter's.
_BLOCK_MARK = "mirrorgen-literal-block-placeholder-"


def _append_events(value: Any, events: list, blocks: list[str] | None) -> bool:
    """Append the events of `value`; returns whether the C emitter writes them as the Python one does. Long `|`
    blocks go to `blocks` (unless None) with a placeholder in the events."""
    kind = type(value)
    if kind is str:
        if len(value) <= _CACHED_LENGTH:
            event, agrees = _cached_string_scalar(value, False)
        elif blocks is not None and "\n" in value and value[0] != "\n" and _c_emitter_agrees(value, key=False):
            # (A leading blank line makes the emitters write an indentation indicator, `|2`.)
            event, agrees = _scalar_event(_STR_TAG, f"{_BLOCK_MARK}{len(blocks)}\n", "|"), True
            blocks.append(value)
        else:
            event, agrees = _string_scalar(value, False)
        events.append(event)
        return agrees
    if kind is dict:
        events.append(_MAPPING_START)
        agrees = True
        keys = tuple(value)
        for i in _cached_key_order(keys):
            key = keys[i]
            if type(key) is not str:  # a str subclass: _key_order rejected all other types
                raise _Unrepresentable
            event, key_agrees = _cached_string_scalar(key, True)
            events.append(event)
            agrees = _append_events(value[key], events, blocks) and key_agrees and agrees
        events.append(_MAPPING_END)
        return agrees
    if kind is list or kind is tuple:
        events.append(_SEQUENCE_START)
        agrees = True
        for item in value:
            agrees = _append_events(item, events, blocks) and agrees
        events.append(_SEQUENCE_END)
        return agrees
    if kind is bool:
        events.append(_TRUE if value else _FALSE)
    elif kind is int:
        events.append(_scalar_event("tag:yaml.org,2002:int", str(value)))
    elif value is None:
        events.append(_NULL)
    else:
        raise _Unrepresentable
    return True


def _document_events(value: Any, blocks: list[str] | None = None) -> tuple[list, type]:
    """The event stream of one document and the dumper to emit it with; raises _Unrepresentable."""
    events = [yaml.StreamStartEvent(), yaml.DocumentStartEvent()]
    agrees = _append_events(value, events, blocks)
    events += [yaml.DocumentEndEvent(), yaml.StreamEndEvent()]
    # A scalar document ends with `...` from one emitter only.
    use_c = _CDumper is not None and agrees and type(value) in (dict, list, tuple)
    return events, _CDumper if use_c else _Dumper


def dump(value: Any, *, dumper: type | None = None) -> str:
    """One YAML document (no `---`, no `...`) in go-yaml v2 form; empty mappings/lists as `{}`/`[]`.

    Raises TypeError on a non-string mapping key. `dumper` forces one emitter and PyYAML's representers (for
    tests comparing them); by default the fastest path that writes these bytes.
    """
    if dumper is None:
        try:
            blocks: list[str] = []
            text = _filled(_emitted(*_document_events(value, blocks)), blocks)
            return _without_end_marker(text if text is not None else _emitted(*_document_events(value)))
        except _Unrepresentable:
            dumper = _Dumper
    return _without_end_marker(yaml.dump(value, Dumper=dumper, **_DUMP_OPTIONS))


def _without_end_marker(text: str) -> str:
    """A `|+` block last in a document makes PyYAML end it with `...`; go-yaml writes none, and text appended
    after the marker (the importer's `mappings:` blocks) would start a second document. The document reads the
    same without it."""
    return text[:-4] if text.endswith("\n...\n") else text


def _emitted(events: list, dumper: type) -> str:
    stream = io.StringIO()
    emitter = dumper(stream, **_DUMP_OPTIONS)
    try:
        for event in events:
            emitter.emit(event)
    finally:
        emitter.dispose()
    return stream.getvalue()


def _filled(text: str, blocks: list[str]) -> str | None:
    """`text` with each placeholder line replaced by its block's lines, at its indentation (a blank line is written
    without one); None when the mark also occurs elsewhere in the document."""
    if not blocks:
        return text
    if text.count(_BLOCK_MARK) != len(blocks):
        return None
    pieces, start = [], 0
    for index, block in enumerate(blocks):
        placeholder = f"{_BLOCK_MARK}{index}\n"
        at = text.index(placeholder, start)
        line_start = text.rindex("\n", 0, at) + 1
        indent = text[line_start:at]
        pieces.append(text[start:line_start])
        pieces.extend(f"{indent}{line}\n" if line else "\n" for line in block[:-1].split("\n"))
        start = at + len(placeholder)
    pieces.append(text[start:])
    return "".join(pieces)
