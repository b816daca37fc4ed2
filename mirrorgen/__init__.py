"""mirrorgen: one inventory renders every image-mirroring artifact; check mode finds drift.

The pipeline is load → validate → plan → write | check:

    import mirrorgen
    inventory = mirrorgen.load_inventory("config")       # raises InvalidInventory (file:line problems)
    outputs = mirrorgen.plan(inventory)                   # pure: [Output(path, text, source)]
    drift = mirrorgen.check(outputs, "generated")         # compare, write nothing
    if not drift.clean:
        mirrorgen.write(outputs, "generated")             # atomic, only changed files
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from . import _compat

# Public name → defining module. Resolved on first use so that `mirrorgen --help` imports almost nothing.
_EXPORTS = {
    "InvalidInventory": "errors",
    "Location": "errors",
    "MirrorgenError": "errors",
    "Problem": "errors",
    "Severity": "errors",
    "load_inventory": "inventory.load",
    "parse_inventory": "inventory.load",
    "Inventory": "inventory.model",
    "Output": "output",
    "plan": "plan",
    "qci_reference": "inventory.qci",
    "Drift": "tree",
    "FileDrift": "tree",
    "WriteSummary": "tree",
    "check": "tree",
    "write": "tree",
    "validate": "plan",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from .errors import InvalidInventory, Location, MirrorgenError, Problem, Severity
    from .inventory.load import load_inventory, parse_inventory
    from .inventory.model import Inventory
    from .inventory.qci import qci_reference
    from .output import Output
    from .plan import plan, validate
    from .tree import Drift, FileDrift, WriteSummary, check, write


class _Package(types.ModuleType):
    """Keeps `mirrorgen.plan` and `mirrorgen.validate` the functions: importing a submodule normally rebinds
    the package attribute of the same name to the submodule object."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
_compat.install()


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'mirrorgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
