"""`mirrorgen plan --base REV` on real git repositories: two commits, every category of the plan exercised."""

from __future__ import annotations

import json
import textwrap
import subprocess
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from conftest import run_cli, write_tree

DIGEST_1 = "sha256:" + "1" * 64
DIGEST_2 = "sha256:" + "2" * 64

BASE = {
    "mirrorgen.yaml": """\
        jobs:
          service_account: image-mirror
        """,
    "namespaces.yaml": """\
        namespaces:
          acme-ci:
            access: authenticated
          gamma-ci:
            access: authenticated
        """,
    "orgs/acme.yaml": f"""\
        destination: quay.io/acme
        mappings:
          mapping_acme_tools: |
            registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest
            quay.io/upstream/agent:v1@{DIGEST_1} quay.io/acme/agent
        """,
    "orgs/gamma.yaml": """\
        destination: quay.io/gamma
        mappings:
          mapping_gamma_cli: |
            registry.ci.openshift.org/gamma-ci/cli:latest quay.io/gamma/cli:latest
        """,
}

HEAD = {
    **BASE,
    "mirrorgen.yaml": """\
        jobs:
          service_account: image-mirror
        vault:
          target_clusters: [app.ci, build01]
        """,
    "namespaces.yaml": """\
        namespaces:
          acme-ci:
            access: authenticated
          beta-ci:
            access: authenticated
          gamma-ci:
            access: mirror-only
        """,
    "orgs/acme.yaml": f"""\
        destination: quay.io/acme
        job:
          cron: "@every 20m"
          image: registry.ci.openshift.org/ci/image-mirror:oc-417
          dry_run: true
        mappings:
          mapping_acme_tools: |
            registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest
            quay.io/upstream/agent:v2@{DIGEST_2} quay.io/acme/agent
        """,
    "orgs/beta.yaml": """\
        destination: quay.io/beta
        mappings:
          mapping_beta_server: |
            registry.ci.openshift.org/beta-ci/server:latest quay.io/beta/server:latest quay.io/beta/server:v1
        """,
    "orgs/gamma.yaml": None,
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def commit(repo: Path, files: dict, message: str) -> None:
    write_tree(repo / "config", files)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


def line_of(path: Path, needle: str) -> int:
    found = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "release"
    repo.mkdir()
    git(repo, "init", "-q")
    commit(repo, BASE, "base")
    commit(repo, HEAD, "change")
    return repo


def plan_json(repo: Path, base: str = "HEAD~1", config: str = "config") -> dict:
    result = run_cli("plan", "--base", base, "--config", config, "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    schema = json.loads(resources.files("mirrorgen").joinpath("schemas", "plan.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    return document


def test_every_category(repo: Path) -> None:
    plan = plan_json(repo)
    config = repo / "config"
    at = lambda file, needle: {"file": f"config/{file}", "line": line_of(config / file, needle)}  # noqa: E731
    gamma_base = textwrap.dedent(BASE["orgs/gamma.yaml"]).splitlines()
    gamma_line = next(n for n, line in enumerate(gamma_base, 1) if "quay.io/gamma/cli" in line)

    assert plan["repositories"] == {
        "added": [
            {"repository": "quay.io/beta/server", "org": "beta", "source": at("orgs/beta.yaml", "beta-ci/server")},
        ],
        "removed": [
            # Gone from the working tree: the line is the base revision's.
            {"repository": "quay.io/gamma/cli", "org": "gamma", "source": {"file": "config/orgs/gamma.yaml", "line": gamma_line}},
        ],
    }
    beta_ns = line_of(config / "namespaces.yaml", "beta-ci:") + 1
    gamma_ns = line_of(config / "namespaces.yaml", "gamma-ci:") + 1
    assert plan["namespaces"] == {
        "widened": [{"namespace": "beta-ci", "before": None, "after": "authenticated",
                     "source": {"file": "config/namespaces.yaml", "line": beta_ns}}],
        "narrowed": [{"namespace": "gamma-ci", "before": "authenticated", "after": "mirror-only",
                      "source": {"file": "config/namespaces.yaml", "line": gamma_ns}}],
    }

    vault = plan["vault"]
    assert [v["item"] for v in vault["create"]] == ["selfservice/image-mirroring/registry-push-credentials-quay-io-beta"]
    assert vault["create"][0]["keys"] == {
        "secretsync/target-clusters": "app.ci,build01",
        "secretsync/target-name": "registry-push-credentials-quay-io-beta",
        "secretsync/target-namespace": "ci",
    }
    assert vault["create"][0]["source"] == at("orgs/beta.yaml", "destination:")
    assert [v["item"] for v in vault["delete"]] == ["selfservice/image-mirroring/registry-push-credentials-quay-io-gamma"]
    assert [(v["item"], v["keys_before"]["secretsync/target-clusters"], v["keys"]["secretsync/target-clusters"])
            for v in vault["change"]] == [
        ("selfservice/image-mirroring/registry-push-credentials-quay-io-acme", "app.ci", "app.ci,build01")]

    jobs = plan["jobs"]
    assert jobs["added"] == [{"name": "periodic-image-mirroring-beta", "schedule": "@hourly",
                              "image": "registry.ci.openshift.org/ci/image-mirror:oc-415", "dry_run": False,
                              "source": {"file": "config/orgs/beta.yaml", "line": 1}}]
    assert [j["name"] for j in jobs["removed"]] == ["periodic-image-mirroring-gamma"]
    assert jobs["changed"] == [{"name": "periodic-image-mirroring-acme", "changes": [
        {"field": "schedule", "before": "@hourly", "after": "@every 20m", "source": at("orgs/acme.yaml", "cron:")},
        {"field": "image", "before": "registry.ci.openshift.org/ci/image-mirror:oc-415",
         "after": "registry.ci.openshift.org/ci/image-mirror:oc-417", "source": at("orgs/acme.yaml", "image:")},
        {"field": "dry-run", "before": False, "after": True, "source": at("orgs/acme.yaml", "dry_run:")},
    ]}]

    assert plan["pinned_images"]["bumped"] == [{
        "name": "quay.io/upstream/agent → quay.io/acme/agent",
        "before": f"quay.io/upstream/agent:v1@{DIGEST_1}", "after": f"quay.io/upstream/agent:v2@{DIGEST_2}",
        "tag_before": "v1", "tag_after": "v2", "digest_before": DIGEST_1, "digest_after": DIGEST_2,
        "source": at("orgs/acme.yaml", "quay.io/upstream/agent"),
    }]

    configmap = plan["configmap"]
    # The ConfigMap's data is every mapping file, keyed by name: measure what generate writes.
    out = repo / "out"
    assert run_cli("generate", "--config", "config", "--output", "out", cwd=repo).returncode == 0
    mappings = list((out / "core-services/image-mirroring").glob("*/mapping_*"))
    assert configmap["after"] == sum(len(p.name) + p.stat().st_size for p in mappings)
    assert configmap["before"] < configmap["after"]  # beta's file is longer than gamma's
    assert configmap["margin"] == 1024 * 1024 - configmap["after"]


def test_text_and_markdown_group_actions_by_who_acts(repo: Path) -> None:
    text = run_cli("plan", "--base", "HEAD~1", cwd=repo)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0] == "mirrorgen plan: HEAD~1 → working tree (config)"
    section = text.stdout.split("Quay organisation admins: new destination repositories\n")[1].split("\n\n")[0]
    assert "PRIVATE" in section and "  - quay.io/beta/server  (config/orgs/beta.yaml:4)" in section
    assert "      secretsync/target-name: registry-push-credentials-quay-io-beta\n" in text.stdout
    assert "  - periodic-image-mirroring-acme  (config/orgs/acme.yaml:3)\n      schedule: @hourly → @every 20m\n" in text.stdout
    assert text.stdout.rstrip().splitlines()[-1].startswith("ConfigMap image-mirror-mappings: ")

    markdown = run_cli("plan", "--base", "HEAD~1", "--format", "markdown", cwd=repo).stdout
    assert markdown.startswith("## mirrorgen plan: `HEAD~1` → this change\n")
    assert "- [ ] `quay.io/beta/server` (`config/orgs/beta.yaml:4`)\n" in markdown
    assert "### Security review: namespaces whose images become readable by every authenticated user\n" in markdown


def test_nothing_to_do_against_the_same_revision(repo: Path) -> None:
    plan = plan_json(repo, base="HEAD")
    assert plan["repositories"] == {"added": [], "removed": []} and plan["jobs"]["changed"] == []
    assert "Nothing for anyone to act on." in run_cli("plan", "--base", "HEAD", cwd=repo).stdout


def test_uncommitted_changes_and_config_given_from_elsewhere(repo: Path, tmp_path: Path) -> None:
    write_tree(repo / "config", {"orgs/beta.yaml": None})
    plan = plan_json(tmp_path, base="HEAD", config=str(repo / "config"))
    assert [r["repository"] for r in plan["repositories"]["removed"]] == ["quay.io/beta/server"]


def test_adopting_mirrorgen_everything_is_new(tmp_path: Path) -> None:
    repo = tmp_path / "adopting"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README").write_text("before the inventory\n")
    git(repo, "add", "README")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "readme")
    commit(repo, HEAD, "inventory")
    plan = plan_json(repo)
    assert sorted(j["name"] for j in plan["jobs"]["added"]) == ["periodic-image-mirroring-acme", "periodic-image-mirroring-beta"]
    assert plan["configmap"]["before"] == 0


