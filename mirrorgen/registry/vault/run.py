"""`vault verify` and `vault apply`: read the items, judge them (items.py), and for apply write the secretsync/* keys
back with check-and-set, re-reading and re-planning when another writer got there first."""

from __future__ import annotations

import os
from typing import Any, Optional

import attrs

from ...rules.credentials import redact
from ...inventory.model import Inventory

from .client import CasConflict, Vault, VaultError
from .items import (FIXED_BY_APPLY, INVALID_KEY, NOT_A_STRING, Expected, Finding, Observed, Present, changed_keys,
                    conflict_findings, desired_data, expected_items, findings_of_item, stale_findings)

# How often apply re-reads and re-plans an item that another writer keeps changing before it gives up on it.
CAS_ATTEMPTS = 5


@attrs.frozen
class Change:
    """The secretsync/* keys apply set on one item (or would set, on a dry run); every other key kept as it was."""

    item: str
    version: int  # the version it read and wrote over (its CAS)
    new_version: Optional[int]  # None on a dry run
    keys: list[tuple[str, Optional[str], Optional[str]]]  # (key, old value, new value)
    kept: tuple[str, ...]  # the other keys' names


@attrs.frozen
class Report:
    """What verify or apply found (and apply changed) in the Vault at `address`, under <mount>/<prefix>."""

    address: str
    mount: str
    prefix: str
    expected: int  # how many items the inventory's jobs need
    findings: list[Finding]
    changes: list[Change] = attrs.Factory(list)
    applied: bool = False  # an apply's report (else verify's)
    dry_run: bool = False
    error: Optional[str] = None  # apply: why it stopped (the writes before it stand)


def _place(inventory: Inventory) -> tuple[str, str]:
    vault = inventory.settings.vault
    return vault.mount, vault.item_prefix


def _observe(vault: Vault, mount: str, prefix: str, expected: list[Expected]) -> dict[str, Observed]:
    """Every expected item, and every other item under the prefix, as Vault holds it now."""
    listed = vault.list_items(mount, prefix)
    return {path: vault.read(mount, path) for path in dict.fromkeys([item.path for item in expected] + listed)}


def _findings(mount: str, prefix: str, expected: list[Expected], observed: dict[str, Observed]) -> list[Finding]:
    found = [f for item in expected for f in findings_of_item(mount, item, observed[item.path])]
    others = {path: o for path, o in observed.items() if path not in {item.path for item in expected}}
    found += stale_findings(mount, others, expected, prefix)
    found += conflict_findings(observed, expected)
    return found


def verify(inventory: Inventory, vault: Vault) -> Report:
    """Read-only: what is wrong with the items the inventory's jobs need, and the items under the prefix no job
    uses."""
    mount, prefix = _place(inventory)
    expected = expected_items(inventory)
    observed = _observe(vault, mount, prefix, expected)
    return Report(vault.address, mount, prefix, len(expected), _findings(mount, prefix, expected, observed))


def apply(inventory: Inventory, vault: Vault, *, dry_run: bool = False) -> Report:
    """Set the secretsync/* keys of every existing item to the inventory's, keeping every other key; never create,
    undelete or delete. Stops at the first Vault error, with the writes before it reported."""
    mount, prefix = _place(inventory)
    expected = expected_items(inventory)
    observed = _observe(vault, mount, prefix, expected)
    changes: list[Change] = []
    error = None
    try:
        for item in expected:
            observed[item.path] = _apply_item(vault, mount, item, observed[item.path], dry_run, changes)
    except VaultError as stopped:
        error = str(stopped)
    return Report(vault.address, mount, prefix, len(expected), _findings(mount, prefix, expected, observed), changes,
                  True, dry_run, error)


