"""`mirrorgen validate`: check the inventory without rendering anything."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_INVALID, EXIT_OK, add_command, print_problems


def add(commands: argparse._SubParsersAction) -> None:
    validate = add_command(commands, "validate", "check the inventory without rendering anything", output=False)
    validate.add_argument("--strict", action="store_true", help="fail (exit 2) on warnings too")
    validate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..artifacts.mappings import configmap_layout
    from ..artifacts.shards import size_report
    from ..plan import load_and_validate

    inventory, warnings = load_and_validate(args.config)
    print_problems(warnings, args.config)
    print(size_report(configmap_layout(inventory)))
    if args.strict and warnings:
        print(f"mirrorgen: {len(warnings)} warning(s), which --strict treats as errors", file=sys.stderr)
        return EXIT_INVALID
    print(f"mirrorgen: inventory {args.config} is valid ({len(warnings)} warning(s))")
    return EXIT_OK
