"""Least-privilege registry access: each namespace's level becomes exactly the RoleBinding subjects it promises."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from conftest import run_cli
from mirrorgen.errors import InvalidInventory, Severity
from mirrorgen.plan import load_and_validate

MANIFEST = "clusters/app.ci/registry-access/acme-ci/admin_manifest.yaml"
SERVICE_ACCOUNTS = "clusters/app.ci/image-mirroring"
JOBS = "ci-operator/jobs/infra-image-mirroring.yaml"
GROUP = {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group"}


def namespaces(access: str, extra: str = "") -> str:
    return f"namespaces:\n  acme-ci:\n    access: {access}\n{extra}    owners:\n      approvers: [alice]\n"


def generated(config: Path, out: Path) -> dict[str, list]:
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 0, result.stderr
    return {path: list(yaml.safe_load_all((out / path).read_text())) for path in (MANIFEST, JOBS)}


def puller_binding(documents: list) -> dict:
    (binding,) = [d for d in documents if d["kind"] == "RoleBinding"]
    kubernetes_validate.validate(binding, "1.30", strict=True)
    assert binding["metadata"] == {"name": "image-puller", "namespace": "acme-ci"}
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:image-puller"}
    return binding


def test_authenticated_binds_every_authenticated_user_and_warns(make_inventory, tmp_path) -> None:
    config = make_inventory({"namespaces.yaml": namespaces("authenticated")})
    files = generated(config, tmp_path / "out")
    assert puller_binding(files[MANIFEST])["subjects"] == [{**GROUP, "name": "system:authenticated"}]
    result = run_cli("validate", "--config", str(config))
    assert (f"{config}/namespaces.yaml:3: warning: namespace 'acme-ci': every authenticated user of the cluster can"
            f" pull its images; use mirror-only if only the mirroring jobs need them, or say why they may not and who"
            f" agreed in `acknowledged`") in result.stderr
    assert run_cli("validate", "--strict", "--config", str(config)).returncode == 2


def test_an_acknowledged_authenticated_namespace_binds_the_same_and_is_quiet(make_inventory, tmp_path) -> None:
    """A deliberate decision, with its reason and who took it, is not a finding (`validate --strict` passes)."""
    config = make_inventory({"namespaces.yaml": namespaces(
        "authenticated", "    acknowledged: other teams' CI pulls these images; agreed by the Acme leads\n")})
    files = generated(config, tmp_path / "out")
    assert puller_binding(files[MANIFEST])["subjects"] == [{**GROUP, "name": "system:authenticated"}]
    assert load_and_validate(config)[1] == []
    assert run_cli("validate", "--strict", "--config", str(config)).returncode == 0


@pytest.mark.parametrize("blank", ["''", "'   '"])
def test_a_blank_acknowledgement_acknowledges_nothing(make_inventory, blank) -> None:
    config = make_inventory({"namespaces.yaml": namespaces("authenticated", f"    acknowledged: {blank}\n")})
    warnings = load_and_validate(config)[1]
    assert [(w.location.line, "every authenticated user" in w.message) for w in warnings] == [(3, True)]


def test_mirror_only_binds_only_the_jobs_service_account(make_inventory, tmp_path) -> None:
    config = make_inventory({
        "mirrorgen.yaml": "jobs:\n  service_account: image-mirror\n",
        "namespaces.yaml": namespaces("mirror-only"),
    })
    files = generated(config, tmp_path / "out")
    assert puller_binding(files[MANIFEST])["subjects"] == [
        {"kind": "ServiceAccount", "name": "image-mirror", "namespace": "ci"}]
    (job,) = files[JOBS][0]["periodics"]
    assert job["spec"]["serviceAccountName"] == "image-mirror"
    assert service_accounts(tmp_path / "out") == {"image-mirror": "mirrorgen.yaml"}
    _, warnings = load_and_validate(config)
    assert warnings == [], "mirror-only is the quiet choice"


def _org(name: str, lines: list[str], job: str = "") -> str:
    return (f"destination: quay.io/{name}\nowners:\n  approvers: [alice]\n{job}mappings:\n  mapping_{name}_images: |\n"
            + "".join(f"    registry.ci.openshift.org/{line} quay.io/{name}/{line.split('/')[1]}\n" for line in lines))


def service_accounts(out: Path) -> dict[str, str]:
    """The ServiceAccounts generated for the jobs: name → the inventory file its header names, each checked
    against the Kubernetes schema and in the jobs' namespace."""
    found = {}
    for path in sorted((out / SERVICE_ACCOUNTS).glob("*.yaml")):
        text = path.read_text()
        (account,) = yaml.safe_load_all(text)
        kubernetes_validate.validate(account, "1.30", strict=True)
        assert account["kind"] == "ServiceAccount" and account["metadata"]["namespace"] == "ci"
        assert path.name == f"admin_{account['metadata']['name']}_serviceaccount.yaml"
        found[account["metadata"]["name"]] = text.split("from ", 1)[1].split(";", 1)[0]
    return found


