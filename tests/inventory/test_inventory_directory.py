"""What may sit in the inventory directory: an unknown entry or an inventory without orgs is invalid input, and
nothing in the output tree is written or removed because of it (issue 13, item 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run_cli

NO_ORG = ("orgs/: the inventory declares no org: add orgs/<org>.yaml, one per destination organisation (is --config"
          " the inventory directory?)")
CKI = """\
    approved_registries: [quay.io]
    images:
      tools: quay.io/cki/tools:1@sha256:{digest}
    """.format(digest="ab" * 32)


def tree_state(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root with its bytes and modification time: what `generate` must leave alone."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def generated(make_inventory, tmp_path: Path) -> tuple[Path, Path]:
    config = make_inventory({"images.yaml": CKI})
    out = tmp_path / "out"
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    return config, out


def break_orgs(config: Path, how: str) -> None:
    if how == "renamed":
        (config / "orgs").rename(config / "org")
    elif how == "missing":
        shutil.rmtree(config / "orgs")
    elif how == "empty":
        shutil.rmtree(config / "orgs")
        (config / "orgs").mkdir()
    elif how == "a file":
        shutil.rmtree(config / "orgs")
        (config / "orgs").write_text("acme\n")


EXPECTED = {
    "renamed": ["CONFIG/org/: unknown entry; did you mean orgs/?", f"CONFIG/{NO_ORG}"],
    "missing": [f"CONFIG/{NO_ORG}"],
    "empty": [f"CONFIG/{NO_ORG}"],
    "a file": ["CONFIG/orgs: orgs must be a folder holding one <org>.yaml per organisation; move the file aside and make"
               " orgs/ a folder"],
}


@pytest.mark.parametrize("how", sorted(EXPECTED))
@pytest.mark.parametrize("command", ["generate", "check", "validate"])
def test_an_inventory_without_orgs_changes_nothing_and_exits_2(generated, how: str, command: str) -> None:
    """images.yaml is there, and would still render: before, generate removed every mapping, job and RBAC file of
    the orgs it no longer saw, wrote `periodics: []` and exited 0."""
    config, out = generated
    before = tree_state(out)
    break_orgs(config, how)
    args = (command, "--config", str(config)) + (() if command == "validate" else ("--output", str(out)))
    result = run_cli(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line.replace(f"{config}/", "CONFIG/") for line in result.stderr.splitlines()]
    assert lines[:-1] == EXPECTED[how]
    assert lines[-1].startswith(f"mirrorgen: {len(EXPECTED[how])} error(s)")
    assert tree_state(out) == before


@pytest.mark.parametrize("entry, message", [
    ("README.md", "README.md: unknown entry; the inventory holds only mirrorgen.yaml, namespaces.yaml, qci.yaml,"
                  " images.yaml"),  # and any file added to KNOWN_TOP_FILES since
    ("images.yml", "images.yml: unknown entry; did you mean images.yaml?"),
    ("mirrorgen.yml", "mirrorgen.yml: unknown entry; did you mean mirrorgen.yaml?"),
    ("namespace.yaml", "namespace.yaml: unknown entry; did you mean namespaces.yaml?"),
    ("notes/todo.txt", "notes/: unknown entry; the inventory holds only"),
    ("org/beta.yaml", "org/: unknown entry; did you mean orgs/?"),
])
def test_unknown_entries_are_errors_with_a_suggestion(make_inventory, tmp_path: Path, entry: str, message: str) -> None:
    folder = entry.rpartition("/")[0]
    # Two files in an unknown folder: one problem for the folder.
    config = make_inventory({entry: "x: 1\n", **({f"{folder}/second.yaml": "x: 1\n"} if folder else {})})
    result = run_cli("generate", "--config", str(config), "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    errors = result.stderr.splitlines()[:-1]
    assert len(errors) == 1 and errors[0].startswith(f"{config}/{message}"), result.stderr  # one per entry, not per file
    if "holds only" in message:
        assert errors[0].endswith(", orgs/, and ignores names starting with '.': move it elsewhere or rename it")
    assert not (tmp_path / "out").exists()


def test_hidden_entries_are_ignored(make_inventory, tmp_path: Path) -> None:
    """Version control and tools keep their own files there (a future `.schemas/`, `.git`, editor state)."""
    config = make_inventory({".schemas/org.json": "{}", ".git/config": "[core]\n", "orgs/.acme.yaml.swp": "\0",
                             ".pre-commit-config.yaml": "repos: []\n"})
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 0, result.stderr


def test_the_library_refuses_an_inventory_without_orgs() -> None:
    import mirrorgen

    with pytest.raises(mirrorgen.InvalidInventory) as raised:
        mirrorgen.parse_inventory({"mirrorgen.yaml": b"{}\n", "images.yaml": CKI.replace("    ", "").encode()})
    assert [str(p) for p in raised.value.problems] == [NO_ORG]
