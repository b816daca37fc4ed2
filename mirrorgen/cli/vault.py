"""`mirrorgen vault verify | apply`: the self-service push secrets' Vault items against a real Vault."""

from __future__ import annotations

import argparse

from .common import EXIT_DRIFT, EXIT_INVALID, EXIT_OK, add_command

_VERIFY = ("report every Vault item of a self-service push secret that is missing, deleted, keyed otherwise than the"
           " inventory says, without push credentials, stale or in conflict; change nothing (exit 1 on any finding)")
_APPLY = ("set the secretsync/* keys of the existing Vault items to the inventory's, keeping every other key, with"
          " check-and-set; create, restore and delete nothing (exit 1 if findings are left)")


def add(commands: argparse._SubParsersAction) -> None:
    vault = commands.add_parser(
        "vault", help="check (verify) or set (apply) the push secrets' Vault items",
        description="check (verify) or set (apply) the Vault items of the self-service push secrets, as"
                    " ci-secret-bootstrap syncs them; Vault from VAULT_ADDR, the token from VAULT_TOKEN or the file"
                    " ~/.vault-token that `vault login` writes",
        epilog="Exit codes: 0 every item as the inventory needs it, 1 findings, 2 invalid input or Vault unreachable"
               " or refusing.")
    actions = vault.add_subparsers(dest="vault_command", required=True, metavar="ACTION")
    for name, text in (("verify", _VERIFY), ("apply", _APPLY)):
        sub = add_command(actions, name, text, output=False)
        sub.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
        if name == "apply":
            sub.add_argument("--dry-run", action="store_true",
                             help="print what would change, key by key; write nothing (exit 1 if anything would)")
    vault.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    import os
    import sys

    from ..errors import MirrorgenError, one_line
    from ..plan import load_and_validate
    from ..registry.vault.client import Censor, connect
    from ..registry.vault.run import apply, as_json, as_text, summary, verify

    # Vault is never asked about an inventory that generate refuses: its items would be wrong too.
    inventory, _ = load_and_validate(args.config)
    # Every credential read, and the token, is blanked from everything printed below: the messages are built to
    # hold none, and this makes sure of it.
    censor = Censor()
    try:
        vault = connect(os.environ, censor)
        report = (verify(inventory, vault) if args.vault_command == "verify"
                  else apply(inventory, vault, dry_run=args.dry_run))
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
