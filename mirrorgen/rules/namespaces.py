"""Rules for namespaces.yaml: names, and an acknowledgement for every access wider than the mirroring jobs."""

from __future__ import annotations

from typing import Iterator

from ..errors import Problem, Severity
from ..inventory.model import Access, Inventory
from .names import label_problem


def check_namespaces(inventory: Inventory) -> Iterator[Problem]:
    for ns in inventory.namespaces:
        if not ns.render_manifests:
            continue  # written by hand: its name and access are whatever the folder's manifests say
        where = inventory.locate(ns.file, "namespaces", ns.name, key=True)
        yield from label_problem(where, "namespace", ns.name)
        access_at = inventory.locate(ns.file, "namespaces", ns.name, "access")
        if ns.acknowledged is not None and ns.public_acknowledged is not None:
            yield Problem(inventory.locate(ns.file, "namespaces", ns.name, "public_acknowledged", key=True),
                          f"namespace {ns.name!r} sets both acknowledged and public_acknowledged, its older spelling:"
                          f" keep acknowledged")
        if ns.access is Access.PUBLIC and not ns.acknowledgement:
            yield Problem(access_at, f"namespace {ns.name!r} would let anyone, even unauthenticated, pull its images; state why"
                                     f" and who agreed in `acknowledged`, or choose authenticated / mirror-only")
        if ns.access is Access.AUTHENTICATED and not ns.acknowledgement:
            yield Problem(access_at, f"namespace {ns.name!r}: every authenticated user of the cluster can pull its images;"
                                     f" use mirror-only if only the mirroring jobs need them, or say why they may not and"
                                     f" who agreed in `acknowledged`", Severity.WARNING)
