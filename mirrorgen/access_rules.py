"""Rules that keep `mirror-only` access workable: the binding names one ServiceAccount, which must be the one the
mirroring pods really run as, in the namespace they really run in, on the cluster that holds the binding."""

from __future__ import annotations

from typing import Iterator

from .artifacts.rbac import REGISTRY_ACCESS_DIR
from .errors import Location, Problem
from .model import Access, Inventory, job_setting_location, resolve_job

# The cluster whose registry the registry-access RoleBindings govern: the folder they are written to.
REGISTRY_CLUSTER = REGISTRY_ACCESS_DIR.split("/")[1]


def check_job_namespace(inventory: Inventory) -> Iterator[Problem]:
    """The job pods mount the ConfigMap and the push secret, so both must live in the namespace the pods run in;
    that is also where the mirror-only binding looks for the ServiceAccount."""
    settings = inventory.settings
    if settings.configmap.namespace != settings.vault.target_namespace:
        yield Problem(inventory.locate(settings.file, "vault", "target_namespace"),
                      f"vault.target_namespace {settings.vault.target_namespace!r} differs from configmap.namespace"
                      f" {settings.configmap.namespace!r}: the job pods mount both the push secret and the ConfigMap, so"
                      f" they must be in the same namespace")


def check_mirror_only_clusters(inventory: Inventory) -> Iterator[Problem]:
    """A mirror-only namespace only lets in the ServiceAccount on its own cluster: every job reading from it must
    run there."""
    mirror_only = {ns.name for ns in inventory.namespaces if ns.access is Access.MIRROR_ONLY}
    if not mirror_only:
        return
    registry = inventory.settings.source_registry
    for org in inventory.orgs:
        job = resolve_job(inventory.settings, org)
        if job.cluster == REGISTRY_CLUSTER:
            continue
        for mapping in org.mappings:
            for line in mapping.lines:
                namespaces = {pair.source.path.split("/", 1)[0] for pair in line.pairs if pair.source.registry == registry}
                for namespace in sorted(namespaces & mirror_only):
                    yield Problem(Location(org.file, line.number),
                                  f"namespace {namespace!r} is mirror-only, so only the jobs' ServiceAccount on"
                                  f" {REGISTRY_CLUSTER} may pull from it, but this org's job runs on {job.cluster!r}"
                                  f" (set at {job_setting_location(inventory, org, 'cluster')}): run the job on"
                                  f" {REGISTRY_CLUSTER} or choose another access level")
