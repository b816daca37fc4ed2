"""`pin` and `verify` against real registries (Debian's docker-registry) on loopback, fed by skopeo."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import MINIMAL, run_cli, write_tree

MISSING = [tool for tool in ("docker-registry", "skopeo") if shutil.which(tool) is None]
# In CI (.ci/run installs both) a missing tool is a broken set-up, so the tests run and fail instead of skipping.
pytestmark = pytest.mark.skipif(bool(MISSING) and not os.environ.get("CI"), reason=f"{' and '.join(MISSING)} not installed"
                                                      f" (.ci/run installs them: apt-get install docker-registry skopeo)")
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
# A mirror path cannot hold a registry port (refs.split_repository refuses it), so mirrored CKI images name an upstream
# without one; verify never asks it (the inventory pins the source digest), and pin fails to reach it.
UPSTREAM = "upstream.test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def start_registry(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """start_registry() → "127.0.0.1:PORT" of a fresh registry with its own storage; all stop at teardown."""
    running: list[subprocess.Popen] = []

    def start() -> str:
        port = _free_port()
        root = tmp_path / f"registry-{port}"
        root.mkdir()
        # The distribution registry's configuration (docs: distribution/docs/configuration.md).
        (root / "config.yml").write_text(
            f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n"
            f"  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n")
        process = subprocess.Popen(["docker-registry", "serve", str(root / "config.yml")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        running.append(process)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1).close()
                return f"127.0.0.1:{port}"
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"docker-registry on port {port} did not start")
                time.sleep(0.1)

    yield start
    for process in running:
        process.terminate()
        process.wait(timeout=10)


def _blob(layout: Path, data: bytes) -> dict:
    digest = hashlib.sha256(data).hexdigest()
    (layout / "blobs/sha256").mkdir(parents=True, exist_ok=True)
    (layout / "blobs/sha256" / digest).write_bytes(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def _image(layout: Path, content: str, arch: str) -> dict:
    """One single-layer image in the OCI layout; returns its manifest's descriptor."""
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as tar:
        data = content.encode()
        info = tarfile.TarInfo("content.txt")
        info.size, info.mtime = len(data), 0
        tar.addfile(info, io.BytesIO(data))
    layer = tar_bytes.getvalue()
    config = {"architecture": arch, "os": "linux", "config": {},
              "rootfs": {"type": "layers", "diff_ids": [f"sha256:{hashlib.sha256(layer).hexdigest()}"]}}
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **_blob(layout, json.dumps(config).encode())},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    **_blob(layout, gzip.compress(layer, mtime=0))}],
    }
    return {"mediaType": OCI_MANIFEST, **_blob(layout, json.dumps(manifest).encode()),
            "platform": {"architecture": arch, "os": "linux"}}


