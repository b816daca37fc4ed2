"""plan(side_by_side=True): the rules that read every mapping line in a forked process, the rest meanwhile; the
same answer as plan()."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from mirrorgen import _fork as fork
from mirrorgen.errors import InvalidInventory
from mirrorgen._fork import Started
from mirrorgen.inventory.load import load_inventory
from mirrorgen.plan import SIDE_BY_SIDE_FROM_LINES, plan, validate

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import write_inventory  # noqa: E402

PARENT = os.getpid()
LINES = SIDE_BY_SIDE_FROM_LINES + 500

# On one usable CPU (a CI runner, `taskset -c 0`) mirrorgen keeps the work in the process, and these tests would
# prove nothing about the child: they claim a second CPU, so the child is started wherever they run.
TWO_CPUS = "import mirrorgen._fork; mirrorgen._fork._usable_cpus = lambda: 2"


@pytest.fixture(autouse=True)
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fork, "_usable_cpus", lambda: 2)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line, in a process that starts its child whatever CPUs it may use."""
    script = f"{TWO_CPUS}; from mirrorgen.cli import run; run()"
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300)


def test_the_child_computes_the_result() -> None:
    assert Started(os.getpid).result() not in (PARENT, None)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity (Linux)")
def test_with_one_cpu_the_work_stays_in_the_process() -> None:
    """A child would only take turns with its parent on a single CPU."""
    script = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))});"
              "from mirrorgen._fork import Started; assert Started(os.getpid).result() == os.getpid()")
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True).returncode == 0


def test_a_child_that_dies_leaves_the_work_to_the_parent() -> None:
    def dies_in_child() -> int:
        if os.getpid() != PARENT:
            os._exit(3)
        return os.getpid()

    assert Started(dies_in_child).result() == PARENT


def test_an_exception_in_the_work_is_raised_in_the_parent() -> None:
    def fails() -> None:
        raise ValueError(f"failed in {'the child' if os.getpid() != PARENT else 'the parent'}")

    with pytest.raises(ValueError, match="failed in the parent"):
        Started(fails).result()


def test_a_cancelled_child_is_stopped_and_reaped() -> None:
    """The child waits on a pipe nobody writes to, so only a kill ends it; other children of this process (servers
    other tests started) are not this test's business, so it asks about this child's pid only."""
    never_written, keep_open = os.pipe()
    started = Started(lambda: os.read(never_written, 1))
    pid = started._pid
    assert pid is not None, "this test needs two CPUs and fork"
    # A guard against a cancel that waits for the child instead of stopping it: that would hang, not pass.
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("cancel() waited for a child it should have stopped"))
    signal.alarm(300)
    try:
        started.cancel()
    finally:
        signal.alarm(0)
        os.close(never_written)
        os.close(keep_open)
    with pytest.raises(ChildProcessError):  # reaped: not even a zombie is left
        os.waitpid(pid, os.WNOHANG)


@pytest.fixture(scope="module")
def big_config(tmp_path_factory) -> Path:
    return write_inventory(tmp_path_factory.mktemp("big") / "config", LINES)


def _texts(outputs) -> dict[str, str]:
    return {o.path: o.text for o in outputs}


def test_same_outputs_and_problems_as_one_process(big_config: Path) -> None:
    alone, beside = load_inventory(big_config), load_inventory(big_config)
    assert _texts(plan(beside, side_by_side=True)) == _texts(plan(alone))
    assert validate(beside) == validate(alone)  # remembered from the side-by-side run, in the same order
    assert any(p.message.startswith("namespace") for p in validate(beside))  # warnings of the synthetic inventory


def _with_errors(config: Path) -> None:
    org = sorted((config / "orgs").glob("*.yaml"))[3]
    text = org.read_text()
    # An error of a rule run in the child (a line oc cannot read) and one of a rule run in the parent.
    text = text.replace("mappings:\n", "job:\n  cron: 'every day'\nmappings:\n", 1)
    text = text.replace(": |\n", ": |\n    registry.ci.openshift.org/x/y:1\n", 1)
    org.write_text(text)


def test_same_errors_as_one_process(tmp_path: Path) -> None:
    config = write_inventory(tmp_path / "config", LINES)
    _with_errors(config)
    found = []
    for side_by_side in (False, True):
        with pytest.raises(InvalidInventory) as raised:
            plan(load_inventory(config), side_by_side=side_by_side)
        found.append([str(p) for p in raised.value.problems])
    assert found[0] == found[1]
    assert any("has no destination" in p for p in found[1]) and any("cron" in p for p in found[1])


def test_the_command_line_reports_what_validate_reports(tmp_path: Path) -> None:
    config = write_inventory(tmp_path / "config", LINES)
    out = tmp_path / "out"
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    assert {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*") if p.is_file()} == \
        _texts(plan(load_inventory(config)))
    _with_errors(config)
    generated = run_cli("generate", "--config", str(config), "--output", str(out))
    validated = run_cli("validate", "--config", str(config))
    assert generated.returncode == validated.returncode == 2
    # generate: the errors, a count of the warnings, a summary; validate: the same errors first, then the warnings.
    errors = generated.stderr.splitlines()[:-2]
    assert errors and validated.stderr.splitlines()[:len(errors)] == errors


def test_a_known_defect_of_a_rule_run_in_this_process_does_not_stop_rendering(tmp_path: Path) -> None:
    """The baseline turns a parent-side error (a secret name Vault refuses) into a warning: both ways render."""
    config = write_inventory(tmp_path / "config", LINES)
    org = sorted((config / "orgs").glob("*.yaml"))[3]
    org.write_text(org.read_text().replace("mappings:\n", "job:\n  secret_name: push.quay.io-x\nmappings:\n", 1))
    (config / "known-defects.yaml").write_text(
        f"known_defects:\n- code: secret-name-not-dns1123\n  file: orgs/{org.name}\n  subject: push.quay.io-x\n")
    alone, beside = load_inventory(config), load_inventory(config)
    assert _texts(plan(beside, side_by_side=True)) == _texts(plan(alone))
    assert len(_texts(plan(alone))) > 100
