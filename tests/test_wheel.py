"""The package works installed from a wheel into a fresh virtualenv, away from the checkout."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

from conftest import GOLDEN_CONFIG, REPO, files_under, golden_files


def test_wheel_install_ships_templates(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(REPO)],
                   check=True, cwd=tmp_path, capture_output=True)
    (wheel,) = wheels.glob("mirrorgen-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python, mirrorgen = env_dir / "bin/python", env_dir / "bin/mirrorgen"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import mirrorgen.artifacts.render as r; print(r.__file__)"],
                           cwd=elsewhere, check=True, capture_output=True, text=True).stdout
    assert str(env_dir) in where
    assert subprocess.run([str(mirrorgen), "--help"], cwd=elsewhere, capture_output=True).returncode == 0
    result = subprocess.run([str(mirrorgen), "generate", "--config", str(GOLDEN_CONFIG), "--output", "out"],
                            cwd=elsewhere, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert files_under(elsewhere / "out") == golden_files()
