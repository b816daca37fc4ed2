"""The shell's git side: the inventory files as they were at a revision, read with `git ls-tree`/`git cat-file`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..errors import MirrorgenError


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise MirrorgenError("git is not installed; plan --base needs it") from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MirrorgenError(f"git {args[0]}: {message[-1] if message else f'exit {done.returncode}'}")
    return done.stdout


def inventory_files_at(revision: str, config_dir: str | Path) -> dict[str, bytes]:
    """Every regular file under `config_dir` at `revision`, by path relative to `config_dir` (hidden files skipped,
    as when loading from disk). Empty when the directory did not exist at that revision."""
    config = Path(config_dir).resolve()
    anchor = config if config.is_dir() else config.parent
    top = Path(_git(anchor, "rev-parse", "--show-toplevel").decode().strip())
    prefix = os.path.relpath(config, top).replace(os.sep, "/")
    if prefix.startswith(".."):
        raise MirrorgenError(f"{config_dir} is outside the git repository at {top}")
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except MirrorgenError:
        raise MirrorgenError(f"{revision!r} is not a commit of the git repository at {top}") from None
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", "" if prefix == "." else prefix)
    blobs: dict[str, str] = {}
    for record in filter(None, listing.split(b"\0")):
        meta, _, path_bytes = record.partition(b"\t")
        mode, kind, obj = meta.decode().split(" ")
        path = path_bytes.decode("utf-8", "surrogateescape")
        relative = path if prefix == "." else path[len(prefix) + 1:]
        # Symbolic links (120000) and submodules are not inventory files; hidden paths are skipped on disk too.
        if kind == "blob" and mode != "120000" and not any(part.startswith(".") for part in relative.split("/")):
            blobs[relative] = obj
    if not blobs:
        return {}
    batch = _git(top, "cat-file", "--batch", stdin="".join(f"{obj}\n" for obj in blobs.values()).encode())
    files, offset = {}, 0
    for relative in blobs:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split(b" ")[2])
        files[relative] = batch[header_end + 1: header_end + 1 + size]
        offset = header_end + 1 + size + 1
    return files
