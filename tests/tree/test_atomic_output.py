"""`generate` killed at any moment leaves every file either in its old or its new version, and a rerun finishes
the tree; two runs at once do not interleave."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli
from mirrorgen.tree import drift, writer
from mirrorgen.inventory.load import load_inventory
from mirrorgen.plan import plan

ORGS = 80


def big_inventory(root: Path, variant: str, orgs: range) -> Path:
    """An inventory whose every output differs between variants, big enough that writing takes a while."""
    (root / "orgs").mkdir(parents=True)
    (root / "mirrorgen.yaml").write_text(
        f"jobs:\n  cron: '{'@hourly' if variant == 'old' else '@every 30m'}'\n"
        f"  secret_name: push-{{org}}-{variant}\n"
        # so that the config_updater entries differ too
        f"configmap:\n  gzip: {'false' if variant == 'old' else 'true'}\n")
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
    assert all(drift.TMP_NAME.match(Path(p).name) for p in leftovers), leftovers


def start_generate(config: Path, out: Path, kill_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ, **({"MIRRORGEN_KILL_AT": kill_at} if kill_at else {})}
    return subprocess.Popen([sys.executable, "-m", "mirrorgen", "generate", "--config", str(config), "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def generate_killed_at(config: Path, out: Path, step: str) -> int:
    """Run generate and let it kill itself with SIGKILL at `step` (tree/writer.py's test hook): the exit status."""
    process = start_generate(config, out, step)
    process.communicate(timeout=300)
    return process.returncode


def kill_points(files: int, stale: int) -> list[str]:
    """Steps of a run that writes `files` files, the manifest last, and removes `stale` ones (tree/writer.py's _step):
    a temporary file created empty, or filled, the first, one in the middle and the last two renamed into place
    (the last is the manifest), the first and the last stale file removed."""
    return [f"created:{files // 2}", f"created:{files}", "staged:1", f"staged:{files}",
            "renamed:1", f"renamed:{files // 2}", f"renamed:{files - 1}", f"renamed:{files}",
            "removed:1", f"removed:{stale}"]


def test_killed_generate_never_leaves_a_torn_file(old_and_new, tmp_path: Path) -> None:
    """Killed at the first, a middle and the last step of each kind (a temporary file created, filled, renamed into
    place, a stale file removed), and then again in the state that kill left: every file is old or new, and the
    next run finishes the tree. The kill lands where the test says, however busy the machine is."""
    old, new, old_files, new_files = old_and_new
    out = tmp_path / "out"
    points = kill_points(len(new_files), len(old_files.keys() - new_files.keys()))
    mixed = 0
    for step in points:
        result = run_cli("generate", "--config", str(old), "--output", str(out))
        assert result.returncode == 0, result.stderr
        assert tree_files(out) == old_files, f"the run after a kill at {step} did not finish the old tree"

        assert generate_killed_at(new, out, step) == -signal.SIGKILL, f"{step} was never reached"
        assert_each_file_old_or_new(out, old_files, new_files)
        mixed += tree_files(out) not in (old_files, new_files)
        # And a kill of a run that starts from what the killed one left (it has less to do: it may finish).
        again = generate_killed_at(old, out, step)
        assert again in (0, -signal.SIGKILL)
        assert_each_file_old_or_new(out, old_files, new_files)
        if again == 0:
            assert tree_files(out) == old_files
    # Renames and removals happen one file at a time: a kill in the middle of them leaves both versions.
    assert mixed >= 4, f"only {mixed} of {len(points)} kills left a mix of old and new files"

    result = run_cli("generate", "--config", str(new), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert tree_files(out) == new_files, "the rerun completes the tree and cleans up the temporary files"
    assert run_cli("check", "--config", str(new), "--output", str(out)).returncode == 0


def test_a_second_run_waits_for_the_first(old_and_new, tmp_path: Path) -> None:
    _, new, _, new_files = old_and_new
    out = tmp_path / "out"
    with writer.locked(out):
        waiting = start_generate(new, out)
        # Until the kernel lists it as waiting for the lock on out (no sleep that a busy machine could outlast).
        while not waiting_for_lock(waiting.pid):
            assert waiting.poll() is None, waiting.stderr.read()
            time.sleep(0.05)
        assert tree_files(out) == {}, "generate wrote while another run held the lock"
    assert waiting.wait(timeout=300) == 0, waiting.stderr.read()
    assert tree_files(out) == new_files


def waiting_for_lock(pid: int) -> bool:
    """The process waits for a lock: /proc/locks lists blocked requests as `N: -> FLOCK ... PID ...`."""
    return any(line.split()[1] == "->" and line.split()[5] == str(pid) for line in Path("/proc/locks").read_text().splitlines())


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
