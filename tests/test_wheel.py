"""The package works installed from a wheel into a fresh virtualenv, away from the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

from conftest import GOLDEN_CONFIG, REPO, files_under, golden_files


def clean_copy(tmp_path: Path) -> Path:
    """The checkout as a fresh clone of it would be (tracked and new files, nothing git ignores): a build/ folder left
    by an earlier build would put modules that no longer exist into the wheel."""
    source = tmp_path / "source"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file() or (REPO / name).is_symlink():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name, follow_symlinks=False)
    return source


def test_wheel_install_ships_templates(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels),
                    str(clean_copy(tmp_path))], check=True, cwd=tmp_path, capture_output=True)
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
    # Every module of the checkout is in the wheel: a package missing from pyproject's list would be left out.
    listing = ("import pathlib, mirrorgen; root = pathlib.Path(mirrorgen.__file__).parent;"
               " print(*sorted(p.relative_to(root).as_posix() for p in root.rglob('*.py')))")
    shipped = subprocess.run([str(python), "-c", listing], cwd=elsewhere, check=True, capture_output=True,
                             text=True).stdout.split()
    modules = [p.relative_to(REPO / "mirrorgen").as_posix() for p in (REPO / "mirrorgen").rglob("*.py")]
    assert shipped == sorted(modules + [f"templates/{p.name}" for p in (REPO / "templates").glob("*.py")])
    assert subprocess.run([str(mirrorgen), "--help"], cwd=elsewhere, capture_output=True).returncode == 0
    result = subprocess.run([str(mirrorgen), "generate", "--config", str(GOLDEN_CONFIG), "--output", "out"],
                            cwd=elsewhere, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert files_under(elsewhere / "out") == golden_files()
    # The inventory's JSON Schemas ship as files, and `mirrorgen schema` writes the same from the installed package.
    found = subprocess.run([str(python), "-c", "import pathlib, mirrorgen; root = pathlib.Path(mirrorgen.__file__).parent;"
                            " print(*sorted(p.name for p in (root / 'schemas/inventory').glob('*.json')))"],
                           cwd=elsewhere, check=True, capture_output=True, text=True).stdout.split()
    assert found == sorted(p.name for p in (REPO / "mirrorgen/schemas/inventory").glob("*.json"))
    assert subprocess.run([str(mirrorgen), "schema", "--output", "schemas"], cwd=elsewhere).returncode == 0
    assert files_under(elsewhere / "schemas") == files_under(REPO / "mirrorgen/schemas/inventory")
