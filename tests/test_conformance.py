"""Prow's own code judges what mirrorgen writes (tests/conformance, the Go harness behind `make conformance`).

Prow's config loader (config.LoadStrict) reads the job file and config-updater (updateconfig.FilterChanges/Update)
builds the mappings ConfigMaps; the harness compares those with mirrorgen's manifests. Every expected message
below is Prow's own wording, and each job case also asks whether mirrorgen's validation agrees with Prow.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
import yaml

from conftest import MINIMAL, REPO, run_cli, write_tree

import mirrorgen
from mirrorgen.errors import InvalidInventory, Severity
from mirrorgen.plan import render_outputs

HARNESS = REPO / ".cache/conformance/conformance"
JOBS = "ci-operator/jobs/infra-image-mirroring.yaml"
MIRRORING = "core-services/image-mirroring"
# Where the harness looks for config_updater entries when the tree has no _plugins.yaml (issue 14, part 2).
FRAGMENT = f"{MIRRORING}/_config-updater.yaml"
PLUGINS = "core-services/prow/02_config/_plugins.yaml"
SUMMARY = re.compile(r"^prow: (\d+) periodics loaded, (\d+) errors?; config-updater: (\d+) ConfigMaps?, (\d+) keys?, (.+)$")

Harness = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(scope="session")
def harness() -> Harness:
    """Builds the harness once (make conformance-build: Go's caches under .cache/go) and runs it on a tree."""
    if not (shutil.which("go") or Path("/usr/local/go/bin/go").exists()) and not os.environ.get("CI"):
        pytest.skip("Go is not installed; the conformance harness needs Go 1.22.3 or newer (.ci/run finds it in /usr/local/go)")
    build = subprocess.run(["make", "-s", "conformance-build"], cwd=REPO, capture_output=True, text=True, timeout=3600)
    assert build.returncode == 0, build.stdout + build.stderr

    def run(tree: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(HARNESS), "--output", str(tree), *args], capture_output=True, text=True, timeout=600)

    return run


def summary(result: subprocess.CompletedProcess) -> tuple[int, int, int, int, str]:
    last = result.stdout.splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, result.stdout + result.stderr
    periodics, errors, configmaps, keys, verdict = match.groups()
    return int(periodics), int(errors), int(configmaps), int(keys), verdict


def tree_counts(tree: Path) -> tuple[int, int]:
    """What the tree holds, read independently of the harness: periodics in the job file, mapping files."""
    periodics = yaml.safe_load((tree / JOBS).read_text())["periodics"]
    mapping_files = [p for p in (tree / MIRRORING).rglob("mapping_*") if p.is_file()]
    return len(periodics), len(mapping_files)


def copied(tree: Path, tmp_path: Path) -> Path:
    """A copy of `tree` to change (the module fixtures are shared)."""
    return Path(shutil.copytree(tree, tmp_path / "tree"))


def generate(config: Path, out: Path) -> None:
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 0, result.stderr


