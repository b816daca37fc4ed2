"""Exit codes and messages: invalid input exits 2 with file:line, an internal error exits 3 with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL, REPO, run_cli

# Inputs that crashed mirrorgen (exit 3 with a Python error) before they were handled as invalid input.
USED_TO_CRASH = {
    "surrogate escape in a mapping": (
        {"orgs/acme.yaml": 'destination: quay.io/acme\nmappings:\n  mapping_acme_x: "a b # \\ud800"\n'},
        "orgs/acme.yaml:3: a \\uD800-\\uDFFF escape is half of a UTF-16 pair"),
    "deeply nested list": ({"mirrorgen.yaml": "jobs: " + "[" * 3000 + "]" * 3000 + "\n"},
                           "mirrorgen.yaml:1: values nest more than 50 levels deep"),
    "list where namespaces belong": ({"namespaces.yaml": "namespaces: [a]\n"},
                                     "namespaces.yaml:1: namespaces: expected a mapping of names to settings, got a list"),
    "empty namespace entry": ({"namespaces.yaml": "namespaces:\n  acme-ci:\n"},
                              "namespaces.yaml:2: namespaces.acme-ci: expected a mapping of settings, got nothing"),
}


@pytest.mark.parametrize("case", sorted(USED_TO_CRASH))
def test_inputs_that_used_to_crash_are_now_invalid_input(case: str, make_inventory, tmp_path: Path) -> None:
    changes, expected = USED_TO_CRASH[case]
    config = make_inventory(changes)
    result = run_cli("generate", "--config", str(config), "--output", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert f"{config}/{expected}" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_file_names_that_are_not_utf8_or_hold_escape_codes(make_inventory, tmp_path: Path) -> None:
    config = make_inventory()
    body = (config / "orgs/acme.yaml").read_bytes()
    for name in (b"k\xff.yaml", b"red\x1b[31m.yaml"):
        (config / "orgs").joinpath(name.decode("utf-8", "surrogateescape")).write_bytes(body)
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    assert f"{config}/orgs/k\\udcff.yaml: the file name is not UTF-8; rename the file" in result.stderr
    assert f"{config}/orgs/red\\x1b[31m.yaml: the file name contains U+001B control character; rename the file" in result.stderr
    assert "\x1b" not in result.stderr


FAULT = """
import sys
import mirrorgen.tree
def broken(*args):
    raise RuntimeError("invariant broken\\nsecond line")
mirrorgen.tree.check = broken
from mirrorgen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_with_fault(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI with one internal function broken: the only way to reach the last line of defence."""
    return subprocess.run([sys.executable, "-c", FAULT, *args], capture_output=True, text=True, timeout=120)


def test_internal_error_exits_3_with_one_line_and_a_hint() -> None:
    result = run_with_fault("check", "--config", str(REPO / "config"), "--output", str(REPO / "generated"))
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        "mirrorgen: internal error: RuntimeError: invariant broken\\nsecond line (rerun with --debug for the traceback)"]


def test_debug_shows_the_traceback() -> None:
    result = run_with_fault("--debug", "check", "--config", str(REPO / "config"), "--output", str(REPO / "generated"))
    assert result.returncode == 3
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert result.stderr.rstrip().endswith("RuntimeError: invariant broken\nsecond line")


def test_all_problems_at_once_each_on_one_line(make_inventory) -> None:
    config = make_inventory({
        "mirrorgen.yaml": "jobs:\n  cron: 'every hour'\n  cpu_request: lots\n",
        "namespaces.yaml": "namespaces:\n  acme-ci:\n    access: public\n    description: \"two\\nlines\"\n",
    })
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "warning:" not in line]
    assert errors[-1] == "mirrorgen: 4 error(s) and 0 warning(s) in the inventory"  # validate writes nothing, ever
    assert [line.split(": ", 1)[0] for line in errors[:-1]] == [
        f"{config}/mirrorgen.yaml:2", f"{config}/mirrorgen.yaml:3", f"{config}/namespaces.yaml:3", f"{config}/namespaces.yaml:4"]


def test_unprintable_names_in_the_output_tree_are_escaped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("generate", "--config", str(REPO / "config"), "--output", str(out)).returncode == 0
    (out / "core-services/image-mirroring").joinpath(b"x\xff\x1b[2Jy".decode("utf-8", "surrogateescape")).write_text("hi\n")
    result = subprocess.run([sys.executable, "-m", "mirrorgen", "check", "--config", str(REPO / "config"), "--output", str(out)],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stderr
    assert f"note: {out}/core-services/image-mirroring/x\\udcff\\x1b[2Jy was not generated by mirrorgen; left alone" in result.stdout


# Warnings that sort before the error (namespaces.yaml < orgs/acme.yaml) and one after it (orgs/zeta.yaml).
WARNINGS_AROUND_AN_ERROR = {
    "namespaces.yaml": "namespaces:\n" + "".join(f"  {ns}:\n    access: authenticated\n" for ns in ("acme-ci", "b-ci", "c-ci")),
    "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cron: 'every hour'\n",
    "orgs/zeta.yaml": ("destination: quay.io/zeta\nmappings:\n  mapping_zeta_x: |\n"
                       "    registry.ci.openshift.org/acme-ci/z:1 quay.io/zeta/z:1\n"),  # no approvers
}


@pytest.mark.parametrize("command", [["generate", "--output", "OUT"], ["check", "--output", "OUT"],
                                     ["explain", "--output", "OUT", "core-services/image-mirroring/acme/OWNERS"]])
def test_errors_come_first_and_warnings_are_counted(make_inventory, tmp_path: Path, command: list[str]) -> None:
    """In an adopted repository one error was line 66 of 132: the errors come first, the warnings as one line
    that names the command listing them, and only generate says that it wrote nothing."""
    config = make_inventory(WARNINGS_AROUND_AN_ERROR)
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli(*[str(out) if arg == "OUT" else arg for arg in command], "--config", str(config))
    assert result.returncode == 2
    written = "; nothing was written" if command[0] == "generate" else ""
    assert result.stderr.splitlines() == [
        f"{config}/orgs/acme.yaml:9: invalid cron 'every hour': needs exactly 5 fields (minute hour day-of-month"
        f" month day-of-week), found 2",
        f"mirrorgen: 6 warning(s); see them with: mirrorgen validate --config {config}",
        f"mirrorgen: 1 error(s) in the inventory{written}",
    ]
    listed = run_cli("validate", "--config", str(config))
    lines = listed.stderr.splitlines()
    assert lines[0] == result.stderr.splitlines()[0]  # the errors first there too
    assert len([line for line in lines if ": warning: " in line]) == 6
    assert lines[-1] == "mirrorgen: 1 error(s) and 6 warning(s) in the inventory"
