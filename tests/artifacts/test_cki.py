"""The CKI image inventory: lint messages at file:line, and the generated files read back in their formats."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import run_cli
from mirrorgen.registry.pin import rewrite_lines
from mirrorgen.inventory.refs import mapping_pairs, split_mapping_line

D = "sha256:" + "ab" * 32


def test_every_image_problem_is_reported_at_its_line(make_inventory) -> None:
    config = make_inventory({"images.yaml": f"""\
        mirror_prefix: quay.io/cki/mirror
        approved_registries: [quay.io]
        images:
          fine: quay.io/cki/tools:1@{D}
          no_tag: quay.io/cki/tools@{D}
          no_digest: quay.io/cki/tools:2
          short_digest: quay.io/cki/tools:3@sha256:abc
          unapproved: docker.io/library/redis:7@{D}
          no_registry: quay.io/cki/mirror/library/redis:7@{D}
          hub_short: quay.io/cki/mirror/docker.io/redis:7@{D}
          two_lines:
            quay.io/cki/tools:4@{D}
          with_port: quay.io/cki/mirror/registry.example.com:5050/x:1@{D}
        """})
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "images.yaml" in line]
    at = lambda n: [e for e in errors if e.startswith(f"{config}/images.yaml:{n}: ")]  # noqa: E731
    assert not at(4)
    assert "has no tag" in at(5)[0]
    assert "not pinned to a digest: run `mirrorgen pin`" in at(6)[0]
    assert "malformed digest 'sha256:abc'" in at(7)[0]
    assert ("neither in an approved registry nor mirrored: write quay.io/cki/mirror/docker.io/library/redis:7@<digest>"
            in at(8)[0])
    assert "the mirror path quay.io/cki/mirror/library/redis does not match its upstream" in at(9)[0]
    assert ("does not match its upstream docker.io/library/redis: write quay.io/cki/mirror/docker.io/library/redis"
            in at(10)[0])
    assert "same line as its name" in at(11)[0]
    assert at(13) == [f"{config}/images.yaml:13: image 'with_port': invalid repository path"
                      f" 'cki/mirror/registry.example.com:5050/x' (registry.example.com:5050 is a registry host and port,"
                      f" which a repository path cannot hold) in 'quay.io/cki/mirror/registry.example.com:5050/x:1@{D}'"]
    assert result.stderr.splitlines()[-1] == "mirrorgen: 8 error(s) and 1 warning(s) in the inventory"


def test_generated_cki_files_read_back(make_inventory, tmp_path: Path) -> None:
    config = make_inventory({"images.yaml": f"""\
        mirror_prefix: quay.io/cki/mirror
        approved_registries: [quay.io, registry.example.com:5050]
        images:
          tools: quay.io/cki/tools:1@{D}
          builder: registry.example.com:5050/cki/builder:F41@{D}
          redis: quay.io/cki/mirror/docker.io/library/redis:7.4_Final@{D}
        """})
    out = tmp_path / "out"
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    root = out / "deployment-all"
    assert yaml.safe_load((root / "vars.yml").read_text()) == {
        "IMAGES": {"tools": f"quay.io/cki/tools:1@{D}", "builder": f"registry.example.com:5050/cki/builder:F41@{D}",
                   "redis": f"quay.io/cki/mirror/docker.io/library/redis:7.4_Final@{D}"},
        "MP_APPROVED_REGISTRIES": ["quay.io", "registry.example.com:5050"],
    }
    lines = [split_mapping_line(line) for line in (root / "img-mirror/mapping.txt").read_text().splitlines()]
    pairs = [pair for line in lines if line.tokens for pair in mapping_pairs(line.tokens)]
    assert [(str(p.source), str(p.destination)) for p in pairs] == [
        (f"docker.io/library/redis:7.4_Final@{D}", "quay.io/cki/mirror/docker.io/library/redis:7.4_Final")]
    schedule, = yaml.safe_load((root / "gitlab-repo-config/pipeline-schedules.yml").read_text())
    assert (schedule["cron"], schedule["ref"], schedule["variables"]) == (
        "0 1 * * *", "production", [{"key": "ONLY_JOB_NAME", "value": "img-mirror", "variable_type": "env_var"}])
    renovate = json.loads((root / "renovate.json").read_text())
    assert renovate["postUpgradeTasks"]["commands"] == ["make generate"]
    assert renovate["customManagers"][0]["managerFilePatterns"] == ["/^config/images\\.yaml$/"]


def test_rewrite_lines_changes_only_the_reference() -> None:
    text = "a: 1\r\n  x:  'reg.io/a:1'  # keep\r\nlast"
    assert rewrite_lines(text, {2: ("reg.io/a:1", f"reg.io/a:1@{D}")}) == f"a: 1\r\n  x:  'reg.io/a:1@{D}'  # keep\r\nlast"


def test_renovate_file_pattern_is_valid_re2_for_any_repository_path(make_inventory, tmp_path: Path) -> None:
    """Renovate compiles managerFilePatterns with RE2, which refuses a backslash before a non-ASCII character."""
    import re2

    for path in ("config/images.yaml", "deploy/dépôt+1/images.yaml"):
        config = make_inventory({"images.yaml": f"repository_path: {path}\napproved_registries: [quay.io]\nimages: {{}}\n"})
        out = tmp_path / "out"
        assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
        (pattern,) = json.loads((out / "deployment-all/renovate.json").read_text())["customManagers"][0]["managerFilePatterns"]
        assert pattern.startswith("/") and pattern.endswith("/")
        assert re2.search(pattern[1:-1], path) and not re2.search(pattern[1:-1], "x" + path)
