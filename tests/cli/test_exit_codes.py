"""Every exit code of the README's "Exit codes" table, for the command that gives it, through `cli.main` in the
test process (the subprocess tests in test_cli.py and tree/test_drift.py check the same codes end to end; these
are fast enough for `make mutation` to run for each mutant of the command line).

README: 0 success (check: the tree matches the inventory); 1 drift (check only); 2 invalid input, nothing
written, also a wrong --output (a file, or for check a folder that does not exist); 3 internal error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import importlib

import pytest

from conftest import REPO
from mirrorgen.artifacts.config_updater import FRAGMENT_PATH, PLUGINS_PATH
from mirrorgen.cli import main

MAPPING = "core-services/image-mirroring/acme/mapping_acme_tools"
INVALID_ORG = "destination: quay.io/acme\nowners:\n  approvers: [alice]\nmappings:\n  mapping_acme_tools: |\n    nonsense\n"


@pytest.fixture
def tree(make_inventory, tmp_path: Path) -> tuple[Path, Path]:
    config, out = make_inventory(), tmp_path / "out"
    assert main(["generate", "--config", str(config), "--output", str(out)]) == 0
    return config, out


def check(config: Path, out: Path) -> int:
    return main(["check", "--config", str(config), "--output", str(out)])


def test_a_tree_that_matches_checks_0(tree, capsys) -> None:
    capsys.readouterr()
    assert check(*tree) == 0
    # MINIMAL's one warning is counted, not listed, and the note says how to list it.
    assert capsys.readouterr().err == f"mirrorgen: 1 warning(s); see them with: mirrorgen validate --config {tree[0]}\n"
    assert main(["validate", "--config", str(tree[0])]) == 0


def test_a_changed_file_checks_1(tree) -> None:
    config, out = tree
    (out / MAPPING).write_text((out / MAPPING).read_text() + "# edited\n")
    assert check(config, out) == 1


def test_a_missing_file_checks_1(tree) -> None:
    config, out = tree
    (out / MAPPING).unlink()
    assert check(config, out) == 1


def test_a_stale_file_alone_checks_1(tree, capsys) -> None:
    config, out = tree
    stray = out / "core-services/image-mirroring/gone/mapping_gone_x"
    stray.parent.mkdir(parents=True)
    stray.write_text((out / MAPPING).read_text())  # it carries the marker: mirrorgen made it
    assert check(config, out) == 1
    assert "stale:" in capsys.readouterr().out


def test_a_hand_written_file_alone_checks_0(tree, capsys) -> None:
    """README: a hand-written file in a generated folder is reported as a note and left alone, so no drift."""
    config, out = tree
    (out / "core-services/image-mirroring/acme/NOTES.md").write_text("hand-written\n")
    assert check(config, out) == 0


@pytest.mark.parametrize("command", ["generate", "check", "validate"])
def test_an_invalid_inventory_exits_2(make_inventory, tmp_path: Path, capsys, command: str) -> None:
    config, out = make_inventory({"orgs/acme.yaml": INVALID_ORG}), tmp_path / "out"
    out.mkdir()
    args = [command, "--config", str(config)] + ([] if command == "validate" else ["--output", str(out)])
    assert main(args) == 2
    # README: errors first, one line each at file:line; then the warnings, listed by validate and counted by the
    # others; the last line counts the errors and, for a command that writes, says that nothing was written.
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"{config}/orgs/acme.yaml:6: 'nonsense' has no destination: write `SRC DST [DST ...]`"
    if command == "validate":
        assert [line.split(": ")[1] for line in lines[1:3]] == ["warning", "warning"]
        assert lines[3:] == ["mirrorgen: 1 error(s) and 2 warning(s) in the inventory"]
    else:
        written = "; nothing was written" if command == "generate" else ""
        assert lines[1:] == [f"mirrorgen: 2 warning(s); see them with: mirrorgen validate --config {config}",
                             f"mirrorgen: 1 error(s) in the inventory{written}"]
    assert list(out.iterdir()) == []  # nothing written


def test_an_output_that_is_a_file_exits_2(make_inventory, tmp_path: Path, capsys) -> None:
    config, out = make_inventory(), tmp_path / "out"
    out.write_text("")
    assert main(["generate", "--config", str(config), "--output", str(out)]) == 2
    assert f"--output {out} is not a folder" in capsys.readouterr().err
    assert out.read_text() == ""


def test_check_of_a_folder_that_does_not_exist_exits_2(make_inventory, tmp_path: Path, capsys) -> None:
    assert check(make_inventory(), tmp_path / "nowhere") == 2
    assert "no such folder, so there is nothing to check" in capsys.readouterr().err


def test_drift_as_json_exits_1_with_one_document_and_annotations_apart(tree, capsys, monkeypatch) -> None:
    """README (check --format json, GitHub Actions): stdout stays one JSON document; on a runner the `::error`
    workflow commands go to stderr beside it, and with the text report they lead stdout."""
    config, out = tree
    (out / MAPPING).write_text((out / MAPPING).read_text() + "# edited\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--config", str(config), "--output", str(out), "--format", "json"]) == 1
    printed = capsys.readouterr()
    assert [f["path"] for f in json.loads(printed.out)["files"]] == [str(out / MAPPING)]
    # The warnings note comes first (check notes warnings before it reports), then the annotation.
    assert printed.err.splitlines()[1].startswith("::error file=")
    assert check(config, out) == 1
    assert capsys.readouterr().out.startswith("::error file=")
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert check(config, out) == 1
    assert "::error" not in capsys.readouterr().out


def documented_message(bad_input: str) -> str:
    """The message docs/commands.md's "Errors for people" table gives for that bad input."""
    commands_md = (Path(__file__).resolve().parents[2] / "docs/commands.md").read_text(encoding="utf-8")
    row = next(line for line in commands_md.splitlines() if line.startswith(f"| {bad_input} | "))
    return row.split(" | ", 1)[1].removesuffix(" |").strip("`")


