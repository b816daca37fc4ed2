"""Adopting the org folders: each folder's mapping files, other files and OWNERS, and where its lines write to."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Mapping

import yaml

from ..artifacts.mappings import MIRRORING_DIR
from ..artifacts.owners import owners_text
from ..inventory.jobs import MAPPING_PREFIX
from ..inventory.model import Owners
from ..inventory.refs import ReferenceError, mapping_pairs, split_mapping_line
from .reading import Problems, utf8_text

# Characters YAML cannot hold in a `|` block (the inventory keeps mapping lines readable, one per line).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]")


def folders(files: Mapping[str, bytes], top: str) -> dict[str, list[str]]:
    """folder → the names one level below it (a sub-folder as `name/`)."""
    folders: dict[str, list[str]] = {}
    for path in files:
        if path.startswith(top + "/"):
            folder, _, name = path[len(top) + 1:].partition("/")
            if name and "/" not in name.rstrip("/"):
                folders.setdefault(folder, []).append(name)
    return {folder: sorted(names) for folder, names in sorted(folders.items())}


def owners_of(files: Mapping[str, bytes], path: str, problems: Problems) -> dict[str, Any]:
    """Owners as structured lists when they render back to the same bytes, else the file verbatim."""
    if path not in files:
        return {"write": False}
    text = utf8_text(files, path, problems)
    if text is None:
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict) and set(data) <= {"approvers", "reviewers"} and all(
        isinstance(v, list) and all(isinstance(n, str) for n in v) for v in data.values()
    ):
        structured = {role: list(names) for role, names in data.items()}
        owners = Owners(**{role: tuple(names) for role, names in structured.items()})
        if owners_text(owners, source="", header=False) == text:
            return structured
    return {"verbatim": text}


def _check_mapping_text(path: str, text: str, problems: Problems) -> None:
    """The inventory keeps a mapping file's text exactly; only characters oc would read as part of a reference
    are refused (a CR ending a line is not: oc drops it)."""
    for number, line in enumerate(text.split("\n"), 1):
        bad = _UNPRINTABLE.search(line.removesuffix("\r"))
        if bad:
            problems.add(path, number, f"control character {bad.group()!r}: oc reads it as part of a reference; delete it")


def _holds_mapping_lines(data: bytes) -> bool:
    # Not mirrorgen's file, so any encoding: what does not decode cannot be a reference either.
    for line in data.decode("utf-8", "replace").splitlines():
        tokens = split_mapping_line(line).tokens
        try:
            if tokens and mapping_pairs(tokens):
                return True
        except ReferenceError:
            continue
    return False


def destinations_of(mappings: dict[str, str], fallback: str) -> str | list[str]:
    """Every registry and organisation the org's lines write to, the most used first: lint then finds no
    destination outside them (the import chose them; it has nothing to warn about)."""
    counts: Counter[str] = Counter()
    for text in mappings.values():
        for line in text.split("\n"):
            try:
                pairs = mapping_pairs(split_mapping_line(line).tokens)
            except ReferenceError:
                continue
            for pair in pairs:
                dst = pair.destination
                if dst.registry:
                    counts[f"{dst.registry}/{dst.path.split('/', 1)[0]}"] += 1
    found = sorted(counts, key=lambda destination: (-counts[destination], destination))
    return (found if len(found) > 1 else found[0]) if found else fallback


def read_org_folder(files: Mapping[str, bytes], folder: str, names: list[str], problems: Problems) -> dict[str, Any]:
    mappings: dict[str, str] = {}
    other, unprefixed = [], []
    for name in names:
        path = f"{MIRRORING_DIR}/{folder}/{name}"
        if name == "OWNERS":
            continue
        if name.startswith(MAPPING_PREFIX) and not name.endswith("/"):
            text = utf8_text(files, path, problems)
            if text is not None:
                _check_mapping_text(path, text, problems)
                mappings[name] = text
        elif _holds_mapping_lines(files[path] if path in files else b""):
            unprefixed.append(name)
        else:
            other.append(name)
    return {"mappings": mappings, "other_files": other, "unprefixed_mappings": unprefixed,
            "owners": owners_of(files, f"{MIRRORING_DIR}/{folder}/OWNERS", problems)}


def misplaced_mappings(files: Mapping[str, bytes], problems: Problems) -> None:
    depth = MIRRORING_DIR.count("/") + 2
    for path in files:
        name = path.rsplit("/", 1)[-1]
        if path.startswith(MIRRORING_DIR + "/") and name.startswith(MAPPING_PREFIX) and path.count("/") != depth:
            problems.add(path, 1, f"config-updater puts this file into the ConfigMap as {name!r}, but mirrorgen keeps mapping"
                                  f" files only directly in an org folder: move it to {MIRRORING_DIR}/<org>/")
