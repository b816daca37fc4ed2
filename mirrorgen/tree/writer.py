"""Writing the output tree: every changed file replaced in one step, stale owned files removed, the manifests last."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator, Optional

import attrs

from ..artifacts import OWNED_DIRS
from ..errors import MirrorgenError
from ..output import Output, is_plain_relative_path
from .drift import TMP_NAME, Folders, check, is_manifest, walk_files

# Writing: files staged and waiting for their fsync (each holds a descriptor), and the threads that fsync them.
_MAX_OPEN_FILES = 256
_SYNC_THREADS = 16
# Test hook (tests/tree/test_atomic_output.py): MIRRORGEN_KILL_AT=<step>:<n> kills this process with SIGKILL when the
# writer reaches its n-th step of that kind (created, staged, renamed, removed; see _step), exactly where a kill
# from outside could land, so that a test can stop a run at every kind of moment without racing it.
_KILL_AT = os.environ.get("MIRRORGEN_KILL_AT")
_steps_taken: dict[str, int] = {}


@attrs.frozen
class WriteSummary:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def _safe_target(root: Path, relative: str, folders: Folders) -> Path:
    """The path to write `relative` at, refusing anything that would leave `root` (`..`, symlinked folders)."""
    # Outputs, stale files and manifest entries are all plain relative paths; anything else is refused.
    if not is_plain_relative_path(relative):
        raise MirrorgenError(f"refusing to write {relative!r}: outside the output directory")
    link = folders.link_on_the_way(relative)
    if link is not None:
        raise MirrorgenError(f"refusing to write {relative}: {link} is a symbolic link (it could lead outside {root});"
                             f" replace it with a real folder")
    target = root / relative
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        if stat.S_ISDIR(os.lstat(target).st_mode):
            raise MirrorgenError(f"cannot write {target}: a folder is in the way; move it aside")
    return target


def _step(kind: str) -> None:
    if _KILL_AT is not None:
        _steps_taken[kind] = _steps_taken.get(kind, 0) + 1
        if _KILL_AT == f"{kind}:{_steps_taken[kind]}":
            os.kill(os.getpid(), signal.SIGKILL)


def _stage(target: Path, data: bytes, folders: Folders) -> tuple[str, int]:
    """`data` in a temporary file next to `target`, to be renamed over it: the file, and its descriptor, still
    open so that the caller can fsync it without opening it again (and must close it)."""
    folder = target.parent
    folders.make(folder)
    tmp = os.path.join(folder, f".{target.name}.mirrorgen-tmp-{os.getpid()}")
    # Exclusive and not following links: a symlink planted under the temporary name must not redirect the write;
    # whatever is there is removed, and the name taken again.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        fd = os.open(tmp, flags, 0o666)
    except FileExistsError:
        os.unlink(tmp)
        fd = os.open(tmp, flags, 0o666)
    try:
        _step("created")
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        _step("staged")
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp, fd


def _sync_and_close(fd: int) -> None:
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stage_all(files: Iterable[tuple[Path, bytes]], folders: Folders, *, durable: bool) -> list[tuple[str, Path]]:
    """Stage every file: (temporary file, target) pairs, or nothing left behind; `durable` fsyncs each one too."""
    staged: list[tuple[str, Path]] = []
    try:
        if durable:
            _stage_and_sync(files, folders, staged)
        else:
            for target, data in files:
                tmp, fd = _stage(target, data, folders)
                os.close(fd)
                staged.append((tmp, target))
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    return staged


def _stage_and_sync(files: Iterable[tuple[Path, bytes]], folders: Folders, staged: list[tuple[str, Path]]) -> None:
    """Stage and fsync every file, adding each to `staged` as soon as it exists.

    The fsyncs run on worker threads while the next files are staged, and the filesystem commits concurrent
    fsyncs together; no other process's unwritten data is forced out with ours (os.sync would flush the whole
    machine). A bounded number of files is open at once.
    """
    pending = []
    open_files = threading.BoundedSemaphore(_MAX_OPEN_FILES)

    def sync_and_close(fd: int) -> None:
        try:
            _sync_and_close(fd)
        finally:
            open_files.release()

    with ThreadPoolExecutor(max_workers=_SYNC_THREADS) as pool:
        for target, data in files:
            open_files.acquire()
            try:
                tmp, fd = _stage(target, data, folders)
            except BaseException:
                open_files.release()
                raise
            staged.append((tmp, target))
            pending.append(pool.submit(sync_and_close, fd))
    for done in pending:
        done.result()


def _replace(tmp: str, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _step("renamed")


def atomic_write(target: Path, data: bytes, folders: Optional[Folders] = None, *, durable: bool) -> None:
    """Replace `target` by `data` in one step; `durable`: fsync the new file, rename it, fsync the folder."""
    tmp, fd = _stage(target, data, folders or Folders(target.parent))
    try:
        if durable:
            _sync_and_close(fd)
        else:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _replace(tmp, target)
    if durable:
        _fsync_dir(target.parent)


def _fsync_dir(path: Path) -> None:
    # Folders are followed: the output root itself may be a symlink the user named.
    _sync_and_close(os.open(path, os.O_RDONLY))


def _fsync_dirs(paths: list[Path]) -> None:
    """fsync these folders, in parallel (see _stage_and_sync)."""
    if paths:
        with ThreadPoolExecutor(max_workers=min(_SYNC_THREADS, len(paths))) as pool:
            list(pool.map(_fsync_dir, paths))


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output directory so concurrent runs cannot interleave their writes."""
    if root.exists() and not root.is_dir():
        raise MirrorgenError(f"output {root} is not a directory")
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _remove_leftover_tmp(root: Path, folders: Folders) -> None:
    """Temporary files of a run that was killed before it could rename them."""
    for path in root.glob(".*.mirrorgen-tmp-*"):
        if path.is_file() and not path.is_symlink() and TMP_NAME.match(path.name):
            path.unlink()
    for top in OWNED_DIRS:
        for relative in walk_files(root, top, folders):
            if TMP_NAME.match(relative.rpartition("/")[2]):
                (root / relative).unlink()


