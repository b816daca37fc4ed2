"""`mirrorgen vault verify` against a real OpenBao server, as a self-service collection member runs it: every
finding, with the values and the fix a person needs, and never a credential in what it prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from registry.vault_cases import (ACME, AUTH, COLLECTION, ITEMS, SENTINEL, SHARED, TOKEN, docker_config, findings, make_config,
                         run_vault, secretsync, seed)
from registry.vault_server import MOUNT, Interposer, OpenBao, interposer, openbao  # noqa: F401 (fixtures)

ACME_SECRET = "registry-push-credentials-quay-io-acme"


def verify(server: OpenBao | Interposer, tmp_path: Path, *extra: str, token: str | None = TOKEN):
    return run_vault("verify", "--config", str(make_config(tmp_path)), *extra, address=server.address, token=token,
                     home=tmp_path)


@pytest.fixture
def member(openbao: OpenBao) -> str:
    """The token of a member of the image-mirroring collection: the only rights verify may count on."""
    return openbao.member_token(COLLECTION, TOKEN)


def test_items_as_the_inventory_needs_them_verify_clean_with_reads_only(openbao, interposer, member, tmp_path) -> None:
    seed(openbao)
    # The collection manager's placeholder (one in every collection) and another collection's items are no concern.
    openbao.put(f"selfservice/{COLLECTION}/placeholder", {"placeholder": "Make entry visible from the webconsole"})
    openbao.put("selfservice/other-team/registry-push-credentials-quay-io-other", ITEMS[ACME])
    # An item whose latest version is deleted is synced nowhere: nothing to clean up.
    retired = "selfservice/image-mirroring/old/registry-push-credentials-quay-io-retired"
    openbao.put(retired, ITEMS[ACME])
    openbao.root.secrets.kv.v2.delete_latest_version_of_secret(retired, mount_point=MOUNT)
    result = verify(interposer, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (f"mirrorgen: vault {interposer.address}, 2 item(s) expected under"
                             f" kv/selfservice/image-mirroring: every item matches the inventory\n")
    assert interposer.writes() == []
    # No metadata read (a member may only list there), nothing read outside the collection (the member could not): the external secret has no item to look for.
    assert all("/selfservice/image-mirroring" in path for _, path, _ in interposer.requests)
    assert {method for method, path, _ in interposer.requests if "/metadata/" in path} == {"LIST"}


# Each case changes the seeded items one way; verify must name exactly that (item, kind, key or registry), with
# these words in the message (the issue's and ci-tools' facts, written by hand).
Change = Callable[[OpenBao], None]


def _put(path: str, **changes: Any) -> Change:
    def change(server: OpenBao) -> None:
        data = {**ITEMS[path], **changes}
        server.put(path, {k: v for k, v in data.items() if v is not None})
    return change


def _delete_latest(server: OpenBao) -> None:
    server.root.secrets.kv.v2.delete_latest_version_of_secret(ACME, mount_point=MOUNT)


def _destroy(server: OpenBao) -> None:
    server.root.secrets.kv.v2.destroy_secret_versions(ACME, versions=[1], mount_point=MOUNT)


def _remove(server: OpenBao) -> None:
    server.root.secrets.kv.v2.delete_metadata_and_all_versions(ACME, mount_point=MOUNT)


STALE = "selfservice/image-mirroring/registry-push-credentials-quay-io-gone"
STALE_DIR = "selfservice/image-mirroring/retired/2024"

FINDINGS = {
    "missing item": (_remove, [(ACME, "missing", None)], [
        "no such item, so the push secret of periodic-image-mirroring-acme is never synced",
        "put the docker config.json with push credentials for quay.io/acme into ./config.json and run: vault kv put"
        " -mount=kv selfservice/image-mirroring/registry-push-credentials-quay-io-acme config.json=@config.json"
        " secretsync/target-clusters=app.ci secretsync/target-name=registry-push-credentials-quay-io-acme"
        " secretsync/target-namespace=ci"]),
    # A collection's members may not undelete: an administrator can, a member writes the item again.
    "latest version deleted": (_delete_latest, [(ACME, "deleted", None)], [
        "version 1, the latest, is deleted (a Vault administrator can restore it: vault kv undelete -mount=kv"
        " -versions=1 selfservice/image-mirroring/registry-push-credentials-quay-io-acme), so ci-secret-bootstrap"
        " syncs nothing: write the item again with the docker config.json in ./config.json: vault kv put -mount=kv"]),
    "latest version destroyed": (_destroy, [(ACME, "deleted", None)], [
        "version 1, the latest, is destroyed", "vault kv put -mount=kv"]),
    "wrong namespace": (_put(ACME, **{"secretsync/target-namespace": "ci-wrong"}),
                        [(ACME, "secretsync-key", "secretsync/target-namespace")],
                        ["secretsync/target-namespace is 'ci-wrong', expected 'ci': run mirrorgen vault apply"]),
    "a key missing": (_put(ACME, **{"secretsync/target-clusters": None}),
                      [(ACME, "secretsync-key", "secretsync/target-clusters")],
                      ["secretsync/target-clusters is missing, expected 'app.ci'"]),
    # ci-secret-bootstrap splits on `,` without trimming: " build01" is no cluster.
    "a space in the clusters": (_put(ACME, **{"secretsync/target-clusters": "app.ci, build01"}),
                                [(ACME, "secretsync-key", "secretsync/target-clusters")],
                                ["secretsync/target-clusters is 'app.ci, build01', expected 'app.ci'"]),
    "target-labels": (_put(ACME, **{"secretsync/target-labels": "team:acme"}),
                      [(ACME, "unexpected-key", "secretsync/target-labels")],
                      ["secretsync/target-labels is not a key mirrorgen sets", "run mirrorgen vault apply to remove it"]),
    "an object": (_put(ACME, retries={"password": SENTINEL}), [(ACME, "not-a-string", "retries")],
                  ["the value of 'retries' is not a string"]),
    "a key the proxy refuses": (_put(ACME, **{"push config": SENTINEL}), [(ACME, "invalid-key", "push config")],
                                ["key 'push config' is not a Secret key"]),
    "no docker config": (_put(ACME, **{"config.json": None, ".dockerconfigjson": docker_config("quay.io/acme")}),
                         [(ACME, "no-docker-config", "config.json")],
                         ["no key 'config.json', which the jobs mount as their docker config"]),
    "docker config not JSON": (_put(ACME, **{"config.json": f"{{auths: {SENTINEL}"}),
                               [(ACME, "docker-config-invalid", "config.json")], ["'config.json' is not JSON"]),
    "docker config without auths": (_put(ACME, **{"config.json": json.dumps({"credHelpers": {"quay.io": SENTINEL}})}),
                                    [(ACME, "docker-config-invalid", "config.json")], ["has no \"auths\" map"]),
    "credentials for another registry": (_put(ACME, **{"config.json": docker_config("quay.io/acme-other")}),
                                         [(ACME, "no-credentials", "quay.io/acme")],
                                         ["'config.json' has no auths entry for quay.io/acme, so the jobs cannot push"
                                          " to quay.io/acme"]),
    "one registry of two": (_put(SHARED, **{"config.json": docker_config("quay.io/beta")}),
                            [(SHARED, "no-credentials", "quay.io/gamma")], ["no auths entry for quay.io/gamma"]),
    "an entry without credentials": (_put(ACME, **{"config.json": docker_config("quay.io/acme", email=SENTINEL)}),
                                     [(ACME, "no-credentials", "quay.io/acme")],
                                     ["has no auth, username and password, or identitytoken"]),
    "username without password": (_put(ACME, **{"config.json": docker_config("quay.io", username=SENTINEL)}),
                                  [(ACME, "no-credentials", "quay.io/acme")], ["entry 'quay.io' has no auth"]),
    "an auth that is no user:password": (_put(ACME, **{"config.json": docker_config("quay.io", auth=SENTINEL)}),
                                         [(ACME, "no-credentials", "quay.io/acme")],
                                         ["that is not base64 of user:password"]),
    "stale item": (lambda s: s.put(STALE, {**secretsync("registry-push-credentials-quay-io-gone"),
                                          "config.json": docker_config("quay.io/gone")}),
                   [(STALE, "stale", None)],
                   ["no job uses this item", "delete it with: vault kv metadata delete -mount=kv"
                    " selfservice/image-mirroring/registry-push-credentials-quay-io-gone"]),
    "stale item in a folder": (lambda s: s.put(f"{STALE_DIR}/x", {"config.json": docker_config("quay.io/x")}),
                               [(f"{STALE_DIR}/x", "stale", None)], ["no job uses this item"]),
    # ci-secret-bootstrap refuses two items putting one key into one secret, and then syncs no user secret at all.
    "two items, one secret": (lambda s: s.put(STALE, ITEMS[ACME]),
                              [(STALE, "stale", None), (STALE, "conflict", "config.json")],
                              ["claims key", "of secret ci/registry-push-credentials-quay-io-acme, as"
                               " selfservice/image-mirroring/registry-push-credentials-quay-io-acme does"]),
}


@pytest.mark.parametrize("change, expected, words", FINDINGS.values(), ids=FINDINGS)
def test_each_finding_names_the_item_what_is_wrong_and_the_fix(openbao, member, tmp_path, change, expected,
                                                                  words) -> None:
    seed(openbao)
    change(openbao)
    result = verify(openbao, tmp_path, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert findings(result) == expected
    messages = " ".join(f["message"] for f in json.loads(result.stdout)["findings"])
    for fragment in words:
        assert fragment in messages
    text = verify(openbao, tmp_path)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert len(lines) == len(expected) + 1 and f": {len(expected)} finding(s)" in lines[-1]
    for (item, kind, _), line in zip(expected, lines):
        assert line.startswith(f"kv/{item}: {kind}: ")


ACCEPTED = {
    "auth": {"quay.io/acme": {"auth": AUTH}},
    "username and password": {"quay.io/acme": {"username": "robot", "password": SENTINEL}},
    "identity token": {"quay.io/acme": {"identitytoken": SENTINEL}},
    "the registry host": {"quay.io": {"auth": AUTH}},
    "the host as a URL": {"https://quay.io/v1/": {"auth": AUTH}},
    "a more specific entry beside the host's": {"quay.io/acme": {"auth": AUTH}, "quay.io": {"email": "x@example.com"}},
}


@pytest.mark.parametrize("auths", ACCEPTED.values(), ids=ACCEPTED)
def test_credentials_are_found_where_oc_looks_for_them(openbao, member, tmp_path, auths) -> None:
    """openshift/oc (dockercredentials): the exact repository path, its parents, the host, or a URL naming the host."""
    seed(openbao, {**ITEMS, ACME: {**ITEMS[ACME], "config.json": json.dumps({"auths": auths})}})
    result = verify(openbao, tmp_path)
    assert result.returncode == 0, result.stdout


def test_only_the_closest_entry_counts(openbao, member, tmp_path) -> None:
    """oc takes the entry of the longest matching path, so credentials on the host do not help a bare
    organisation entry."""
    auths = {"quay.io/acme": {"email": "x@example.com"}, "quay.io": {"auth": AUTH}}
    seed(openbao, {**ITEMS, ACME: {**ITEMS[ACME], "config.json": json.dumps({"auths": auths})}})
    result = verify(openbao, tmp_path, "--format", "json")
    assert findings(result) == [(ACME, "no-credentials", "quay.io/acme")]


def test_json_report_names_expected_values_and_inventory_sources(openbao, member, tmp_path) -> None:
    seed(openbao)
    _put(ACME, **{"secretsync/target-namespace": "ci-wrong"})(openbao)
    report = json.loads(verify(openbao, tmp_path, "--format", "json").stdout)
    assert report == {
        "version": 1, "command": "verify", "clean": False, "address": openbao.address, "mount": "kv",
        "prefix": "selfservice/image-mirroring", "expected_items": 2, "changes": [], "dry_run": False, "error": None,
        "findings": [{
            "item": ACME, "kind": "secretsync-key", "key": "secretsync/target-namespace", "expected": "ci",
            "actual": "ci-wrong", "source": {"file": f"{tmp_path}/config/orgs/acme.yaml", "line": 1},
            "message": "secretsync/target-namespace is 'ci-wrong', expected 'ci': run mirrorgen vault apply"}]}


def test_a_token_outside_the_collection_gets_one_line_and_exit_2(openbao, tmp_path) -> None:
    seed(openbao)
    token = openbao.member_token("other-team", TOKEN)
    result = verify(openbao, tmp_path, token=token)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"mirrorgen: error: vault {openbao.address}: HTTP 403 on the list of kv/selfservice/image-mirroring/:"
        f" permission denied: log in again (vault login -method=oidc), and check that you are a member of the"
        f" self-service collection that owns kv/selfservice/image-mirroring\n")


def test_an_invalid_inventory_is_refused_before_vault_is_asked(interposer, tmp_path) -> None:
    config = make_config(tmp_path, {"mirrorgen.yaml": "vault:\n  target_namespace: Not-A-Label\n"})
    result = run_vault("verify", "--config", str(config), address=interposer.address, token=TOKEN, home=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert f"{config}/mirrorgen.yaml:2: vault target_namespace 'Not-A-Label' is not a DNS-1123 label" in result.stderr
    assert interposer.requests == []
