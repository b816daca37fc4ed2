"""`mirrorgen verify`: check that every mirror destination holds its source's digest."""

from __future__ import annotations

import argparse

from .common import EXIT_DRIFT, EXIT_OK, INSECURE_REGISTRY, add_command


def add(commands: argparse._SubParsersAction) -> None:
    verify = add_command(commands, "verify", "check that every mirror destination holds its source's digest (exit 1"
                                              " if not)", output=False)
    verify.add_argument("--org", metavar="ORG", help="only this org's mapping lines (and no CKI images)")
    verify.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    verify.add_argument("--insecure-registry", **INSECURE_REGISTRY)
    verify.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from ..inventory.load import load_inventory
    from ..registry.skopeo import Skopeo
    from ..registry.verify import as_json, as_text, failed, verify

    reports = verify(load_inventory(args.config), org=args.org, registry=Skopeo(frozenset(args.insecure_registry)))
    if args.format == "json":
        print(json.dumps(as_json(reports, args.config), indent=2))
    else:
        for line in as_text(reports, args.config):
            print(line)
        bad = sum(failed([report]) for report in reports)
        print(f"mirrorgen: {len(reports)} line(s) verified, {bad} not ok")
    return EXIT_DRIFT if failed(reports) else EXIT_OK
