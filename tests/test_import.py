"""`mirrorgen import` on a hand-built release tree with every irregularity of the real one: exact round trip,
fixed point, loud failures, and lint finding each planted defect once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli
from mirrorgen import canonical_yaml
from mirrorgen.overrides import deep_merge, overrides_between
from mirrorgen.refs import split_mapping_line

FIXTURE = REPO / "tests/fixtures/release"
JOBS = "ci-operator/jobs/infra-image-mirroring.yaml"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _lines(data: bytes) -> list[str]:
    return [line for line in (split_mapping_line(raw).render() for raw in data.decode().splitlines()) if line]


def _import(release: Path, config: Path, *more: str):
    result = run_cli("import", "--release-repo", str(release), "--config", str(config), *more)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("imported")
    config, out = base / "config", base / "out"
    _import(FIXTURE, config)
    generated = run_cli("generate", "--config", str(config), "--output", str(out))
    assert generated.returncode == 0, generated.stderr
    return config, out


def test_fixture_job_file_is_in_the_sanitizers_canonical_form() -> None:
    text = (FIXTURE / JOBS).read_text()
    assert canonical_yaml.dump(yaml.safe_load(text)) == text


def test_generate_reproduces_job_file_mappings_and_owners(imported: tuple[Path, Path]) -> None:
    _, out = imported
    source = _files(FIXTURE)
    assert (out / JOBS).read_bytes() == source[JOBS]
    checked = 0
    for path, data in source.items():
        name = path.rsplit("/", 1)[-1]
        if path.startswith("core-services/image-mirroring/") and name.startswith("mapping_"):
            assert _lines((out / path).read_bytes()) == _lines(data), path
            checked += 1
        elif name == "OWNERS":
            assert (out / path).read_bytes() == data, path
            checked += 1
    assert checked == 13  # 8 mapping files, 5 OWNERS
    # No OWNERS where the release has none, no manifests over the hand-written ones, nothing for a job without folder.
    assert not (out / "core-services/image-mirroring/extras/OWNERS").exists()
    assert not (out / "clusters/app.ci/registry-access/bird-builds").exists()
    assert not (out / "core-services/image-mirroring/ghost").exists()
    # A TAB is a defect lint reports; generating keeps it, so adopting mirrorgen changes no job's behaviour.
    assert b"hammer:latest\tquay.io" in (out / "core-services/image-mirroring/anvil/mapping_anvil_builder_tools").read_bytes()


def test_import_generate_import_is_a_fixed_point(tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(FIXTURE, release)
    first, second = tmp_path / "first", tmp_path / "second"
    _import(release, first)
    # As a team adopts it: generate into the checkout itself, over the hand-written files.
    assert run_cli("generate", "--config", str(first), "--output", str(release)).returncode == 0
    _import(release, second)
    assert _files(second) == _files(first)


def test_imported_inventory_records_the_irregularities(imported: tuple[Path, Path]) -> None:
    config, _ = imported
    settings = yaml.safe_load((config / "mirrorgen.yaml").read_text())
    assert settings["job_order"] == ["bluebird", "acme", "anvil", "ghost"]
    anvil = yaml.safe_load((config / "orgs/anvil.yaml").read_text())
    assert anvil["job"]["name"] == "periodic-image-mirroring-forge"
    assert anvil["job"]["mapping_prefix"] == "mapping_anvil_builder"
    assert anvil["job"]["role"] == "infra" and anvil["job"]["area"] == "forge"
    assert anvil["other_files"] == ["README.md"] and anvil["unprefixed_mappings"] == ["anvil_nightly"]
    bluebird = yaml.safe_load((config / "orgs/bluebird.yaml").read_text())
    assert bluebird["job"]["timeout"] == "3h0m0s"
    # What has no structured field goes to the override block, and only that.
    assert list(bluebird["job"]["overrides"]) == ["reporter_config"]
    ghost = yaml.safe_load((config / "orgs/ghost.yaml").read_text())
    assert ghost["folder"] is False and ghost["job"]["interval"] == "24h"
    extras = yaml.safe_load((config / "orgs/extras.yaml").read_text())
    assert extras["job"] == {"enabled": False} and extras["owners"] == {"write": False}
    namespaces = yaml.safe_load((config / "namespaces.yaml").read_text())["namespaces"]
    assert {name: ns["access"] for name, ns in namespaces.items()} == {
        "Forge-QE": "mirror-only", "acme-ci": "authenticated", "bird-builds": "public"}


PLANTED = {
    "duplicate destination tag": "destination quay.io/acme/tools:v1 is already written at",
    "same file name in two folders": "mapping file name 'mapping_acme_shared' is also used by org",
    "file no job mirrors": "'mapping_oldbird_legacy' matches no job's MAPPING_FILE_PREFIX",
    "prefix matching no file": "mirrors files starting with 'mapping_ghost_', but no mapping file does",
    "file without mapping_ prefix": "anvil/anvil_nightly holds mapping lines but lacks the 'mapping_' prefix",
    "decommissioned registry": "registry.svc.ci.openshift.org is decommissioned",
    "TAB separator": "TAB between fields",
    "secret name Vault rejects": "'registry-push-credentials-quay.io-bluebird' is not a DNS-1123 label",
}


def test_lint_finds_each_planted_defect_once_with_file_and_line(imported: tuple[Path, Path]) -> None:
    config, _ = imported
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for defect, text in PLANTED.items():
        hits = [line for line in lines if text in line]
        assert len(hits) == 1, (defect, hits)
        assert hits[0].startswith(f"{config}/orgs/") and ".yaml:" in hits[0] and ": warning: " in hits[0]
    strict = run_cli("validate", "--strict", "--config", str(config))
    assert strict.returncode == 2


def test_import_refuses_to_overwrite_an_inventory_without_force(tmp_path: Path) -> None:
    config = tmp_path / "config"
    _import(FIXTURE, config)
    (config / "orgs/stale.yaml").write_text("destination: quay.io/stale\n")
    again = run_cli("import", "--release-repo", str(FIXTURE), "--config", str(config))
    assert again.returncode == 2 and "pass --force" in again.stderr
    _import(FIXTURE, config, "--force")
    assert not (config / "orgs/stale.yaml").exists()


def test_what_cannot_be_reproduced_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(FIXTURE, release)
    jobs = release / JOBS
    text = jobs.read_text()
    # Not the sanitizer's form: a non-canonical quote style cannot come back byte for byte.
    jobs.write_text(text.replace("cron: '@hourly'", 'cron: "@hourly"'))
    result = run_cli("import", "--release-repo", str(release), "--config", str(tmp_path / "config"))
    assert result.returncode == 2
    line = text.splitlines().index("  cron: '@hourly'") + 1
    assert f"{release}/{JOBS}:{line}: would come back as" in result.stderr
    assert not (tmp_path / "config").exists()
    # A script whose mapping files cannot be told.
    jobs.write_text(text.replace("/etc/imagemirror/mapping_ghost_*", "/etc/imagemirror/mapping_ghost_* /etc/imagemirror/x*"))
    result = run_cli("import", "--release-repo", str(release), "--config", str(tmp_path / "config"))
    assert result.returncode == 2 and "must name exactly one" in result.stderr and f"{JOBS}:" in result.stderr


def test_override_block_semantics() -> None:
    base = {"a": {"b": 1, "c": [1, 2]}, "d": "x", "e": True}
    block = {"a": {"c": [3], "n": {"m": None, "k": 1}}, "d": None}
    assert deep_merge(base, block) == {"a": {"b": 1, "c": [3], "n": {"k": 1}}, "e": True}
    target = {"a": {"b": 1}, "e": 1, "f": {}}
    assert deep_merge(base, overrides_between(base, target)) == target
    assert overrides_between(base, target)["e"] == 1  # True and 1 are different YAML
