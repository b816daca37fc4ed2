"""`mirrorgen generate`: render the inventory into the output tree."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .common import EXIT_OK, add_command, load_and_plan, note_warnings, output_folder
from .schema import schema_folder, write_schemas


def add(commands: argparse._SubParsersAction) -> None:
    generate = add_command(commands, "generate", "render the inventory into the output tree: write the files whose"
                                                     " content changed, and remove the files mirrorgen generated earlier"
                                                     " that the inventory no longer produces")
    generate.add_argument("--fsync", action="store_true",
                          help="also flush every written file and folder to disk before returning, so that a power"
                               " failure cannot take them back (slower; much slower on some disks)")
    generate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..artifacts.config_updater import FRAGMENT_PATH, NOTE
    from ..tree import write

    output = output_folder(args, must_exist=False)
    outputs, warnings = load_and_plan(args.config, output)
    summary = write(outputs, output, durable=args.fsync)
    note_warnings(warnings, args.config)
    if FRAGMENT_PATH in summary.written:
        print(f"mirrorgen: wrote the config_updater entries to {os.path.join(args.output, FRAGMENT_PATH)}: {NOTE[0]}"
              f" {NOTE[1]} `generate` places them there itself when the output tree holds that file.")
    print(f"mirrorgen: {len(summary.written)} written, {summary.unchanged} unchanged, {len(summary.removed)} removed"
          f" in {args.output}")
    schemas = schema_folder(Path(args.config))
    written = write_schemas(schemas)[0] if schemas else []
    if written:
        print(f"mirrorgen: {len(written)} schema(s) written in {schemas}, where the inventory's modelines point editors")
    return EXIT_OK
