"""The override block: a mapping deep-merged into a rendered document, and the block that turns one into another.

Semantics of `deep_merge(base, block)`: where both hold a mapping, they merge key by key, recursively; a key whose
block value is null is deleted from the result; any other value (scalar or list) replaces the base value whole.
`overrides_between(base, target)` is its inverse: the smallest block with `deep_merge(base, block) == target`.
"""

from __future__ import annotations

from typing import Any


def deep_merge(base: Any, block: Any) -> Any:
    if not (isinstance(base, dict) and isinstance(block, dict)):
        return _without_nulls(block)
    merged = dict(base)
    for key, value in block.items():
        if value is None:
            merged.pop(key, None)
        elif key in merged:
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = _without_nulls(value)
    return merged


def _without_nulls(value: Any) -> Any:
    # A null below a key the base lacks has nothing to delete.
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (Python's True == 1 would hide a change of YAML type)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def overrides_between(base: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for key in base:
        if key not in target:
            block[key] = None
    for key, value in target.items():
        if key not in base:
            block[key] = value
        elif not _same(base[key], value):
            if isinstance(base[key], dict) and isinstance(value, dict):
                block[key] = overrides_between(base[key], value)
            else:
                block[key] = value
    return block
