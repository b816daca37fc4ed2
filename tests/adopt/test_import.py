"""`mirrorgen import` on a hand-built release tree with every irregularity of the real one: exact round trip,
fixed point, loud failures, and lint finding each planted defect once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli, write_tree
from mirrorgen.artifacts import canonical_yaml
from mirrorgen.inventory.overrides import deep_merge, overrides_between

FIXTURE = REPO / "tests/fixtures/release"
JOB_FILE = "ci-operator/jobs/infra-image-mirroring.yaml"
JOBS = "ci-operator/jobs/infra-image-mirroring.yaml"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


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
        if (path.startswith("core-services/image-mirroring/") and name.startswith("mapping_")) or name == "OWNERS":
            assert (out / path).read_bytes() == data, path
            checked += 1
    # 13 mapping files (one CRLF without final newline, one empty, one comments only, one with an indented first
    # line and blank lines at the end), 5 OWNERS (one ending in a blank line).
    assert checked == 18
    # No OWNERS where the release has none, no manifests over the hand-written ones, nothing for a job without folder.
    assert not (out / "core-services/image-mirroring/extras/OWNERS").exists()
    assert not (out / "clusters/app.ci/registry-access/bird-builds").exists()
    assert not (out / "core-services/image-mirroring/ghost").exists()
    # A TAB is a defect lint reports; generating keeps it, so adopting mirrorgen changes no job's behaviour.
    assert b"hammer:latest\tquay.io" in (out / "core-services/image-mirroring/anvil/mapping_anvil_builder_tools").read_bytes()


# What the first generate after an import adds to a release checkout, and nothing else (README "Adopting").
ADDED_BY_MIRRORGEN = {
    "ci-operator/jobs/.mirrorgen-manifest",
    "clusters/app.ci/registry-access/.mirrorgen-manifest",
    "core-services/image-mirroring/.mirrorgen-manifest",
    # The fixture has no Prow plugins file: the config_updater entries come as a fragment to place by hand.
    "core-services/image-mirroring/_config-updater.yaml",
    "core-services/image-mirroring/_image-mirror-mappings.yaml",
    "vault/.mirrorgen-manifest",
    "vault/image-mirroring-push-credentials.yaml",
}


def test_generate_into_the_checkout_changes_no_byte_and_adds_only_its_own_files(tmp_path: Path) -> None:
    release, config = tmp_path / "release", tmp_path / "config"
    shutil.copytree(FIXTURE, release)
    _import(release, config)
    assert run_cli("generate", "--config", str(config), "--output", str(release)).returncode == 0
    after = _files(release)
    for path, data in _files(FIXTURE).items():
        assert after[path] == data, path
    assert set(after) - set(_files(FIXTURE)) == ADDED_BY_MIRRORGEN
    check = run_cli("check", "--config", str(config), "--output", str(release))
    assert check.returncode == 0, check.stdout


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
    # A binary file is not mirrorgen's: it need not be text, only named.
    assert anvil["other_files"] == ["README.md", "diagram.png"] and anvil["unprefixed_mappings"] == ["anvil_nightly"]
    # Its files write to two organisations, the one most lines use first.
    assert anvil["destination"] == ["quay.io/anvil", "quay.io/anvil-arm64"]
    bluebird = yaml.safe_load((config / "orgs/bluebird.yaml").read_text())
    assert bluebird["job"]["timeout"] == "3h0m0s"
    # What has no structured field goes to the override block, and only that.
    assert list(bluebird["job"]["overrides"]) == ["reporter_config"]
    # The job file's other top-level keys come along as they are.
    assert list(settings["job_file_extra"]) == ["postsubmits"]
    ghost = yaml.safe_load((config / "orgs/ghost.yaml").read_text())
    assert ghost["folder"] is False and ghost["job"]["interval"] == "24h"
    extras = yaml.safe_load((config / "orgs/extras.yaml").read_text())
    assert extras["job"] == {"enabled": False} and extras["owners"] == {"write": False}
    namespaces = yaml.safe_load((config / "namespaces.yaml").read_text())["namespaces"]
    # What each folder's RoleBindings let pull (see tests/adopt/test_registry_access.py).
    assert {name: ns["access"] for name, ns in namespaces.items()} == {
        "Forge-QE": "mirror-only", "acme-ci": "authenticated", "bird-builds": "public", "heron-qe": "mirror-only",
        "kestrel-builds": "public", "owl-team": "authenticated"}


PLANTED = {
    "destination tag in two files": "destination quay.io/acme/tools:v1 is also written by mapping_acme_extra",
    "same file name in two folders": "mapping file name 'mapping_acme_shared' is also used by org",
    "file no job mirrors": "'mapping_oldbird_legacy' matches no job's MAPPING_FILE_PREFIX",
    "prefix matching no file": "mirrors files starting with 'mapping_ghost_', but no mapping file does",
    "file without mapping_ prefix": "anvil/anvil_nightly holds mapping lines but lacks the 'mapping_' prefix",
    "decommissioned registry": "registry.svc.ci.openshift.org is decommissioned",
    "TAB separator": "TAB between fields",
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
    # Nothing about what the import chose itself: every org's destinations cover its lines.
    assert not any("outside this org" in line for line in lines)
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


def _mutated(tmp_path: Path, edit) -> Path:
    release = tmp_path / "release"
    shutil.copytree(FIXTURE, release)
    edit(release)
    return release


def test_import_keeps_jobs_and_folders_whose_names_are_no_org_names(tmp_path: Path) -> None:
    # Prow takes any job name, and the folder name is the release repository's business: the org gets a valid name,
    # everything derived from it is written out, and lint only warns.
    def edit(release: Path) -> None:
        jobs = release / JOBS
        jobs.write_text(jobs.read_text().replace("name: periodic-image-mirroring-ghost",
                                                 "name: periodic-image-mirroring-Ghost.v2-with-a-name-longer-than-prow-labels-allow"))
        folder = release / "core-services/image-mirroring/Odd_Folder"
        folder.mkdir()
        (folder / "mapping_odd_quay").write_text("registry.ci.openshift.org/acme-ci/odd:latest quay.io/odd/odd:latest\n")

    release, config, out = _mutated(tmp_path, edit), tmp_path / "config", tmp_path / "out"
    _import(release, config)
    ghost = yaml.safe_load((config / "orgs/ghost-v2-with-a-name-longer-than-prow-labels-allow.yaml").read_text())
    assert ghost["job"]["name"] == "periodic-image-mirroring-Ghost.v2-with-a-name-longer-than-prow-labels-allow"
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    assert (out / JOBS).read_bytes() == (release / JOBS).read_bytes()
    assert (out / "core-services/image-mirroring/Odd_Folder/mapping_odd_quay").exists()
    lint = run_cli("validate", "--config", str(config)).stderr
    assert "warning: job name 'periodic-image-mirroring-Ghost.v2" in lint and "Prow allows 63" in lint
    assert "orgs/Odd_Folder.yaml:1: warning: org name (the file name) 'Odd_Folder' is not a DNS-1123 label" in lint


def test_a_mapping_file_below_an_org_folder_is_refused_by_name(tmp_path: Path) -> None:
    # config-updater would put it into the ConfigMap; the inventory has no place for it, so import says so.
    def edit(release: Path) -> None:
        (release / "core-services/image-mirroring/acme/old").mkdir()
        (release / "core-services/image-mirroring/acme/old/mapping_acme_old").write_text("a/b:c quay.io/acme/b:c\n")

    result = run_cli("import", "--release-repo", str(_mutated(tmp_path, edit)), "--config", str(tmp_path / "config"))
    assert result.returncode == 2 and not (tmp_path / "config").exists()
    assert "core-services/image-mirroring/acme/old/mapping_acme_old:1: config-updater puts this file into the ConfigMap" in result.stderr


def test_a_setting_the_inventory_rejects_is_reported_at_the_release_line_it_came_from(tmp_path: Path) -> None:
    def edit(release: Path) -> None:
        jobs = release / JOBS
        jobs.write_text(jobs.read_text().replace("  cron: '@hourly'\n", "  cron: '@hourly'\n  interval: 1h\n", 1))

    release = _mutated(tmp_path, edit)
    result = run_cli("import", "--release-repo", str(release), "--config", str(tmp_path / "config"))
    assert result.returncode == 2
    lines = (release / JOBS).read_text().splitlines()
    job_line = max(i for i in range(lines.index("  interval: 1h")) if lines[i] == "- agent: kubernetes") + 1
    assert f"{release}/{JOBS}:{job_line}: (imported as orgs/acme.yaml:" in result.stderr
    assert "set either job.cron or job.interval" in result.stderr


def test_job_file_extra_cannot_replace_the_periodics(imported: tuple[Path, Path], tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(imported[0], config)
    settings = config / "mirrorgen.yaml"
    settings.write_text(settings.read_text().replace("job_file_extra:\n", "job_file_extra:\n  periodics: []\n"))
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2 and "job_file_extra cannot hold `periodics`" in result.stderr


def test_the_suggested_name_for_an_unprefixed_file_is_one_its_job_mirrors() -> None:
    from mirrorgen.rules.mapping_files import prefixed

    # Upstream's openshift/origin_v3_9 under the prefix mapping_origin, and a prefix that ends in `_`.
    assert prefixed("mapping_origin", "origin_v3_9") == "mapping_origin_v3_9"
    assert prefixed("mapping_ovirt_", "csi_quay") == "mapping_ovirt_csi_quay"
    assert prefixed("mapping_anvil_builder", "anvil_nightly") == "mapping_anvil_builder_anvil_nightly"


def _big_mapping(release: Path) -> None:
    """1.3 MB of mapping lines in one org: more than one ConfigMap may hold uncompressed."""
    lines = "".join(f"registry.ci.openshift.org/acme-ci/component-{i:05d}:v4.18 quay.io/acme/component-{i:05d}:v4.18"
                    f" quay.io/acme/component-{i:05d}:v4.18.0 quay.io/acme/component-{i:05d}:latest\n" for i in range(6000))
    (release / "core-services/image-mirroring/acme/mapping_acme_big").write_text(lines)


def test_a_repository_over_the_configmap_limit_imports_unsharded(tmp_path: Path) -> None:
    """Sharding would move the files into new ConfigMaps (one org's files alone are over the budget here), so an
    import keeps one ConfigMap and reports the size as a defect; the job file still comes back byte for byte."""
    release, config, out = _mutated(tmp_path, _big_mapping), tmp_path / "config", tmp_path / "out"
    _import(release, config)
    settings = yaml.safe_load((config / "mirrorgen.yaml").read_text())
    assert settings["configmap"] == {"gzip": False, "shard": False}
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    assert (out / JOB_FILE).read_bytes() == (release / JOB_FILE).read_bytes()
    lint = run_cli("validate", "--config", str(config))
    assert "warning: the image-mirror-mappings ConfigMap would hold" in lint.stderr


def test_config_updater_gzip_is_read_from_the_plugins_file(tmp_path: Path) -> None:
    def gzipped(release: Path) -> None:
        _big_mapping(release)
        plugins = release / "core-services/prow/02_config/_plugins.yaml"
        plugins.parent.mkdir(parents=True)
        plugins.write_text("config_updater:\n  gzip: false\n  maps:\n    core-services/image-mirroring/**/mapping_*:\n"
                           "      clusters:\n        app.ci:\n        - ci\n      gzip: true\n      name: image-mirror-mappings\n")

    release, config = _mutated(tmp_path, gzipped), tmp_path / "config"
    _import(release, config)
    # Sharding stays on: mirrorgen can place entries in this plugins file, and compressed, the files fit one ConfigMap.
    assert yaml.safe_load((config / "mirrorgen.yaml").read_text())["configmap"] == {"gzip": True, "shard": True}
    lint = run_cli("validate", "--config", str(config))
    assert "ConfigMap would hold" not in lint.stderr  # 1.3 MB of repetitive lines compress far below the budget


REAL_PLUGINS = (REPO / "tests/fixtures/plugins/_plugins.yaml").read_text()
MAPPINGS_ENTRY = ("    core-services/image-mirroring/**/mapping_*:\n      clusters:\n        app.ci:\n        - ci\n"
                  "      name: image-mirror-mappings\n")


def _with_plugins(tmp_path: Path, entry: str) -> Path:
    assert MAPPINGS_ENTRY in REAL_PLUGINS
    return _mutated(tmp_path, lambda release: write_tree(release, {
        "core-services/prow/02_config/_plugins.yaml": REAL_PLUGINS.replace(MAPPINGS_ENTRY, entry)}))


def test_an_entry_that_applies_the_configmap_to_more_clusters_comes_back_byte_for_byte(tmp_path: Path) -> None:
    """Older openshift/release checkouts apply every config-updater map to api.ci beside app.ci; the import keeps
    the extra cluster, so the first generate leaves the plugins file as it is."""
    entry = ("    core-services/image-mirroring/**/mapping_*:\n      clusters:\n        api.ci:\n        - ci\n"
             "        app.ci:\n        - ci\n        - ci-mirror\n      name: image-mirror-mappings\n")
    release, config = _with_plugins(tmp_path, entry), tmp_path / "config"
    before = (release / "core-services/prow/02_config/_plugins.yaml").read_bytes()
    _import(release, config)
    assert yaml.safe_load((config / "mirrorgen.yaml").read_text())["configmap"]["extra_clusters"] == {
        "api.ci": ["ci"], "app.ci": ["ci-mirror"]}
    assert run_cli("generate", "--config", str(config), "--output", str(release)).returncode == 0
    assert (release / "core-services/prow/02_config/_plugins.yaml").read_bytes() == before
    assert run_cli("check", "--config", str(config), "--output", str(release)).returncode == 0


def test_an_entry_the_inventory_cannot_say_fails_the_import_at_its_line(tmp_path: Path) -> None:
    """A cluster listed with no namespace: the inventory cannot hold it, so the import's round trip (which covers
    the plugins file) refuses, instead of a generate that would rewrite the entry."""
    entry = ("    core-services/image-mirroring/**/mapping_*:\n      clusters:\n        api.ci: []\n        app.ci:\n"
             "        - ci\n      name: image-mirror-mappings\n")
    release, config = _with_plugins(tmp_path, entry), tmp_path / "config"
    result = run_cli("import", "--release-repo", str(release), "--config", str(config))
    assert result.returncode == 2
    line = REAL_PLUGINS.splitlines().index(MAPPINGS_ENTRY.splitlines()[0]) + 3  # `api.ci: []`
    assert f"core-services/prow/02_config/_plugins.yaml:{line}: would come back as" in result.stderr, result.stderr
    assert not config.exists()


def test_a_plugins_file_mirrorgen_cannot_edit_fails_the_import_at_its_line(tmp_path: Path) -> None:
    entry = MAPPINGS_ENTRY.replace("      name:", "      # the mirroring jobs read it\n      name:")
    release, config = _with_plugins(tmp_path, entry), tmp_path / "config"
    result = run_cli("import", "--release-repo", str(release), "--config", str(config))
    assert result.returncode == 2
    line = REAL_PLUGINS.splitlines().index(MAPPINGS_ENTRY.splitlines()[0]) + 5
    assert (f"core-services/prow/02_config/_plugins.yaml:{line}: cannot place mirrorgen's config_updater entries:"
            f" a comment inside the entry") in result.stderr, result.stderr
    assert "`generate` would stop here: edit the file, then import again" in result.stderr
    assert not config.exists()
