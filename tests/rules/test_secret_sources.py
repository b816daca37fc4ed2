"""Push secrets that are not self-service Vault items (issue 13, item 8): `secret_source: external` secrets get no
Vault item and no secretsync naming rule, in every output and message; `import` decides the source from the
checkout's ci-secret-bootstrap configuration, else from the name's shape, and says so."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli, write_tree
from mirrorgen.plan import load_and_validate

VAULT = "vault/image-mirroring-push-credentials.yaml"
JOBS = "ci-operator/jobs/infra-image-mirroring.yaml"


def org(name: str, job: str = "") -> str:
    return (f"destination: quay.io/{name}\nowners:\n  approvers: [alice]\n{job}mappings:\n  mapping_{name}_tools: |\n"
            f"    registry.ci.openshift.org/acme-ci/{name}:v1 quay.io/{name}/{name}:v1\n")


INVENTORY = {
    "mirrorgen.yaml": "{}\n",
    "namespaces.yaml": "namespaces:\n  acme-ci:\n    access: authenticated\n",
    "orgs/acme.yaml": org("acme"),
    # The dotted names ci-secret-bootstrap provisions from core-services/ci-secret-bootstrap/_config.yaml.
    "orgs/knative.yaml": org("knative", "job:\n  secret_source: external\n"
                                        "  secret_name: registry-push-credentials-quay.io-openshift-knative\n"),
    "orgs/addon.yaml": org("addon", "job:\n  secret_source: external\n  secret_name: app-sre-push-pull-secret\n"),
}


def test_only_self_service_secrets_get_vault_items_and_their_naming_rule(tmp_path: Path) -> None:
    config, out = write_tree(tmp_path / "config", INVENTORY), tmp_path / "out"
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 0, result.stderr
    items = list(yaml.safe_load_all((out / VAULT).read_text()))
    assert [(item["item"], item["keys"]["secretsync/target-name"]) for item in items] == [
        ("selfservice/image-mirroring/registry-push-credentials-quay-io-acme", "registry-push-credentials-quay-io-acme")]
    # Every job still mounts its own secret, whatever provides it.
    secrets = {job["name"]: job["spec"]["volumes"][0]["secret"]["secretName"]
               for job in yaml.safe_load((out / JOBS).read_text())["periodics"]}
    assert secrets == {"periodic-image-mirroring-acme": "registry-push-credentials-quay-io-acme",
                       "periodic-image-mirroring-addon": "app-sre-push-pull-secret",
                       "periodic-image-mirroring-knative": "registry-push-credentials-quay.io-openshift-knative"}
    _, warnings = load_and_validate(config)
    assert not [w for w in warnings if "secret" in w.message], warnings


def test_a_global_default_makes_every_secret_external(tmp_path: Path) -> None:
    config, out = write_tree(tmp_path / "config", {**INVENTORY, "mirrorgen.yaml": "jobs:\n  secret_source: external\n"}), tmp_path / "out"
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    assert list(yaml.safe_load_all((out / VAULT).read_text())) == []


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True,
                   capture_output=True)


def test_plan_lists_items_for_self_service_secrets_only_and_asks_for_the_others(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_tree(repo / "config", {**INVENTORY, "orgs/knative.yaml": None, "orgs/addon.yaml": None})
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    # acme's secret turns out to come from ci-secret-bootstrap; two orgs arrive, one of each kind.
    write_tree(repo / "config", {
        **INVENTORY,
        "orgs/acme.yaml": org("acme", "job:\n  secret_source: external\n"),
        "orgs/beta.yaml": org("beta"),
    })
    result = run_cli("plan", "--base", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    vault = json.loads(result.stdout)["vault"]
    assert [v["item"] for v in vault["create"]] == ["selfservice/image-mirroring/registry-push-credentials-quay-io-beta"]
    assert [(v["item"], v["provisioned_elsewhere"]) for v in vault["delete"]] == [
        ("selfservice/image-mirroring/registry-push-credentials-quay-io-acme", True)]
    assert [(e["secret"], e["namespace"], e["source"]) for e in vault["external_added"]] == [
        ("app-sre-push-pull-secret", "ci", {"file": "config/orgs/addon.yaml", "line": 5}),
        ("registry-push-credentials-quay-io-acme", "ci", {"file": "config/orgs/acme.yaml", "line": 5}),
        ("registry-push-credentials-quay.io-openshift-knative", "ci", {"file": "config/orgs/knative.yaml", "line": 5}),
    ]
    text = run_cli("plan", "--base", "HEAD", cwd=repo).stdout
    assert ("  - selfservice/image-mirroring/registry-push-credentials-quay-io-acme: its secret is now provisioned elsewhere"
            " (secret_source: external)  (config/orgs/acme.yaml:1)\n") in text
    section = text.split("Secret owners: push secrets mirrorgen does not provision (secret_source: external)\n")[1]
    assert "  - registry-push-credentials-quay.io-openshift-knative: in namespace ci  (config/orgs/knative.yaml:5)\n" in section
    assert "selfservice/image-mirroring/registry-push-credentials-quay.io-openshift-knative" not in text


FIXTURE = REPO / "tests/fixtures/release"
BOOTSTRAP = "core-services/ci-secret-bootstrap/_config.yaml"
# The shape of openshift/release's file, as ci-tools' pkg/api/secretbootstrap reads it: Secrets under `to`, by
# cluster or by cluster group; the Secret's keys under `from`.
BOOTSTRAP_CONFIG = """\
cluster_groups:
  build_farm:
  - app.ci
  - build01
