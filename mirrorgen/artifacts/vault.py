"""The Vault items holding each self-service push secret, with the secretsync/* keys ci-secret-bootstrap syncs by."""

from __future__ import annotations

import functools
from typing import Any, Iterator

from ..errors import Location
from ..inventory.jobs import ResolvedJob, job_name, job_setting_location, resolve_job
from ..inventory.model import EXTERNAL, SELF_SERVICE, Inventory, Org
from ..output import Output
from ..provenance import document_sources
from .render import render

VAULT_PATH = "vault/image-mirroring-push-credentials.yaml"


def item_name(inventory: Inventory, secret_name: str) -> str:
    return f"{inventory.settings.vault.item_prefix}/{secret_name}"


def _jobs_by_source(inventory: Inventory, source: str) -> Iterator[tuple[Org, ResolvedJob]]:
    """The enabled jobs whose push secret comes from `source` (SELF_SERVICE or EXTERNAL), in org order."""
    for org in inventory.orgs:
        job = resolve_job(inventory.settings, org)
        if job.enabled and job.secret_source == source:
            yield org, job


def vault_items(inventory: Inventory) -> list[dict[str, Any]]:
    """One item per distinct self-service push secret (orgs may share one), sorted by secret name. A secret
    provisioned elsewhere (secret_source: external) has no item here."""
    vault = inventory.settings.vault
    by_secret: dict[str, dict[str, Any]] = {}
    for org, job in _jobs_by_source(inventory, SELF_SERVICE):
        item = by_secret.setdefault(job.secret_name, {
            "item": item_name(inventory, job.secret_name),
            # The docker config.json goes under this key: the jobs mount it as their volume's subPath.
            "docker_config_key": job.credentials_key,
            "keys": {
                "secretsync/target-clusters": ",".join(vault.target_clusters),
                "secretsync/target-name": job.secret_name,
                "secretsync/target-namespace": vault.target_namespace,
            },
            "push_to": [],
            "jobs": [],
        })
        # Orgs sharing a secret may push to one organisation (openshift and kubefed both to quay.io/openshift):
        # a registry is listed once, where it first appears.
        item["push_to"].extend(d for d in org.destinations if d not in item["push_to"])
        item["jobs"].append(job_name(org))
    return [by_secret[name] for name in sorted(by_secret)]


def item_sources(inventory: Inventory) -> dict[str, Location]:
    """Vault item → the org that brings it into being (the first one pushing with its secret)."""
    found: dict[str, Location] = {}
    for org, job in _jobs_by_source(inventory, SELF_SERVICE):
        found.setdefault(item_name(inventory, job.secret_name), inventory.locate(org.file, "destination", key=True))
    return found


def external_secrets(inventory: Inventory) -> dict[str, Location]:
    """Push secrets provisioned elsewhere → where the first job mounting one says so."""
    found: dict[str, Location] = {}
    for org, job in _jobs_by_source(inventory, EXTERNAL):
        found.setdefault(job.secret_name, job_setting_location(inventory, org, "secret_source"))
    return found


def plan_vault(inventory: Inventory) -> list[Output]:
    items = vault_items(inventory)
    text = render("documents.yaml.j2", source="mirrorgen.yaml and orgs/*.yaml", header=inventory.settings.header,
                  documents=items)
    sources = item_sources(inventory)
    owners = [sources[item["item"]] for item in items]
    return [Output(VAULT_PATH, text, inventory.locate(inventory.settings.file, "vault", key=True),
                   functools.partial(document_sources, text, owners))]
