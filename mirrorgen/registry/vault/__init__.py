"""The push secrets' Vault items against a real Vault: `verify` judges them, `apply` sets their secretsync keys."""

# items.py is the pure part (what each item must hold, what is wrong with what it holds), client.py the only code
# that talks to Vault, run.py the two commands. In a program:
#
#     from mirrorgen.inventory.load import load_inventory
#     from mirrorgen.registry.vault import connect, verify
#     report = verify(load_inventory("config"), connect())   # VAULT_ADDR; VAULT_TOKEN or ~/.vault-token
#     for finding in report.findings:                         # never a credential value in them
#         print(finding.item, finding.kind, finding.message)

from .client import Vault, VaultError, connect
from .items import Finding
from .run import Change, Report, apply, verify

__all__ = ["Change", "Finding", "Report", "Vault", "VaultError", "apply", "connect", "verify"]