def write(outputs: list[Output], root: str | Path, *, durable: bool = False) -> WriteSummary:
    """Write every output whose content changed, remove stale owned files, then the manifest.

    Each file is replaced in one step (written next to its place, then renamed over it), so no reader and no
    run killed half way ever meets a half-written file. `durable` also flushes every file and folder to disk
    before returning, so that a power failure cannot take back what was reported written; without it the
    system writes them back in its own time (as git does with a checkout). The output is derived: after a power
    failure, check finds what was lost and generate writes it again.
    """
    root = Path(root)
    try:
        return _write_locked(outputs, root, durable)
    except OSError as exc:
        # Permissions, a full disk, a file where a folder belongs: the person running mirrorgen can fix these.
        raise MirrorgenError(f"cannot write the output tree {root}: {exc.strerror or exc}"
                             f"{f' ({exc.filename})' if exc.filename else ''}") from exc


def _write_locked(outputs: list[Output], root: Path, durable: bool) -> WriteSummary:
    with locked(root):
        folders = Folders(root)
        _remove_leftover_tmp(root, folders)
        drift = check(outputs, root, folders)
        changed = {entry.path for entry in drift.files if entry.status in ("changed", "missing")}
        targets = {o.path: _safe_target(root, o.path, folders) for o in outputs if o.path in changed}
        # Stale manifests go after the files they list, so that a run killed half way leaves each file it has not
        # removed yet still listed.
        stale = [_safe_target(root, entry.path, folders) for entry in sorted(drift.files, key=lambda e: is_manifest(e.path))
                 if entry.status == "stale"]
        files = [o for o in outputs if o.path in changed and not is_manifest(o.path)]
        # Every new file is staged (durably: and fsynced), then renamed into place: no rename exposes a file whose
        # data is not there yet. Durably, the folders are fsynced after the renames, so the renames are on disk too.
        try:
            staged = _stage_all(((targets[o.path], o.text.encode()) for o in files), folders, durable=durable)
        except BaseException:
            # Nothing is renamed yet: without the folders it made, the failed run leaves the tree as it found it.
            folders.remove_created()
            raise
        for tmp, target in staged:
            _replace(tmp, target)
        written = [o.path for o in files]
        removed = []
        for target in stale:
            target.unlink()
            _step("removed")
            removed.append(target.relative_to(root).as_posix())
            _prune_empty_dirs(root, target.parent)
        # The manifests last, once the renames and removals are done: until one is replaced, the previous one
        # still names every file of the old tree in its directory, so a run killed half way leaves nothing the
        # next run cannot find and finish.
        manifests = [o for o in outputs if o.path in changed and is_manifest(o.path)]
        if manifests and durable:
            _fsync_dirs(_folders_up_to(root, [target for _, target in staged] + stale))
        for manifest in manifests:
            atomic_write(targets[manifest.path], manifest.text.encode(), folders, durable=durable)
            written.append(manifest.path)
    return WriteSummary(tuple(written), len(outputs) - len(written), tuple(removed))


def _folders_up_to(root: Path, files: list[Path]) -> list[Path]:
    """Every existing folder between these files and `root`: a new folder's entry lives in its parent."""
    folders: set[Path] = set()
    for path in files:
        folder = path.parent
        while folder not in folders and folder.is_relative_to(root):
            if folder.is_dir():
                folders.add(folder)
            if folder == root:
                break
            folder = folder.parent
    return sorted(folders)


def _prune_empty_dirs(root: Path, folder: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
