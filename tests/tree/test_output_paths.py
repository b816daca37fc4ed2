"""Nothing is read, written or removed outside the output root: not through `..`, not through symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import MINIMAL, run_main
from mirrorgen import tree
from mirrorgen.inventory.load import load_inventory
from mirrorgen.output import is_plain_relative_path
from mirrorgen.plan import plan
from mirrorgen.manifest import MANIFEST
from mirrorgen.artifacts.render import MARKER

ORG_DIR = "core-services/image-mirroring/acme"
OWNERS = f"{ORG_DIR}/OWNERS"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the output root, holding a file that looks like one mirrorgen generated."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "OWNERS").write_text(f"# {MARKER} long ago\napprovers: [mallory]\n")
    (folder / "mapping_acme_tools").write_text(f"# {MARKER}\n")
    return folder


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def generate(config: Path, out: Path):
    return run_main("generate", "--config", str(config), "--output", str(out))


def test_symlinked_folder_inside_the_root_is_refused_and_nothing_is_written(make_inventory, tmp_path, outside) -> None:
    config, out = make_inventory(), tmp_path / "out"
    (out / "core-services/image-mirroring").mkdir(parents=True)
    (out / ORG_DIR).symlink_to(outside)
    before = snapshot_of(outside)
    result = generate(config, out)
    assert result.returncode == 2
    assert f"refusing to write {OWNERS}: {out / ORG_DIR} is a symbolic link" in result.stderr
    assert snapshot_of(outside) == before
    assert snapshot_of(out) == {}, "a refused run writes nothing at all"


def test_symlink_higher_up_is_refused_too(make_inventory, tmp_path, outside) -> None:
    config, out = make_inventory(), tmp_path / "out"
    out.mkdir()
    (out / "core-services").symlink_to(outside)
    before = snapshot_of(outside)
    assert generate(config, out).returncode == 2
    assert snapshot_of(outside) == before


def test_symlinked_target_file_is_replaced_not_followed(make_inventory, tmp_path, outside) -> None:
    config, out = make_inventory(), tmp_path / "out"
    (out / ORG_DIR).mkdir(parents=True)
    (out / OWNERS).symlink_to(outside / "OWNERS")
    before = snapshot_of(outside)
    assert generate(config, out).returncode == 0
    assert not (out / OWNERS).is_symlink()
    assert "approvers:\n- alice\n" in (out / OWNERS).read_text()
    assert snapshot_of(outside) == before
    assert run_main("check", "--config", str(config), "--output", str(out)).returncode == 0


def test_check_does_not_read_through_a_symlinked_file(make_inventory, tmp_path) -> None:
    """A link to a file with the right content is not the file: check reports it missing."""
    config, out = make_inventory(), tmp_path / "out"
    assert generate(config, out).returncode == 0
    real = tmp_path / "copy"
    real.write_bytes((out / OWNERS).read_bytes())
    (out / OWNERS).unlink()
    (out / OWNERS).symlink_to(real)
    result = run_main("check", "--config", str(config), "--output", str(out))
    assert result.returncode == 1 and f"missing: {out / OWNERS}" in result.stdout


def test_a_fifo_in_the_tree_neither_hangs_check_nor_survives_generate(make_inventory, tmp_path) -> None:
    """Reading a FIFO would wait for a writer forever: check reports it missing; generate replaces it."""
    import subprocess
    import sys

    config, out = make_inventory(), tmp_path / "out"
    assert generate(config, out).returncode == 0
    (out / OWNERS).unlink()
    os.mkfifo(out / OWNERS)
    command = [sys.executable, "-m", "mirrorgen", "check", "--config", str(config), "--output", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and f"missing: {out / OWNERS}" in result.stdout
    assert generate(config, out).returncode == 0
    assert (out / OWNERS).is_file() and "approvers:\n- alice\n" in (out / OWNERS).read_text()


def test_symlinked_output_root_is_followed_because_the_user_named_it(make_inventory, tmp_path) -> None:
    config, real = make_inventory(), tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert generate(config, tmp_path / "link").returncode == 0
    assert (real / OWNERS).is_file()


def test_stale_removal_never_follows_symlinks(make_inventory, tmp_path, outside) -> None:
    config, out = make_inventory(), tmp_path / "out"
    assert generate(config, out).returncode == 0
    # Links that look like stale generated files, to a file and to a folder of marked files.
    (out / ORG_DIR / "mapping_acme_old").symlink_to(outside / "mapping_acme_tools")
    (out / "core-services/image-mirroring/gone").symlink_to(outside)
    before = snapshot_of(outside)
    result = generate(config, out)
    assert result.returncode == 0 and " 0 removed" in result.stdout
    assert snapshot_of(outside) == before
    assert (out / ORG_DIR / "mapping_acme_old").is_symlink()


def test_a_hand_edited_manifest_cannot_point_outside_or_at_human_files(make_inventory, tmp_path, outside) -> None:
    config, out = make_inventory(), tmp_path / "out"
    assert generate(config, out).returncode == 0
    (out / "README.md").write_text("written by a human\n")
    (out / "core-services/image-mirroring/evil").symlink_to(outside)
    digest = "0" * 64
    # The root manifest of earlier versions, still read, and a directory's manifest, whose paths start there.
    with open(out / MANIFEST, "a") as manifest:
        for path in ("../outside/OWNERS", "README.md", "/etc/hostname", "core-services/image-mirroring/evil/OWNERS",
                     "core-services/image-mirroring/./x", "core-services/image-mirroring/../../README.md"):
            manifest.write(f"{digest}  {path}\n")
    with open(out / "core-services/image-mirroring" / MANIFEST, "a") as manifest:
        for path in ("../../../outside/OWNERS", "../../README.md", "/etc/hostname", "evil/OWNERS", "./x"):
            manifest.write(f"{digest}  {path}\n")
    before = snapshot_of(outside)
    result = generate(config, out)
    assert result.returncode == 0, result.stderr
    assert snapshot_of(outside) == before
    assert (out / "README.md").read_text() == "written by a human\n"


def test_a_folder_in_the_way_is_a_clear_error(make_inventory, tmp_path) -> None:
    config, out = make_inventory(), tmp_path / "out"
    (out / OWNERS).mkdir(parents=True)
    result = generate(config, out)
    assert result.returncode == 2
    assert f"cannot write {out / OWNERS}: a folder is in the way" in result.stderr


NOT_A_FOLDER = "is not a folder{whose}: pass the folder of the generated files, e.g. --output generated"


@pytest.mark.parametrize("command", [("generate",), ("check",), ("check", "--format", "json"),
                                     ("explain", "ci-operator/jobs/infra-image-mirroring.yaml")])
@pytest.mark.parametrize("below", [False, True])
def test_output_that_is_a_file_is_invalid_input(make_inventory, tmp_path, command, below) -> None:
    """A file given as --output (or as a folder above it) is a mistake on the command line: exit 2, one line, and
    no report that calls every file missing."""
    config, file = make_inventory(), tmp_path / "out"
    file.write_text("not a folder\n")
    out = file / "sub" if below else file
    result = run_main(command[0], "--config", str(config), "--output", str(out), *command[1:])
    whose = f" (its parent {file} is a file)" if below else ""
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"mirrorgen: error: --output {out} {NOT_A_FOLDER.format(whose=whose)}\n")
    assert file.read_text() == "not a folder\n"


@pytest.mark.parametrize("json", [False, True])
def test_check_of_a_missing_output_folder_says_to_generate_first(make_inventory, tmp_path, json) -> None:
    config, out = make_inventory(), tmp_path / "never-generated"
    result = run_main("check", "--config", str(config), "--output", str(out), *(["--format", "json"] if json else []))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"mirrorgen: error: --output {out}: no such folder, so there is nothing to check: run"
                             f" `mirrorgen generate --config {config} --output {out}` first, or pass the folder that"
                             f" holds the generated files\n")
    assert not out.exists()
    # The command it names does what it says: check passes after it.
    assert run_main("generate", "--config", str(config), "--output", str(out)).returncode == 0
    assert run_main("check", "--config", str(config), "--output", str(out)).returncode == 0


def test_explain_needs_no_output_tree(make_inventory, tmp_path) -> None:
    """explain answers from the inventory: a folder that does not exist yet is fine (only a file is refused)."""
    config = make_inventory()
    result = run_main("explain", "--config", str(config), "--output", str(tmp_path / "nothing-yet"),
                     "core-services/image-mirroring/acme/OWNERS")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{tmp_path}/nothing-yet/core-services/image-mirroring/acme/OWNERS comes from {config}/orgs/acme.yaml")


def test_output_that_cannot_be_written_is_a_clear_error_not_a_crash(make_inventory, tmp_path) -> None:
    """A regular file where a folder of the output must go: the system refuses to write there whoever asks, root
    included (as CI runs), which a read-only folder does not do."""
    config, out = make_inventory(), tmp_path / "out"
    out.mkdir()
    (out / "core-services").write_text("a file, not a folder\n")
    result = generate(config, out)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"mirrorgen: error: cannot write the output tree {out}: Not a directory ({out}/core-services/")
    assert snapshot_of(out) == {"core-services": b"a file, not a folder\n"}, "a failed run leaves no file behind"
    assert [p.name for p in out.iterdir()] == ["core-services"], "nor a folder it made for other files"


def test_a_symlink_planted_at_the_temporary_name_is_not_followed(make_inventory, tmp_path, outside) -> None:
    out = tmp_path / "out"
    (out / ORG_DIR).mkdir(parents=True)
    (out / ORG_DIR / f".OWNERS.mirrorgen-tmp-{os.getpid()}").symlink_to(outside / "OWNERS")
    before = snapshot_of(outside)
    tree.write(plan(load_inventory(make_inventory())), out)
    assert snapshot_of(outside) == before
    assert "alice" in (out / OWNERS).read_text()


@pytest.mark.parametrize("path, plain", [
    ("a/b", True), ("OWNERS", True), ("../a", False), ("a/../b", False), ("/etc/x", False), ("a//b", False),
    ("a/./b", False), ("a/b/", False), ("a\\b", False), ("a/\x00", False), ("a/\nb", False), ("", False),
])
def test_plain_relative_paths(path: str, plain: bool) -> None:
    assert is_plain_relative_path(path) is plain


@pytest.mark.parametrize("changes, expected", [
    ({"orgs/a..yaml": MINIMAL["orgs/acme.yaml"]}, "orgs/a..yaml: org name 'a.' (the file name) is not a DNS-1123 label"),
    ({"orgs/Acme_Corp.yaml": MINIMAL["orgs/acme.yaml"]}, "orgs/Acme_Corp.yaml: org name 'Acme_Corp' (the file name)"),
    ({"namespaces.yaml": "namespaces:\n  ../etc:\n    access: authenticated\n"},
     "namespaces.yaml:2: namespace '../etc' is not a DNS-1123 label"),
    ({"namespaces.yaml": "namespaces:\n  a/b:\n    access: authenticated\n"}, "namespaces.yaml:2: namespace 'a/b'"),
    ({"namespaces.yaml": "namespaces:\n  .hidden:\n    access: authenticated\n"}, "namespaces.yaml:2: namespace '.hidden'"),
    ({"namespaces.yaml": 'namespaces:\n  "a\\0b":\n    access: authenticated\n'}, "namespaces.yaml:2: namespace 'a\\x00b'"),
    ({"orgs/acme.yaml": "destination: quay.io/acme\nmappings:\n  mapping_acme/../../x: |\n    a b\n"},
     "orgs/acme.yaml:3: mapping file name 'mapping_acme/../../x' is not a valid ConfigMap key"),
    ({"orgs/acme.yaml": "destination: quay.io/acme\nmappings:\n  ..: |\n    a b\n"},
     "orgs/acme.yaml:3: mapping file '..' lacks the 'mapping_' prefix"),
    ({"orgs/sub/acme.yaml": MINIMAL["orgs/acme.yaml"]}, "orgs/sub/acme.yaml: org files go directly in orgs/"),
])
def test_names_that_become_path_components_are_validated(make_inventory, tmp_path, changes, expected) -> None:
    config, out = make_inventory(changes), tmp_path / "out"
    result = generate(config, out)
    assert result.returncode == 2, result.stdout
    assert f"{config}/{expected}" in result.stderr
    assert not out.exists()
