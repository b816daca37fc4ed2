"""The default inventory's generated tree, re-parsed and checked for the cross-artifact invariants."""

from __future__ import annotations

import kubernetes_validate
import pytest
import yaml

import mirrorgen
from conftest import REPO
from mirrorgen.inventory.refs import mapping_pairs, split_mapping_line

MIRRORING = "core-services/image-mirroring/"


@pytest.fixture(scope="module")
def tree() -> dict[str, str]:
    return {o.path: o.text for o in mirrorgen.plan(mirrorgen.load_inventory(REPO / "config"))}


@pytest.fixture(scope="module")
def inventory():
    return mirrorgen.load_inventory(REPO / "config")


def periodics(tree: dict[str, str]) -> list[dict]:
    return yaml.safe_load(tree["ci-operator/jobs/infra-image-mirroring.yaml"])["periodics"]


def env_of(job: dict) -> dict[str, str]:
    return {e["name"]: e["value"] for e in job["spec"]["containers"][0]["env"]}


def mapping_files(tree: dict[str, str]) -> dict[str, str]:
    return {p: t for p, t in tree.items() if p.startswith(MIRRORING) and p.rsplit("/", 1)[1].startswith("mapping_")}


def test_default_inventory_names_the_seed_orgs(inventory) -> None:
    assert {org.name for org in inventory.orgs} == {
        "openshift", "knative", "tekton", "codeready-toolchain", "openshift-kni", "kubefed", "ocs-operator",
        "integreatly", "openshift-psap", "ovirt", "toolchain",
    }
    lines = [line.parsed for org in inventory.orgs for m in org.mappings for line in m.lines if line.parsed.tokens]
    assert any(len(p.tokens) > 2 for p in lines), "several destinations on one line"
    assert any(t.endswith(":*") for p in lines for t in p.tokens), "a wildcard source"
    assert any("@sha256:" in p.tokens[0] for p in lines), "a digest source"
    assert any(org.job.dry_run for org in inventory.orgs), "a dry-run org"
    assert "mapping_origin_4_6" in {m.name for org in inventory.orgs for m in org.mappings}


def test_every_org_folder_has_exactly_one_periodic_matching_its_files(tree) -> None:
    jobs = periodics(tree)
    folders: dict[str, list[str]] = {}
    for path in mapping_files(tree):
        org, name = path[len(MIRRORING):].split("/")
        folders.setdefault(org, []).append(name)
    for org, names in folders.items():
        matching = [job for job in jobs if job["name"] == f"periodic-image-mirroring-{org}"]
        assert len(matching) == 1, org
        prefix = env_of(matching[0])["MAPPING_FILE_PREFIX"]
        assert all(name.startswith(prefix) for name in names), (org, prefix, names)
        others = [env_of(job)["MAPPING_FILE_PREFIX"] for job in jobs if job is not matching[0]]
        assert not any(name.startswith(p) for name in names for p in others), org
    assert len(jobs) == len(folders)


def test_every_job_secret_has_a_vault_item_with_valid_secretsync_keys(tree) -> None:
    items = {item["keys"]["secretsync/target-name"]: item for item in yaml.safe_load_all(tree["vault/image-mirroring-push-credentials.yaml"])}
    for job in periodics(tree):
        volumes = {v["name"]: v for v in job["spec"]["volumes"]}
        mounts = {m["name"]: m for m in job["spec"]["containers"][0]["volumeMounts"]}
        secret = volumes["push"]["secret"]["secretName"]
        item = items[secret]
        assert item["keys"]["secretsync/target-namespace"] == "ci"
        assert item["keys"]["secretsync/target-clusters"] == "app.ci"
        assert item["item"].endswith("/" + secret)
        assert item["docker_config_key"] == mounts["push"]["subPath"]
        assert job["name"] in item["jobs"]
        assert len(item["push_to"]) == len(set(item["push_to"])), f"{secret}: a registry listed twice"
    # The sample's openshift and kubefed orgs both push to quay.io/openshift with one secret (issue 15).
    shared = items["registry-push-credentials-quay-io-openshift"]
    assert shared["push_to"] == ["quay.io/openshift"] and len(shared["jobs"]) == 2


def test_every_source_namespace_has_its_registry_access_folder(tree) -> None:
    sources = set()
    for text in mapping_files(tree).values():
        for line in text.splitlines():
            parsed = split_mapping_line(line)
            if parsed.tokens:
                for pair in mapping_pairs(parsed.tokens):
                    if pair.source.registry == "registry.ci.openshift.org":
                        sources.add(pair.source.path.split("/")[0])
    for namespace in sources:
        folder = f"clusters/app.ci/registry-access/{namespace}/"
        docs = list(yaml.safe_load_all(tree[folder + "admin_manifest.yaml"]))
        assert {d["kind"] for d in docs} == {"Namespace", "RoleBinding"}
        binding = next(d for d in docs if d["kind"] == "RoleBinding")
        assert binding["metadata"]["namespace"] == namespace
        assert binding["roleRef"]["name"] == "system:image-puller"
        assert yaml.safe_load(tree[folder + "OWNERS"])["approvers"]


def test_configmap_keys_and_contents_equal_the_mapping_files(tree) -> None:
    configmap = yaml.safe_load(tree[MIRRORING + "_image-mirror-mappings.yaml"])
    files = {path.rsplit("/", 1)[1]: text for path, text in mapping_files(tree).items()}
    assert configmap["data"] == files


def _written_out(token: str) -> str:
    """An image-stream source `ns/name:tag` as the default settings render it: on the app.ci registry."""
    return token if "." in token.split("/")[0] or token.count("/") != 1 else f"registry.ci.openshift.org/{token}"


def test_mapping_files_keep_the_inventory_lines(inventory, tree) -> None:
    for org in inventory.orgs:
        for mapping in org.mappings:
            text = tree[f"{MIRRORING}{org.name}/{mapping.name}"]
            rendered = [split_mapping_line(line) for line in text.splitlines() if "Generated by mirrorgen" not in line]
            written = [line.parsed for line in mapping.lines if line.text.strip()]
            assert [(p.tokens, p.comment) for p in rendered if p.tokens or p.comment] == [
                (tuple(_written_out(t) if i == 0 else t for i, t in enumerate(p.tokens)), p.comment) for p in written
            ]


def test_kubernetes_manifests_validate_against_the_schemas(tree) -> None:
    documents = [
        doc
        for path, text in tree.items()
        # (the config_updater fragment is a piece of Prow's plugins file, no Kubernetes object)
        if path.startswith(("clusters/", MIRRORING + "_")) and path.endswith(".yaml") and "config-updater" not in path
        for doc in yaml.safe_load_all(text)
    ]
    assert documents
    for doc in documents:
        kubernetes_validate.validate(doc, "1.30.0", strict=True)


def test_owners_files_are_prow_owners(tree) -> None:
    for path, text in tree.items():
        if path.endswith("/OWNERS"):
            owners = yaml.safe_load(text)
            assert set(owners) <= {"approvers", "reviewers"} and owners["approvers"], path
            assert all(isinstance(name, str) for names in owners.values() for name in names)