def _bindings(out: Path) -> dict[str, list[str]]:
    """namespace → the ServiceAccounts its image-puller binding names (the binding checked against the schema)."""
    found = {}
    for path in sorted((out / "clusters/app.ci/registry-access").glob("*/admin_manifest.yaml")):
        (binding,) = [d for d in yaml.safe_load_all(path.read_text()) if d["kind"] == "RoleBinding"]
        kubernetes_validate.validate(binding, "1.30", strict=True)
        found[path.parent.name] = [f"{s['namespace']}/{s['name']}" for s in binding["subjects"] if s["kind"] == "ServiceAccount"]
    return found


MIRROR_ONLY = {
    "namespaces.yaml": "namespaces:\n" + "".join(f"  {ns}:\n    access: mirror-only\n" for ns in ("acme-ci", "shared-ci", "idle-ci"))
                       + "  open-ci:\n    access: authenticated\n",
}


def test_each_org_runs_as_its_own_account_and_each_binding_names_exactly_its_readers(make_inventory, tmp_path) -> None:
    """A mirror-only namespace lets in the accounts of the jobs that read it, and only those: an org reading only
    authenticated namespaces needs no account, and changes nothing for the others."""
    config = make_inventory({
        **MIRROR_ONLY,
        "orgs/acme.yaml": _org("acme", ["acme-ci/tools:v1", "shared-ci/base:v1"], "job:\n  service_account: acme-mirror\n"),
        "orgs/beta.yaml": _org("beta", ["shared-ci/base:v1"], "job:\n  service_account: beta-mirror\n"),
        "orgs/gamma.yaml": _org("gamma", ["open-ci/cli:v1"]),
    })
    out = tmp_path / "out"
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    assert _bindings(out) == {"acme-ci": ["ci/acme-mirror"], "shared-ci": ["ci/acme-mirror", "ci/beta-mirror"],
                              "idle-ci": [], "open-ci": []}
    jobs = {job["name"]: job["spec"].get("serviceAccountName")
            for job in yaml.safe_load((out / JOBS).read_text())["periodics"]}
    assert jobs == {"periodic-image-mirroring-acme": "acme-mirror", "periodic-image-mirroring-beta": "beta-mirror",
                    "periodic-image-mirroring-gamma": None}
    assert service_accounts(out) == {"acme-mirror": "orgs/acme.yaml", "beta-mirror": "orgs/beta.yaml"}


def test_the_binding_names_the_job_that_mirrors_a_file_not_the_org_that_holds_it(make_inventory, tmp_path) -> None:
    """A job mirrors the files its MAPPING_FILE_PREFIX matches, in any org's folder (a folder without a job of its
    own, say): that job's account is the one that pulls."""
    config = make_inventory({
        **MIRROR_ONLY,
        "orgs/acme.yaml": _org("acme", ["acme-ci/tools:v1"], "job:\n  enabled: false\n"),
        "orgs/beta.yaml": ("destination: quay.io/acme\nowners:\n  approvers: [alice]\nfolder: false\n"
                           "job:\n  mapping_prefix: mapping_acme\n  service_account: beta-mirror\n"),
    })
    out = tmp_path / "out"
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    assert _bindings(out)["acme-ci"] == ["ci/beta-mirror"]


