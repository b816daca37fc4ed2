"""`mirrorgen vault apply` against a real OpenBao server: it sets the secretsync/* keys, keeps every credential byte
for byte, writes with check-and-set so that a concurrent edit survives, and creates nothing."""

from __future__ import annotations

import json
from pathlib import Path

import hvac.exceptions
import pytest

from registry.vault_cases import (ACME, COLLECTION, ITEMS, SENTINEL, SHARED, TOKEN, docker_config, findings, make_config,
                         run_vault, secretsync, seed)
from registry.vault_server import MOUNT, Interposer, OpenBao, interposer, openbao  # noqa: F401 (fixtures)

WRONG = {**ITEMS[ACME], "secretsync/target-namespace": "ci-wrong", "secretsync/target-labels": "team:acme",
         "notes.txt": f"rotated by robot {SENTINEL}"}
WRONG.pop("secretsync/target-clusters")


def vault(*args: str, server: OpenBao | Interposer, tmp_path: Path):
    return run_vault(*args, "--config", str(make_config(tmp_path)), address=server.address, token=TOKEN,
                     home=tmp_path)


@pytest.fixture(autouse=True)
def member(openbao: OpenBao) -> str:
    return openbao.member_token(COLLECTION, TOKEN)


def test_dry_run_prints_each_key_it_would_change_and_writes_nothing(openbao, interposer, tmp_path) -> None:
    seed(openbao, {**ITEMS, ACME: WRONG})
    result = vault("apply", "--dry-run", server=interposer, tmp_path=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[:5] == [
        f"kv/{ACME}: would add secretsync/target-clusters 'app.ci'",
        f"kv/{ACME}: would remove secretsync/target-labels (was 'team:acme')",
        f"kv/{ACME}: would set secretsync/target-namespace 'ci-wrong' -> 'ci'",
        f"kv/{ACME}: would write over version 1, with config.json, notes.txt as it is",
        f"kv/{ACME}: secretsync-key: secretsync/target-clusters is missing, expected 'app.ci': run mirrorgen vault apply"
        f" ({tmp_path}/config/orgs/acme.yaml:1)",
    ]
    assert interposer.writes() == []
    assert openbao.read(ACME) == (WRONG, 1)


def test_apply_sets_the_keys_and_keeps_every_credential_byte_for_byte(openbao, interposer, tmp_path) -> None:
    seed(openbao, {**ITEMS, ACME: WRONG})
    result = vault("apply", server=interposer, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"kv/{ACME}: add secretsync/target-clusters 'app.ci'",
        f"kv/{ACME}: remove secretsync/target-labels (was 'team:acme')",
        f"kv/{ACME}: set secretsync/target-namespace 'ci-wrong' -> 'ci'",
        f"kv/{ACME}: wrote version 2 over version 1, with config.json, notes.txt as it was",
        f"mirrorgen: vault {interposer.address}, 2 item(s) expected under kv/selfservice/image-mirroring, 1 item(s)"
        f" changed: every item matches the inventory",
    ]
    data, version = openbao.read(ACME)
    assert version == 2
    assert data == {**secretsync("registry-push-credentials-quay-io-acme"), "config.json": WRONG["config.json"],
                    "notes.txt": WRONG["notes.txt"]}
    # One write, check-and-set on the version read, strings only (the self-service proxy takes nothing else).
    assert interposer.writes() == [(f"/v1/kv/data/{ACME}", {"options": {"cas": 1}, "data": data})]
    assert openbao.read(SHARED) == (ITEMS[SHARED], 1)
    again = vault("apply", server=interposer, tmp_path=tmp_path)
    assert again.returncode == 0 and len(interposer.writes()) == 1
    assert vault("verify", server=openbao, tmp_path=tmp_path).returncode == 0


def test_a_credential_rotated_between_read_and_write_is_kept(openbao, interposer, tmp_path) -> None:
    seed(openbao, {**ITEMS, ACME: WRONG})
    rotated = docker_config("quay.io/acme", auth="cm9ib3Q6bmV3LXBhc3N3b3Jk")

    def rotate() -> None:  # another person saves a new credential in the web UI, right before apply's write
        openbao.put(ACME, {**WRONG, "config.json": rotated})

    interposer.before("POST", f"/kv/data/{ACME}", rotate)
    result = vault("apply", server=interposer, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data, version = openbao.read(ACME)
    assert data["config.json"] == rotated and data["secretsync/target-namespace"] == "ci" and version == 3
    assert [body["options"]["cas"] for _, body in interposer.writes()] == [1, 2]
    assert f"kv/{ACME}: wrote version 3 over version 2, with config.json, notes.txt as it was" in result.stdout


def test_an_item_changing_under_every_attempt_is_left_alone_and_apply_fails(openbao, interposer, tmp_path) -> None:
    seed(openbao, {**ITEMS, ACME: WRONG})
    edits = iter(range(100))
    interposer.before("POST", f"/kv/data/{ACME}", lambda: openbao.put(ACME, {**WRONG, "edit": str(next(edits))}),
                      times=100)
    result = vault("apply", server=interposer, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"mirrorgen: error: vault {interposer.address}: kv/{ACME} changed 5 times between apply's read and its write"
        f" (check-and-set), so it was left as it is: run mirrorgen vault apply again once the other writer is done\n")
    assert len(interposer.writes()) == 5
    assert openbao.read(ACME) == ({**WRONG, "edit": "4"}, 6)  # the other writer's last version, untouched


def test_a_delete_between_read_and_write_is_not_seen(openbao, interposer, tmp_path) -> None:
    """The documented limit: a soft delete keeps KV v2's version number, so check-and-set lets the write through."""
    seed(openbao, {**ITEMS, ACME: WRONG})
    interposer.before("POST", f"/kv/data/{ACME}", lambda: openbao.root.secrets.kv.v2.delete_latest_version_of_secret(
        ACME, mount_point=MOUNT))
    assert vault("apply", server=interposer, tmp_path=tmp_path).returncode == 0
    assert openbao.read(ACME)[1] == 2


def test_apply_creates_no_item_and_restores_no_deleted_one(openbao, interposer, tmp_path) -> None:
    seed(openbao, {SHARED: {**ITEMS[SHARED], "secretsync/target-namespace": "ci-wrong"}})
    result = vault("apply", "--format", "json", server=interposer, tmp_path=tmp_path)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert findings(result) == [(ACME, "missing", None)]
    assert report["findings"][0]["fix"] == (
        "vault kv put -mount=kv selfservice/image-mirroring/registry-push-credentials-quay-io-acme"
        " config.json=@config.json secretsync/target-clusters=app.ci"
        " secretsync/target-name=registry-push-credentials-quay-io-acme secretsync/target-namespace=ci")
    assert [c["item"] for c in report["changes"]] == [SHARED]
    with pytest.raises(hvac.exceptions.InvalidPath):
        openbao.read(ACME)
    openbao.put(ACME, WRONG)
    openbao.root.secrets.kv.v2.delete_latest_version_of_secret(ACME, mount_point=MOUNT)
    result = vault("apply", "--format", "json", server=interposer, tmp_path=tmp_path)
    assert findings(result) == [(ACME, "deleted", None)]
    assert [path for path, _ in interposer.writes()] == [f"/v1/kv/data/{SHARED}"]


@pytest.mark.parametrize("extra", [{"retries": 3}, {"push config": "x" * 8}], ids=["a number", "an invalid key"])
def test_an_item_the_proxy_would_refuse_is_not_written(openbao, interposer, tmp_path, extra) -> None:
    """A number would make the self-service proxy log the whole request body (credentials and all); an invalid key
    makes it refuse the write: apply leaves such an item to a person."""
    seed(openbao, {**ITEMS, ACME: {**WRONG, **extra}})
    result = vault("apply", server=interposer, tmp_path=tmp_path)
    assert result.returncode == 1
    assert interposer.writes() == []
    assert f"kv/{ACME}: secretsync-key: secretsync/target-namespace is 'ci-wrong'" in result.stdout


def test_the_issues_scenario_end_to_end(openbao, interposer, tmp_path) -> None:
    """Seeded from the generated Vault file: one item missing, one wrong namespace, one credential without an entry
    for its push registry, one stale item, the sentinel in every credential."""
    config = make_config(tmp_path, {
        "orgs/delta.yaml": """\
            destination: quay.io/delta
            owners:
              approvers: [alice]
            mappings:
              mapping_delta_tools: |
                registry.ci.openshift.org/acme-ci/tools:latest quay.io/delta/tools:latest
            """})
    delta = "selfservice/image-mirroring/registry-push-credentials-quay-io-delta"
    stale = "selfservice/image-mirroring/registry-push-credentials-quay-io-retired"
    seed(openbao, {
        ACME: {**ITEMS[ACME], "secretsync/target-namespace": "ci-old"},
        SHARED: {**ITEMS[SHARED], "config.json": docker_config("quay.io/beta")},
        stale: {**secretsync("registry-push-credentials-quay-io-retired"), "config.json": docker_config("quay.io/x")},
    })  # delta: missing
    before = {path: openbao.read(path) for path in (ACME, SHARED, stale)}

    def run(*args: str):
        return run_vault(*args, "--config", str(config), "--format", "json", address=interposer.address, token=TOKEN,
                         home=tmp_path)

    first = run("verify")
    assert first.returncode == 1
    assert sorted(findings(first)) == sorted([(ACME, "secretsync-key", "secretsync/target-namespace"),
                                              (SHARED, "no-credentials", "quay.io/gamma"), (delta, "missing", None),
                                              (stale, "stale", None)])
    assert run("apply", "--dry-run").returncode == 1
    assert interposer.writes() == [] and {p: openbao.read(p) for p in before} == before
    assert run("apply").returncode == 1
    after, version = openbao.read(ACME)
    assert version == 2 and after == ITEMS[ACME]
    assert after["config.json"] == before[ACME][0]["config.json"]
    assert openbao.read(SHARED) == before[SHARED] and openbao.read(stale) == before[stale]
    last = run("verify")
    assert sorted(findings(last)) == sorted([(SHARED, "no-credentials", "quay.io/gamma"), (delta, "missing", None),
                                             (stale, "stale", None)])
