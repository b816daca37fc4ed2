"""Plan: a valid Inventory → every file mirrorgen owns, as (path, text, source), once validate() has run every check.

Pure: no I/O (side_by_side only computes the same answer in two processes), but for load_and_validate and
load_reporting_everything at the end, which load the inventory directory and validate it in one call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ._compat import forward
from ._fork import Started
from .artifacts import CHECKS as RENDERED_CHECKS, FAMILIES, OWNED_DIRS
from .artifacts.config_updater import PluginsFile, in_plugins_file
from .errors import InvalidInventory, Location, Problem, Severity, sort_problems
from .inventory.load import load_inventory
from .inventory.memo import per_inventory
from .inventory.model import Inventory
from .manifest import manifest_path, manifest_text
from .output import Output, is_plain_relative_path
from .rules import BULK_RULES, RULES, Rule, run_rules
from .rules.credentials import without_echoes
from .rules.known_defects import against_baseline

# Every check plan() makes before it renders: the inventory rules, then the checks on what the inventory renders to
# (artifacts.CHECKS: the ConfigMap size), which rules, rendering nothing, cannot make. validate() runs them all.
CHECKS: tuple[Rule, ...] = RULES + RENDERED_CHECKS
# Names this module had before issue 17 (the manifest's), from where they live now, with a DeprecationWarning.
__getattr__ = forward(__name__)
# Below this many mapping lines the forked process is not worth its start (a few milliseconds).
SIDE_BY_SIDE_FROM_LINES = 5_000


def validate(inventory: Inventory) -> list[Problem]:
    """All problems (errors and warnings) in the inventory, sorted by file and line: those of the rules (rules.RULES)
    and of the checks on what it renders (artifacts.CHECKS), with the defects the baseline lists as warnings."""
    return list(_validate_once(inventory))


def combine(inventory: Inventory, found: dict[Rule, list[Problem]]) -> list[Problem]:
    """validate()'s answer from every rule's problems, found elsewhere; validate() returns it from now on."""
    return list(_validate_once.remember(inventory, _combined(inventory, found)))


def _combined(inventory: Inventory, found: dict[Rule, list[Problem]]) -> tuple[Problem, ...]:
    problems = without_echoes(problem for check in CHECKS for problem in found[check])
    return tuple(sort_problems(against_baseline(inventory, problems)))


@per_inventory
def _validate_once(inventory: Inventory) -> tuple[Problem, ...]:
    return _combined(inventory, run_rules(inventory, CHECKS))


def plan(inventory: Inventory, *, side_by_side: bool = False, plugins: Optional[PluginsFile] = None) -> list[Output]:
    """Every output, sorted by path, ending with the manifests. Raises InvalidInventory on any error.

    `plugins`, the output tree's Prow plugins file: the config_updater entries go into it (an output mirrorgen
    does not own: no manifest lists it) instead of their fragment; MirrorgenError when it cannot be edited.

    `side_by_side` (the command line's choice) runs the rules that read every mapping line of a big inventory
    (rules.BULK_RULES) in a forked process while this one runs the other rules and renders: the same outputs
    or errors, sooner on a machine with two cores or more.
    """
    if side_by_side and sum(len(m.lines) for org in inventory.orgs for m in org.mappings) >= SIDE_BY_SIDE_FROM_LINES:
        return _plan_side_by_side(inventory, plugins)
    _raise_errors(validate(inventory))
    return render_outputs(inventory, plugins)


def _plan_side_by_side(inventory: Inventory, plugins: Optional[PluginsFile]) -> list[Output]:
    bulk = Started(lambda: run_rules(inventory, BULK_RULES))
    try:
        found = run_rules(inventory, [check for check in CHECKS if check not in BULK_RULES])
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
            outputs = render_outputs(inventory, plugins)
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


def render_outputs(inventory: Inventory, plugins: Optional[PluginsFile] = None) -> list[Output]:
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
    placed = in_plugins_file(list(outputs.values()), inventory, plugins) if plugins is not None else outputs.values()
    ordered = sorted(placed, key=lambda output: output.path)
    by_directory: dict[str, list[Output]] = {}
    for output in ordered:
        # The plugins file is in no directory of mirrorgen's: never listed, so never removed as stale.
        owner = next((d for d in OWNED_DIRS if output.path.startswith(d + "/")), None)
        if owner is not None:
            by_directory.setdefault(owner, []).append(output)
    return ordered + [Output(manifest_path(directory), manifest_text(listed, directory), Location(inventory.settings.file))
                      for directory, listed in sorted(by_directory.items())]


def load_and_validate(config_dir: str | Path = "config") -> tuple[Inventory, list[Problem]]:
    """The inventory and its warnings; raises InvalidInventory with every error, of loading and of validation.

    A file that fails to load is left out, and the rest is still validated, so one run reports everything.
    """
    inventory = load_reporting_everything(config_dir)
    problems = validate(inventory)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidInventory(problems)
    return inventory, problems


def load_reporting_everything(config_dir: str | Path = "config") -> Inventory:
    """The inventory; where a file fails to load, raises InvalidInventory with its problems and every error
    validation finds in the files that did load, so that one run reports everything."""
    try:
        return load_inventory(config_dir)
    except InvalidInventory as invalid:
        if invalid.partial is None:
            raise
        more = [p for p in validate(invalid.partial) if p.severity is Severity.ERROR]
        raise InvalidInventory(without_echoes(invalid.problems + more)) from None
