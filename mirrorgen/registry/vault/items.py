"""What the Vault items of the push secrets must hold, and what is wrong with what they hold (pure: no I/O).

The rules are those of the real consumers (ci-tools' ci-secret-bootstrap, vault-subpath-proxy, and the jobs' oc):
see docs/vault.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import shlex
from typing import Any, Iterable, Optional, Union

import attrs

from ...artifacts.vault import item_sources, vault_items
from ...rules.credentials import redact
from ...errors import Location
from ...inventory.model import Inventory

SECRETSYNC = "secretsync/"
TARGET_NAMESPACE, TARGET_NAME = "secretsync/target-namespace", "secretsync/target-name"
# The keys ci-secret-bootstrap reads as where-to-sync and never puts into the Secret (ci-tools pkg/api/vault/vault.go):
# every other key of an item, secretsync/ or not, becomes Secret data and may hold a credential.
SYNC_SETTINGS = frozenset({TARGET_NAMESPACE, TARGET_NAME, "secretsync/target-clusters", "secretsync/target-labels"})
# vault-subpath-proxy refuses a write with any other key that does not match this (kv_update_transport.go).
VALID_KEY = re.compile(r"[a-zA-Z0-9.\-_]+")
# vault-secret-collection-manager puts this item, with this one key, into every collection it creates.
PLACEHOLDER = "placeholder"

MISSING, DELETED, SECRETSYNC_KEY, UNEXPECTED_KEY = "missing", "deleted", "secretsync-key", "unexpected-key"
NOT_A_STRING, INVALID_KEY, NO_DOCKER_CONFIG = "not-a-string", "invalid-key", "no-docker-config"
DOCKER_CONFIG_INVALID, NO_CREDENTIALS, STALE, CONFLICT = "docker-config-invalid", "no-credentials", "stale", "conflict"
# The findings `apply` fixes; every other one needs a person.
FIXED_BY_APPLY = frozenset({SECRETSYNC_KEY, UNEXPECTED_KEY})
APPLY = "mirrorgen vault apply"


@attrs.frozen
class Expected:
    """One Vault item the inventory needs: a self-service push secret of one or more jobs."""

    path: str  # under the mount: <item_prefix>/<secret name>
    keys: dict[str, str]  # the secretsync/* keys, as rendered into the generated Vault file
    docker_config_key: str
    push_to: tuple[str, ...]  # the organisations the jobs push to, each once
    jobs: tuple[str, ...]
    source: Location


@attrs.frozen
class Present:
    """The item's latest version, readable: its number (apply's check-and-set) and its keys."""

    version: int
    data: dict[str, Any]


@attrs.frozen
class Deleted:
    """The latest version is deleted (or destroyed): ci-secret-bootstrap reads no data and skips the item."""

    version: int
    destroyed: bool


@attrs.frozen
class Missing:
    """No item at the path (or none this token may see)."""


Observed = Union[Present, Deleted, Missing]


@attrs.frozen
class Finding:
    """One thing wrong with one item; names keys, values of secretsync keys and registries, never a credential."""

    item: str  # the item's path under the mount
    kind: str  # MISSING, DELETED, ...: docs/vault.md has the table
    message: str
    key: Optional[str] = None
    expected: Optional[str] = None
    actual: Optional[str] = None
    registry: Optional[str] = None
    fix: Optional[str] = None  # a command a person runs
    source: Optional[Location] = None


def expected_items(inventory: Inventory) -> list[Expected]:
    """The items as the generated Vault file lists them (artifacts.vault renders both), with their inventory source."""
    sources = item_sources(inventory)
    return [Expected(item["item"], item["keys"], item["docker_config_key"], tuple(item["push_to"]),
                     tuple(item["jobs"]), sources[item["item"]]) for item in vault_items(inventory)]


def _vault(command: str, mount: str, *arguments: str) -> str:
    """A vault CLI command line (bao takes the same), quoted for a POSIX shell."""
    return shlex.join(["vault", *command.split(), f"-mount={mount}", *arguments])


def create_command(mount: str, item: Expected) -> str:
    """The command that creates the item, reading the docker config from a file of the key's name (never typed)."""
    pairs = [f"{item.docker_config_key}=@{item.docker_config_key}"] + [f"{k}={v}" for k, v in sorted(item.keys.items())]
    return _vault("kv put", mount, item.path, *pairs)


