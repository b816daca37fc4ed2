"""qci.yaml → the qci-image-puller binding, integration folders, image-tagger RBAC; and the rules for qci.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import kubernetes_validate
import pytest
import yaml

import mirrorgen
from conftest import REPO, run_cli
from mirrorgen.inventory.load import load_inventory

KUBERNETES = "1.30.0"
PULLER = "clusters/app.ci/assets/admin_qci-image-puller_rbac.yaml"
TAGGER = "clusters/app.ci/ci-operator/admin_image-tagger_rbac.yaml"

QCI = """\
    groups:
      team-b:
        owners:
          approvers: [bob]
      team-a:
        owners:
          approvers: [alice]
    integrations:
      robot:
        admins: robot-admins
        display_name: Robot
        owners:
          approvers: [carol]
          reviewers: [dave]
    promotion_namespaces: [acme-ci]
    """


def _plan(make_inventory: Callable[..., Path], qci: str | None = QCI, **changes: str) -> dict[str, str]:
    config = make_inventory({"qci.yaml": qci, **changes})
    return {o.path: o.text for o in mirrorgen.plan(load_inventory(config))}


def _documents(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc is not None]


def _by_kind(documents: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"]): d for d in documents}


def _grants(documents: list[dict[str, Any]]) -> set[tuple]:
    """(subject, namespace, verb, resource, resource name or '*') for every Role bound in the file; bindings to
    ClusterRoles (defined by the cluster) come out as (subject, namespace, 'ClusterRole', name, '')."""
    roles = {(d["metadata"]["namespace"], d["metadata"]["name"]): d for d in documents if d["kind"] == "Role"}
    grants = set()
    for binding in (d for d in documents if d["kind"] == "RoleBinding"):
        namespace, ref = binding["metadata"]["namespace"], binding["roleRef"]
        for subject in binding.get("subjects") or []:
            who = (subject["kind"], subject.get("namespace", ""), subject["name"])
            if ref["kind"] == "ClusterRole":
                grants.add((who, namespace, "ClusterRole", ref["name"], ""))
                continue
            for rule in roles[(namespace, ref["name"])]["rules"]:
                for verb in rule["verbs"]:
                    for resource in rule["resources"]:
                        for name in rule.get("resourceNames", ["*"]):
                            grants.add((who, namespace, verb, resource, name))
    return grants


def test_every_manifest_is_valid_kubernetes(make_inventory: Callable[..., Path]) -> None:
    outputs = _plan(make_inventory)
    manifests = [path for path in outputs if path.startswith("clusters/") and path.endswith(".yaml")]
    assert {PULLER, TAGGER, "clusters/app.ci/registry-access/robot/admin_manifest.yaml"} <= set(manifests)
    for path in manifests:
        for document in _documents(outputs[path]):
            kubernetes_validate.validate(document, KUBERNETES, strict=True)


def test_default_inventory_manifests_are_valid_kubernetes() -> None:
    inventory = load_inventory(REPO / "config")
    outputs = {o.path: o.text for o in mirrorgen.plan(inventory)}
    # Every manifest the sample renders: a registry-access folder per namespace, and the QCI files of its qci.yaml.
    expected = {f"clusters/app.ci/registry-access/{ns.name}/admin_manifest.yaml" for ns in inventory.namespaces
                if ns.render_manifests}
    expected |= {PULLER, TAGGER} if inventory.qci is not None else set()
    expected |= {f"clusters/app.ci/registry-access/{name}/admin_manifest.yaml"
                 for name in (inventory.qci.integrations if inventory.qci is not None else ())}
    # And the ServiceAccount each mirror-only job runs as (jobs.service_account in the sample).
    expected |= {f"clusters/app.ci/image-mirroring/admin_{inventory.settings.jobs.service_account}_serviceaccount.yaml"}
    manifests = {path for path in outputs if path.startswith("clusters/") and path.endswith(".yaml")}
    assert manifests == expected and expected
    for path in sorted(manifests):
        documents = _documents(outputs[path])
        assert documents, path
        for document in documents:
            kubernetes_validate.validate(document, KUBERNETES, strict=True)


def test_qci_image_puller_binds_the_declared_groups_sorted(make_inventory: Callable[..., Path]) -> None:
    documents = _by_kind(_documents(_plan(make_inventory)[PULLER]))
    role = documents[("Role", "ocp", "qci-image-puller")]
    assert role["rules"] == [{"apiGroups": ["image.openshift.io"], "resources": ["imagestreams/layers"], "verbs": ["get"]}]
    binding = documents[("RoleBinding", "ocp", "qci-image-puller")]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "qci-image-puller"}
    assert binding["subjects"] == [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name}
                                   for name in ("team-a", "team-b")]


def test_no_groups_still_owns_the_binding(make_inventory: Callable[..., Path]) -> None:
    """Removing the last group must empty the binding on the cluster, not leave it behind as a deleted file."""
    documents = _documents(_plan(make_inventory, "integrations: {}\n")[PULLER])
    binding = _by_kind(documents)[("RoleBinding", "ocp", "qci-image-puller")]
    assert binding["subjects"] == []
    kubernetes_validate.validate(binding, KUBERNETES, strict=True)


def test_integration_admins_can_only_mint_bound_tokens(make_inventory: Callable[..., Path]) -> None:
    outputs = _plan(make_inventory)
    documents = _documents(outputs["clusters/app.ci/registry-access/robot/admin_manifest.yaml"])
    kinds = _by_kind(documents)
    assert kinds[("Namespace", "", "robot")]["metadata"]["annotations"] == {"openshift.io/display-name": "Robot"}
    assert kinds[("ServiceAccount", "robot", "image-puller")] == {
        "apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "image-puller", "namespace": "robot"}}
    account = ("ServiceAccount", "robot", "image-puller")
    admins = ("Group", "", "robot-admins")
    assert _grants(documents) == {
        (account, "ocp", "ClusterRole", "system:image-puller", ""),
        (admins, "robot", "ClusterRole", "view", ""),
        (admins, "robot", "create", "serviceaccounts/token", "image-puller"),
    }
    # Nothing creates or exposes a long-lived token.
    assert not [d for d in documents if d["kind"] == "Secret"]
    assert "secrets" not in outputs["clusters/app.ci/registry-access/robot/admin_manifest.yaml"]
    assert yaml.safe_load(outputs["clusters/app.ci/registry-access/robot/OWNERS"]) == {"approvers": ["carol"], "reviewers": ["dave"]}


def test_promotion_namespace_gets_ci_operators_image_tagger(make_inventory: Callable[..., Path]) -> None:
    documents = _documents(_plan(make_inventory)[TAGGER])
    # upstream cluster/ci/config/prow/openshift/ci-operator/roles.yaml, checked by hand
    assert _by_kind(documents)[("Role", "acme-ci", "image-tagger")]["rules"] == [{
        "apiGroups": ["", "image.openshift.io"],
        "resources": ["imagestreamtags", "imagestreams"],
        "verbs": ["update", "patch", "get", "create"],
    }]
    ci_operator = ("ServiceAccount", "ci", "ci-operator")
    assert {g for g in _grants(documents) if g[2] == "create"} == {
        (ci_operator, "acme-ci", "create", "imagestreamtags", "*"),
        (ci_operator, "acme-ci", "create", "imagestreams", "*"),
    }
    assert [d["metadata"]["name"] for d in documents] == ["image-tagger", "image-tagger-ci-operator"]


def test_adding_a_group_and_an_integration_changes_exactly_their_files(make_inventory: Callable[..., Path]) -> None:
    before = _plan(make_inventory)
    more = QCI.replace("    integrations:\n", (
        "      team-c:\n"
        "        owners:\n"
        "          approvers: [erin]\n"
        "    integrations:\n"
        "      bot:\n"
        "        admins: bot-admins\n"
        "        owners:\n"
        "          approvers: [frank]\n"
    ))
    after = _plan(make_inventory, more)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert changed == {PULLER, "clusters/app.ci/registry-access/bot/admin_manifest.yaml",
                       "clusters/app.ci/registry-access/bot/OWNERS", "clusters/app.ci/assets/.mirrorgen-manifest",
                       "clusters/app.ci/registry-access/.mirrorgen-manifest"}
    subjects = _by_kind(_documents(after[PULLER]))[("RoleBinding", "ocp", "qci-image-puller")]["subjects"]
    assert [s["name"] for s in subjects] == ["team-a", "team-b", "team-c"]


def test_without_qci_yaml_mirrorgen_leaves_qci_access_alone(make_inventory: Callable[..., Path]) -> None:
    with_qci, outputs = _plan(make_inventory), _plan(make_inventory, None)
    # Exactly the QCI files go: the puller binding, the image-tagger RBAC and the integration's folder.
    # With them go the manifests of the two folders that held only QCI files.
    assert set(with_qci) - set(outputs) == {PULLER, TAGGER, "clusters/app.ci/registry-access/robot/admin_manifest.yaml",
                                            "clusters/app.ci/registry-access/robot/OWNERS",
                                            "clusters/app.ci/assets/.mirrorgen-manifest",
                                            "clusters/app.ci/ci-operator/.mirrorgen-manifest"}
    assert set(outputs) <= set(with_qci)


def test_qci_yaml_accepts_empty_sections(make_inventory: Callable[..., Path]) -> None:
    outputs = _plan(make_inventory, "groups: {}\nintegrations: {}\npromotion_namespaces: []\n")
    assert PULLER in outputs and TAGGER not in outputs


@pytest.mark.parametrize(("qci", "expected"), [
    ("groups:\n  team-a: {}\n",
     "qci.yaml:2: group 'team-a' has no owners.approvers: nobody answers for this access"),
    ("integrations:\n  robot:\n    admins: robot-admins\n",
     "qci.yaml:2: integration 'robot' has no owners.approvers"),
    ("groups:\n  system:authenticated:\n    owners: {approvers: [a]}\n",
     "qci.yaml:2: group 'system:authenticated' is a built-in group of every cluster user"),
    ("integrations:\n  robot:\n    admins: two words\n    owners: {approvers: [a]}\n",
     "qci.yaml:3: admins group 'two words' is not a Rover group name"),
    ("integrations:\n  Robot_1:\n    admins: x\n    owners: {approvers: [a]}\n",
     "qci.yaml:2: integration name 'Robot_1' is not a DNS-1123 label"),
    ("integrations:\n  acme-ci:\n    admins: x\n    owners: {approvers: [a]}\n",
     "qci.yaml:2: integration 'acme-ci' would write clusters/app.ci/registry-access/acme-ci/, which the source namespace"),
    ("integrations:\n  ocp:\n    admins: x\n    owners: {approvers: [a]}\n",
     "qci.yaml:2: integration 'ocp' is the namespace QCI pulls are authorised in"),
    ("integrations:\n  robot:\n    owners: {approvers: [a]}\n",
     "qci.yaml:2: missing required key 'admins'"),
    ("promotion_namespaces:\n  - acme-ci\n  - new-ns\n",
     "qci.yaml:3: promotion namespace 'new-ns' has no access decision"),
    ("promotion_namespaces:\n  - acme-ci\n  - acme-ci\n",
     "qci.yaml:3: promotion namespace 'acme-ci' is listed twice"),
    ("groups:\n  team-a:\n    owner: {approvers: [a]}\n",
     "qci.yaml:3: unknown key 'owner' (did you mean 'owners'?)"),
])
def test_qci_yaml_errors_name_file_and_line(make_inventory: Callable[..., Path], qci: str, expected: str) -> None:
    config = make_inventory({"qci.yaml": qci})
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2, result.stdout
    assert f"{config}/{expected}" in result.stderr
    assert "Traceback" not in result.stderr
