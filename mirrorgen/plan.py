"""Plan: a validated Inventory → every file mirrorgen owns, as (path, text, source). Pure: no I/O."""

from __future__ import annotations

import hashlib

from .artifacts import FAMILIES
from .errors import InvalidInventory, Location, Problem, Severity
from .model import Inventory
from .output import Output, is_plain_relative_path
from .validate import validate

# Lists every file mirrorgen wrote with its sha256, in `sha256sum` format (`sha256sum -c` checks it). It is how
# mirrorgen knows which files it owns, and whether an owned file was edited by hand since it was written.
MANIFEST = ".mirrorgen-manifest"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_text(outputs: list[Output]) -> str:
    return "".join(f"{sha256(o.text.encode())}  {o.path}\n" for o in sorted(outputs, key=lambda o: o.path))


def parse_manifest(text: str) -> dict[str, str]:
    """path → sha256 from a manifest; lines that are not `<hex>  <path>` are ignored."""
    entries = {}
    for line in text.splitlines():
        digest, sep, path = line.partition("  ")
        if sep and len(digest) == 64:
            entries[path] = digest
    return entries


def plan(inventory: Inventory) -> list[Output]:
    """Every output, sorted by path, ending with the manifest. Raises InvalidInventory on any error."""
    errors = [p for p in validate(inventory) if p.severity is Severity.ERROR]
    if errors:
        raise InvalidInventory(errors)
    outputs: dict[str, Output] = {}
    for family in FAMILIES:
        for output in family(inventory):
            if not is_plain_relative_path(output.path):
                # Validation should have refused the name; this keeps a family added later from escaping the tree.
                raise InvalidInventory([Problem(output.source, f"renders to {output.path!r}, which is not a plain path"
                                                               f" inside the output tree; rename the entry")])
            if output.path in outputs:
                first = outputs[output.path].source
                raise InvalidInventory([Problem(output.source, f"renders {output.path}, which {first} renders too; rename one")])
            outputs[output.path] = output
    ordered = [outputs[path] for path in sorted(outputs)]
    return ordered + [Output(MANIFEST, manifest_text(ordered), Location(inventory.settings.file))]
