"""clusters/app.ci/registry-access/<namespace>/: the namespace, who may pull its images, and OWNERS."""

from __future__ import annotations

import functools
from typing import Any, Optional

from ..inventory.model import REGISTRY_CLUSTER, Access, Inventory, Namespace
from ..inventory.readers import enabled_jobs, mirror_only_readers
from ..output import Output
from ..provenance import document_sources
from .owners import owners_text
from .render import render

REGISTRY_ACCESS_DIR = f"clusters/{REGISTRY_CLUSTER}/registry-access"
RBAC_API = "rbac.authorization.k8s.io"


def group_subject(name: str) -> dict[str, str]:
    return {"apiGroup": RBAC_API, "kind": "Group", "name": name}


def namespace_document(name: str, display_name: Optional[str], description: Optional[str]) -> dict[str, Any]:
    """A Namespace with the OpenShift console's description and display-name annotations, when given."""
    metadata: dict[str, Any] = {"name": name}
    annotations = {}
    if description:
        annotations["openshift.io/description"] = description
    if display_name:
        annotations["openshift.io/display-name"] = display_name
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


def puller_subjects(inventory: Inventory, namespace: Namespace) -> list[dict[str, str]]:
    """The subjects of the image-puller RoleBinding for the namespace's declared access level."""
    if namespace.access is Access.MIRROR_ONLY:
        # Exactly the accounts of the jobs that read from it; none when no job does.
        jobs = enabled_jobs(inventory)
        accounts = {jobs[org].service_account for org in mirror_only_readers(inventory)[namespace.name]}
        return [{"kind": "ServiceAccount", "name": account, "namespace": inventory.settings.configmap.namespace}
                for account in sorted(filter(None, accounts))]
    subjects = [group_subject("system:authenticated")]
    if namespace.access is Access.PUBLIC:
        subjects.append(group_subject("system:unauthenticated"))
    return subjects


def namespace_manifests(inventory: Inventory, namespace: Namespace) -> list[dict[str, Any]]:
    return [
        namespace_document(namespace.name, namespace.display_name, namespace.description),
        {
            "apiVersion": f"{RBAC_API}/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "image-puller", "namespace": namespace.name},
            "roleRef": {"apiGroup": RBAC_API, "kind": "ClusterRole", "name": "system:image-puller"},
            "subjects": puller_subjects(inventory, namespace),
        },
    ]


def plan_registry_access(inventory: Inventory) -> list[Output]:
    header = inventory.settings.header
    outputs = []
    for namespace in inventory.namespaces:
        folder = f"{REGISTRY_ACCESS_DIR}/{namespace.name}"
        where = inventory.locate(namespace.file, "namespaces", namespace.name, key=True)
        if namespace.render_manifests:
            manifests = render("documents.yaml.j2", source=namespace.file, header=header,
                               documents=namespace_manifests(inventory, namespace))
            # The Namespace document comes from the entry, the RoleBinding from its access decision.
            access = inventory.locate(namespace.file, "namespaces", namespace.name, "access")
            outputs.append(Output(f"{folder}/admin_manifest.yaml", manifests, where,
                                  functools.partial(document_sources, manifests, (where, access))))
        owners = owners_text(namespace.owners, source=namespace.file, header=header)
        if owners is not None:
            outputs.append(Output(f"{folder}/OWNERS", owners, inventory.locate(namespace.file, "namespaces", namespace.name, "owners")))
    return outputs
