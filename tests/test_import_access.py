"""`mirrorgen import` reads each registry-access folder's access decision from the RoleBindings that grant
ClusterRole system:image-puller (seed 000's binding), whatever their name or file layout (DESIGN.md, "RBAC": plain
multi-document files or one `kind: List`); a binding of any other role grants no pulling."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from mirrorgen.importer import import_release

JOBS = "ci-operator/jobs/infra-image-mirroring.yaml"
FOLDER = "clusters/app.ci/registry-access/acme-ci"


def binding(role: str, *groups: str, name: str = "image-puller", kind: str = "Group") -> dict[str, Any]:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": name, "namespace": "acme-ci"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": group} for group in groups],
    }


NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "acme-ci"}}


def imported_access(files: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    release = {JOBS: b"periodics: []\n"}
    release.update({f"{FOLDER}/{name}": yaml.safe_dump_all(documents).encode() for name, documents in files.items()})
    inventory, _ = import_release(release)
    entry = yaml.safe_load(inventory["namespaces.yaml"])["namespaces"]["acme-ci"]
    return {key: value for key, value in entry.items() if key in ("access", "public_acknowledged")}


PUBLIC = {"access": "public", "public_acknowledged": f"imported: {FOLDER} already grants system:unauthenticated the"
                                                    " image-puller role"}


@pytest.mark.parametrize("files, expected", [
    # Seed 000: every authenticated user of app.ci may pull.
    ({"admin_manifest.yaml": [NAMESPACE, binding("system:image-puller", "system:authenticated")]},
     {"access": "authenticated"}),
    # The binding's name varies upstream; the role it grants is what counts.
    ({"admin_rbac.yaml": [binding("system:image-puller", "system:authenticated", name="acme-ci-image-puller-binding")]},
     {"access": "authenticated"}),
    # Public namespaces bind both groups (DESIGN.md).
    ({"admin_manifest.yaml": [NAMESPACE, binding("system:image-puller", "system:authenticated", "system:unauthenticated")]},
     PUBLIC),
    # Other roles bound to the built-in groups grant no pulling.
    ({"admin_manifest.yaml": [NAMESPACE, binding("admin", "system:authenticated")]}, {"access": "mirror-only"}),
    ({"admin_manifest.yaml": [NAMESPACE, binding("view", "system:authenticated", "system:unauthenticated")]},
     {"access": "mirror-only"}),
    ({"a.yaml": [binding("system:image-puller", "system:authenticated")], "b.yaml": [binding("edit", "system:unauthenticated")]},
     {"access": "authenticated"}),
    # Only a ServiceAccount may pull.
    ({"admin_manifest.yaml": [NAMESPACE, binding("system:image-puller", "image-mirror", kind="ServiceAccount")]},
     {"access": "mirror-only"}),
    # One `kind: List` holding the Namespace and the binding.
    ({"admin_list.yaml": [{"apiVersion": "v1", "kind": "List",
                           "items": [NAMESPACE, binding("system:image-puller", "system:authenticated")]}]},
     {"access": "authenticated"}),
    ({"admin_list.yaml": [{"apiVersion": "v1", "kind": "List",
                           "items": [NAMESPACE, binding("admin", "system:authenticated", "system:unauthenticated")]}]},
     {"access": "mirror-only"}),
])
def test_access_is_what_the_image_puller_bindings_grant(files, expected) -> None:
    assert imported_access(files) == expected
