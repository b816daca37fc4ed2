"""The OpenBao fixture is the server production runs: KV v2 at `kv`, a collection member's rights as
vault-secret-collection-manager grants them, and the answers of a sealed or stopped server."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import hvac.exceptions
import pytest
import requests

from registry.vault_server import MOUNT, OpenBao, openbao  # noqa: F401 (openbao is a fixture)


def _http(server: OpenBao, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    """One raw request to the server's HTTP API: (status, JSON body or {})."""
    request = urllib.request.Request(f"{server.address}/v1/{path}", method=method, headers={"X-Vault-Token": token},
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else {}


def test_the_server_is_healthy_with_kv_version_2_at_kv(openbao: OpenBao) -> None:
    status, health = _http(openbao, "GET", "sys/health", "")
    assert status == 200 and health["initialized"] and not health["sealed"]
    mounts = openbao.root.sys.list_mounted_secrets_engines()["data"]
    assert mounts[f"{MOUNT}/"]["type"] == "kv" and mounts[f"{MOUNT}/"]["options"]["version"] == "2"


def test_kv_v2_keeps_versions_and_refuses_a_stale_check_and_set(openbao: OpenBao) -> None:
    assert openbao.put("selfservice/c/item", {"config.json": "one"}) == 1
    status, answer = _http(openbao, "POST", f"{MOUNT}/data/selfservice/c/item", openbao.root.token,
                           {"options": {"cas": 1}, "data": {"config.json": "two"}})
    assert status == 200 and answer["data"]["version"] == 2
    status, answer = _http(openbao, "POST", f"{MOUNT}/data/selfservice/c/item", openbao.root.token,
                           {"options": {"cas": 1}, "data": {"config.json": "three"}})
    assert status == 400 and answer["errors"] == ["check-and-set parameter did not match the current version"]
    assert openbao.read("selfservice/c/item") == ({"config.json": "two"}, 2)


def test_a_deleted_latest_version_reads_as_404_with_its_deletion_time(openbao: OpenBao) -> None:
    openbao.put("selfservice/c/item", {"k": "v"})
    openbao.root.secrets.kv.v2.delete_latest_version_of_secret("selfservice/c/item", mount_point=MOUNT)
    status, answer = _http(openbao, "GET", f"{MOUNT}/data/selfservice/c/item", openbao.root.token)
    assert status == 404
    assert answer["data"]["data"] is None and answer["data"]["metadata"]["deletion_time"]
    assert _http(openbao, "GET", f"{MOUNT}/data/selfservice/c/never-written", openbao.root.token) == (404, {"errors": []})


def test_a_collection_member_reads_data_and_lists_only_in_the_collection(openbao: OpenBao) -> None:
    openbao.put("selfservice/image-mirroring/mine", {"k": "v"})
    openbao.put("selfservice/other/theirs", {"k": "v"})
    token = openbao.member_token("image-mirroring")
    status, answer = _http(openbao, "GET", f"{MOUNT}/data/selfservice/image-mirroring/mine", token)
    assert status == 200 and answer["data"]["data"] == {"k": "v"}
    status, answer = _http(openbao, "LIST", f"{MOUNT}/metadata/selfservice/image-mirroring/", token)
    assert status == 200 and answer["data"]["keys"] == ["mine"]
    status, answer = _http(openbao, "POST", f"{MOUNT}/data/selfservice/image-mirroring/mine", token,
                           {"options": {"cas": 1}, "data": {"k": "w"}})
    assert status == 200
    # 403 on metadata reads, in the collection too (the policy grants list and delete there, no read) ...
    assert _http(openbao, "GET", f"{MOUNT}/metadata/selfservice/image-mirroring/mine", token)[0] == 403
    assert _http(openbao, "GET", f"{MOUNT}/metadata/selfservice/other/theirs", token)[0] == 403
    # ... and on everything outside the collection.
    assert _http(openbao, "GET", f"{MOUNT}/data/selfservice/other/theirs", token)[0] == 403
    assert _http(openbao, "LIST", f"{MOUNT}/metadata/selfservice/other/", token)[0] == 403
    assert _http(openbao, "LIST", f"{MOUNT}/metadata/selfservice/", token)[0] == 403


def test_a_sealed_server_answers_503_and_a_stopped_one_refuses_connections(openbao: OpenBao) -> None:
    openbao.put("selfservice/c/item", {"k": "v"})
    openbao.seal()
    assert _http(openbao, "GET", f"{MOUNT}/data/selfservice/c/item", openbao.root.token) == (503, {"errors": ["Vault is sealed"]})
    with pytest.raises(hvac.exceptions.VaultDown):
        openbao.read("selfservice/c/item")
    openbao.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        openbao.read("selfservice/c/item")


def test_two_servers_run_side_by_side_on_their_own_ports(openbao: OpenBao, tmp_path) -> None:
    other = OpenBao(tmp_path / "second")
    try:
        assert other.address != openbao.address
        other.put("selfservice/c/item", {"k": "elsewhere"})
        with pytest.raises(hvac.exceptions.InvalidPath):
            openbao.read("selfservice/c/item")
    finally:
        other.stop()
