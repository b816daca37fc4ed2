"""`mirrorgen vault verify | apply`: the self-service push secrets' Vault items against a real Vault."""

from __future__ import annotations

import argparse

from .common import EXIT_DRIFT, EXIT_INVALID, EXIT_OK, add_command


def add(commands: argparse._SubParsersAction) -> None:
    vault = add_command(
        commands, "vault", "check (verify) or set (apply) the push secrets' Vault items in the Vault of VAULT_ADDR,"
                           " with VAULT_TOKEN or ~/.vault-token (exit 1 on findings)", output=False)
    # One parser for both actions, not one each: they share every option but --dry-run, and `mirrorgen vault
    # --help` then shows the whole command.
    vault.add_argument("action", choices=("verify", "apply"),
                       help="verify: report every item that is missing, deleted, keyed otherwise than the inventory"
                            " says, without push credentials, stale or in conflict, and change nothing; apply: set"
                            " the secretsync/* keys of the existing items to the inventory's, keeping every other"
                            " key, with check-and-set, and create, restore or delete nothing")
    vault.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    vault.add_argument("--dry-run", action="store_true",
                       help="apply only: print what would change, key by key; write nothing (exit 1 if anything would)")
    vault.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    import os
    import sys

    from ..errors import MirrorgenError, one_line
    from ..plan import load_and_validate
    from ..registry.vault.client import Censor, connect
    from ..registry.vault.run import apply, as_json, as_text, summary, verify

    if args.dry_run and args.action == "verify":
        raise MirrorgenError("--dry-run goes with `mirrorgen vault apply`; `vault verify` never writes")
    # Vault is never asked about an inventory that generate refuses: its items would be wrong too.
    inventory, _ = load_and_validate(args.config)
    # Every credential read, and the token, is blanked from everything printed below: the messages are built to
    # hold none, and this makes sure of it.
    censor = Censor()
    try:
        vault = connect(os.environ, censor)
        report = verify(inventory, vault) if args.action == "verify" else apply(inventory, vault, dry_run=args.dry_run)
    except MirrorgenError as error:
        raise MirrorgenError(censor(str(error))) from None
    except Exception as error:  # an internal error's message must not carry a credential either
        error.args = (censor(str(error)),)
        raise
    if args.format == "json":
        print(censor(json.dumps(as_json(report, args.config), indent=2)))
    else:
        for line in [*as_text(report, args.config), summary(report)]:
            print(one_line(censor(line)))
    if report.error:
        print(one_line(censor(f"mirrorgen: error: {report.error}")), file=sys.stderr)
        return EXIT_INVALID
    return EXIT_DRIFT if report.findings or (report.dry_run and report.changes) else EXIT_OK
