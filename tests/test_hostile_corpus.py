"""A hand-written corpus of hostile inventories, each refused with a specific file:line message.

Each folder under tests/hostile/ holds the inventory files that differ from conftest.MINIMAL, a `REMOVE` file
listing MINIMAL files to drop (optional), and `EXPECTED`: lines that must appear in stderr, with `CONFIG/` standing
for the inventory directory. Every case must exit 2, print no traceback, and write nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, run_cli, write_tree

CORPUS = Path(__file__).parent / "hostile"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def hostile_inventory(case: str, config: Path) -> Path:
    write_tree(config, MINIMAL)
    folder = CORPUS / case
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in ("EXPECTED", "REMOVE"):
            (config / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, config / relative)
    if (folder / "REMOVE").exists():
        for relative in (folder / "REMOVE").read_text().split():
            (config / relative).unlink()
    return config


def expected_lines(case: str, config: Path) -> list[str]:
    text = (CORPUS / case / "EXPECTED").read_text(encoding="utf-8")
    return [line.replace("CONFIG/", f"{config}/") for line in text.splitlines() if line.strip()]


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES)
def test_hostile_inventory_is_refused_at_file_and_line(case: str, tmp_path: Path) -> None:
    config, out = hostile_inventory(case, tmp_path / "config"), tmp_path / "out"
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    for line in expected_lines(case, config):
        assert line in result.stderr.splitlines(), f"missing: {line}\n--- stderr:\n{result.stderr}"
    *problems, summary = result.stderr.splitlines()
    # Warnings are not listed beside the errors, only counted in one line that names the command listing them.
    counted = [line for line in problems if line.startswith("mirrorgen: ") and " warning(s); see them with: " in line]
    assert all(line.endswith(f" warning(s); see them with: mirrorgen validate --config {config}") for line in counted)
    assert len(counted) <= 1, result.stderr
    problems = [line for line in problems if line not in counted]
    # Every other line is an error at its place in the inventory, and their count is the one reported.
    assert all(line.startswith(f"{config}/") and ": warning: " not in line for line in problems), result.stderr
    assert summary == f"mirrorgen: {len(problems)} error(s) in the inventory; nothing was written", result.stderr
    assert result.stdout == ""
    assert not out.exists()
