"""The hooks in .pre-commit-hooks.yaml, run by the real `pre-commit try-repo` against a consumer repository.

try-repo builds the hook's environment from this repository (pip, from PyPI) in a temporary store on every
run, so each run costs a virtualenv and a pip install: the tests keep to three runs, and pip's download cache
lives under .cache/ so that it survives between CI runs on one machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL, REPO, run_cli, write_tree

CACHE = REPO / ".cache"
JOBS = "generated/ci-operator/jobs/infra-image-mirroring.yaml"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def try_repo(consumer: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(CACHE / "pre-commit"), "PIP_CACHE_DIR": str(CACHE / "pip"),
           "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--all-files", "--color", "never"],
        cwd=consumer, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture
def consumer(tmp_path: Path) -> Path:
    """A git repository holding an inventory and its generated tree, committed and clean."""
    if shutil.which("git") is None:
        pytest.fail("git is required (apt-get install git)")
    repo = tmp_path / "consumer"
    write_tree(repo / "config", MINIMAL)
    assert run_cli("generate", cwd=repo).returncode == 0
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "inventory")
    return repo


def test_check_hook_passes_clean_and_fails_on_hand_edit(consumer: Path) -> None:
    clean = try_repo(consumer, "mirrorgen-check")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "mirrorgen check" in clean.stdout and "Passed" in clean.stdout

    jobs = consumer / JOBS
    jobs.write_text(jobs.read_text().replace("image-mirror:oc-415", "image-mirror:oc-999"))
    git(consumer, "add", JOBS)
    drifted = try_repo(consumer, "mirrorgen-check")
    assert drifted.returncode == 1, drifted.stdout + drifted.stderr
    assert "Failed" in drifted.stdout
    # The hook's own report: the hand edit, the inventory line to change (the default image), the fix command.
    assert f"edited by hand: {JOBS}; generate will undo the edit: change config/mirrorgen.yaml:1 instead" in drifted.stdout
    assert "mirrorgen generate --config config --output generated" in drifted.stdout


def test_generate_hook_rewrites_the_tree(consumer: Path) -> None:
    org = consumer / "config/orgs/acme.yaml"
    org.write_text(org.read_text().replace("quay.io/acme/tools:v1", "quay.io/acme/tools:v2"))
    git(consumer, "add", "config")
    fixed = try_repo(consumer, "mirrorgen-generate")
    # pre-commit fails a hook that modified files: the commit must include the regenerated ones.
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "files were modified by this hook" in fixed.stdout
    assert "quay.io/acme/tools:v2" in (consumer / "generated/core-services/image-mirroring/acme/mapping_acme_tools").read_text()
    assert run_cli("check", cwd=consumer).returncode == 0
