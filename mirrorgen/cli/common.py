"""What the commands share: exit codes, the common options, the inventory's problems printed, the plan loaded."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

EXIT_OK, EXIT_DRIFT, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 3
# The commands that write files: only they may say that an invalid inventory stopped them from writing.
WRITERS = frozenset({"generate", "import", "pin"})
# The option of the commands that reach registries (pin, verify).
INSECURE_REGISTRY = dict(action="append", default=[], metavar="HOST",
                         help="reach this registry (host[:port]) without TLS verification; repeatable")


def add_command(commands: argparse._SubParsersAction, name: str, help_text: str,
                output: bool = True) -> argparse.ArgumentParser:
    """The command's subparser, with the options every command shares."""
    sub = commands.add_parser(name, help=help_text, description=help_text)
    sub.add_argument("--config", default="config", metavar="DIR", help="inventory directory (default: config)")
    if output:
        sub.add_argument("--output", default="generated", metavar="DIR", help="output tree (default: generated)")
    return sub


def print_problems(problems, config: str) -> None:
    from ..errors import one_line

    for problem in problems:
        print(one_line(os.path.join(config, str(problem))), file=sys.stderr)


def report_invalid(problems, config: str, command: str) -> None:
    """Errors first, so that none is lost among warnings; then the warnings as a count (validate lists them)."""
    from ..errors import Severity

    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is not Severity.ERROR]
    print_problems(errors, config)
    listed = ""
    if command == "validate":
        print_problems(warnings, config)
        listed = f" and {len(warnings)} warning(s)"
    else:
        note_warnings(warnings, config)
    written = "; nothing was written" if command in WRITERS else ""
    print(f"mirrorgen: {len(errors)} error(s){listed} in the inventory{written}", file=sys.stderr)


def load_and_plan(config: str, output: Path | None = None):
    """The outputs for the tree `output` (whose Prow plugins file, if any, receives the config_updater entries)
    and the inventory's warnings."""
    from ..errors import InvalidInventory, Severity
    from ..plan import load_reporting_everything, plan, validate
    from ..tree import plugins_file

    inventory = load_reporting_everything(config)
    try:
        outputs = plan(inventory, side_by_side=True, plugins=plugins_file(output) if output is not None else None)
    except InvalidInventory:
        problems = validate(inventory)  # known by now: the warnings are counted with the errors
        if any(p.severity is Severity.ERROR for p in problems):
            raise InvalidInventory(problems) from None
        raise
    return outputs, validate(inventory)


def note_warnings(warnings, config: str) -> None:
    if warnings:
        print(f"mirrorgen: {len(warnings)} warning(s); see them with: mirrorgen validate --config {shlex.quote(config)}",
              file=sys.stderr)


def output_folder(args: argparse.Namespace, *, must_exist: bool) -> Path:
    """--output as a folder mirrorgen can use, checked before any work: a file there, or (`must_exist`) no folder,
    is a mistake in the command line, not drift."""
    from ..errors import MirrorgenError

    output = existing = Path(args.output)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        whose = "" if existing == output else f" (its parent {existing} is a file)"
        raise MirrorgenError(f"--output {args.output} is not a folder{whose}: pass the folder of the generated files,"
                             f" e.g. --output generated")
    if must_exist and existing != output:
        fix = f"mirrorgen generate --config {shlex.quote(args.config)} --output {shlex.quote(args.output)}"
        raise MirrorgenError(f"--output {args.output}: no such folder, so there is nothing to check: run `{fix}` first,"
                             f" or pass the folder that holds the generated files")
    return output
