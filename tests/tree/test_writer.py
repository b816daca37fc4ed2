"""The output tree's writer and reader called in the test process: durable writes, a failed write, the drift diff
and the plugins file. (Most tree tests run the command line in a subprocess; these are the ones `make mutation`
can attribute to the code they exercise.)"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Callable

import pytest

import mirrorgen
from conftest import MINIMAL, REPO, files_under
from mirrorgen.artifacts.config_updater import PLUGINS_PATH, PluginsFile
from mirrorgen.manifest import MANIFEST
from mirrorgen.tree import drift, writer

SECOND_ORG = MINIMAL["orgs/acme.yaml"].replace("quay.io/acme", "quay.io/bolt").replace("mapping_acme", "mapping_bolt")


def open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def outputs_of(make_inventory, changes: dict[str, str | None]) -> list[mirrorgen.Output]:
    return mirrorgen.plan(mirrorgen.load_inventory(make_inventory(changes)))


def test_a_durable_write_writes_what_a_plain_one_writes_and_closes_every_file(make_inventory, tmp_path: Path) -> None:
    """--fsync (durable) changes when the bytes reach the disk, not which bytes, on a first write and on an update
    that rewrites, adds and removes files; every file and folder it opened to fsync is closed again."""
    two_orgs = outputs_of(make_inventory, {"orgs/bolt.yaml": SECOND_ORG})
    one_org = outputs_of(make_inventory, {"orgs/bolt.yaml": None,
                                          "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"].replace("bob", "carol")})
    plain, durable = tmp_path / "plain", tmp_path / "durable"
    before = open_descriptors()
    for outputs in (two_orgs, one_org):
        summaries = [writer.write(outputs, plain), writer.write(outputs, durable, durable=True)]
        assert summaries[0] == summaries[1]
        assert files_under(durable) == files_under(plain) == {o.path: o.text.encode() for o in outputs}
    assert summaries[0].removed and summaries[0].written
    assert open_descriptors() == before


def test_a_durable_single_file_write_replaces_the_file_and_closes_it(tmp_path: Path) -> None:
    target = tmp_path / "folder/file"
    target.parent.mkdir()
    target.write_text("old\n")
    before = open_descriptors()
    writer.atomic_write(target, b"new\n", durable=True)
    assert target.read_bytes() == b"new\n" and os.listdir(target.parent) == ["file"]
    assert open_descriptors() == before


def test_a_write_that_fails_half_way_leaves_the_tree_as_it_found_it(make_inventory, tmp_path: Path) -> None:
    """A file where the last output's folder belongs: the run fails with one line, after it has made the folders of
    the outputs before it, and removes every folder it made."""
    outputs = outputs_of(make_inventory, {})
    files = [o.path for o in outputs if not drift.is_manifest(o.path)]
    blocked = files[-1].rpartition("/")[0]
    assert files[0].split("/")[0] != blocked.split("/")[0]
    out = tmp_path / "out"
    (out / blocked).parent.mkdir(parents=True)
    (out / blocked).write_text("in the way\n")
    found = files_under(out)
    folders = sorted(p for p in out.rglob("*") if p.is_dir())
    for durable in (False, True):
        with pytest.raises(mirrorgen.MirrorgenError) as failed:
            writer.write(outputs, out, durable=durable)
        assert str(failed.value) == f"cannot write the output tree {out}: File exists ({out / blocked})"
        assert files_under(out) == found
        assert sorted(p for p in out.rglob("*") if p.is_dir()) == folders


# (what the tree holds, what mirrorgen would write): a changed line, a file that loses and one that gains the
# newline at its end, a missing file, a stale one.
DIFFS = [
    ("a\nb\nc\nd\ne\n", "a\nb\nX\nd\ne\n"),
    ("one\ntwo", "one\ntwo\n"),
    ("one\ntwo\n", "one\nthree"),
    (None, "first\nsecond\n"),
    ("gone\n", None),
]


@pytest.mark.parametrize("actual, expected", DIFFS)
def test_the_drift_diff_is_the_one_gnu_diff_prints(tmp_path: Path, actual: str | None, expected: str | None) -> None:
    """`check` shows each changed file as `diff -u` shows it (an absent side as an empty file), and `patch` applied
    to what the tree holds gives what mirrorgen would write."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.write_text(actual or "")
    new.write_text(expected or "")
    path = "core-services/image-mirroring/acme/mapping_acme_tools"
    entry = drift.FileDrift(path, "changed", None, expected, actual)
    gnu = subprocess.run(["diff", "-u", "--label", f"a/{path}", "--label", f"b/{path}", str(old), str(new)],
                         capture_output=True, text=True, check=False)
    assert gnu.returncode == 1, gnu.stderr
    assert drift.unified_diff(entry) == gnu.stdout
    subprocess.run(["patch", "--quiet", str(old)], input=drift.unified_diff(entry), text=True, check=True)
    assert old.read_text() == (expected or "")