def build_layout(layout: Path, content: str, *, multi_arch: bool = False) -> str:
    """An OCI image layout with tag `latest` (an index over amd64 and arm64 if `multi_arch`); returns its digest."""
    if multi_arch:
        index = {"schemaVersion": 2, "mediaType": OCI_INDEX,
                 "manifests": [_image(layout, f"{content} {arch}", arch) for arch in ("amd64", "arm64")]}
        top = {"mediaType": OCI_INDEX, **_blob(layout, json.dumps(index).encode())}
    else:
        top = _image(layout, content, "amd64")
        del top["platform"]
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    top["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [top]}))
    return top["digest"]


def skopeo(*args: str) -> str:
    result = subprocess.run(["skopeo", *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def push(tmp_path: Path, content: str, destination: str, *, multi_arch: bool = False) -> str:
    layout = tmp_path / f"layout-{hashlib.sha256(content.encode()).hexdigest()[:12]}"
    digest = build_layout(layout, content, multi_arch=multi_arch)
    skopeo("copy", "--all", "--preserve-digests", "--dest-tls-verify=false", f"oci:{layout}:latest", f"docker://{destination}")
    return digest


def served_digest(reference: str) -> str:
    return skopeo("inspect", "--tls-verify=false", "--format", "{{.Digest}}", f"docker://{reference}").strip()


@pytest.fixture
def registries(start_registry: Callable[[], str]) -> tuple[str, str]:
    """(upstream, mirror): two registries."""
    return start_registry(), start_registry()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli(*args)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_pin_writes_the_served_digest_and_keeps_every_other_byte(registries: tuple[str, str], tmp_path: Path) -> None:
    upstream, mirror = registries
    single = push(tmp_path, "app v1", f"{upstream}/cki/app:1.0")
    index = push(tmp_path, "multi v2", f"{upstream}/cki/multi:2.0", multi_arch=True)
    assert served_digest(f"{upstream}/cki/multi:2.0") == index  # the index, not one platform's manifest
    old = "sha256:" + "1" * 64
    before = (
        "# Keep this comment.\r\n"
        f"mirror_prefix: {mirror}/cki/mirror\r\n"
        f"approved_registries: [{upstream}, {mirror}]\r\n"
        "images:\r\n"
        f"  app: {upstream}/cki/app:1.0\r\n"
        f"  multi:   \"{upstream}/cki/multi:2.0\"    # quoted, spaced, commented\r\n"
        f"  pinned: {upstream}/cki/app:1.0@{old}\r\n"
    )
    config = write_tree(tmp_path / "config", {**MINIMAL, "images.yaml": before.encode()})

    result = cli("pin", "--config", str(config), "--insecure-registry", upstream)
    assert result.returncode == 0, result.stdout + result.stderr
    after = (config / "images.yaml").read_bytes().decode()
    assert after == (before.replace("cki/app:1.0\r", f"cki/app:1.0@{single}\r")
                     .replace("multi:2.0\"", f"multi:2.0@{index}\""))
    assert "2 pinned, 0 already current, 0 failed" in result.stdout

    moved = push(tmp_path, "app v1, rebuilt", f"{upstream}/cki/app:1.0")
    assert cli("pin", "--config", str(config), "--insecure-registry", upstream).stdout.endswith("0 pinned, 0 already current, 0 failed\n")
    updated = cli("pin", "--config", str(config), "--update", "--insecure-registry", upstream)
    assert updated.returncode == 0 and "2 pinned, 1 already current, 0 failed" in updated.stdout
    text = (config / "images.yaml").read_text()
    assert text.count(moved) == 2 and old not in text and single not in text

    # TLS verification stays on unless the flag names the registry: plain HTTP then fails, and nothing is written.
    (config / "images.yaml").write_bytes(before.encode())
    refused = cli("pin", "--config", str(config))
    assert refused.returncode == 1
    assert f"{config}/images.yaml:5: cannot pin 'app': {upstream}/cki/app:1.0:" in refused.stderr
    assert (config / "images.yaml").read_bytes() == before.encode()


def test_pin_looks_a_mirrored_image_up_upstream_never_in_the_mirror(registries: tuple[str, str], tmp_path: Path) -> None:
    _, mirror = registries
    push(tmp_path, "tool v3", f"{mirror}/cki/mirror/{UPSTREAM}/library/tool:v3")
    config = write_tree(tmp_path / "config", {**MINIMAL, "images.yaml": f"""\
        mirror_prefix: {mirror}/cki/mirror
        approved_registries: [{mirror}]
        images:
          tool: {mirror}/cki/mirror/{UPSTREAM}/library/tool:v3
        """})
    result = cli("pin", "--config", str(config), "--insecure-registry", mirror, "--insecure-registry", UPSTREAM)
    assert result.returncode == 1
    assert f"{config}/images.yaml:4: cannot pin 'tool': {UPSTREAM}/library/tool:v3: " in result.stderr
    assert "@sha256" not in (config / "images.yaml").read_text()


def test_verify_reports_ok_stale_and_missing(registries: tuple[str, str], tmp_path: Path) -> None:
    upstream, mirror = registries
    first = push(tmp_path, "api v1", f"{upstream}/library/api:1.0", multi_arch=True)
    config = write_tree(tmp_path / "config", {
        **MINIMAL,
        "images.yaml": f"""\
            mirror_prefix: {mirror}/cki/mirror
            approved_registries: [{mirror}]
            images:
              api: {mirror}/cki/mirror/{UPSTREAM}/library/api:1.0@{first}
            """,
        "orgs/acme.yaml": f"""\
            destination: {mirror}/acme
            mappings:
              mapping_acme_api: |
                {upstream}/library/api:1.0 {mirror}/acme/api:1.0 {mirror}/acme/api:stable
                {upstream}/library/api:1.0 {mirror}/acme/never-copied:1.0
            """,
    })
    # What img-mirror and the OpenShift job do: copy the source, every architecture, to each destination.
    for destination in (f"cki/mirror/{UPSTREAM}/library/api:1.0", "acme/api:1.0", "acme/api:stable"):
        skopeo("copy", "--all", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
               f"docker://{upstream}/library/api@{first}", f"docker://{mirror}/{destination}")
    insecure = ("--insecure-registry", upstream, "--insecure-registry", mirror)

    def statuses(*extra: str) -> tuple[int, dict]:
        result = cli("verify", "--config", str(config), "--format", "json", *insecure, *extra)
        report = json.loads(result.stdout)
        return result.returncode, {(line["file"].rsplit("/", 1)[1], line["line"]): (line["status"], [d["status"] for d in line["destinations"]])
                                   for line in report["lines"]}

    code, lines = statuses()
    assert lines == {("images.yaml", 4): ("ok", ["ok"]), ("acme.yaml", 4): ("ok", ["ok", "ok"]),
                     ("acme.yaml", 5): ("missing", ["missing"])}
    assert code == 1

    # The upstream tag moves: the mapping's destinations are now stale; the pinned CKI image is still mirrored.
    push(tmp_path, "api v2", f"{upstream}/library/api:1.0")
    code, lines = statuses("--org", "acme")
    assert lines == {("acme.yaml", 4): ("stale", ["stale", "stale"]), ("acme.yaml", 5): ("missing", ["missing"])}
    # Renovate bumps the CKI digest; until img-mirror runs, the mirror is stale.
    second = served_digest(f"{upstream}/library/api:1.0")
    images = config / "images.yaml"
    images.write_text(images.read_text().replace(first, second))
    code, lines = statuses()
    assert lines[("images.yaml", 4)] == ("stale", ["stale"]) and code == 1

    text = cli("verify", "--config", str(config), *insecure)
    assert f"{config}/images.yaml:4: stale: {UPSTREAM}/library/api:1.0@" in text.stdout
    assert f"{config}/orgs/acme.yaml:5: missing: {upstream}/library/api:1.0 -> {mirror}/acme/never-copied:1.0" in text.stdout


def test_verify_pulls_an_image_stream_source_from_the_registry_the_job_pulls_it_from(registries: tuple[str, str],
                                                                                     tmp_path: Path) -> None:
    """`ns/name:tag` is rendered as `<source_registry>/ns/name:tag` (image_stream_registry: app.ci): verify asks that
    registry, not Docker Hub, which is where `ns/name:tag` as written would lead skopeo."""
    ci, mirror = registries
    digest = push(tmp_path, "tools v1", f"{ci}/acme-ci/tools:v1")
    skopeo("copy", "--all", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
           f"docker://{ci}/acme-ci/tools@{digest}", f"docker://{mirror}/acme/tools:v1")
    config = write_tree(tmp_path / "config", {
        **MINIMAL,
        "mirrorgen.yaml": f"source_registry: {ci}\n",
        "orgs/acme.yaml": f"""\
            destination: {mirror}/acme
            mappings:
              mapping_acme_tools: |
                acme-ci/tools:v1 {mirror}/acme/tools
            """,
    })
    result = cli("verify", "--config", str(config), "--format", "json", "--insecure-registry", ci,
                 "--insecure-registry", mirror)
    (line,) = json.loads(result.stdout)["lines"]
    assert (line["status"], line["source"], line["source_digest"]) == ("ok", f"{ci}/acme-ci/tools:v1", digest), line
    assert result.returncode == 0