def render_unvalidated(tmp_path: Path, org_addition: str, others: dict[str, str] = {}) -> tuple[Path, list[str]]:
    """The tree mirrorgen renders for the inventory with validation skipped, so that Prow judges exactly what
    mirrorgen would write, and the errors mirrorgen's validation reports for the same inventory."""
    config = write_tree(tmp_path / "config", {**MINIMAL, "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + org_addition, **others})
    try:
        inventory = mirrorgen.load_inventory(config)
    except InvalidInventory as invalid:
        pytest.fail(f"the inventory does not even load: {invalid.problems}")
    errors = [str(p) for p in mirrorgen.validate(inventory) if p.severity is Severity.ERROR]
    out = tmp_path / "out"
    mirrorgen.write(render_outputs(inventory), out)
    return out, errors


def test_sample_inventory_conforms(harness: Harness) -> None:
    result = harness(REPO / "generated")
    assert result.returncode == 0, result.stdout
    periodics, mapping_files = tree_counts(REPO / "generated")
    assert summary(result) == (periodics, 0, 1, mapping_files, "equal")
    # No _plugins.yaml in the tree: mirrorgen's fragment holds the entries (openshift/release's own entry).
    assert f"config-updater maps: {REPO / 'generated' / FRAGMENT}" in result.stdout


def test_make_conformance_runs_the_harness_on_any_tree(harness: Harness, tmp_path: Path) -> None:
    tree = copied(REPO / "generated", tmp_path)
    result = subprocess.run(["make", "-s", "conformance", f"OUTPUT={tree}"], cwd=REPO,
                            capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].endswith(", equal")


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release tree imported by `mirrorgen import`, then generated over the checkout itself, as a team adopts it."""
    base = tmp_path_factory.mktemp("adopted")
    release = base / "release"
    shutil.copytree(REPO / "tests/fixtures/release", release)
    imported = run_cli("import", "--release-repo", str(release), "--config", str(base / "config"))
    assert imported.returncode == 0, imported.stderr
    generate(base / "config", release)
    return release


def test_imported_release_tree_conforms(harness: Harness, adopted: Path) -> None:
    result = harness(adopted)
    assert result.returncode == 0, result.stdout
    periodics, mapping_files = tree_counts(adopted)
    # The fixture repeats one file name in two folders (a defect lint reports): config-updater keeps one key for both.
    keys = len({p.name for p in (adopted / MIRRORING).rglob("mapping_*") if p.is_file()})
    assert keys < mapping_files
    assert summary(result) == (periodics, 0, 1, keys, "equal")


def test_plugins_yaml_in_the_tree_is_used_and_its_other_maps_ignored(harness: Harness, adopted: Path, tmp_path: Path) -> None:
    tree = copied(adopted, tmp_path)
    write_tree(tree, {PLUGINS: """\
        approve:
        - repos: [openshift/release]
        config_updater:
          gzip: false
          maps:
            ci-operator/jobs/**/*.yaml:
              clusters: {app.ci: [ci]}
              name: job-config
            core-services/image-mirroring/**/mapping_*:
              clusters: {app.ci: [ci]}
              name: image-mirror-mappings
        plugins:
          openshift/release: {plugins: [config-updater]}
        """})
    result = harness(tree)
    assert result.returncode == 0, result.stdout
    assert f"config-updater maps: {tree / PLUGINS}" in result.stdout
    assert summary(result)[2] == 1  # job-config holds no mapping file and has no manifest: not mirrorgen's


def test_gzipped_keys_are_compared_uncompressed(harness: Harness, tmp_path: Path) -> None:
    tree = copied(REPO / "generated", tmp_path)
    fragment = {"config_updater": {"gzip": True, "maps": {f"{MIRRORING}/**/mapping_*": {
        "clusters": {"app.ci": ["ci"]}, "name": "image-mirror-mappings"}}}}
    write_tree(tree, {FRAGMENT: yaml.safe_dump(fragment)})
    result = harness(tree)
    assert result.returncode == 0, result.stdout
    assert f"config-updater maps: {tree / FRAGMENT}" in result.stdout

    manifest = tree / f"{MIRRORING}/_image-mirror-mappings.yaml"
    text = manifest.read_text()
    assert "quay.io/openshift/kubefed-operator:v0.10 " in text
    manifest.write_text(text.replace("quay.io/openshift/kubefed-operator:v0.10 ", "quay.io/openshift/kubefed-operatoR:v0.10 ", 1))
    result = harness(tree)
    assert result.returncode == 1
    assert "key mapping_kubefed_v0.10: differs from core-services/image-mirroring/kubefed/mapping_kubefed_v0.10 as" \
           " config-updater stores it (gzipped in binaryData, compared uncompressed)" in result.stdout


def test_a_byte_changed_in_the_manifest_names_the_key(harness: Harness, tmp_path: Path) -> None:
    tree = copied(REPO / "generated", tmp_path)
    manifest = tree / f"{MIRRORING}/_image-mirror-mappings.yaml"
    text = manifest.read_text()
    line = next(line for line in text.splitlines() if "quay.io/openshift-knative/serverless-operator" in line)
    manifest.write_text(text.replace(line, line + " "))
    result = harness(tree)
    assert result.returncode == 1
    assert summary(result)[4] == "1 difference"
    assert f"{manifest}: ConfigMap ci/image-mirror-mappings: key mapping_knative_nightly_quay: differs from" \
           f" {MIRRORING}/knative/mapping_knative_nightly_quay as config-updater stores it (data): first difference at" in result.stdout


def test_a_mapping_file_missing_from_the_manifest_is_named(harness: Harness, tmp_path: Path) -> None:
    tree = copied(REPO / "generated", tmp_path)
    write_tree(tree, {f"{MIRRORING}/kubefed/mapping_kubefed_extra": "quay.io/a/b:c quay.io/kubefed/b:c\n"})
    result = harness(tree)
    assert result.returncode == 1
    assert (f"key mapping_kubefed_extra: config-updater puts {MIRRORING}/kubefed/mapping_kubefed_extra under this key;"
            f" the manifest lacks it") in result.stdout


def test_a_file_from_elsewhere_that_a_map_sends_into_the_configmap_is_named(harness: Harness, tmp_path: Path) -> None:
    tree = copied(REPO / "generated", tmp_path)
    spec = {"clusters": {"app.ci": ["ci"]}, "name": "image-mirror-mappings"}
    write_tree(tree, {"docs/notes.txt": "not a mapping\n", FRAGMENT: yaml.safe_dump({"config_updater": {"maps": {
        f"{MIRRORING}/**/mapping_*": spec, "docs/*.txt": spec}}})})
    result = harness(tree)
    assert result.returncode == 1
    assert "ConfigMap ci/image-mirror-mappings: key notes.txt: config-updater puts docs/notes.txt under this key;" \
           " the manifest lacks it" in result.stdout


def test_a_configmap_over_one_mebibyte_is_refused(harness: Harness, tmp_path: Path) -> None:
    lines = "".join(f"registry.ci.openshift.org/acme-ci/tools:v{i} quay.io/acme/tools:v{i}-{'x' * 40}\n" for i in range(12_000))
    big = MINIMAL["orgs/acme.yaml"].split("mappings:")[0] + "mappings:\n  mapping_acme_tools: |\n" + \
        "".join(f"    {line}\n" for line in lines.splitlines())
    tree, errors = render_unvalidated(tmp_path, "", {"orgs/acme.yaml": big})
    assert any("over its" in error or "budget" in error for error in errors), errors  # mirrorgen refuses it too
    result = harness(tree)
    assert result.returncode == 1, result.stdout
    # (The oversized org opens a ConfigMap of its own: the second, the first staying empty.)
    assert re.search(r"ConfigMap ci/image-mirror-mappings-2: config-updater stores \d+ bytes in it, over the 1048576 bytes"
                     r" Kubernetes allows a ConfigMap", result.stdout), result.stdout


def test_maps_given_with_plugins_and_a_tree_it_cannot_judge(harness: Harness, tmp_path: Path) -> None:
    plugins = write_tree(tmp_path, {"plugins.yaml": """\
        config_updater:
          maps:
            core-services/image-mirroring/**/mapping_*:
              clusters: {app.ci: [ci]}
              name: other-name
        """}) / "plugins.yaml"
    result = harness(REPO / "generated", "--plugins", str(plugins))
    assert result.returncode == 1
    assert f"config-updater maps: {plugins}" in result.stdout
    assert "ConfigMap ci/image-mirror-mappings: config-updater builds no such ConfigMap from this tree" in result.stdout

    (tmp_path / "empty").mkdir()
    result = harness(tmp_path / "empty")
    assert result.returncode == 2
    assert result.stdout.startswith("conformance: error: cannot read the job file: ")


# --- sharding -------------------------------------------------------------------------------------------------


def fragment_maps(tree: Path) -> dict:
    return yaml.safe_load((tree / FRAGMENT).read_text())["config_updater"]["maps"]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sharded")
    config = base / "config"
    shutil.copytree(REPO / "config", config)
    settings = yaml.safe_load((config / "mirrorgen.yaml").read_text())
    # Four ConfigMaps, tekton's shared with other orgs (the test below moves tekton out of its ConfigMap).
    settings["configmap"]["shard_budget"] = 1800
    (config / "mirrorgen.yaml").write_text(yaml.safe_dump(settings))
    generate(config, base / "out")
    return base / "out"


def test_sharded_inventory_conforms_with_mirrorgens_entries(harness: Harness, sharded: Path) -> None:
    manifests = sorted((sharded / MIRRORING).glob("_image-mirror-mappings*.yaml"))
    assert len(manifests) >= 3
    assert len(fragment_maps(sharded)) == len(manifests)  # one entry per ConfigMap
    result = harness(sharded)
    assert result.returncode == 0, result.stdout
    assert f"config-updater maps: {sharded / FRAGMENT}" in result.stdout
    periodics, mapping_files = tree_counts(sharded)
    assert summary(result) == (periodics, 0, len(manifests), mapping_files, "equal")


def test_a_shard_entry_pointing_elsewhere_is_caught_at_the_key_and_the_job(harness: Harness, sharded: Path,
                                                                           tmp_path: Path) -> None:
    tree = copied(sharded, tmp_path)
    entries = yaml.safe_load((tree / FRAGMENT).read_text())
    maps = entries["config_updater"]["maps"]
    # tekton's folder moves to the entry of another ConfigMap than the one its job mounts (and the manifests show).
    folders = {spec["name"]: (pattern, re.search(r"\{(.*)\}", pattern).group(1).split(",")) for pattern, spec in maps.items()}
    mounted = next(name for name, (_, names) in folders.items() if "tekton" in names)
    assert len(folders[mounted][1]) > 1, "tekton's ConfigMap must keep other folders: change the sharded budget"
    elsewhere = next(name for name in folders if name != mounted)
    for name, (pattern, names) in folders.items():
        moved = [f for f in names if f != "tekton"] + (["tekton"] if name == elsewhere else [])
        spec = maps.pop(pattern)
        if moved:
            maps[f"{MIRRORING}/**/{{{','.join(moved)}}}/mapping_*"] = spec
    write_tree(tree, {FRAGMENT: yaml.safe_dump(entries)})
    result = harness(tree)
    assert result.returncode == 1, result.stdout
    assert (f"job periodic-image-mirroring-tekton: mirrors the files starting with mapping_tekton, but config-updater puts"
            f" mapping_tekton_ci (from {MIRRORING}/tekton/mapping_tekton_ci) into ConfigMap ci/{elsewhere}, which the job"
            f" does not mount (it mounts {mounted})") in result.stdout
    assert f"ConfigMap ci/{mounted}: key mapping_tekton_ci: in the manifest, but config-updater puts no file under" in result.stdout
    assert f"ConfigMap ci/{elsewhere}: key mapping_tekton_ci: config-updater puts {MIRRORING}/tekton/mapping_tekton_ci" \
           f" under this key; the manifest lacks it" in result.stdout


def test_without_entries_for_the_shards_config_updater_builds_one_configmap(harness: Harness, sharded: Path,
                                                                           tmp_path: Path) -> None:
    # openshift/release's single entry sends every file to image-mirror-mappings: the other manifests are never built.
    tree = copied(sharded, tmp_path)
    (tree / FRAGMENT).unlink()
    result = harness(tree)
    assert result.returncode == 1
    assert "_image-mirror-mappings-2.yaml: ConfigMap ci/image-mirror-mappings-2: config-updater builds no such ConfigMap" \
           " from this tree" in result.stdout


def test_a_sharded_adopted_repository_conforms_with_its_plugins_file_edited(harness: Harness, tmp_path: Path) -> None:
    """Import a checkout that has openshift/release's plugins file; the repository then outgrows one ConfigMap
    (a smaller budget here), and generate writes the shards and their entries into the checkout's own file."""
    release, config = tmp_path / "release", tmp_path / "config"
    shutil.copytree(REPO / "tests/fixtures/release", release)
    real = (REPO / "tests/fixtures/plugins/_plugins.yaml").read_text()
    write_tree(release, {PLUGINS: real})
    imported = run_cli("import", "--release-repo", str(release), "--config", str(config))
    assert imported.returncode == 0, imported.stderr
    settings = yaml.safe_load((config / "mirrorgen.yaml").read_text())
    assert settings["configmap"]["shard"] is True
    settings["configmap"]["shard_budget"] = 1200
    (config / "mirrorgen.yaml").write_text(yaml.safe_dump(settings))
    generate(config, release)

    manifests = sorted((release / MIRRORING).glob("_image-mirror-mappings*.yaml"))
    assert len(manifests) >= 2
    assert not (release / FRAGMENT).exists()
    edited = (release / PLUGINS).read_text()
    entry = "    core-services/image-mirroring/**/mapping_*:\n      clusters:\n        app.ci:\n        - ci\n" \
            "      name: image-mirror-mappings\n"
    before, after = real.split(entry)
    assert edited.startswith(before) and edited.endswith(after)
    maps = yaml.safe_load(edited)["config_updater"]["maps"]
    assert len([pattern for pattern in maps if pattern.startswith(MIRRORING)]) == len(manifests)

    result = harness(release)
    assert result.returncode == 0, result.stdout
    assert f"config-updater maps: {release / PLUGINS}" in result.stdout
    periodics, _ = tree_counts(release)
    keys = len({p.name for p in (release / MIRRORING).rglob("mapping_*") if p.is_file()})
    assert summary(result) == (periodics, 0, len(manifests), keys, "equal")
    assert run_cli("check", "--config", str(config), "--output", str(release)).returncode == 0


def test_three_megabytes_of_mappings_route_every_file_to_the_configmap_its_job_mounts(harness: Harness,
                                                                                   tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import write_inventory

    config = write_inventory(tmp_path / "config", 15_000)
    out = tmp_path / "out"
    generate(config, out)
    data = sum(p.stat().st_size for p in (out / MIRRORING).rglob("mapping_*"))
    assert data > 3_000_000
    manifests = sorted((out / MIRRORING).glob("_image-mirror-mappings*.yaml"))
    # 900 KiB per ConfigMap by default: at least four for 3 MB.
    assert len(manifests) >= 4
    assert len(fragment_maps(out)) == len(manifests)
    result = harness(out)
    assert result.returncode == 0, result.stdout
    periodics, mapping_files = tree_counts(out)
    # The harness checks each job's prefix against the ConfigMap it mounts (routing) and every key's bytes.
    assert summary(result) == (periodics, 0, len(manifests), mapping_files, "equal")


def test_two_maps_matching_one_file_are_reported(harness: Harness, tmp_path: Path) -> None:
    tree = copied(REPO / "generated", tmp_path)
    spec = {"clusters": {"app.ci": ["ci"]}, "name": "image-mirror-mappings"}
    write_tree(tree, {FRAGMENT: yaml.safe_dump({"config_updater": {"maps": {
        f"{MIRRORING}/**/mapping_*": spec, f"{MIRRORING}/tekton/mapping_*": {**spec, "name": "tekton"}}}})})
    result = harness(tree)
    assert result.returncode == 1
    assert (f"{tree / MIRRORING}/tekton/mapping_tekton_ci: config_updater maps {MIRRORING}/**/mapping_*,"
            f" {MIRRORING}/tekton/mapping_* all match this file; config-updater picks one at random") in result.stdout


# --- jobs Prow refuses, jobs Prow accepts -------------------------------------------------------------------

SECOND_ORG = MINIMAL["orgs/acme.yaml"].replace("quay.io/acme", "quay.io/bolt").replace("mapping_acme", "mapping_bolt")
ONLY_THE_HARNESS = pytest.mark.xfail(strict=True, reason="mirrorgen accepts this job, Prow refuses it: only the harness"
                                                         " catches it (README, \"Conformance with Prow\")")

# name → (what the org file adds, further inventory files, Prow's message as a regular expression)
REFUSED = {
    "override with an unknown field": (
        "job:\n  overrides:\n    reporter_confg:\n      slack: {channel: '#team'}\n", {},
        r'job periodic-image-mirroring-acme: error unmarshalling \S+: error unmarshaling JSON: while decoding JSON:'
        r' json: unknown field "reporter_confg"'),
    "decoration timeout that is no Go duration": (
        "job:\n  timeout: 3 hours\n", {},
        r'job periodic-image-mirroring-acme: error unmarshalling \S+: error unmarshaling JSON: while decoding JSON:'
        r' time: unknown unit " hours" in duration "3 hours"'),
    "interval that is no Go duration": (
        "job:\n  interval: 1 day\n", {},
        r'job periodic-image-mirroring-acme: cannot parse duration for periodic-image-mirroring-acme: time: unknown'
        r' unit " day" in duration "1 day"'),
    "duplicate job name": (
        "job:\n  name: periodic-image-mirroring-shared\n",
        {"orgs/bolt.yaml": SECOND_ORG + "job:\n  name: periodic-image-mirroring-shared\n"},
        r"job periodic-image-mirroring-shared: duplicated periodic job: periodic-image-mirroring-shared"),
    "label value with a space": (
        "job:\n  labels:\n    team: mirror team\n", {},
        r"job periodic-image-mirroring-acme: invalid periodic job periodic-image-mirroring-acme: label team has invalid"
        r" value mirror team: \[a valid label must be an empty string or consist of alphanumeric characters"),
    "label value over 63 characters": (
        f"job:\n  area: {'a' * 64}\n", {},
        r"label ci.openshift.io/area has invalid value a{64}: \[must be no more than 63 characters\]"),
    "label key that is no qualified name": (
        "job:\n  labels:\n    team name: mirror\n", {},
        r"invalid label team name: \[name part must consist of alphanumeric characters"),
    "label Prow reserves": (
        "job:\n  labels:\n    prow.k8s.io/type: periodic\n", {},
        r"label prow.k8s.io/type is reserved for decoration"),
    "job name with a space": (
        "job:\n  name: periodic image mirroring\n", {},
        r'job periodic image mirroring: invalid periodic job periodic image mirroring: name: must match regex'
        r' "\^\[A-Za-z0-9-._\]\+\$"'),
    "interval added by the override block beside the cron": (
        "job:\n  overrides:\n    interval: 12h\n", {},
        r"cron, interval, and minimum_interval are mutually exclusive in periodic periodic-image-mirroring-acme"),
    "an agent Prow does not know (a warning)": (
        "job:\n  overrides:\n    agent: tekton-pipelines\n", {},
        r"job periodic-image-mirroring-acme: agent tekton-pipelines is unknown and cannot be validated: use at your own"
        r" risk"),
    "a volume named like one decoration adds": (
        "job:\n  overrides:\n    spec:\n      volumes:\n      - name: logs\n        emptyDir: {}\n", {},
        r"invalid periodic job periodic-image-mirroring-acme: \[volume logs is a reserved for decoration"),
}
# Only the harness refuses these today: an override block is deep-merged as written, and mirrorgen has no schema
# of Prow's job type to check it against.
CAUGHT_ONLY_BY_THE_HARNESS = {"override with an unknown field", "interval added by the override block beside the cron",
                              "a volume named like one decoration adds", "an agent Prow does not know (a warning)"}

# name → (what the org file adds, why mirrorgen refuses what Prow's loader accepts)
ACCEPTED_BY_PROW = {
    # Prow validates crons with robfig/cron.v2's Parse, where a sixth field is the seconds (first).
    "six-field cron": ("job:\n  cron: '0 0 * * * *'\n", "needs exactly 5 fields"),
    # cron.v2 rounds any @every below one second up to one second: a job started every second.
    "@every 0s": ("job:\n  cron: '@every 0s'\n", "`@every` needs a positive Go duration"),
    # Validation accepts the prefix, but Prow's scheduler prepends its own TZ=UTC and then cannot parse the job.
    "time-zone prefix": ("job:\n  cron: 'TZ=Europe/Prague 0 * * * *'\n", "Prow schedules in UTC"),
    # Prow's loader allows any length; checkconfig's long-job-names check (package main, not callable) refuses it.
    "job name of 64 characters": (f"job:\n  name: {'p' * 64}\n", "Prow allows 63"),
}


# name → what the org file adds: jobs both accept, near the edges of the rules mirrorgen shares with Prow.
ACCEPTED_BY_BOTH = {
    "zero timeout": "job:\n  timeout: '0'\n",
    "signed fractional timeout": "job:\n  timeout: +1.5h\n",
    "interval in minutes and seconds": "job:\n  interval: 90m30s\n",
    "cron with names and steps": "job:\n  cron: '*/20 9-17 ? JAN-DEC mon-fri'\n",
    "@every with a unit list": "job:\n  cron: '@every 1h30m'\n",
    "prefixed label key and empty value": "job:\n  labels:\n    example.com/team: ''\n",
    "label value of 63 characters": f"job:\n  labels:\n    team: {'a' * 62}z\n",
    "job name with dots and underscores": "job:\n  name: periodic_image.mirroring-acme\n",
}


@pytest.mark.parametrize("case", REFUSED)
def test_prow_refuses_the_job_and_says_why(harness: Harness, tmp_path: Path, case: str) -> None:
    org_addition, others, message = REFUSED[case]
    tree, _ = render_unvalidated(tmp_path, org_addition, others)
    result = harness(tree)
    assert result.returncode == 1, result.stdout
    problems = result.stdout.splitlines()[:-2]
    assert any(re.search(message, line) for line in problems), result.stdout
    assert all(line.startswith(f"{tree / JOBS}: job ") for line in problems), result.stdout
    assert summary(result)[1] == len(problems)


@pytest.mark.parametrize("case", [pytest.param(case, marks=[ONLY_THE_HARNESS] if case in CAUGHT_ONLY_BY_THE_HARNESS else [])
                                  for case in REFUSED])
def test_mirrorgen_refuses_what_prow_refuses(tmp_path: Path, case: str) -> None:
    org_addition, others, _ = REFUSED[case]
    _, errors = render_unvalidated(tmp_path, org_addition, others)
    assert errors, f"mirrorgen accepts a job Prow refuses ({case})"


@pytest.mark.parametrize("case", ACCEPTED_BY_PROW)
def test_what_mirrorgen_refuses_beyond_prow(harness: Harness, tmp_path: Path, case: str) -> None:
    org_addition, mirrorgen_says = ACCEPTED_BY_PROW[case]
    tree, errors = render_unvalidated(tmp_path, org_addition)
    result = harness(tree)
    assert result.returncode == 0, result.stdout
    assert any(mirrorgen_says in error for error in errors), errors


@pytest.mark.parametrize("case", ACCEPTED_BY_BOTH)
def test_what_prow_accepts_mirrorgen_accepts(harness: Harness, tmp_path: Path, case: str) -> None:
    tree, errors = render_unvalidated(tmp_path, ACCEPTED_BY_BOTH[case])
    result = harness(tree)
    assert result.returncode == 0, result.stdout
    assert errors == []