def test_bad_revision_and_invalid_base_are_input_errors(repo: Path) -> None:
    bad = run_cli("plan", "--base", "no-such-branch", cwd=repo)
    assert bad.returncode == 2
    assert bad.stderr.startswith("mirrorgen: error: 'no-such-branch' is not a commit of the git repository at ")
    commit(repo, {"orgs/acme.yaml": "destinaton: typo\n"}, "broken")
    write_tree(repo / "config", HEAD)
    invalid = run_cli("plan", "--base", "HEAD", cwd=repo)
    assert invalid.returncode == 2
    assert invalid.stderr.startswith("mirrorgen: error: the inventory at HEAD is invalid (orgs/acme.yaml:1: ")
    assert invalid.stderr.rstrip().endswith("; pick another --base")
    assert "Traceback" not in invalid.stderr


def test_qci_groups_and_integrations(tmp_path: Path) -> None:
    repo = tmp_path / "qci"
    repo.mkdir()
    git(repo, "init", "-q")
    qci = """\
        groups:
          hive-team:
            owners:
              approvers: [alice]
        integrations:
          dci:
            admins: telcoci
            owners:
              approvers: [carol]
          old-bot:
            admins: bots
            owners:
              approvers: [dave]
        """
    commit(repo, {**BASE, "qci.yaml": qci}, "base")
    changed = qci.replace("hive-team", "metal-team").replace("admins: telcoci", "admins: telco-admins").replace(
        "old-bot:\n            admins: bots", "new-bot:\n            admins: bots")
    write_tree(repo / "config", {"qci.yaml": changed})
    plan = plan_json(repo, base="HEAD")["qci"]
    at = lambda needle: {"file": "config/qci.yaml", "line": line_of(repo / "config/qci.yaml", needle)}  # noqa: E731
    assert plan == {
        "groups_added": [{"name": "metal-team", "source": at("metal-team:")}],
        "groups_removed": [{"name": "hive-team", "source": at("metal-team:")}],  # the base file's line: same place
        "integrations_added": [{"name": "new-bot", "admins": "bots", "source": at("new-bot:")}],
        "integrations_removed": [{"name": "old-bot", "admins": "bots", "source": at("new-bot:")}],
        "integrations_changed": [{"name": "dci", "admins": "telco-admins", "admins_before": "telcoci",
                                  "source": at("dci:")}],
    }
    text = run_cli("plan", "--base", "HEAD", cwd=repo).stdout
    assert "Security review: Rover groups gaining pull access to QCI" in text
    assert "  - dci: admins telcoci → telco-admins  (config/qci.yaml:" in text