secret_configs:
- from:
    .dockerconfigjson:
      dockerconfigJSON:
      - auth_field: push-token
        item: quay.io/bluebird
        registry_url: quay.io
  to:
  - cluster: app.ci
    name: registry-push-credentials-quay.io-bluebird
    namespace: ci
    type: kubernetes.io/dockerconfigjson
- from:
    .dockerconfigjson:
      field: push-credentials
      item: quay.io/app-sre
  to:
  - cluster_groups:
    - build_farm
    name: app-sre-push-pull-secret
    namespace: ci
- from:
    config.json:
      field: push-credentials
      item: forge
  to:
  - cluster: build01
    name: forge-central-push
    namespace: ci
- from:
    config.json:
      field: push-credentials
      item: acme
  to:
  - cluster: app.ci
    name: registry-push-credentials-quay-io-acme
    namespace: test-credentials
"""


def _release(tmp_path: Path, bootstrap: str = BOOTSTRAP_CONFIG) -> Path:
    """A copy of the fixture checkout holding `bootstrap` as ci-secret-bootstrap's configuration."""
    release = tmp_path / "release"
    shutil.copytree(FIXTURE, release)
    return write_tree(release, {BOOTSTRAP: bootstrap})


def _import(release: Path, config: Path):
    return run_cli("import", "--release-repo", str(release), "--config", str(config))


def _secret_settings(config: Path) -> dict[str, tuple]:
    """org → (secret_name, secret_source) as the imported inventory states them (None: the global default)."""
    defaults = yaml.safe_load((config / "mirrorgen.yaml").read_text())["jobs"]
    found = {"(default)": (None, defaults.get("secret_source"))}
    for path in sorted((config / "orgs").glob("*.yaml")):
        job = yaml.safe_load(path.read_text()).get("job") or {}
        found[path.stem] = (job.get("secret_name"), job.get("secret_source"))
    return found


def _vault_secrets(config: Path, out: Path) -> list[str]:
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 0, result.stderr
    return [item["keys"]["secretsync/target-name"] for item in yaml.safe_load_all((out / VAULT).read_text())]


def test_import_reads_the_secret_source_from_ci_secret_bootstrap_and_says_so(tmp_path: Path) -> None:
    release, config = _release(tmp_path), tmp_path / "config"
    result = _import(release, config)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (f"{release}/{BOOTSTRAP}:14: push secret 'registry-push-credentials-quay.io-bluebird' of"
            f" periodic-image-mirroring-bluebird: secret_source: external (ci-secret-bootstrap provisions it here)") in lines
    # On app.ci through its cluster group; the job mounts a key the Secret does not have, which is worth a word.
    assert (f"{release}/{BOOTSTRAP}:24: push secret 'app-sre-push-pull-secret' of periodic-image-mirroring-ghost:"
            f" secret_source: external (ci-secret-bootstrap provisions it here; it holds .dockerconfigjson, not the"
            f" config.json the job mounts)") in lines
    # Provisioned on build01 only, not on app.ci where the job runs (and acme's in another namespace than the jobs').
    assert (f"{release}/ci-operator/jobs/infra-image-mirroring.yaml:99: push secret 'forge-central-push' of"
            f" periodic-image-mirroring-forge: secret_source: self-service (not provisioned by {BOOTSTRAP}: a self-service"
            f" Vault item, which mirrorgen lists; if it comes from elsewhere, set job.secret_source: external)") in lines
    # Two jobs of each kind: the default is the first job's (the rule for every imported default), the others say theirs.
    assert _secret_settings(config) == {
        "(default)": (None, "external"), "acme": (None, "self-service"), "anvil": ("forge-central-push", "self-service"),
        "bluebird": ("registry-push-credentials-quay.io-bluebird", None), "extras": (None, None),
        "ghost": ("app-sre-push-pull-secret", None)}
    assert _vault_secrets(config, tmp_path / "out") == ["forge-central-push", "registry-push-credentials-quay-io-acme"]


