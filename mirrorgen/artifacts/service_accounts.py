"""The ServiceAccounts the mirroring jobs run as (`job.service_account`), one file each, in the jobs' namespace.

The jobs mount the ConfigMap, so they run in its namespace (configmap.namespace) on app.ci. A mirror-only
namespace's image-puller binding names exactly these accounts (rbac.py).
"""

from __future__ import annotations

from ..errors import Location
from ..inventory.jobs import job_setting_location
from ..inventory.model import REGISTRY_CLUSTER, Inventory
from ..inventory.readers import enabled_jobs
from ..output import Output
from .render import render

# A folder of its own on app.ci, which applyconfig applies (`admin_` files as admin): mirrorgen owns it, so the file
# of an account no job names any more is found stale and removed.
SERVICE_ACCOUNTS_DIR = f"clusters/{REGISTRY_CLUSTER}/image-mirroring"


def service_account_path(name: str) -> str:
    return f"{SERVICE_ACCOUNTS_DIR}/admin_{name}_serviceaccount.yaml"


def service_accounts(inventory: Inventory) -> dict[str, Location]:
    """Each account a job on app.ci runs as → where the first such job sets it, sorted by name."""
    orgs = {org.name: org for org in inventory.orgs}
    found: dict[str, Location] = {}
    for name, job in enabled_jobs(inventory).items():
        if job.service_account and job.cluster == REGISTRY_CLUSTER:
            found.setdefault(job.service_account, job_setting_location(inventory, orgs[name], "service_account"))
    return dict(sorted(found.items()))


def plan_service_accounts(inventory: Inventory) -> list[Output]:
    namespace = inventory.settings.configmap.namespace
    return [
        Output(service_account_path(name),
               render("documents.yaml.j2", source=where.file, header=inventory.settings.header, documents=[
                   {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}}]),
               where)
        for name, where in service_accounts(inventory).items()
    ]
