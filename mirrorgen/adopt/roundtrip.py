"""Proving an import lossless: the inventory rendered again must give back every release file it was read from."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from ..artifacts import canonical_yaml
from ..artifacts.config_updater import PLUGINS_PATH
from ..artifacts.mappings import MIRRORING_DIR
from ..artifacts.prow import JOBS_PATH
from ..artifacts.render import comment_text
from ..errors import InvalidInventory, Location, Problem, Severity
from ..inventory.jobs import MAPPING_PREFIX
from ..inventory.load import KNOWN_DEFECTS_FILE, SETTINGS_FILE, parse_inventory
from ..inventory.model import Inventory
from ..plan import plan, validate
from ..rules.schema import modeline
from .convert import convert
from .sharding import entries_refused, plugins_of, sharding_moves_files


def _first_difference(expected: str, actual: str) -> tuple[int, str, str]:
    """The first line (with its line end, so that a CR or a missing final newline shows) that differs."""
    want, got = _LINE.findall(expected), _LINE.findall(actual)
    for number, (a, b) in enumerate(zip(want, got), 1):
        if a != b:
            return number, a, b
    number = min(len(want), len(got)) + 1
    return number, (want[number - 1] if number <= len(want) else "(end of file)"), (got[number - 1] if number <= len(got) else "(end of file)")


_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


def round_trip_problems(files: Mapping[str, bytes], inventory: Inventory) -> list[Problem]:
    """Every source file the inventory does not reproduce byte for byte, at the first line that differs."""
    outputs = {output.path: output.text for output in plan(inventory, plugins=plugins_of(files))}
    problems = []
    for path, data in files.items():
        name = path.rsplit("/", 1)[-1]
        is_mapping = path.startswith(MIRRORING_DIR + "/") and name.startswith(MAPPING_PREFIX)
        if not (path in (JOBS_PATH, PLUGINS_PATH) or name == "OWNERS" or is_mapping):
            continue
        source = data.decode("utf-8")
        rendered = outputs.get(path)
        if rendered is None:
            problems.append(Problem(Location(path, 1), "the imported inventory does not generate this file"))
        elif rendered != source:
            number, want, got = _first_difference(source, rendered)
            hint = " (is the file in the job sanitizer's canonical form? run `make jobs` in the release repo)" if path == JOBS_PATH else ""
            problems.append(Problem(Location(path, number), f"would come back as {got!r}, not {want!r}{hint}"))
    return problems


def known_defects_text(defects: Iterable[Problem]) -> str:
    """known-defects.yaml listing `defects`, in a stable order (the message of each as a comment, for reviewers)."""
    entries = sorted({(p.location.file, p.code, p.subject): p for p in defects}.items())
    out = ["# Defects `mirrorgen import` found in the release repository. They stay warnings; any other defect is an\n"
           "# error. Once one is fixed, `mirrorgen validate` says that its entry can be deleted. Entries match on code,\n"
           "# file and subject; the comment above each is its message at import time.\n", "known_defects:\n"]
    for (file, code, subject), problem in entries:
        out.append(f"# {comment_text(problem.message)}\n"
                   + canonical_yaml.dump([{"code": code, "file": file, "subject": subject}]))
    return "".join(out)


def _relaxed(inventory_files: dict[str, str]) -> dict[str, bytes]:
    relaxed = {path: text.encode() for path, text in inventory_files.items()}
    relaxed[SETTINGS_FILE] = b"defects: warning\n" + relaxed[SETTINGS_FILE]
    return relaxed


def import_release(files: Mapping[str, bytes]) -> tuple[dict[str, str], list[Problem]]:
    """Convert, then prove the conversion lossless. Returns the inventory files and its lint warnings.

    The defects lint finds in the checkout are written to known-defects.yaml: they stay warnings, and any new one
    is an error."""
    refused = entries_refused(files)
    if refused:
        raise InvalidInventory([refused])
    inventory_files, origins = convert(files, shard=True)
    # First with every defect a warning (while defects are errors, loading refuses some, such as org file names):
    # what lint finds then is the baseline.
    relaxed = _relaxed(inventory_files)
    # Sharding is kept off where it would move files.
    if sharding_moves_files(parse_inventory(relaxed)):
        inventory_files, origins = convert(files, shard=False)
        relaxed = _relaxed(inventory_files)
    defects = [p for p in validate(parse_inventory(relaxed)) if p.code]
    if defects:
        inventory_files[KNOWN_DEFECTS_FILE] = known_defects_text(defects)
    # Every file points editors at its schema (written beside the inventory by the import command).
    inventory_files = {path: modeline(path) + text for path, text in inventory_files.items()}
    inventory = parse_inventory({path: text.encode() for path, text in inventory_files.items()})
    found = validate(inventory)
    errors = [p for p in found if p.severity is Severity.ERROR]
    if errors:
        # The inventory is not written, so the release file the setting came from is where to look.
        raise InvalidInventory([Problem(origins.get(p.location.file, Location(JOBS_PATH)),
                                        f"(imported as {p.location}) {p.message}") for p in errors])
    mismatches = round_trip_problems(files, inventory)
    if mismatches:
        raise InvalidInventory(mismatches)
    return inventory_files, found