def test_without_a_bootstrap_config_import_goes_by_the_name(tmp_path: Path) -> None:
    """A name that is no DNS-1123 label cannot be a self-service item's target: provisioned elsewhere. Any other
    name is taken for a self-service item, and import says what it assumed."""
    config = tmp_path / "config"
    result = _import(FIXTURE, config)
    assert result.returncode == 0, result.stderr
    assert (f"{FIXTURE}/ci-operator/jobs/infra-image-mirroring.yaml:2: push secret"
            f" 'registry-push-credentials-quay.io-bluebird' of periodic-image-mirroring-bluebird: secret_source: external"
            f" (the checkout has no {BOOTSTRAP}, and its name is no DNS-1123 label, which a self-service Vault item's"
            f" secretsync/target-name must be: provisioned elsewhere)") in result.stdout.splitlines()
    assert _secret_settings(config)["bluebird"] == ("registry-push-credentials-quay.io-bluebird", "external")
    assert _vault_secrets(config, tmp_path / "out") == [
        "app-sre-push-pull-secret", "forge-central-push", "registry-push-credentials-quay-io-acme"]
    _, warnings = load_and_validate(config)
    assert not [w for w in warnings if "secret name" in w.message]


@pytest.mark.parametrize(("text", "message"), [
    ("secret_configs: {}\n", f"{BOOTSTRAP}:1: secret_configs must be a list, as ci-secret-bootstrap reads it"),
    ("secret_configs:\n- to: nobody\n", f"{BOOTSTRAP}:2: secret_configs.0 must be a mapping with a `from` mapping and a"
                                        f" `to` list, as ci-secret-bootstrap reads it"),
    ("secret_configs: [\n", f"{BOOTSTRAP}:1: the [ opened on this line is not closed before line 2"),
])
def test_a_bootstrap_config_that_cannot_be_read_stops_the_import(tmp_path: Path, text: str, message: str) -> None:
    release = _release(tmp_path, text)
    result = _import(release, tmp_path / "config")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert any(line.startswith(f"{release}/{message}") for line in result.stderr.splitlines()), result.stderr
    assert not (tmp_path / "config").exists()


def test_a_secret_provisioned_for_one_jobs_cluster_is_external_for_every_job_mounting_it(tmp_path: Path) -> None:
    """One Secret name has one source: import does not split a shared secret because one job runs elsewhere."""
    release = _release(tmp_path)
    jobs = release / JOBS
    text = jobs.read_text()
    ghost = text.index("  name: periodic-image-mirroring-ghost")
    start = text.rindex("- agent: kubernetes\n  cluster: app.ci", 0, ghost)
    ghost_job = text[start:].split("\n- agent:")[0]
    moved = (ghost_job.replace("cluster: app.ci", "cluster: build01")
             .replace("secretName: app-sre-push-pull-secret", "secretName: forge-central-push"))
    jobs.write_text(text[:start] + moved + text[start + len(ghost_job):])
    # forge's job runs on app.ci, where the configuration does not provision forge-central-push; ghost's on build01,
    # where it does.
    result = _import(release, tmp_path / "config")
    assert result.returncode == 0, result.stderr
    assert (f"{release}/{BOOTSTRAP}:32: push secret 'forge-central-push' of periodic-image-mirroring-forge,"
            f" periodic-image-mirroring-ghost: secret_source: external (ci-secret-bootstrap provisions it here)"
            ) in result.stdout.splitlines()
