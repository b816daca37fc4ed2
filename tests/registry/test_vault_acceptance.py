"""Issue 15's acceptance, on the repository's own inventory: a real OpenBao server seeded from the generated Vault
file with one item missing, one wrong namespace, one credential without an entry for a registry its jobs push to,
one stale item, and the sentinel in every credential."""

from __future__ import annotations

import json

import yaml

from conftest import REPO
from registry.vault_cases import COLLECTION, TOKEN, docker_config, findings, run_vault
from registry.vault_server import Interposer, OpenBao, interposer, openbao  # noqa: F401 (fixtures)

GENERATED = REPO / "generated/vault/image-mirroring-push-credentials.yaml"
STALE = "selfservice/image-mirroring/registry-push-credentials-quay-io-retired"


def test_verify_apply_verify_on_the_generated_vault_file(openbao: OpenBao, interposer: Interposer, tmp_path) -> None:
    items = list(yaml.safe_load_all(GENERATED.read_text()))
    missing, wrong, incomplete = items[0], items[1], next(i for i in items[2:] if i["push_to"])
    for item in items[1:]:
        pushes = item["push_to"][1:] if item is incomplete else item["push_to"]
        data = {**item["keys"], item["docker_config_key"]: docker_config(*pushes or ["quay.io/elsewhere"])}
        if item is wrong:
            data["secretsync/target-namespace"] = "test-credentials"
        openbao.put(item["item"], data)
    openbao.put(STALE, {"secretsync/target-namespace": "ci", "secretsync/target-name": "retired",
                        "secretsync/target-clusters": "app.ci", "config.json": docker_config("quay.io/retired")})
    before = {item["item"]: openbao.read(item["item"]) for item in items[1:]}
    token = openbao.member_token(COLLECTION, TOKEN)

    def run(*args: str):
        return run_vault(*args, "--config", str(REPO / "config"), "--format", "json", address=interposer.address,
                         token=token, home=tmp_path)

    first = run("verify")
    assert first.returncode == 1, first.stderr
    # Every docker config holds the sentinel (docker_config's auth), and run_vault fails the test if any form of it
    # is printed. incomplete's docker config lacks its first push registry.
    assert sorted(findings(first)) == sorted([
        (missing["item"], "missing", None), (wrong["item"], "secretsync-key", "secretsync/target-namespace"),
        (incomplete["item"], "no-credentials", incomplete["push_to"][0]), (STALE, "stale", None)])

    dry = run("apply", "--dry-run")
    assert dry.returncode == 1 and interposer.writes() == []
    assert [(c["item"], c["keys"]) for c in json.loads(dry.stdout)["changes"]] == [
        (wrong["item"], [{"key": "secretsync/target-namespace", "old": "test-credentials", "new": "ci"}])]
    assert {path: openbao.read(path) for path in before} == before

    applied = run("apply")
    assert applied.returncode == 1, applied.stderr
    data, version = openbao.read(wrong["item"])
    assert version == 2 and data == {**before[wrong["item"]][0], "secretsync/target-namespace": "ci"}
    assert data[wrong["docker_config_key"]] == before[wrong["item"]][0][wrong["docker_config_key"]]  # byte for byte
    assert {path: openbao.read(path) for path in before if path != wrong["item"]} == {
        path: value for path, value in before.items() if path != wrong["item"]}

    last = run("verify")
    assert sorted(findings(last)) == sorted([(missing["item"], "missing", None),
                                             (incomplete["item"], "no-credentials", incomplete["push_to"][0]),
                                             (STALE, "stale", None)])
