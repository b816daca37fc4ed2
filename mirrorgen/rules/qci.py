"""Rules for qci.yaml: every grant has accountable owners, names Kubernetes accepts, no folder collisions."""

from __future__ import annotations

from typing import Iterator

from ..errors import Location, Problem
from ..inventory.model import Inventory, Owners
from ..inventory.qci import IMAGE_STREAM_REGISTRIES, QCI_AUTHZ_NAMESPACE
from ..inventory.refs import dns1123_label_error


def _group_name_problem(where: Location, what: str, name: str) -> Iterator[Problem]:
    if name.startswith("system:"):
        yield Problem(where, f"{what} {name!r} is a built-in group of every cluster user or ServiceAccount, which would"
                             f" open QCI far beyond one team: name a Rover group")
    elif not name or any(c.isspace() or c in "/:%" for c in name):
        yield Problem(where, f"{what} {name!r} is not a Rover group name (no spaces, '/', ':' or '%')")


def _owners_problem(where: Location, what: str, owners: Owners) -> Iterator[Problem]:
    if not owners.approvers:
        yield Problem(where, f"{what} has no owners.approvers: nobody answers for this access; list at least one"
                             f" GitHub user")


def check_image_stream_registry(inventory: Inventory) -> Iterator[Problem]:
    settings = inventory.settings
    if settings.image_stream_registry not in IMAGE_STREAM_REGISTRIES:
        yield Problem(inventory.locate(settings.file, "image_stream_registry"),
                      f"image_stream_registry must be one of {', '.join(IMAGE_STREAM_REGISTRIES)},"
                      f" not {settings.image_stream_registry!r}")


def check_qci_access(inventory: Inventory) -> Iterator[Problem]:
    qci = inventory.qci
    if qci is None:
        return
    at = lambda *path, key=False: inventory.locate(qci.file, *path, key=key)  # noqa: E731
    for name, group in qci.groups.items():
        where = at("groups", name, key=True)
        yield from _group_name_problem(where, "group", name)
        yield from _owners_problem(where, f"group {name!r}", group.owners)

    # Both name namespaces on app.ci.
    names = [(at("integrations", n, key=True), "integration name", n) for n in qci.integrations]
    names += [(at("promotion_namespaces", i), "promotion namespace", n) for i, n in enumerate(qci.promotion_namespaces)]
    for where, what, name in names:
        error = dns1123_label_error(what, name)
        if error:
            yield Problem(where, error)

    source_namespaces = {ns.name: ns for ns in inventory.namespaces}
    for name, integration in qci.integrations.items():
        where = at("integrations", name, key=True)
        if name in source_namespaces:
            other = source_namespaces[name]
            yield Problem(where, f"integration {name!r} would write clusters/app.ci/registry-access/{name}/, which the source"
                                 f" namespace {name!r} ({other.file}) already renders: rename the integration")
        if name == QCI_AUTHZ_NAMESPACE:
            yield Problem(where, f"integration {name!r} is the namespace QCI pulls are authorised in; choose another name")
        yield from _group_name_problem(at("integrations", name, "admins"), "admins group", integration.admins)
        yield from _owners_problem(where, f"integration {name!r}", integration.owners)

    for index, name in enumerate(qci.promotion_namespaces):
        where = at("promotion_namespaces", index)
        if name in qci.promotion_namespaces[:index]:
            yield Problem(where, f"promotion namespace {name!r} is listed twice; keep one")
        if name not in source_namespaces:
            yield Problem(where, f"promotion namespace {name!r} has no access decision, so the mirroring job may not pull"
                                 f" what ci-operator promotes there: add it to namespaces.yaml")