def test_the_plugins_file_is_read_as_it_is_and_named_as_the_user_named_it(tmp_path: Path) -> None:
    assert drift.plugins_file(tmp_path) is None
    plugins = tmp_path / PLUGINS_PATH
    plugins.parent.mkdir(parents=True)
    plugins.write_bytes("config_updater:\n  maps: {}\n# café\n".encode())
    assert drift.plugins_file(tmp_path) == PluginsFile(str(plugins), "config_updater:\n  maps: {}\n# café\n")
    plugins.write_bytes(b"config_updater:\n# caf\xe9\n")
    with pytest.raises(mirrorgen.MirrorgenError) as refused:
        drift.plugins_file(tmp_path)
    assert str(refused.value) == (f"{plugins}: not UTF-8 (byte 21), so mirrorgen cannot place its config_updater"
                                  f" entries in it")
    # A symbolic link (it could lead outside the tree) or a folder in its place.
    plugins.unlink()
    (tmp_path / "elsewhere.yaml").write_text("config_updater: {}\n")
    for replace in (lambda: plugins.symlink_to(tmp_path / "elsewhere.yaml"), plugins.mkdir):
        replace()
        with pytest.raises(mirrorgen.MirrorgenError) as refused:
            drift.plugins_file(tmp_path)
        assert str(refused.value) == (f"{plugins}: not a regular file reached without symbolic links, so mirrorgen"
                                      f" cannot place its config_updater entries in it: replace it with the file itself")
        plugins.unlink() if plugins.is_symlink() else plugins.rmdir()


def test_a_manifest_is_never_written_before_the_files_it_lists(make_inventory, tmp_path: Path) -> None:
    """Killed between renames, a run leaves each directory's manifest naming the previous tree (tests of the kill
    itself are in test_atomic_output.py); here: the manifests are the last outputs written."""
    outputs = outputs_of(make_inventory, {"orgs/bolt.yaml": SECOND_ORG})
    summary = writer.write(outputs, tmp_path / "out")
    manifests = [path for path in summary.written if path.endswith(MANIFEST)]
    assert manifests and summary.written[-len(manifests):] == tuple(manifests)


def test_what_a_killed_run_left_behind_is_removed_and_nothing_else(make_inventory, tmp_path: Path) -> None:
    """A run killed before its renames leaves `.NAME.mirrorgen-tmp-PID` files (writer._stage); the next run removes
    them, at the root and in mirrorgen's folders, and leaves alone what only looks like one: another name, a
    symbolic link, a folder."""
    outputs = outputs_of(make_inventory, {})
    out = tmp_path / "out"
    writer.write(outputs, out)
    folder = out / "core-services/image-mirroring/acme"
    leftovers = [out / ".mapping.mirrorgen-tmp-17", folder / ".OWNERS.mirrorgen-tmp-4242"]
    kept = [out / ".mapping.mirrorgen-tmp-x", folder / ".OWNERS.mirrorgen-tmp-", folder / "OWNERS.mirrorgen-tmp-1",
            out / "notes.mirrorgen-tmp-1"]
    for path in leftovers + kept:
        path.write_text("half written\n")
    (out / ".link.mirrorgen-tmp-5").symlink_to(out / "notes.mirrorgen-tmp-1")
    (out / ".folder.mirrorgen-tmp-6").mkdir()
    summary = writer.write(outputs, out)
    assert summary.written == () and summary.removed == ()
    assert not any(path.exists() for path in leftovers)
    assert all(path.read_text() == "half written\n" for path in kept)
    assert (out / ".link.mirrorgen-tmp-5").is_symlink() and (out / ".folder.mirrorgen-tmp-6").is_dir()


