"""The inventory, the Vault items it needs (written out by hand from the README and ci-tools' rules, not by
mirrorgen), credentials holding a sentinel, and the command line run with a clean environment."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from registry.vault_server import OpenBao

# Planted in every credential; no output of mirrorgen may ever contain it, in any of these forms.
SENTINEL = "SENTINEL-push-password-7c1d0e"
AUTH = base64.b64encode(f"robot+mirror:{SENTINEL}".encode()).decode()
TOKEN = "SENTINEL-token-5b1c9e0a"  # the member token's value
SECRET_FORMS = (SENTINEL, AUTH, f"robot+mirror:{SENTINEL}", TOKEN)

COLLECTION = "image-mirroring"
ACME = "selfservice/image-mirroring/registry-push-credentials-quay-io-acme"
SHARED = "selfservice/image-mirroring/registry-push-credentials-quay-io-shared"

# Three orgs with self-service secrets (beta and gamma share one, gamma also pushes to beta's organisation), one
# whose secret is provisioned elsewhere and so has no Vault item.
INVENTORY = {
    "mirrorgen.yaml": """\
        jobs:
          service_account: image-mirroring
        """,
    "namespaces.yaml": """\
        namespaces:
          acme-ci:
            access: mirror-only
        """,
    "orgs/acme.yaml": """\
        destination: quay.io/acme
        owners:
          approvers: [alice]
        mappings:
          mapping_acme_tools: |
            registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest
        """,
    "orgs/beta.yaml": """\
        destination: quay.io/beta
        owners:
          approvers: [alice]
        job:
          secret_name: registry-push-credentials-quay-io-shared
        mappings:
          mapping_beta_tools: |
            registry.ci.openshift.org/acme-ci/tools:latest quay.io/beta/tools:latest
        """,
    "orgs/gamma.yaml": """\
        destination: [quay.io/beta, quay.io/gamma]
        owners:
          approvers: [alice]
        job:
          secret_name: registry-push-credentials-quay-io-shared
        mappings:
          mapping_gamma_tools: |
            registry.ci.openshift.org/acme-ci/tools:latest quay.io/gamma/tools:latest
        """,
    "orgs/legacy.yaml": """\
        destination: quay.io/legacy
        owners:
          approvers: [alice]
        job:
          secret_name: registry-push-credentials-quay.io-legacy
          secret_source: external
        mappings:
          mapping_legacy_tools: |
            registry.ci.openshift.org/acme-ci/tools:latest quay.io/legacy/tools:latest
        """,
}


def secretsync(name: str) -> dict[str, str]:
    """The keys ci-secret-bootstrap syncs by, as the README's defaults make them: Secret `name` in namespace ci
    on app.ci."""
    return {"secretsync/target-clusters": "app.ci", "secretsync/target-name": name,
            "secretsync/target-namespace": "ci"}


def docker_config(*registries: str, **entry: str) -> str:
    """A docker config.json with an entry per registry; `entry` replaces the default auth."""
    return json.dumps({"auths": {registry: entry or {"auth": AUTH} for registry in registries}})


ITEMS: dict[str, dict[str, Any]] = {
    ACME: {**secretsync("registry-push-credentials-quay-io-acme"), "config.json": docker_config("quay.io/acme")},
    SHARED: {**secretsync("registry-push-credentials-quay-io-shared"),
             "config.json": docker_config("quay.io/beta", "quay.io/gamma")},
}


def make_config(root: Path, changes: dict[str, str | None] | None = None) -> Path:
    config = root / "config"
    for name, text in {**INVENTORY, **(changes or {})}.items():
        path = config / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return config


def seed(server: OpenBao, items: dict[str, dict[str, Any]] | None = None) -> None:
    for path, data in (ITEMS if items is None else items).items():
        server.put(path, data)


def run_vault(*args: str, address: str, token: str | None, home: Path, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """`mirrorgen vault ARGS` as a user runs it, with only the Vault settings given here (none inherited from the
    person running the tests); fails the test if any credential shows in what it prints."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VAULT_", "BAO_"))}
    clean.update({"HOME": str(home), "VAULT_ADDR": address, **({"VAULT_TOKEN": token} if token else {}), **(env or {})})
    clean = {k: v for k, v in clean.items() if v is not None}
    result = subprocess.run([sys.executable, "-m", "mirrorgen", "vault", *args], capture_output=True, text=True,
                            env=clean, timeout=300)
    for secret in SECRET_FORMS:
        assert secret not in result.stdout and secret not in result.stderr, f"{secret} was printed"
    return result


def findings(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str | None]]:
    """(item, kind, key or registry) of each finding of a `--format json` run, whose report must follow the schema
    mirrorgen ships."""
    report = json.loads(result.stdout)
    schema = json.loads(resources.files("mirrorgen").joinpath("schemas", "vault-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    return [(f["item"], f["kind"], f.get("registry") or f.get("key")) for f in report["findings"]]
