"""`mirrorgen import`: adopt an openshift/release checkout as an inventory."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from .common import EXIT_INVALID, EXIT_OK, add_command, print_problems
from .schema import write_schemas


def add(commands: argparse._SubParsersAction) -> None:
    imports = add_command(commands, "import", "write an inventory that generates an openshift/release checkout's"
                                                  " mirroring files again", output=False)
    imports.add_argument("--release-repo", required=True, metavar="PATH", help="the openshift/release checkout to read")
    imports.add_argument("--force", action="store_true", help="replace an existing inventory in --config")
    imports.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InvalidInventory
    from ..adopt import import_release, read_release, secret_sources, write_inventory
    from ..adopt.sharding import notes
    from ..artifacts.config_updater import PLUGINS_PATH
    from ..inventory.load import parse_inventory
    from ..rules.schema import SCHEMA_DIR

    files = read_release(args.release_repo)
    try:
        inventory_files, findings = import_release(files)
    except InvalidInventory as invalid:
        print_problems(invalid.problems, args.release_repo)
        print(f"mirrorgen: {len(invalid.problems)} problem(s) keep the import from being lossless; nothing was written",
              file=sys.stderr)
        return EXIT_INVALID
    write_inventory(args.config, inventory_files, force=args.force)
    write_schemas(Path(args.config) / SCHEMA_DIR)
    inventory = parse_inventory({path: text.encode() for path, text in inventory_files.items()})
    for note in notes(files, inventory):
        print(f"{os.path.join(args.release_repo, note)}" if note.startswith(PLUGINS_PATH) else f"mirrorgen: {note}")
    for decision, jobs in secret_sources(files):
        print(f"{os.path.join(args.release_repo, str(decision.location))}: push secret {decision.secret!r} of"
              f" {', '.join(jobs)}: secret_source: {decision.source} ({decision.reason})")
    warnings = sum(p.severity.value == "warning" for p in findings)
    print(f"mirrorgen: imported {args.release_repo} into {args.config} ({len(inventory_files)} files); it generates the"
          f" same files again. {warnings} warning(s): see them with: mirrorgen validate --config {shlex.quote(args.config)}")
    return EXIT_OK