def test_folders_a_stale_file_leaves_empty_are_removed_up_to_the_root(make_inventory, tmp_path: Path) -> None:
    two_orgs = outputs_of(make_inventory, {"orgs/bolt.yaml": SECOND_ORG})
    out = tmp_path / "out"
    writer.write(two_orgs, out)
    bolt = out / "core-services/image-mirroring/bolt"
    assert bolt.is_dir()
    summary = writer.write(outputs_of(make_inventory, {"orgs/bolt.yaml": None}), out)
    assert "core-services/image-mirroring/bolt/mapping_bolt_tools" in summary.removed
    assert not bolt.exists() and bolt.parent.is_dir()
    # A stale file beside a file of someone else's: the folder stays, with that file in it.
    writer.write(two_orgs, out)
    (bolt / "NOTES.md").write_text("a person's notes\n")
    writer.write(outputs_of(make_inventory, {"orgs/bolt.yaml": None}), out)
    assert [p.name for p in bolt.iterdir()] == ["NOTES.md"]


def test_the_folders_fsynced_after_the_renames_are_every_folder_up_to_the_root(tmp_path: Path) -> None:
    """A renamed file's entry lives in its folder, and a new folder's entry in its parent: a durable write fsyncs
    each existing folder between the files and the root, once, the root included, and none outside it."""
    root = tmp_path / "out"
    (root / "a/b").mkdir(parents=True)
    (root / "c").mkdir()
    files = [root / "a/b/one", root / "a/b/two", root / "c/three", root / "a/gone/four", root / "top"]
    assert writer._folders_up_to(root, files) == [root, root / "a", root / "a/b", root / "c"]
    assert writer._folders_up_to(root, []) == []


def test_a_manifest_that_is_not_utf8_is_read_as_far_as_it_goes(make_inventory, tmp_path: Path) -> None:
    """A manifest is a file anyone can edit: a byte that is no UTF-8 spoils its own line only. The files the other
    lines list are still known as mirrorgen's, so one that the inventory no longer plans is still stale."""
    out = tmp_path / "out"
    writer.write(outputs_of(make_inventory, {"orgs/bolt.yaml": SECOND_ORG}), out)
    manifest = out / "core-services/image-mirroring" / MANIFEST
    manifest.write_bytes(b"\xff\xfe not a line of sha256sum\n" + manifest.read_bytes())
    stale = "core-services/image-mirroring/bolt/OWNERS"
    (out / stale).write_text("approvers: [alice]\n")  # no marker: only the manifest says it is mirrorgen's
    found = drift.check(outputs_of(make_inventory, {"orgs/bolt.yaml": None}), out)
    assert (stale, "stale") in [(entry.path, entry.status) for entry in found.files]
    assert (f"core-services/image-mirroring/{MANIFEST}", "changed") in [(e.path, e.status) for e in found.files]


def test_a_folder_someone_filled_meanwhile_is_left_with_what_is_in_it(tmp_path: Path) -> None:
    """A failed run removes the folders it made (Folders.remove_created), but only empty ones."""
    folders = drift.Folders(tmp_path)
    folders.make(tmp_path / "a/b/c")
    folders.make(tmp_path / "a/d")
    (tmp_path / "a/b/theirs").write_text("written by another process\n")
    folders.remove_created()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["a", "a/b", "a/b/theirs"]


def test_a_file_that_cannot_be_renamed_into_place_leaves_no_temporary_file(tmp_path: Path) -> None:
    """The rename fails (a folder holding a file is where the file goes): the error is the system's, and the staged
    copy is gone."""
    target = tmp_path / "OWNERS"
    (target / "inside").mkdir(parents=True)
    for durable in (False, True):
        with pytest.raises(IsADirectoryError):
            writer.atomic_write(target, b"approvers: [alice]\n", durable=durable)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["OWNERS"]


