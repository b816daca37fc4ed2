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

    @functools.wraps(func)
    def once(inventory: Inventory) -> T:
        key = id(inventory)
        if key not in results:
            results[key] = func(inventory)
            weakref.finalize(inventory, results.pop, key, None)
        return results[key]

    return once