def test_an_org_account_replaces_the_global_one_and_a_renamed_account_leaves_no_file_behind(make_inventory, tmp_path) -> None:
    files = {
        **MIRROR_ONLY,
        "mirrorgen.yaml": "jobs:\n  service_account: image-mirror\n",
        "orgs/acme.yaml": _org("acme", ["acme-ci/tools:v1", "shared-ci/base:v1"], "job:\n  service_account: acme-mirror\n"),
        "orgs/beta.yaml": _org("beta", ["shared-ci/base:v1"]),
    }
    config, out = make_inventory(files), tmp_path / "out"
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    assert _bindings(out)["shared-ci"] == ["ci/acme-mirror", "ci/image-mirror"]
    assert service_accounts(out) == {"acme-mirror": "orgs/acme.yaml", "image-mirror": "mirrorgen.yaml"}

    make_inventory({**files, "orgs/acme.yaml": files["orgs/acme.yaml"].replace("acme-mirror", "acme-bot")})
    drift = run_cli("check", "--config", str(config), "--output", str(out))
    assert drift.returncode == 1 and f"stale: {out}/{SERVICE_ACCOUNTS}/admin_acme-mirror_serviceaccount.yaml" in drift.stdout
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    assert service_accounts(out) == {"acme-bot": "orgs/acme.yaml", "image-mirror": "mirrorgen.yaml"}
    assert _bindings(out)["acme-ci"] == ["ci/acme-bot"]


def test_mirror_only_without_a_service_account_is_refused(make_inventory) -> None:
    config = make_inventory({
        **MIRROR_ONLY,
        "orgs/acme.yaml": _org("acme", ["open-ci/cli:v1", "acme-ci/tools:v1"]),
        "orgs/beta.yaml": _org("beta", ["shared-ci/base:v1"], "job:\n  service_account: beta-mirror\n"),
    })
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    assert (
        f"{config}/orgs/acme.yaml:7: namespace 'acme-ci' is mirror-only, but periodic-image-mirroring-acme, which reads"
        f" from it here, runs as no named ServiceAccount for its image-puller binding to name: set job.service_account"
        f" in orgs/acme.yaml (or jobs.service_account in mirrorgen.yaml for every job)") in result.stderr.splitlines()
    assert "1 error(s)" in result.stderr


def test_service_account_names_are_checked_where_they_are_set(make_inventory) -> None:
    config = make_inventory({"orgs/acme.yaml": _org("acme", ["acme-ci/tools:v1"], "job:\n  service_account: Image_Mirror\n")})
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    assert (f"{config}/orgs/acme.yaml:5: service_account 'Image_Mirror' is not a valid ServiceAccount name (a DNS-1123"
            f" subdomain: lowercase letters, digits, '-' and '.')") in result.stderr


def test_an_account_on_another_cluster_is_left_to_its_owners(make_inventory, tmp_path) -> None:
    """mirrorgen writes ServiceAccounts for app.ci only, and says so where a job elsewhere names one."""
    # Its push secret's Vault item is synced to build01 too (else the job finds no secret there, a rule of its own).
    config = make_inventory({"orgs/acme.yaml": _org("acme", ["acme-ci/tools:v1"],
                                                    "job:\n  cluster: build01\n  service_account: acme-mirror\n"),
                             "mirrorgen.yaml": "vault:\n  target_clusters: [app.ci, build01]\n"})
    result = run_cli("generate", "--config", str(config), "--output", str(tmp_path / "out"))
    assert result.returncode == 0 and not (tmp_path / "out" / SERVICE_ACCOUNTS).exists()
    _, warnings = load_and_validate(config)
    assert [str(w) for w in warnings if "ServiceAccount" in w.message] == [
        "orgs/acme.yaml:6: warning: periodic-image-mirroring-acme runs on 'build01', where mirrorgen creates no"
        " ServiceAccount (it writes them for app.ci only): create 'acme-mirror' in namespace 'ci' on 'build01' yourself,"
        " or run the job on app.ci"]