def test_cki_images_bumped_added_and_mirrored(tmp_path: Path) -> None:
    repo = tmp_path / "cki"
    repo.mkdir()
    git(repo, "init", "-q")
    images = f"""\
        approved_registries: [quay.io]
        images:
          cki_tools: quay.io/cki/cki-tools:v1@{DIGEST_1}
        """
    commit(repo, {**BASE, "images.yaml": images}, "base")
    write_tree(repo / "config", {"images.yaml": images.replace(f"v1@{DIGEST_1}", f"v2@{DIGEST_2}").rstrip(" ") + (
        f"          redis: quay.io/cki/mirror/docker.io/library/redis:7@{DIGEST_1}\n")})
    plan = plan_json(repo, base="HEAD")
    at = lambda needle: {"file": "config/images.yaml", "line": line_of(repo / "config/images.yaml", needle)}  # noqa: E731
    assert plan["pinned_images"] == {
        "bumped": [{"name": "IMAGES.cki_tools", "before": f"quay.io/cki/cki-tools:v1@{DIGEST_1}",
                    "after": f"quay.io/cki/cki-tools:v2@{DIGEST_2}", "tag_before": "v1", "tag_after": "v2",
                    "digest_before": DIGEST_1, "digest_after": DIGEST_2, "source": at("cki_tools:")}],
        "added": [{"name": "IMAGES.redis", "reference": f"quay.io/cki/mirror/docker.io/library/redis:7@{DIGEST_1}",
                   "source": at("redis:")}],
        "removed": [],
    }
    # img-mirror will push the new image into a repository Quay creates private.
    assert plan["repositories"]["added"] == [
        {"repository": "quay.io/cki/mirror/docker.io/library/redis", "org": "cki", "source": at("redis:")}]
    text = run_cli("plan", "--base", "HEAD", cwd=repo).stdout
    assert f"  - IMAGES.cki_tools: quay.io/cki/cki-tools:v1@{DIGEST_1} → quay.io/cki/cki-tools:v2@{DIGEST_2}" in text
