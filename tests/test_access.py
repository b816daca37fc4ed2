"""Least-privilege registry access: each namespace's level becomes exactly the RoleBinding subjects it promises."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from conftest import run_cli
from mirrorgen.errors import InvalidInventory, Severity
from mirrorgen.load import load_and_validate

MANIFEST = "clusters/app.ci/registry-access/acme-ci/admin_manifest.yaml"
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
    _, warnings = load_and_validate(config)
    assert warnings == [], "mirror-only is the quiet choice"


def test_mirror_only_without_a_service_account_is_refused(make_inventory) -> None:
    config = make_inventory({"namespaces.yaml": namespaces("mirror-only")})
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    assert (f"{config}/namespaces.yaml:3: namespace 'acme-ci' is mirror-only, but the jobs run as no named"
            f" ServiceAccount: set jobs.service_account in mirrorgen.yaml") in result.stderr


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
    assert (f"{config}/orgs/acme.yaml:8: namespace 'acme-ci' is mirror-only, so only the jobs' ServiceAccount on app.ci"
            f" may pull from it, but this org's job runs on 'build01' (set at orgs/acme.yaml:5)") in result.stderr


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
