"""Results computed once per Inventory object.

Several stages need the same derived facts (validation runs before planning and again inside `plan()`; the
ConfigMap layout is needed by validation, the mappings and the jobs). An Inventory is immutable, so a result
keyed by the object's identity stays right for as long as the object lives, and is dropped with it.
"""

from __future__ import annotations

import functools
import weakref
from typing import Callable, TypeVar

from .model import Inventory

T = TypeVar("T")


def per_inventory(func: Callable[[Inventory], T]) -> Callable[[Inventory], T]:
    results: dict[int, T] = {}

    def remember(inventory: Inventory, result: T) -> T:
        """Record `result`, computed another way (in another process), as func(inventory)."""
        if id(inventory) not in results:
            weakref.finalize(inventory, results.pop, id(inventory), None)
        results[id(inventory)] = result
        return result

    @functools.wraps(func)
    def once(inventory: Inventory) -> T:
        key = id(inventory)
        if key not in results:
            remember(inventory, func(inventory))
        return results[key]

    once.remember = remember  # type: ignore[attr-defined]
    return once
