"""YAML in the exact form sigs.k8s.io/yaml (go-yaml v2) writes, which openshift/release's job sanitizer keeps.

go-yaml v2's emitter is a port of libyaml, as is PyYAML's, so PyYAML emits the same layout (2-space indent,
sequences not indented under their key, plain scalars folded at 80 columns, single quotes when a plain
scalar is not allowed). What differs is decided here: go-yaml's natural key order, double quotes for
strings that would read back as another type, and `|` blocks for multi-line strings.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import yaml

# go-yaml v2 reads these as numbers or booleans on top of what PyYAML's YAML 1.1 resolver knows.
_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_EXTRA_BOOLS = {"y", "Y", "n", "N"}
_STR_TAG = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=8192)
def reads_as_non_string(text: str) -> bool:
    """Whether a plain scalar `text` would be read back as something other than that string."""
    if text in _GO_EXTRA_BOOLS or _GO_FLOAT.fullmatch(text):
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


def sorted_keys(mapping: dict[str, Any]) -> list[str]:
    return sorted(mapping, key=_GoKey)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        style = "|"
    elif reads_as_non_string(value) or value == "":
        style = '"'
    else:
        style = None
    return dumper.represent_scalar(_STR_TAG, value, style=style)


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
        return 0 < len(text) < _MAX_SIMPLE_KEY and "\n" not in text
    # A multi-line string must be one that both write as a plain `|` block: whole lines, none padded with
    # spaces, the last one not blank (a `|+` block makes libyaml end the document with `...`).
    return "\n" not in text or (text.endswith("\n") and not text.endswith("\n\n") and text.strip(" ") != "\n"
                                 and not text.startswith(" ") and " \n" not in text and "\n " not in text)


def _dumper_for(value: Any) -> type:
    """The emitter to use for `value`; raises TypeError on a non-string mapping key."""
    # A scalar document ends with `...` from one emitter only.
    use_c = _CDumper is not None and isinstance(value, (dict, list, tuple))
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, nested in item.items():
                if not isinstance(key, str):
                    raise TypeError(f"mapping keys must be strings, got {key!r}")
                use_c = use_c and _c_emitter_agrees(key, key=True)
                stack.append(nested)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, str):
            use_c = use_c and _c_emitter_agrees(item, key=False)
    return _CDumper if use_c else _Dumper


def dump(value: Any, *, dumper: type | None = None) -> str:
    """One YAML document (no `---`, no `...`) in go-yaml v2 form; empty mappings/lists as `{}`/`[]`.

    `dumper` forces one emitter (for tests comparing them); by default the fastest that writes these bytes.
    """
    chosen = _dumper_for(value)
    return yaml.dump(
        value,
        Dumper=dumper or chosen,
        default_flow_style=False,
        allow_unicode=True,
        width=80,
        indent=2,
        sort_keys=False,
    )