def findings_of_item(mount: str, item: Expected, observed: Observed) -> list[Finding]:
    """Everything wrong with one expected item as Vault holds it."""
    def finding(kind: str, message: str, **extra: Any) -> Finding:
        return Finding(item.path, kind, message, source=item.source, **extra)

    pushers = ", ".join(item.jobs)
    if isinstance(observed, Missing):
        command = create_command(mount, item)
        return [finding(MISSING, f"no such item, so the push secret of {pushers} is never synced: put the docker"
                                 f" config.json with push credentials for {', '.join(item.push_to)} into"
                                 f" ./{item.docker_config_key} and run: {command}", fix=command)]
    if isinstance(observed, Deleted):
        # A collection's members may not undelete (their policy has no kv/undelete path); they may write again.
        command = create_command(mount, item)
        how = "is destroyed" if observed.destroyed else (
            f"is deleted (a Vault administrator can restore it: "
            f"{_vault('kv undelete', mount, f'-versions={observed.version}', item.path)})")
        return [finding(DELETED, f"version {observed.version}, the latest, {how}, so ci-secret-bootstrap syncs"
                                 f" nothing: write the item again with the docker config.json in"
                                 f" ./{item.docker_config_key}: {command}", fix=command)]
    data = observed.data
    found = [finding(NOT_A_STRING, f"the value of {key!r} is not a string (ci-secret-bootstrap reads only strings"
                                   f" and fails the item): write it again as text", key=key)
             for key in sorted(data) if not isinstance(data[key], str)]
    found += [finding(INVALID_KEY, f"key {key!r} is not a Secret key ([-._a-zA-Z0-9]+); Vault's self-service proxy"
                                   f" refuses every write to this item until it is renamed", key=key)
              for key in sorted(data) if not key.startswith(SECRETSYNC) and not VALID_KEY.fullmatch(key)]
    for key, want in sorted(item.keys.items()):
        have = data.get(key)
        if have != want:
            shown = "missing" if have is None else _shown(have)
            found.append(finding(SECRETSYNC_KEY, f"{key} is {shown}, expected {want!r}: run {APPLY}", key=key,
                                 expected=want, actual=redact(have) if isinstance(have, str) else None))
    found += [finding(UNEXPECTED_KEY, f"{key} is not a key mirrorgen sets (ci-secret-bootstrap would act on it):"
                                      f" run {APPLY} to remove it", key=key)
              for key in sorted(data) if key.startswith(SECRETSYNC) and key not in item.keys]
    found += _docker_config_findings(item, data, finding)
    return found


def _shown(value: Any) -> str:
    """A secretsync value as a message quotes it: they hold names, but one pasted into the wrong field is blanked."""
    return repr(redact(value)) if isinstance(value, str) else f"a {type(value).__name__}, not a string"


def _docker_config_findings(item: Expected, data: dict[str, Any], finding) -> list[Finding]:
    key = item.docker_config_key
    if key not in data:
        return [finding(NO_DOCKER_CONFIG, f"no key {key!r}, which the jobs mount as their docker config: add the"
                                          f" docker config.json with push credentials for {', '.join(item.push_to)}"
                                          f" under {key!r}", key=key)]
    if not isinstance(data[key], str):
        return []  # already a not-a-string finding
    auths = _auths(data[key])
    if isinstance(auths, str):
        return [finding(DOCKER_CONFIG_INVALID, f"{key!r} {auths}: it must be a docker config.json, "
                                               '{"auths": {"<registry>": {"auth": "<base64 user:password>"}}}', key=key)]
    found = []
    for registry in item.push_to:
        problem = registry_problem(auths, registry)
        if problem:
            found.append(finding(NO_CREDENTIALS, f"{key!r} {problem}, so the jobs cannot push to {registry}: add"
                                                 f" credentials for {registry} (or its registry host)", key=key,
                                 registry=registry))
    return found


def _auths(text: str) -> Union[dict, str]:
    """The `auths` map of a docker config.json, or what is wrong with it (never quoting the text)."""
    try:
        config = json.loads(text)
    except ValueError as error:
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        return f"is not JSON{where}"
    if not isinstance(config, dict) or not isinstance(config.get("auths"), dict):
        return "has no \"auths\" map"
    return config["auths"]


def _host(key: str) -> str:
    """An auths key as oc compares it with a registry host: URL keys (https://quay.io/v1/) reduced to their host,
    Docker Hub's names to one (openshift/oc dockercredentials: normalizeAuthFileKey, normalizeRegistry)."""
    stripped = key.removeprefix("http://").removeprefix("https://")
    if stripped != key:
        stripped = stripped.split("/", 1)[0]
    return "index.docker.io" if stripped in ("registry-1.docker.io", "docker.io") else stripped


def auths_entry(auths: dict, destination: str) -> Optional[tuple[str, Any]]:
    """The auths entry oc uses to push to `destination` (quay.io/org): the exact key, a parent path, the host; then
    any key naming the host as a URL. (openshift/oc dockercredentials: findAuthentication.)"""
    parts = destination.split("/")
    for end in range(len(parts), 0, -1):
        if "/".join(parts[:end]) in auths:
            key = "/".join(parts[:end])
            return key, auths[key]
    host = _host(parts[0])
    return next(((key, entry) for key, entry in auths.items() if _host(key) == host), None)


