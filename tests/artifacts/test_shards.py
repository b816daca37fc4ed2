"""ConfigMap sharding: mapping data past the budget is split over several ConfigMaps, each org's files together."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from conftest import MINIMAL, REPO, run_cli

import mirrorgen
from mirrorgen.artifacts.mappings import configmap_layout
from mirrorgen.artifacts.prow import JOBS_PATH
from mirrorgen.artifacts.shards import ETCD_LIMIT
from mirrorgen.inventory.load import read_inventory_files

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import write_inventory  # noqa: E402


def _configmaps(outputs: list[mirrorgen.Output]) -> dict[str, tuple[str, dict]]:
    """ConfigMap name → (manifest path, parsed manifest), read back from the rendered text."""
    found = {}
    for output in outputs:
        for document in yaml.safe_load_all(output.text):
            if isinstance(document, dict) and document.get("kind") == "ConfigMap":
                found[document["metadata"]["name"]] = (output.path, document)
    return found


def test_three_megabyte_inventory_is_sharded_under_the_limit(tmp_path: Path) -> None:
    config = write_inventory(tmp_path / "config", 14_000)
    outputs = mirrorgen.plan(mirrorgen.load_inventory(config))
    configmaps = _configmaps(outputs)
    total = sum(len(k.encode()) + len(v.encode()) for _, cm in configmaps.values() for k, v in cm["data"].items())
    assert total > 3_000_000
    assert sorted(configmaps) == ["image-mirror-mappings"] + [f"image-mirror-mappings-{i}" for i in range(2, len(configmaps) + 1)]
    by_path = {o.path: o for o in outputs}
    holder: dict[str, str] = {}
    for name, (path, cm) in configmaps.items():
        assert len(by_path[path].text.encode()) < ETCD_LIMIT, path
        assert sum(len(k.encode()) + len(v.encode()) for k, v in cm["data"].items()) <= 900 * 1024
        for key in cm["data"]:
            assert key not in holder, f"{key} in {holder.get(key)} and {name}"
            holder[key] = name
    mapping_files = {o.path.rsplit("/", 1)[1] for o in outputs if "/mapping_" in o.path}
    assert set(holder) == mapping_files

    periodics = yaml.safe_load(by_path[JOBS_PATH].text)["periodics"]
    assert len(periodics) == 140
    for job in periodics:
        env = {e["name"]: e["value"] for e in job["spec"]["containers"][0]["env"]}
        mounted = next(v["configMap"]["name"] for v in job["spec"]["volumes"] if v["name"] == "config")
        own = [key for key in holder if key.startswith(env["MAPPING_FILE_PREFIX"])]
        assert own, job["name"]
        assert {holder[key] for key in own} == {mounted}, job["name"]


def test_sharding_is_deterministic_and_small_changes_move_no_org(tmp_path: Path) -> None:
    config = write_inventory(tmp_path / "config", 14_000)
    files = read_inventory_files(config)
    first, second = (mirrorgen.plan(mirrorgen.parse_inventory(files)) for _ in range(2))
    assert first == second

    before = configmap_layout(mirrorgen.parse_inventory(files)).shard_of
    org = "orgs/org-00042.yaml"
    files[org] = files[org] + b"    registry.ci.openshift.org/org-00042-ci/x:y quay.io/org-00042/x:y\n"
    after = configmap_layout(mirrorgen.parse_inventory(files)).shard_of
    assert after == before


def test_small_inventory_keeps_one_configmap_with_the_configured_name() -> None:
    inventory = mirrorgen.load_inventory(REPO / "config")
    layout = configmap_layout(inventory)
    assert [shard.name for shard in layout.shards] == [inventory.settings.configmap.name]


def test_org_larger_than_the_budget_is_an_error_naming_where_to_split(make_inventory) -> None:
    config = make_inventory({"mirrorgen.yaml": "configmap:\n  shard_budget: 200\n"})
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    mappings_line = MINIMAL["orgs/acme.yaml"].splitlines().index("mappings:") + 1
    assert f"{config}/orgs/acme.yaml:{mappings_line}: the mapping files of org 'acme' take " in result.stderr
    assert "split the files over two org files, each with its own job.mapping_prefix" in result.stderr
    assert "'mapping_acme_tools', at orgs/acme.yaml:" in result.stderr
    assert "Traceback" not in result.stderr


def test_budget_beyond_etcd_limit_is_rejected(make_inventory) -> None:
    config = make_inventory({"mirrorgen.yaml": "configmap:\n  shard_budget: 2000000\n"})
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    assert f"{config}/mirrorgen.yaml:2: configmap.shard_budget 2000000 must be between 1 and 1048576 bytes" in result.stderr


def test_validate_reports_size_and_margin(make_inventory) -> None:
    config = make_inventory()
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 0, result.stderr
    outputs = mirrorgen.plan(mirrorgen.load_inventory(config))
    data = _configmaps(outputs)["image-mirror-mappings"][1]["data"]
    size = sum(len(k.encode()) + len(v.encode()) for k, v in data.items())
    assert (f"{size} bytes of mapping data in 1 ConfigMap; the fullest, image-mirror-mappings, holds {size} of 921600"
            f" bytes (margin {921600 - size} bytes") in result.stdout
