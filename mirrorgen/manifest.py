"""The manifests: in each directory mirrorgen writes into, the list of the files it wrote there, with their sha256."""

from __future__ import annotations

import hashlib

from .output import Output

# In each directory mirrorgen writes into (artifacts.OWNED_DIRS), this file lists every file mirrorgen wrote there,
# with its sha256, in `sha256sum` format (`sha256sum -c` checks it from that directory). It is how mirrorgen knows
# which files it owns, and whether an owned file was edited by hand since it was written. Kept beside what it
# lists, a change to one team's files changes a manifest under the same OWNERS, and no file at the root of the
# repository that holds the output.
MANIFEST = ".mirrorgen-manifest"
# Where the one manifest of earlier versions lay, listing paths from the root: a tree that still has it is read as
# before, and generate removes it.
LEGACY_MANIFEST = MANIFEST


def manifest_path(directory: str) -> str:
    return f"{directory}/{MANIFEST}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_text(outputs: list[Output], directory: str) -> str:
    return "".join(f"{sha256(o.text.encode())}  {o.path[len(directory) + 1:]}\n" for o in sorted(outputs, key=lambda o: o.path))


def parse_manifest(text: str, manifest: str) -> dict[str, str]:
    """path (from the root) → sha256, from the manifest at `manifest`; lines that are not `<hex>  <path>` are ignored."""
    directory = manifest.rpartition("/")[0]
    entries = {}
    for line in text.splitlines():
        digest, sep, path = line.partition("  ")
        if sep and len(digest) == 64:
            entries[f"{directory}/{path}" if directory else path] = digest
    return entries