def registry_problem(auths: dict, destination: str) -> Optional[str]:
    """Why the docker config cannot push to `destination`, or None when it can (never quoting a credential)."""
    found = auths_entry(auths, destination)
    if found is None:
        return f"has no auths entry for {destination}"
    key, entry = found
    if not isinstance(entry, dict):
        return f"holds no credentials for {destination} (its entry {key!r} is not an object)"
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            user_password = base64.b64decode(auth, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            user_password = ""
        if ":" in user_password:
            return None
        return f"holds an auth for {destination} (entry {key!r}) that is not base64 of user:password"
    if all(isinstance(entry.get(field), str) and entry[field] for field in ("username", "password")):
        return None
    if isinstance(entry.get("identitytoken"), str) and entry["identitytoken"]:
        return None
    return (f"holds no credentials for {destination} (entry {key!r} has no auth, username and password, or"
            f" identitytoken)")


def stale_findings(mount: str, listed: dict[str, Observed], expected: Iterable[Expected],
                   collection_root: str) -> list[Finding]:
    """Items under the prefix that no job uses and that are not deleted (the collection manager's placeholder aside)."""
    wanted = {item.path for item in expected}
    found = []
    for path, observed in sorted(listed.items()):
        if path in wanted or not isinstance(observed, Present) or _is_placeholder(path, observed, collection_root):
            continue
        command = _vault("kv metadata delete", mount, path)
        found.append(Finding(path, STALE, f"no job uses this item (ci-secret-bootstrap still syncs whatever it"
                                          f" targets): if nothing else needs it, delete it with: {command}",
                             fix=command))
    return found


def _is_placeholder(path: str, observed: Present, collection_root: str) -> bool:
    return path == f"{collection_root}/{PLACEHOLDER}" and set(observed.data) == {PLACEHOLDER}


def conflict_findings(observed: dict[str, Observed], expected: Iterable[Expected]) -> list[Finding]:
    """Items that claim a key of a secret that another item claims too: ci-secret-bootstrap then fails ("referenced
    by multiple vault items") for every user secret. Blamed on the items that target what they should not."""
    wanted = {item.path: item.keys for item in expected}
    claims: dict[tuple[str, str, str], list[str]] = {}
    for path, item in sorted(observed.items()):
        for claim in _claims(item):
            claims.setdefault(claim, []).append(path)
    found = []
    for path, item in sorted(observed.items()):
        keys = wanted.get(path)
        if keys is not None and _targets(keys) == _targets(getattr(item, "data", {})):
            continue  # targets what the inventory says: any clash is the other item's
        clashes = sorted({(f"{ns}/{name}", key, other) for ns, name, key in _claims(item)
                          for other in claims[(ns, name, key)] if other != path})
        if clashes:
            secret, key, other = clashes[0]
            more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
            found.append(Finding(path, CONFLICT, f"claims key {key!r} of secret {secret}, as {other} does{more}:"
                                                 f" ci-secret-bootstrap then syncs no user secret at all: delete or"
                                                 f" re-target one of them", key=key))
    return found


def _targets(data: dict[str, Any]) -> tuple[Any, Any]:
    return data.get(TARGET_NAMESPACE), data.get(TARGET_NAME)


def _claims(observed: Observed) -> list[tuple[str, str, str]]:
    """(namespace, name, key) of every key ci-secret-bootstrap puts into a secret from this item
    (pkg/secrets/vault.go GetUserSecrets: namespaces split on `,`, every key but target-namespace and -name)."""
    if not isinstance(observed, Present):
        return []
    data = observed.data
    namespaces, name = data.get(TARGET_NAMESPACE), data.get(TARGET_NAME)
    if not isinstance(namespaces, str) or not isinstance(name, str) or not namespaces or not name:
        return []
    keys = [key for key in data if key not in (TARGET_NAMESPACE, TARGET_NAME)]
    return [(ns, name, key) for ns in namespaces.split(",") if ns for key in keys]


def desired_data(item: Expected, data: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The item's data with its secretsync/* keys set to the inventory's and every other key as it is; None when
    that is what it holds already."""
    new = {key: value for key, value in data.items() if not key.startswith(SECRETSYNC)}
    new.update(item.keys)
    return None if new == data else new


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Optional[str], Optional[str]]]:
    """(key, old value, new value) of each secretsync/* key that differs (only those ever change)."""
    keys = sorted(k for k in set(old) | set(new) if k.startswith(SECRETSYNC) and old.get(k) != new.get(k))
    return [(key, old.get(key), new.get(key)) for key in keys]
