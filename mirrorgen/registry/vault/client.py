"""The shell's Vault side: KV v2 over HTTP, with only what a self-service collection's members may do.

Members may list metadata and read, create and update data, nothing else (ci-tools
vault-secret-collection-manager): so existence, version and deletion all come from reading data, and a write is
a whole-item POST with check-and-set. The standard library's urllib is the client; every failure is one VaultError
line: the address, the HTTP status, what to do.
"""

from __future__ import annotations

import base64
import json
import os
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Mapping, Optional

from ...errors import MirrorgenError, one_line

from .items import SYNC_SETTINGS, Deleted, Missing, Observed, Present

LOGIN = "vault login -method=oidc"
# How long one request may take before the run gives up on the server.
TIMEOUT = 30.0
# Shorter values are no credential worth the name, and blanking them would garble every message.
_MIN_SECRET = 4


class VaultError(MirrorgenError):
    """Vault could not be reached, refused, or failed; the message is one line, free of credentials."""


class CasConflict(Exception):
    """The item changed since it was read (KV v2 check-and-set refused the write)."""


class Censor:
    """Blanks every registered secret (the token, every credential value read) out of a text, as ci-tools'
    DynamicCensor does for its logs."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, secret: str) -> None:
        if len(secret) >= _MIN_SECRET:
            self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def connect(environ: Mapping[str, str] = os.environ, censor: Optional[Censor] = None) -> "Vault":
    """A client for the Vault of `VAULT_ADDR`, authenticated as ci-tools' users are: `VAULT_TOKEN`, else the token
    file `vault login` writes."""
    censor = censor or Censor()
    address = environ.get("VAULT_ADDR", "").strip()
    if not address:
        raise VaultError(f"VAULT_ADDR is not set: export VAULT_ADDR=https://vault.ci.openshift.org, then log in:"
                         f" {LOGIN}")
    parsed = urllib.parse.urlsplit(address)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise VaultError(f"VAULT_ADDR {address!r} is not a URL such as https://vault.ci.openshift.org")
    token = environ.get("VAULT_TOKEN", "").strip()
    if not token:
        path = Path(environ.get("HOME") or os.path.expanduser("~"), ".vault-token")
        try:
            token = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise VaultError(f"no Vault token: VAULT_TOKEN is not set and there is no {path}: log in with:"
                             f" {LOGIN}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise VaultError(f"cannot read the Vault token from {path} ({type(error).__name__}): log in again with:"
                             f" {LOGIN}") from None
        if not token:
            raise VaultError(f"{path} is empty: log in again with: {LOGIN}")
    censor.add(token)
    context = None
    cacert = environ.get("VAULT_CACERT")
    if cacert:  # a Vault whose certificate an internal CA signed, as the vault CLI reads it
        try:
            context = ssl.create_default_context(cafile=cacert)
        except (OSError, ssl.SSLError) as error:
            raise VaultError(f"VAULT_CACERT {cacert}: no CA certificate could be read from it"
                             f" ({getattr(error, 'strerror', None) or error}): point it at a PEM file") from None
    return Vault(address.rstrip("/"), token, censor, context)


class Vault:
    """KV v2 requests to one server with one token."""

    def __init__(self, address: str, token: str, censor: Censor, context: Optional[ssl.SSLContext] = None) -> None:
        self.address = address
        self._token = token
        self.censor = censor
        self._context = context

    def list_items(self, mount: str, folder: str) -> list[str]:
        """Every item below `folder` (paths under the mount), through the folders inside it."""
        status, answer = self._request("LIST", mount, "metadata", folder + "/", "list")
        if status == 404:
            return []
        items = []
        for key in answer.get("data", {}).get("keys", []):
            if key.endswith("/"):
                items += self.list_items(mount, f"{folder}/{key[:-1]}")
            else:
                items.append(f"{folder}/{key}")
        return items

    def read(self, mount: str, path: str) -> Observed:
        status, answer = self._request("GET", mount, "data", path, "read")
        if status == 404:
            metadata = (answer.get("data") or {}).get("metadata")
            if metadata:
                return Deleted(metadata.get("version", 0), bool(metadata.get("destroyed")))
            return Missing()
        data = answer["data"]["data"] or {}
        self._learn_secrets(data)
        return Present(answer["data"]["metadata"]["version"], data)

    def write(self, mount: str, path: str, data: dict[str, Any], cas: int) -> int:
        """Write `data` as the item's next version if its current version is still `cas`; the new version."""
        status, answer = self._request("POST", mount, "data", path, "write", {"options": {"cas": cas}, "data": data})
        return answer["data"]["version"]

    def _learn_secrets(self, data: dict[str, Any]) -> None:
        """Register every value that is or holds a credential with the censor, before anything could quote it."""
        for key, value in data.items():
            if key in SYNC_SETTINGS and isinstance(value, str):
                continue
            for text in _strings(value):
                self.censor.add(text)
                for part in _credential_parts(text):
                    self.censor.add(part)

    def _request(self, method: str, mount: str, kind: str, path: str, what: str,
                 body: Optional[dict] = None) -> tuple[int, dict]:
        where = f"{mount}/{path}"
        url = f"{self.address}/v1/{urllib.parse.quote(f'{mount}/{kind}/{path}', safe='/')}"
        request = urllib.request.Request(url, method=method, headers={"X-Vault-Token": self._token,
                                                                      "Content-Type": "application/json"},
                                         data=None if body is None else json.dumps(body).encode())
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT, context=self._context) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise VaultError(self._line(f"its certificate is not trusted ({reason.verify_message}) on the {what}"
                                            f" of {where}: set VAULT_CACERT to the file of the CA that signed it"))
            reason = getattr(reason, "strerror", None) or reason
            raise VaultError(self._line(f"no answer to the {what} of {where} ({reason}): check VAULT_ADDR, and that"
                                        f" Vault is running and reachable from here")) from None
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        if status < 300 or status == 404 and method in ("GET", "LIST"):
            return status, answer
        errors = _reasons(answer.get("errors"))
        if method == "POST" and status == 400 and "check-and-set" in errors:
            raise CasConflict(where)
        advice = _advice(status, mount, path)
        raise VaultError(self._line(f"HTTP {status} on the {what} of {where}: {errors}: {advice}"))

    def _line(self, text: str) -> str:
        return one_line(self.censor(f"vault {self.address}: {text}"))


