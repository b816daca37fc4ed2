"""`generate` killed at any moment leaves every file either in its old or its new version, and a rerun finishes
the tree; two runs at once do not interleave."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli
from mirrorgen import tree
from mirrorgen.load import load_inventory
from mirrorgen.plan import plan

ORGS = 80


def big_inventory(root: Path, variant: str, orgs: range) -> Path:
    """An inventory whose every output differs between variants, big enough that writing takes a while."""
    (root / "orgs").mkdir(parents=True)
    (root / "mirrorgen.yaml").write_text(
        f"jobs:\n  cron: '{'@hourly' if variant == 'old' else '@every 30m'}'\n"
        f"  secret_name: push-{{org}}-{variant}\n")
    namespaces = ["namespaces:"]
    # Fixed-width numbers: `mapping_org1` would be a prefix of `mapping_org10`.
    for i in orgs:
        namespaces += [f"  ns{i:03d}:", "    access: authenticated", f"    description: {variant} images of team {i:03d}",
                       "    owners:", f"      approvers: [owner{i:03d}-{variant}]"]
    (root / "namespaces.yaml").write_text("\n".join(namespaces) + "\n")
    for i in orgs:
        mappings = []
        for k in range(2):
            mappings.append(f"  mapping_org{i:03d}_{k}: |")
            mappings += [f"    registry.ci.openshift.org/ns{i:03d}/img{j}:latest quay.io/org{i:03d}/img{k}-{j}:latest"
                         f" quay.io/org{i:03d}/img{k}-{j}:v1  # {variant}" for j in range(10)]
        (root / "orgs" / f"org{i:03d}.yaml").write_text(
            f"destination: quay.io/org{i:03d}\nowners:\n  approvers: [owner{i:03d}-{variant}]\nmappings:\n"
            + "\n".join(mappings) + "\n")
    return root


@pytest.fixture(scope="module")
def old_and_new(tmp_path_factory) -> tuple[Path, Path, dict[str, str], dict[str, str]]:
    base = tmp_path_factory.mktemp("inventories")
    # The new inventory drops the first ten orgs (their files become stale) and adds ten.
    old = big_inventory(base / "old", "old", range(ORGS))
    new = big_inventory(base / "new", "new", range(10, ORGS + 10))
    old_files = {o.path: o.text for o in plan(load_inventory(old))}
    new_files = {o.path: o.text for o in plan(load_inventory(new))}
    assert all(old_files[p] != new_files[p] for p in old_files.keys() & new_files.keys())
    return old, new, old_files, new_files


def tree_files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}


def assert_each_file_old_or_new(out: Path, old: dict[str, str], new: dict[str, str]) -> None:
    found = tree_files(out)
    for path in old.keys() | new.keys():
        versions = {old.get(path), new.get(path)}
        if path not in old or path not in new:
            versions.add(None)  # may not be written yet, or already removed as stale
        assert found.get(path) in versions, f"{path} is torn: neither the old nor the new version"
    leftovers = set(found) - old.keys() - new.keys()
    assert all(tree._TMP.match(Path(p).name) for p in leftovers), leftovers


def start_generate(config: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mirrorgen", "generate", "--config", str(config), "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killed_generate_never_leaves_a_torn_file(old_and_new, tmp_path: Path) -> None:
    old, new, old_files, new_files = old_and_new
    out = tmp_path / "out"
    assert run_cli("generate", "--config", str(old), "--output", str(out)).returncode == 0
    assert run_cli("check", "--config", str(new), "--output", str(out)).returncode == 1
    # Kills spread over the later part of a full rewrite, where the writing happens (after loading and planning).
    started = time.monotonic()
    assert run_cli("generate", "--config", str(new), "--output", str(out)).returncode == 0
    full_run = time.monotonic() - started
    assert run_cli("generate", "--config", str(old), "--output", str(out)).returncode == 0

    rng = random.Random(int(os.environ.get("KILL_SEED", "7")))
    mixed = 0
    attempts = 0
    # At least ten kills; more (up to 30) while too few of them landed in the writing phase.
    while attempts < 10 or (mixed < 3 and attempts < 30):
        process = start_generate((new, old)[attempts % 2], out)
        attempts += 1
        time.sleep(rng.uniform(0.3 * full_run, full_run))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert_each_file_old_or_new(out, old_files, new_files)
        mixed += tree_files(out) not in (old_files, new_files)
    print(f"{mixed} of {attempts} kills landed while writing (full run {full_run:.1f} s)")

    result = run_cli("generate", "--config", str(new), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert tree_files(out) == new_files, "the rerun completes the tree and cleans up the temporary files"
    assert run_cli("check", "--config", str(new), "--output", str(out)).returncode == 0
    # Kills that all landed before or after the writing phase would prove nothing.
    assert mixed, "no kill landed while files were being written"


def test_a_second_run_waits_for_the_first(old_and_new, tmp_path: Path) -> None:
    _, new, _, new_files = old_and_new
    out = tmp_path / "out"
    with tree.locked(out):
        waiting = start_generate(new, out)
        time.sleep(2)
        assert waiting.poll() is None, "generate did not wait for the lock"
        assert tree_files(out) == {}, "generate wrote while another run held the lock"
    assert waiting.wait(timeout=300) == 0, waiting.stderr.read()
    assert tree_files(out) == new_files


def test_concurrent_runs_leave_one_whole_tree(old_and_new, tmp_path: Path) -> None:
    old, new, old_files, new_files = old_and_new
    out = tmp_path / "out"
    runs = [start_generate(config, out) for config in (old, new)]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    assert tree_files(out) in (old_files, new_files), "two runs interleaved their writes"


def test_fsync_writes_the_same_tree(old_and_new, tmp_path: Path) -> None:
    """--fsync changes when the data reaches the disk, not what is written."""
    _, new, _, new_files = old_and_new
    trees = []
    for flags in ((), ("--fsync",)):
        out = tmp_path / ("out" + "".join(flags))
        result = run_cli("generate", "--config", str(new), "--output", str(out), *flags)
        assert result.returncode == 0, result.stderr
        trees.append(tree_files(out))
    assert trees[0] == trees[1] == new_files
