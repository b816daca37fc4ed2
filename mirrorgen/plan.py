"""Plan: a validated Inventory → every file mirrorgen owns, as (path, text, source). Pure: no I/O (side_by_side
only computes the same answer in two processes)."""

from __future__ import annotations

import hashlib

from .artifacts import FAMILIES, OWNED_DIRS
from .errors import InvalidInventory, Location, Problem, Severity
from .inventory.model import Inventory
from .output import Output, is_plain_relative_path
from ._fork import Started
from .rules import BULK_RULES, RULES, against_baseline, combine, run_rules, validate

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


# The places a manifest of mirrorgen's may lie; only these are its own.
MANIFEST_PATHS = frozenset([LEGACY_MANIFEST, *map(manifest_path, OWNED_DIRS)])


def is_manifest(path: str) -> bool:
    return path in MANIFEST_PATHS


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


# Below this many mapping lines the forked process is not worth its start (a few milliseconds).
SIDE_BY_SIDE_FROM_LINES = 5_000


def plan(inventory: Inventory, *, side_by_side: bool = False) -> list[Output]:
    """Every output, sorted by path, ending with the manifests. Raises InvalidInventory on any error.

    `side_by_side` (the command line's choice) runs the rules that read every mapping line of a big inventory
    (validate.BULK_RULES) in a forked process while this one runs the other rules and renders: the same outputs
    or errors, sooner on a machine with two cores or more.
    """
    if side_by_side and sum(len(m.lines) for org in inventory.orgs for m in org.mappings) >= SIDE_BY_SIDE_FROM_LINES:
        return _plan_side_by_side(inventory)
    _raise_errors(validate(inventory))
    return render_outputs(inventory)


def _plan_side_by_side(inventory: Inventory) -> list[Output]:
    bulk = Started(lambda: run_rules(inventory, BULK_RULES))
    try:
        found = run_rules(inventory, [rule for rule in RULES if rule not in BULK_RULES])
    except BaseException:
        bulk.cancel()
        raise
    outputs: list[Output] = []
    failure: Exception | None = None
    # A baseline entry matches problems of the one rule that gives its code, so this process's problems are
    # matched here as combine() will match them: a known defect does not keep it from rendering.
    if not any(p.severity is Severity.ERROR for p in against_baseline(inventory, [p for ps in found.values() for p in ps])):
        try:
            # Rendering does not depend on the lines being valid (it writes lines as they are), but an error it
            # meets is only reported once validation has had its say.
            outputs = render_outputs(inventory)
        except Exception as exc:
            failure = exc
        except BaseException:
            bulk.cancel()
            raise
    found.update(bulk.result())
    _raise_errors(combine(inventory, found))
    if failure is not None:
        raise failure
    return outputs


def _raise_errors(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidInventory(errors)


def render_outputs(inventory: Inventory) -> list[Output]:
    """plan() for an inventory known to be valid."""
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
    by_directory: dict[str, list[Output]] = {}
    for output in ordered:
        by_directory.setdefault(next(d for d in OWNED_DIRS if output.path.startswith(d + "/")), []).append(output)
    return ordered + [Output(manifest_path(directory), manifest_text(listed, directory), Location(inventory.settings.file))
                      for directory, listed in sorted(by_directory.items())]
