"""`mirrorgen generate`: render the inventory into the output tree."""

from __future__ import annotations

import argparse

from .common import EXIT_OK, add_command, load_and_plan, note_warnings, output_folder


def add(commands: argparse._SubParsersAction) -> None:
    generate = add_command(commands, "generate", "render the inventory into the output tree: write the files whose"
                                                     " content changed, and remove the files mirrorgen generated earlier"
                                                     " that the inventory no longer produces")
    generate.add_argument("--fsync", action="store_true",
                          help="also flush every written file and folder to disk before returning, so that a power"
                               " failure cannot take them back (slower; much slower on some disks)")
    generate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..tree import write

    output = output_folder(args, must_exist=False)
    outputs, warnings = load_and_plan(args.config)
    summary = write(outputs, output, durable=args.fsync)
    note_warnings(warnings, args.config)
    print(f"mirrorgen: {len(summary.written)} written, {summary.unchanged} unchanged, {len(summary.removed)} removed"
          f" in {args.output}")
    return EXIT_OK
