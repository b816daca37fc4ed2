"""`mirrorgen plan --base REV`: what changing the inventory since a revision will do."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK, add_command


def add(commands: argparse._SubParsersAction) -> None:
    change = add_command(commands, "plan", "what changing the inventory since a git revision will do, grouped for who"
                         " must act", output=False)
    change.add_argument("--base", required=True, metavar="REV", help="git revision to compare the working tree with")
    change.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="text, json, or markdown to paste into a pull request (default: text)")
    change.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..review import change_plan
    from ..errors import InvalidInventory, MirrorgenError
    from ..review.gitrev import inventory_files_at
    from ..inventory.load import empty_inventory, parse_inventory
    from ..plan import load_and_validate, plan

    files = inventory_files_at(args.base, args.config)
    try:
        # An inventory that did not exist yet at the base: everything it declares now is new.
        base = parse_inventory(files) if files else empty_inventory()
        if files:
            plan(base)
    except InvalidInventory as invalid:
        raise MirrorgenError(f"the inventory at {args.base} is invalid ({invalid.problems[0]}); pick another --base") from None
    head, _ = load_and_validate(args.config)
    document = change_plan.compute(base, head, args.base)
    render = {"text": change_plan.to_text, "json": change_plan.to_json, "markdown": change_plan.to_markdown}[args.format]
    sys.stdout.write(render(document, args.config))
    return EXIT_OK