def test_mirror_only_refuses_a_job_on_another_cluster(make_inventory) -> None:
    org = ("destination: quay.io/acme\nowners:\n  approvers: [alice]\njob:\n  cluster: build01\nmappings:\n"
           "  mapping_acme_tools: |\n    registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest\n")
    config = make_inventory({
        "mirrorgen.yaml": "jobs:\n  service_account: image-mirror\n",
        "namespaces.yaml": namespaces("mirror-only"),
        "orgs/acme.yaml": org,
    })
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    assert (f"{config}/orgs/acme.yaml:8: namespace 'acme-ci' is mirror-only, so only ServiceAccounts on app.ci may pull"
            f" from it, but periodic-image-mirroring-acme, which reads from it here, runs on 'build01' (set at"
            f" orgs/acme.yaml:5): run the job on app.ci or choose another access level") in result.stderr


def test_job_namespace_must_hold_both_the_configmap_and_the_secret(make_inventory) -> None:
    config = make_inventory({"mirrorgen.yaml": "configmap:\n  namespace: ci\nvault:\n  target_namespace: test-pods\n"})
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    assert f"{config}/mirrorgen.yaml:4: vault.target_namespace 'test-pods' differs from configmap.namespace 'ci'" in result.stderr


@pytest.mark.parametrize("key", ["acknowledged", "public_acknowledged"])  # the second: the older spelling
def test_public_adds_unauthenticated_only_with_acknowledgement(make_inventory, tmp_path, key) -> None:
    config = make_inventory({"namespaces.yaml": namespaces(
        "public", f"    {key}: OKD images are public by design; agreed by the OKD team lead (ticket 123)\n")})
    assert load_and_validate(config)[1] == []
    files = generated(config, tmp_path / "out")
    assert puller_binding(files[MANIFEST])["subjects"] == [
        {**GROUP, "name": "system:authenticated"}, {**GROUP, "name": "system:unauthenticated"}]


@pytest.mark.parametrize("acknowledgement", ["", "    acknowledged: ''\n", "    public_acknowledged: '   '\n"])
def test_public_without_acknowledgement_is_refused_and_nothing_written(make_inventory, tmp_path, acknowledgement) -> None:
    config, out = make_inventory({"namespaces.yaml": namespaces("public", acknowledgement)}), tmp_path / "out"
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 2
    assert (f"{config}/namespaces.yaml:3: namespace 'acme-ci' would let anyone, even unauthenticated, pull its images;"
            f" state why and who agreed in `acknowledged`, or choose authenticated / mirror-only") in result.stderr
    assert not out.exists()


def test_both_spellings_of_the_acknowledgement_are_one_too_many(make_inventory) -> None:
    config = make_inventory({"namespaces.yaml": namespaces(
        "public", "    acknowledged: release images\n    public_acknowledged: release images\n")})
    with pytest.raises(InvalidInventory) as raised:
        load_and_validate(config)
    assert [str(p) for p in raised.value.problems if p.severity is Severity.ERROR] == [
        "namespaces.yaml:5: namespace 'acme-ci' sets both acknowledged and public_acknowledged, its older spelling:"
        " keep acknowledged"]


def test_access_level_is_required_and_spelled_exactly(make_inventory) -> None:
    with pytest.raises(InvalidInventory) as missing:
        load_and_validate(make_inventory({"namespaces.yaml": "namespaces:\n  acme-ci:\n    owners: {}\n"}))
    assert "namespaces.yaml:2: missing required key 'access'" in [str(p) for p in missing.value.problems]
    with pytest.raises(InvalidInventory) as wrong:
        load_and_validate(make_inventory({"namespaces.yaml": namespaces("Public")}))
    assert any("access must be one of authenticated, mirror-only, public, not 'Public'" in str(p)
               for p in wrong.value.problems if p.severity is Severity.ERROR)
