"""`mirrorgen check`: compare the output tree with the inventory; write nothing."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from .common import EXIT_DRIFT, EXIT_OK, add_command, load_and_plan, note_warnings, output_folder
from .schema import schema_folder, stale_schemas


def add(commands: argparse._SubParsersAction) -> None:
    check = add_command(commands, "check", "compare the output tree with the inventory; write nothing (exit 1 on"
                                            " drift)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the diff: auto = on a terminal unless NO_COLOR is set (default: auto)")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..review import report
    from ..tree import check

    output = output_folder(args, must_exist=True)
    outputs, warnings = load_and_plan(args.config, output)
    drift = check(outputs, output)
    note_warnings(warnings, args.config)
    found = report.build(drift, outputs, args.config, args.output)
    annotations = report.github_annotations(found) if os.environ.get("GITHUB_ACTIONS") == "true" else ""
    if args.format == "json":
        # stdout stays one JSON document; the runner reads workflow commands from stderr as well.
        sys.stderr.write(annotations)
        sys.stdout.write(report.to_json(found))
    else:
        colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
        sys.stdout.write(annotations + report.to_text(found, colour))
    schemas = schema_folder(Path(args.config))
    stale = stale_schemas(schemas) if schemas else []
    for path in stale:
        # On stderr: stdout stays the report (one JSON document with --format json).
        state = "differs from this mirrorgen's schema" if path.exists() else "missing"
        print(f"{path}: {state} (editors check the inventory with it); run `mirrorgen generate --config"
              f" {shlex.quote(args.config)}`", file=sys.stderr)
    return EXIT_OK if drift.clean and not stale else EXIT_DRIFT