def _reasons(errors: Any) -> str:
    """Vault's `errors` as one line: its multi-error texts ("1 error occurred:\\n\\t* permission denied\\n\\n")
    reduced to their items."""
    items = []
    for error in errors if isinstance(errors, list) else []:
        lines = [line.strip().removeprefix("* ") for line in str(error).splitlines()]
        items += [line for line in lines if line and not re.fullmatch(r"\d+ errors? occurred:", line)]
    return "; ".join(dict.fromkeys(items)) or "no reason given"


def _advice(status: int, mount: str, path: str) -> str:
    if status in (401, 403):
        return (f"log in again ({LOGIN}), and check that you are a member of the self-service collection that owns"
                f" {mount}/{path.rsplit('/', 1)[0]}")
    if status == 503:
        return "Vault is sealed or unavailable: run this again when it is back"
    if status >= 500:
        return "Vault failed: run this again later, and tell its administrators if it persists"
    return "Vault refused the request: fix what it names, then run this again"


def _strings(value: Any) -> list[str]:
    """Every string in a value read from Vault: itself, or (an object a person saved where text belongs) its leaves."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.items() for part in item for text in _strings(part)]
    if isinstance(value, list):
        return [text for part in value for text in _strings(part)]
    return [str(value)]


def _credential_parts(value: str) -> list[str]:
    """Pieces of a docker config.json that messages could quote on their own: each entry's auth, the user:password
    it encodes and the password, the password and identity token fields."""
    try:
        config = json.loads(value)
    except ValueError:
        return []
    auths = config.get("auths") if isinstance(config, dict) else None
    parts = []
    for entry in (auths.values() if isinstance(auths, dict) else []):
        if not isinstance(entry, dict):
            continue
        for field in ("auth", "password", "identitytoken", "registrytoken"):
            if isinstance(entry.get(field), str):
                parts.append(entry[field])
        if isinstance(entry.get("auth"), str):
            try:
                decoded = base64.b64decode(entry["auth"]).decode()
            except ValueError:
                continue
            parts += [decoded, decoded.partition(":")[2]]
    return parts
