"""The command line as a user drives it: exit codes, messages, and no tracebacks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import GOLDEN_CONFIG, REPO, run_cli


def test_default_inventory_generates_and_checks_clean(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    generated = run_cli("generate", "--config", str(REPO / "config"), "--output", str(out))
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout.startswith("mirrorgen: ") and " written, 0 unchanged, 0 removed" in generated.stdout
    checked = run_cli("check", "--config", str(REPO / "config"), "--output", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_sample_inventory_ends_clean(tmp_path: Path) -> None:
    """What a new user's first `make generate` prints: one summary line, no warning to wonder about."""
    import mirrorgen

    inventory = mirrorgen.load_inventory(REPO / "config")
    assert mirrorgen.validate(inventory) == []
    out = tmp_path / "generated"
    result = run_cli("generate", "--config", str(REPO / "config"), "--output", str(out))
    planned = len(mirrorgen.plan(inventory))
    assert (result.returncode, result.stderr) == (0, "")
    fragment = f"mirrorgen: wrote the config_updater entries to {{}}/core-services/image-mirroring/_config-updater.yaml:" \
               " These entries belong in config_updater.maps of core-services/prow/02_config/_plugins.yaml, the only" \
               " place Prow reads them from. `generate` places them there itself when the output tree holds that file.\n"
    assert result.stdout == fragment.format(out) + f"mirrorgen: {planned} written, 0 unchanged, 0 removed in {out}\n"
    # The README's own command, as a new user types it (here into another folder).
    made = subprocess.run(["make", "-s", "-C", str(REPO), "generate", f"OUTPUT={tmp_path / 'made'}"], capture_output=True,
                          text=True, timeout=600)
    assert (made.returncode, made.stderr) == (0, "")
    assert made.stdout == fragment.format(tmp_path / "made") + \
        f"mirrorgen: {planned} written, 0 unchanged, 0 removed in {tmp_path / 'made'}\n"
    strict = run_cli("validate", "--strict", "--config", str(REPO / "config"))
    assert (strict.returncode, strict.stderr) == (0, "")
    assert strict.stdout.splitlines()[-1] == "mirrorgen: inventory " + str(REPO / "config") + " is valid (0 warning(s))"


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


def test_version_is_the_installed_package_version() -> None:
    import tomllib

    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    result = run_cli("--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"mirrorgen {declared}\n", "")


def test_commands_that_never_write_do_not_say_nothing_was_written(make_inventory, tmp_path: Path) -> None:
    config = make_inventory()
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q"], ["add", "config"], ["commit", "-qm", "inventory"]):
        subprocess.run(git + args, check=True)
    (config / "mirrorgen.yaml").write_text("jobs:\n  cron: 'every hour'\n")
    for command in (["validate"], ["check", "--output", str(tmp_path)], ["explain", "--output", str(tmp_path), "x"],
                    ["plan", "--base", "HEAD"]):
        result = run_cli(*command, "--config", str(config))
        assert result.returncode == 2
        assert result.stderr.splitlines()[-1].startswith("mirrorgen: 1 error(s)")
        assert "nothing was written" not in result.stderr
