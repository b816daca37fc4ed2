"""Import paths from before the layout of issue 17 keep working, with a DeprecationWarning that names the new one.

One table, MOVED, says where the names of an old module live now. An old module that no longer exists
(`mirrorgen.model`) is made on import by a finder placed after Python's own: a stand-in whose names are looked up
in the new modules, in order. A module that still exists but gave names away (`mirrorgen.plan`) forwards them the
same way, from its module `__getattr__` (`__getattr__ = forward(__name__)`).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
import warnings
from typing import Any, Callable, Optional, Sequence

# Old module → the modules that hold its names now, searched in order.
MOVED: dict[str, tuple[str, ...]] = {
    "mirrorgen.access_rules": ("mirrorgen.rules.access",),
    "mirrorgen.canonical_yaml": ("mirrorgen.artifacts.canonical_yaml",),
    "mirrorgen.change_plan": ("mirrorgen.review.change_plan",),
    "mirrorgen.cki": ("mirrorgen.inventory.images", "mirrorgen.rules.cki"),
    "mirrorgen.credentials": ("mirrorgen.rules.credentials",),
    "mirrorgen.cron": ("mirrorgen.inventory.cron",),
    "mirrorgen.explain": ("mirrorgen.review.explain",),
    "mirrorgen.fork": ("mirrorgen._fork",),
    "mirrorgen.gitrev": ("mirrorgen.review.gitrev",),
    "mirrorgen.granted_access": ("mirrorgen.adopt.registry_access",),
    "mirrorgen.importer": ("mirrorgen.adopt", "mirrorgen.adopt.checkout", "mirrorgen.adopt.jobs",
                           "mirrorgen.adopt.convert", "mirrorgen.adopt.roundtrip"),
    "mirrorgen.lint_image_names": ("mirrorgen.rules.image_names",),
    "mirrorgen.lint_qci": ("mirrorgen.rules.qci",),
    "mirrorgen.load": ("mirrorgen.inventory.load", "mirrorgen.plan"),
    "mirrorgen.memo": ("mirrorgen.inventory.memo",),
    "mirrorgen.model": ("mirrorgen.inventory.model", "mirrorgen.inventory.jobs"),
    "mirrorgen.overrides": ("mirrorgen.inventory.overrides",),
    "mirrorgen.pin": ("mirrorgen.registry.pin",),
    "mirrorgen.qci": ("mirrorgen.inventory.qci",),
    "mirrorgen.readers": ("mirrorgen.inventory.readers",),
    "mirrorgen.refs": ("mirrorgen.inventory.refs",),
    "mirrorgen.render": ("mirrorgen.artifacts.render",),
    "mirrorgen.report": ("mirrorgen.review.report",),
    "mirrorgen.secret_bootstrap": ("mirrorgen.adopt.secrets",),
    "mirrorgen.semantic": ("mirrorgen.review.semantic",),
    "mirrorgen.text_rules": ("mirrorgen.rules.text", "mirrorgen.inventory.characters"),
    "mirrorgen.validate": ("mirrorgen.rules", "mirrorgen.rules.known_defects", "mirrorgen.rules.jobs",
                           "mirrorgen.inventory.jobs", "mirrorgen.artifacts.mappings", "mirrorgen.plan"),
    "mirrorgen.verify": ("mirrorgen.registry.verify",),
    "mirrorgen.yaml_mistakes": ("mirrorgen.inventory.yaml_mistakes",),
    "mirrorgen.yamlsource": ("mirrorgen.inventory.yamlsource",),
    # Modules that stayed, and the names they gave away.
    "mirrorgen.artifacts.prow": ("mirrorgen.inventory.jobs", "mirrorgen.rules.jobs"),
    "mirrorgen.plan": ("mirrorgen.manifest", "mirrorgen.tree.drift"),
    "mirrorgen.registry": ("mirrorgen.registry.skopeo",),
    "mirrorgen.tree": ("mirrorgen.tree.drift", "mirrorgen.tree.writer"),
}


def _lookup(old: str, name: str) -> tuple[str, Any]:
    for new in MOVED[old]:
        module = importlib.import_module(new)
        if name in vars(module):  # vars, not getattr: another module's forwarding must not answer for it
            return new, vars(module)[name]
    raise AttributeError(f"module {old!r} has no attribute {name!r}")


def forward(old: str) -> Callable[[str], Any]:
    """A module `__getattr__` for `old`: each name it gave away, from where it lives now, with a warning."""

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        new, value = _lookup(old, name)
        warnings.warn(f"{old}.{name} moved to {new}.{name}", DeprecationWarning, stacklevel=2)
        return value

    return __getattr__


class _OldModules:
    """Finds the old modules that no longer exist, after every other finder has looked, and makes them (a meta path
    finder and its loader; not derived from importlib.abc, whose import would slow down `mirrorgen --help`)."""

    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Optional[types.ModuleType] = None):
        return importlib.machinery.ModuleSpec(fullname, self) if fullname in MOVED else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # an empty module

    def exec_module(self, module: types.ModuleType) -> None:
        old = module.__name__
        warnings.warn(f"{old} is deprecated: import from {' or '.join(MOVED[old])}", DeprecationWarning,
                      stacklevel=2)

        def __getattr__(name: str) -> Any:
            if name.startswith("__"):
                raise AttributeError(f"module {old!r} has no attribute {name!r}")
            value = _lookup(old, name)[1]
            setattr(module, name, value)
            return value

        module.__getattr__ = __getattr__  # type: ignore[method-assign]


def install() -> None:
    if not any(isinstance(finder, _OldModules) for finder in sys.meta_path):
        sys.meta_path.append(_OldModules())