@pytest.mark.parametrize("bad_input, command, make_out", [
    ("output is a file", "generate", lambda out: out.write_text("")),
    ("`check` before any `generate`", "check", lambda out: None),
])
def test_a_wrong_output_gets_the_documented_message(make_inventory, tmp_path: Path, monkeypatch, capsys,
                                                    bad_input: str, command: str, make_out) -> None:
    make_inventory()
    monkeypatch.chdir(tmp_path)  # the docs' relative names: --config config --output out
    make_out(tmp_path / "out")
    assert main([command, "--config", "config", "--output", "out"]) == 2
    assert capsys.readouterr().err == documented_message(bad_input) + "\n"


def test_an_output_under_a_file_names_that_file(make_inventory, tmp_path: Path, capsys) -> None:
    config, parent = make_inventory(), tmp_path / "out"
    parent.write_text("")
    assert main(["generate", "--config", str(config), "--output", str(parent / "sub")]) == 2
    assert capsys.readouterr().err.startswith(f"mirrorgen: error: --output {parent}/sub is not a folder (its parent"
                                              f" {parent} is a file): ")


def test_a_clean_tree_prints_the_documented_line(tree, capsys, monkeypatch) -> None:
    """docs/commands.md: "a clean tree prints `mirrorgen: generated matches the inventory (N files)`": here the
    --output given, and N the files generate wrote, counted on disk."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    config, out = tree
    capsys.readouterr()
    assert check(config, out) == 0
    written = sum(1 for path in out.rglob("*") if path.is_file())
    assert capsys.readouterr().out == f"mirrorgen: {out} matches the inventory ({written} files)\n"


@pytest.mark.parametrize("color, terminal, no_color, coloured", [
    ("always", False, "", True), ("never", True, "", False), ("auto", True, "", True), ("auto", False, "", False),
    ("auto", True, "1", False), ("always", True, "1", True),
])
def test_the_diff_is_coloured_as_documented(tree, capsys, monkeypatch, color: str, terminal: bool, no_color: str,
                                            coloured: bool) -> None:
    """docs/commands.md: the unified diff is coloured on a terminal; `--color always|never`; NO_COLOR set and
    non-empty turns it off (for auto)."""
    config, out = tree
    (out / MAPPING).write_text((out / MAPPING).read_text() + "# edited\n")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", no_color) if no_color else monkeypatch.delenv("NO_COLOR", raising=False)
    capsys.readouterr()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: terminal)  # capsys's stdout, as a terminal or not
    assert main(["check", "--config", str(config), "--output", str(out), "--color", color]) == 1
    printed = capsys.readouterr().out
    assert "# edited" in printed
    assert ("\x1b[" in printed) == coloured


@pytest.mark.parametrize("change, state", [("edit", "differs from this mirrorgen's schema"), ("remove", "missing")])
def test_a_stale_schema_is_drift_named_on_one_line(tree, capsys, change: str, state: str) -> None:
    """docs/commands.md (check): a schema in config/.schemas/ that is missing or differs from this mirrorgen's is
    drift too: one line on stderr names the file and the `mirrorgen generate` command, and check exits 1."""
    config, out = tree
    assert main(["schema", "--config", str(config)]) == 0
    capsys.readouterr()
    assert check(config, out) == 0
    schema = sorted((config / ".schemas").iterdir())[0]
    schema.write_text(schema.read_text() + " ") if change == "edit" else schema.unlink()
    capsys.readouterr()
    assert check(config, out) == 1
    printed = capsys.readouterr()
    assert "matches the inventory" in printed.out  # the tree itself is clean
    assert printed.err.splitlines()[1:] == [
        f"{schema}: {state} (editors check the inventory with it); run `mirrorgen generate --config {config}`"]


def test_generate_and_check_use_the_plugins_file_of_the_tree(make_inventory, tmp_path: Path, capsys) -> None:
    """README: where the output tree has Prow's plugins file, the config_updater entries live in it and no fragment
    is written. One ConfigMap's entry is openshift/release's own (tests/fixtures/plugins/_plugins.yaml), so its file
    is left as it is, and check finds the tree clean."""
    config, out = make_inventory(), tmp_path / "out"
    real = (REPO / "tests/fixtures/plugins/_plugins.yaml").read_text()
    (out / PLUGINS_PATH).parent.mkdir(parents=True)
    (out / PLUGINS_PATH).write_text(real)
    assert main(["generate", "--config", str(config), "--output", str(out)]) == 0
    assert (out / PLUGINS_PATH).read_text() == real
    assert not (out / FRAGMENT_PATH).exists()
    assert check(config, out) == 0
    # Without its entry check reports the plugins file, not a missing fragment.
    (out / PLUGINS_PATH).write_text(real.replace("core-services/image-mirroring/**/mapping_*:", "other/**/mapping_*:"))
    capsys.readouterr()
    assert check(config, out) == 1
    report = capsys.readouterr().out
    assert str(out / PLUGINS_PATH) in report and FRAGMENT_PATH not in report


def test_explain_names_the_inventory_line_of_a_generated_line(tree, capsys) -> None:
    """README (Explain): `PATH:LINE comes from config/orgs/<org>.yaml:N`, then that inventory line; the mapping line
    is line 7 of MINIMAL's orgs/acme.yaml."""
    config, out = tree
    number = (out / MAPPING).read_text().splitlines().index(
        "registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest quay.io/acme/tools:v1") + 1
    capsys.readouterr()
    assert main(["explain", "--config", str(config), "--output", str(out), f"{out / MAPPING}:{number}"]) == 0
    assert capsys.readouterr().out == (
        f"{out / MAPPING}:{number} comes from {config}/orgs/acme.yaml:7\n"
        "  7: registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest quay.io/acme/tools:v1\n")


def test_an_error_only_rendering_finds_is_reported_as_one_error(make_inventory, tmp_path: Path, capsys,
                                                                monkeypatch) -> None:
    """plan() refuses two outputs at one path even when validation let them through (a family added later that
    rules do not know yet): the command prints that error and counts it, and MINIMAL's two warnings do not take
    its place."""
    plan = importlib.import_module("mirrorgen.plan")  # the module; mirrorgen.plan is the function
    first = plan.FAMILIES[0]
    monkeypatch.setattr(plan, "FAMILIES", plan.FAMILIES + (lambda inventory: first(inventory)[:1],))  # mapping again
    config, out = make_inventory(), tmp_path / "out"
    assert main(["generate", "--config", str(config), "--output", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{config}/orgs/acme.yaml:6: renders {MAPPING}, which orgs/acme.yaml:6 renders too; rename one",
        "mirrorgen: 1 error(s) in the inventory; nothing was written"]
    assert not out.exists()