def test_generated_files_get_the_mode_of_any_new_file(tmp_path: Path) -> None:
    """Read and write for whom the umask allows, executable for nobody: 0666 less the umask, as `touch` makes
    them, also when a temporary file of an earlier run of this process is in the way."""
    umask = os.umask(0o022)
    os.umask(umask)
    target = tmp_path / "OWNERS"
    (tmp_path / f".OWNERS.mirrorgen-tmp-{os.getpid()}").write_text("left by an earlier attempt\n")
    writer.atomic_write(target, b"approvers: [alice]\n", durable=False)
    (tmp_path / "touched").touch()
    assert (target.stat().st_mode & 0o777) == (0o666 & ~umask) == ((tmp_path / "touched").stat().st_mode & 0o777)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["OWNERS", "touched"]
    writer.atomic_write(target, b"approvers: [bob]\n", durable=False)
    assert (target.stat().st_mode & 0o777) == 0o666 & ~umask


def with_file_size_limit(size: int, check: Callable[[], None]) -> None:
    """Run `check` in a forked copy of this process whose files may not grow beyond `size` bytes: a real EFBIG from
    the kernel, as a full disk gives ENOSPC. A copy, because the limit holds for every file the process writes, a
    test runner's log included; the copy runs the same (mutated, under `make mutation`) code and reports back."""
    import resource

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the forked copy)
        os.close(read_end)
        code = 0
        try:
            # By default the kernel kills a process that writes past the limit; ignored, the write fails with EFBIG.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
            check()
        except BaseException as failure:  # noqa: BLE001 (reported to the test, whatever it is)
            os.write(write_end, f"{type(failure).__name__}: {failure}".encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    with open(read_end, "rb") as report:
        failure = report.read().decode()
    _, status = os.waitpid(child, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, failure or f"the copy ended with status {status}"


def test_a_write_that_runs_out_of_room_keeps_the_old_file_and_leaves_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "OWNERS"
    target.write_text("approvers: [alice]\n")
    writer.atomic_write(target, b"approvers: [bob]\n", durable=False)  # the same code, in this process, with room

    def check() -> None:
        for durable in (False, True):
            with pytest.raises(OSError) as failed:
                writer.atomic_write(target, b"approvers: [" + b"x" * 100 + b"]\n", durable=durable)
            assert failed.value.strerror == "File too large"
            assert sorted(p.name for p in tmp_path.iterdir()) == ["OWNERS"]
            assert target.read_text() == "approvers: [bob]\n"

    with_file_size_limit(64, check)


def test_a_generate_that_runs_out_of_room_changes_nothing(make_inventory, tmp_path: Path) -> None:
    """The first files fit, a later one does not: each file stays as it was, and no temporary file is left."""
    out = tmp_path / "out"
    writer.write(outputs_of(make_inventory, {}), out)
    before = files_under(out)
    bigger = outputs_of(make_inventory, {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "".join(
        f"  mapping_acme_{n}: |\n    registry.ci.openshift.org/acme-ci/t{n}:latest quay.io/acme/t{n}:latest\n"
        for n in range(60))})

    def check() -> None:
        for durable in (False, True):
            with pytest.raises(mirrorgen.MirrorgenError, match=f"^cannot write the output tree {out}: File too large$"):
                writer.write(bigger, out, durable=durable)
            assert files_under(out) == before

    with_file_size_limit(max(len(data) for data in before.values()) + 1, check)


def test_leftovers_are_never_looked_for_behind_a_symbolic_link(make_inventory, tmp_path: Path) -> None:
    """One of mirrorgen's folders reached through a linked parent (`ci-operator` → elsewhere): a file there named
    like a temporary one is not mirrorgen's to remove, and the run is refused."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "jobs").mkdir(parents=True)
    (elsewhere / "jobs/.notes.mirrorgen-tmp-1").write_text("someone else's\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "ci-operator").symlink_to(elsewhere)
    with pytest.raises(mirrorgen.MirrorgenError, match="is a symbolic link"):
        writer.write(outputs_of(make_inventory, {}), out)
    assert (elsewhere / "jobs/.notes.mirrorgen-tmp-1").read_text() == "someone else's\n"


def test_the_kill_hook_counts_each_step_and_kills_the_run_at_the_one_it_names(make_inventory, tmp_path: Path,
                                                                             monkeypatch) -> None:
    """MIRRORGEN_KILL_AT=<step>:<n> (writer._step), with which test_atomic_output.py kills runs at chosen moments:
    each file is created, staged and renamed, each stale one removed, and a forked copy of this process that names
    the second rename dies by SIGKILL right after it, with exactly two files in place."""
    two_orgs = outputs_of(make_inventory, {"orgs/bolt.yaml": SECOND_ORG})
    one_org = outputs_of(make_inventory, {"orgs/bolt.yaml": None})
    monkeypatch.setattr(writer, "_KILL_AT", "renamed:0")  # a step that never comes
    monkeypatch.setattr(writer, "_steps_taken", {})
    writer.write(two_orgs, tmp_path / "counted")
    steps = len(two_orgs)
    assert writer._steps_taken == {"created": steps, "staged": steps, "renamed": steps}
    summary = writer.write(one_org, tmp_path / "counted")
    steps += len(summary.written)
    assert writer._steps_taken == {"created": steps, "staged": steps, "renamed": steps, "removed": len(summary.removed)}

    out = tmp_path / "killed"
    killed_at("renamed:2", lambda: writer.write(two_orgs, out), monkeypatch)
    placed = [path for path in files_under(out) if not drift.TMP_NAME.match(path.rpartition("/")[2])]
    assert len(placed) == 2


def killed_at(step: str, run: Callable[[], object], monkeypatch) -> None:
    """`run` in a forked copy of this process (the same code, mutated under `make mutation`) that the kill hook
    kills by SIGKILL at `step`, as test_atomic_output.py kills `mirrorgen generate`."""
    monkeypatch.setattr(writer, "_KILL_AT", step)
    monkeypatch.setattr(writer, "_steps_taken", {})
    child = os.fork()
    if child == 0:  # pragma: no cover (the forked copy; it must die before it exits)
        try:
            run()
        finally:
            os._exit(0)
    _, status = os.waitpid(child, 0)
    monkeypatch.setattr(writer, "_KILL_AT", None)  # this process goes on
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"not killed at {step}: status {status}"


def test_a_run_killed_while_removing_stale_files_leaves_each_one_findable(tmp_path: Path, monkeypatch) -> None:
    """renovate.json carries no marker at its head (JSON has no comments): only its folder's manifest says it is
    mirrorgen's. The images go from the inventory, and the run that removes their files is killed after the first
    removal: the manifest goes last, so the next check still finds renovate.json stale, and the next generate
    removes it."""
    with_images, without = tmp_path / "with", tmp_path / "without"
    shutil.copytree(REPO / "config", with_images)
    shutil.copytree(REPO / "config", without)
    (without / "images.yaml").unlink()
    out, unlisted = tmp_path / "out", tmp_path / "unlisted"
    writer.write(mirrorgen.plan(mirrorgen.load_inventory(with_images)), out)
    later = mirrorgen.plan(mirrorgen.load_inventory(without))
    # Without its manifest, renovate.json would be somebody else's file.
    shutil.copytree(out, unlisted)
    (unlisted / "deployment-all" / MANIFEST).unlink()
    assert "deployment-all/renovate.json" in drift.check(later, unlisted).unmanaged
    killed_at("removed:1", lambda: writer.write(later, out), monkeypatch)
    found = drift.check(later, out)
    assert "deployment-all/renovate.json" in [entry.path for entry in found.files if entry.status == "stale"]
    assert found.unmanaged == ()
    writer.write(later, out)
    # Files only: killed between a removal and the pruning of its folder, a run leaves that folder empty, which git
    # does not see and no later run looks at.
    assert [p for p in (out / "deployment-all").rglob("*") if not p.is_dir()] == []


def test_an_empty_plan_removes_every_generated_file_and_keeps_the_output_folder(make_inventory, tmp_path: Path) -> None:
    """The library's write of no outputs at all: what mirrorgen wrote goes, with the folders it leaves empty, up to
    the output folder, which stays (with the folder around it)."""
    out = tmp_path / "wrapper/out"
    writer.write(outputs_of(make_inventory, {}), out)
    summary = writer.write([], out)
    assert summary.removed and summary.written == ()
    assert out.is_dir() and list(out.iterdir()) == []