def _apply_item(vault: Vault, mount: str, item: Expected, observed: Observed, dry_run: bool,
                changes: list[Change]) -> Observed:
    """Write one item's keys; the item as it is afterwards."""
    for _ in range(CAS_ATTEMPTS):
        if not isinstance(observed, Present) or not _writable(mount, item, observed):
            return observed
        new = desired_data(item, observed.data)
        if new is None:
            return observed
        change = dict(item=item.path, version=observed.version, keys=changed_keys(observed.data, new),
                      kept=tuple(sorted(k for k in new if not k.startswith("secretsync/"))))
        if dry_run:
            changes.append(Change(new_version=None, **change))
            return observed
        try:
            version = vault.write(mount, item.path, new, observed.version)
        except CasConflict:
            observed = vault.read(mount, item.path)  # someone else wrote: plan again from what they wrote
            continue
        changes.append(Change(new_version=version, **change))
        return Present(version, new)
    raise VaultError(f"vault {vault.address}: {mount}/{item.path} changed {CAS_ATTEMPTS} times between apply's read and"
                     f" its write (check-and-set), so it was left as it is: run mirrorgen vault apply again once the"
                     f" other writer is done")


def _writable(mount: str, item: Expected, observed: Present) -> bool:
    """Whether a write can carry the item's other keys back unchanged: the self-service proxy refuses any write with
    an invalid key, and a value that is not a string cannot pass it."""
    return not any(f.kind in (NOT_A_STRING, INVALID_KEY) for f in findings_of_item(mount, item, observed))


def summary(report: Report) -> str:
    """The last line of the text report: where, how many items, what changed, how many findings."""
    where = f"vault {report.address}, {report.expected} item(s) expected under {report.mount}/{report.prefix}"
    changed = ""
    if report.changes or report.dry_run:
        changed = f", {len(report.changes)} item(s) {'to change' if report.dry_run else 'changed'}"
    if not report.findings:
        return f"mirrorgen: {where}{changed}: every item matches the inventory"
    # The findings apply fixes need no person: say how many are left for one.
    people = sum(f.kind not in FIXED_BY_APPLY for f in report.findings)
    return (f"mirrorgen: {where}{changed}: {len(report.findings)} finding(s)"
            + (f", {people} for a person to act on" if people != len(report.findings) else ""))


def as_json(report: Report, config: str) -> dict[str, Any]:
    """The report as schemas/vault-report.schema.json describes it."""
    def finding(f: Finding) -> dict[str, Any]:
        fields = {k: v for k, v in attrs.asdict(f, recurse=False).items() if v is not None}
        fields["source"] = None if f.source is None else {"file": os.path.join(config, f.source.file),
                                                          "line": f.source.line or None}
        return fields

    return {"version": 1, "command": "apply" if report.applied else "verify",
            "clean": not report.findings and not report.error, "address": report.address, "mount": report.mount,
            "prefix": report.prefix, "expected_items": report.expected,
            "findings": [finding(f) for f in report.findings],
            "changes": [{"item": c.item, "version": c.version, "new_version": c.new_version,
                         "keys": [{"key": k, "old": old, "new": new} for k, old, new in c.keys], "kept": list(c.kept)}
                        for c in report.changes],
            "dry_run": report.dry_run, "error": report.error}


def as_text(report: Report, config: str) -> list[str]:
    lines = []
    would = "would " if report.dry_run else ""
    for change in report.changes:
        for key, old, new in change.keys:
            what = (f"add {key} {_quoted(new)}" if old is None else f"remove {key} (was {_quoted(old)})" if new is None
                    else f"set {key} {_quoted(old)} -> {_quoted(new)}")
            lines.append(f"{report.mount}/{change.item}: {would}{what}")
        wrote = "would write over" if report.dry_run else f"wrote version {change.new_version} over"
        lines.append(f"{report.mount}/{change.item}: {wrote} version {change.version}, with"
                     f" {', '.join(change.kept) or 'no other key'} as {'it is' if report.dry_run else 'it was'}")
    for f in report.findings:
        where = f" ({config}/{f.source})" if f.source else ""
        lines.append(f"{report.mount}/{f.item}: {f.kind}: {f.message}{where}")
    return lines


def _quoted(value: Optional[str]) -> str:
    return repr(redact(value)) if isinstance(value, str) else repr(value)
