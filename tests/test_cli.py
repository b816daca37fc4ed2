"""The command line as a user drives it: exit codes, messages, and no tracebacks."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import GOLDEN_CONFIG, REPO, run_cli


def test_default_inventory_generates_and_checks_clean(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    generated = run_cli("generate", "--config", str(REPO / "config"), "--output", str(out))
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout.startswith("mirrorgen: ") and " written, 0 unchanged, 0 removed" in generated.stdout
    checked = run_cli("check", "--config", str(REPO / "config"), "--output", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_exit_codes_clean_drift_invalid(tmp_path: Path, golden_tree: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(GOLDEN_CONFIG, config)
    out = golden_tree
    # The hand-written tree (tests/golden/) is exactly what the inventory generates.
    assert run_cli("check", "--config", str(config), "--output", str(out)).returncode == 0

    (out / "ci-operator/jobs/infra-image-mirroring.yaml").write_text("periodics: []\n")
    drift = run_cli("check", "--config", str(config), "--output", str(out))
    assert drift.returncode == 1
    assert drift.stdout.rstrip().splitlines()[-1] == f"mirrorgen generate --config {config} --output {out}"

    org = config / "orgs/acme.yaml"
    org.write_text(org.read_text().replace("destination:", "destinaton:"))
    invalid = run_cli("check", "--config", str(config), "--output", str(out))
    assert invalid.returncode == 2
    assert f"{config}/orgs/acme.yaml:1: unknown key 'destinaton' (did you mean 'destination'?)" in invalid.stderr
    assert "Traceback" not in invalid.stderr + invalid.stdout


def test_help_works_from_any_directory(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("generate", "check", "validate"):
        assert command in result.stdout
