"""QCI access on app.ci: the qci-image-puller binding for Rover groups, one registry-access folder per
integration (a ServiceAccount its admins mint bound tokens for), and ci-operator's image-tagger RBAC in the
namespaces it promotes into for mirroring (seeds 003 and 004)."""

from __future__ import annotations

from typing import Any

from ..inventory.model import Inventory, QciAccess, QciIntegration
from ..inventory.qci import QCI_AUTHZ_NAMESPACE
from ..output import Output
from .owners import owners_document
from .rbac import RBAC_API, REGISTRY_ACCESS_DIR, group_subject, namespace_document
from .render import render

QCI_PULLER_PATH = "clusters/app.ci/assets/admin_qci-image-puller_rbac.yaml"
IMAGE_TAGGER_PATH = "clusters/app.ci/ci-operator/admin_image-tagger_rbac.yaml"
PULLER_ROLE = "qci-image-puller"
INTEGRATION_ACCOUNT = "image-puller"
TOKEN_ROLE = "image-puller-token-creator"
# ci-operator runs as this ServiceAccount when it promotes images (tags them into the promotion namespace).
CI_OPERATOR = {"kind": "ServiceAccount", "name": "ci-operator", "namespace": "ci"}


def _role(name: str, namespace: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC_API}/v1", "kind": "Role", "metadata": {"name": name, "namespace": namespace},
            "rules": rules}


def _binding(name: str, namespace: str, role_kind: str, role: str, subjects: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "apiVersion": f"{RBAC_API}/v1",
        "kind": "RoleBinding",
        "metadata": {"name": name, "namespace": namespace},
        "roleRef": {"apiGroup": RBAC_API, "kind": role_kind, "name": role},
        "subjects": subjects,
    }


def qci_puller_manifests(qci: QciAccess) -> list[dict[str, Any]]:
    """The qci-image-puller Role and its RoleBinding to every declared group, sorted by name."""
    role = _role(PULLER_ROLE, QCI_AUTHZ_NAMESPACE,
                 [{"apiGroups": ["image.openshift.io"], "resources": ["imagestreams/layers"], "verbs": ["get"]}])
    subjects = [group_subject(name) for name in sorted(qci.groups)]
    return [role, _binding(PULLER_ROLE, QCI_AUTHZ_NAMESPACE, "Role", PULLER_ROLE, subjects)]


def integration_manifests(integration: QciIntegration) -> list[dict[str, Any]]:
    """The documented registry-access layout, but with token minting instead of readable ServiceAccount secrets.

    The admins may only create bound tokens for `image-puller` (`oc create token image-puller`); no Secret of type
    kubernetes.io/service-account-token exists and no rule reads secrets, so no long-lived token is ever issued.
    """
    name = integration.name
    account = {"kind": "ServiceAccount", "name": INTEGRATION_ACCOUNT, "namespace": name}
    admins = [group_subject(integration.admins)]
    return [
        namespace_document(name, integration.display_name, integration.description),
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": INTEGRATION_ACCOUNT, "namespace": name}},
        _binding(f"{name}-image-puller-binding", QCI_AUTHZ_NAMESPACE, "ClusterRole", "system:image-puller", [account]),
        _binding(f"{name}-viewer-binding", name, "ClusterRole", "view", admins),
        _role(TOKEN_ROLE, name, [{"apiGroups": [""], "resources": ["serviceaccounts/token"],
                                  "resourceNames": [INTEGRATION_ACCOUNT], "verbs": ["create"]}]),
        _binding(f"{name}-admins-binding", name, "Role", TOKEN_ROLE, admins),
    ]


def image_tagger_manifests(namespace: str) -> list[dict[str, Any]]:
    """What ci-operator needs to promote into `namespace` (upstream roles.yaml, as rbac.authorization.k8s.io/v1)."""
    rule = {"apiGroups": ["", "image.openshift.io"], "resources": ["imagestreamtags", "imagestreams"],
            "verbs": ["update", "patch", "get", "create"]}
    return [
        _role("image-tagger", namespace, [rule]),
        _binding("image-tagger-ci-operator", namespace, "Role", "image-tagger", [CI_OPERATOR]),
    ]


def plan_qci_access(inventory: Inventory) -> list[Output]:
    qci = inventory.qci
    if qci is None:
        return []
    header = inventory.settings.header

    def yaml_file(path: str, documents: list[dict[str, Any]], *where: Any) -> Output:
        text = render("documents.yaml.j2", source=qci.file, header=header, documents=documents)
        return Output(path, text, inventory.locate(qci.file, *where, key=True))

    outputs = [yaml_file(QCI_PULLER_PATH, qci_puller_manifests(qci), "groups")]
    for name in sorted(qci.integrations):
        integration = qci.integrations[name]
        folder = f"{REGISTRY_ACCESS_DIR}/{name}"
        outputs.append(yaml_file(f"{folder}/admin_manifest.yaml", integration_manifests(integration), "integrations", name))
        outputs.append(yaml_file(f"{folder}/OWNERS", [owners_document(integration.owners)], "integrations", name, "owners"))
    namespaces = sorted(set(qci.promotion_namespaces))
    if namespaces:
        documents = [doc for namespace in namespaces for doc in image_tagger_manifests(namespace)]
        outputs.append(yaml_file(IMAGE_TAGGER_PATH, documents, "promotion_namespaces"))
    return outputs
