"""Rules for mirrorgen.yaml: its settings, and the order of the jobs."""

from __future__ import annotations

import re
from typing import Iterator

from ..errors import Problem
from ..inventory.model import DEFECT_SEVERITIES, Inventory
from ..inventory.refs import is_dns1123_subdomain, is_registry_host
from .names import CLUSTER, label_problem

_VAULT_SEGMENT = re.compile(r"[-._A-Za-z0-9]+")


def check_settings(inventory: Inventory) -> Iterator[Problem]:
    s = inventory.settings
    where = lambda *path: inventory.locate(s.file, *path)  # noqa: E731
    if s.defects not in DEFECT_SEVERITIES:
        yield Problem(where("defects"), f"defects must be `error` or `warning`, not {s.defects!r}")
    yield from label_problem(where("configmap", "namespace"), "configmap namespace", s.configmap.namespace)
    if not is_dns1123_subdomain(s.configmap.name):
        yield Problem(where("configmap", "name"), f"configmap name {s.configmap.name!r} is not a valid Kubernetes name")
    yield from label_problem(where("vault", "target_namespace"), "vault target_namespace", s.vault.target_namespace)
    for index, cluster in enumerate(s.vault.target_clusters):
        # ci-secret-bootstrap splits secretsync/target-clusters on `,` without trimming: ` build01` matches no cluster.
        if not CLUSTER.fullmatch(cluster):
            yield Problem(where("vault", "target_clusters"), f"cluster name {cluster!r} must be a cluster name like app.ci"
                                                             f" (letters, digits, '-', '.', '_'; no commas or spaces)")
        elif cluster in s.vault.target_clusters[:index]:
            yield Problem(where("vault", "target_clusters"), f"cluster {cluster!r} is listed twice in vault target_clusters:"
                                                             f" keep one")
    if not _VAULT_SEGMENT.fullmatch(s.vault.mount) or s.vault.mount in (".", ".."):
        yield Problem(where("vault", "mount"), f"vault mount {s.vault.mount!r} must be the name of a KV version 2 mount"
                                               f" such as kv (letters, digits, '-', '_', '.'; no /)")
    if not s.configmap.cluster or not CLUSTER.fullmatch(s.configmap.cluster):
        yield Problem(where("configmap", "cluster"), f"cluster {s.configmap.cluster!r} is not a cluster name like app.ci")
    for cluster, namespaces in s.configmap.extra_clusters.items():
        at = where("configmap", "extra_clusters", cluster)
        if not CLUSTER.fullmatch(cluster):
            yield Problem(at, f"cluster {cluster!r} in configmap extra_clusters is not a cluster name like app.ci")
        if not namespaces:
            yield Problem(at, f"cluster {cluster!r} in configmap extra_clusters lists no namespace: list the namespaces"
                              f" config-updater applies the ConfigMap to there, or remove the cluster")
        for namespace in namespaces:
            yield from label_problem(at, "configmap extra_clusters namespace", namespace)
    if not all(_VAULT_SEGMENT.fullmatch(part) and part not in (".", "..") for part in s.vault.item_prefix.split("/")):
        yield Problem(where("vault", "item_prefix"), "vault item_prefix must be a path like selfservice/image-mirroring"
                                                     " (segments of letters, digits, '-', '_', '.'; no leading or trailing /)")
    if not is_registry_host(s.source_registry):
        yield Problem(where("source_registry"), f"source_registry {s.source_registry!r} must be a registry host such as"
                                                f" registry.ci.openshift.org")
    if "periodics" in s.job_file_extra:
        yield Problem(inventory.locate(s.file, "job_file_extra", "periodics", key=True),
                      "job_file_extra cannot hold `periodics`: mirrorgen writes them from the orgs")


def check_job_order(inventory: Inventory) -> Iterator[Problem]:
    with_job = {org.name for org in inventory.orgs if org.job.enabled is not False}
    seen: set[str] = set()
    for index, name in enumerate(inventory.settings.job_order):
        where = inventory.locate(inventory.settings.file, "job_order", index)
        if name not in with_job:
            yield Problem(where, f"job_order names {name!r}, which is no org with a job: remove it or add orgs/{name}.yaml")
        elif name in seen:
            yield Problem(where, f"job_order names {name!r} twice: keep one")
        seen.add(name)
