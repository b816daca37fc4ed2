"""What the inventory renders to: one pure Inventory → list[Output] per artifact family, templates, canonical YAML."""

from __future__ import annotations

from typing import Callable, Iterator

from ..errors import Problem
from ..inventory.model import Inventory
from ..output import Output
from .cki import DEPLOYMENT_DIR, plan_cki
from .config_updater import check_shard_folders, plan_config_updater
from .mappings import MIRRORING_DIR, check_configmap_size, plan_mappings
from .prow import JOBS_PATH, plan_jobs
from .qci import IMAGE_TAGGER_PATH, QCI_PULLER_PATH, plan_qci_access
from .rbac import REGISTRY_ACCESS_DIR, plan_registry_access
from .service_accounts import SERVICE_ACCOUNTS_DIR, plan_service_accounts
from .vault import VAULT_PATH, plan_vault

FAMILIES: tuple[Callable[[Inventory], list[Output]], ...] = (
    plan_mappings,
    plan_config_updater,
    plan_jobs,
    plan_registry_access,
    plan_service_accounts,
    plan_vault,
    plan_qci_access,
    plan_cki,
)

# The directories mirrorgen writes into, searched for files it generated earlier that are now stale.
OWNED_DIRS: tuple[str, ...] = tuple(
    sorted({MIRRORING_DIR, REGISTRY_ACCESS_DIR, JOBS_PATH.rsplit("/", 1)[0], VAULT_PATH.rsplit("/", 1)[0],
            QCI_PULLER_PATH.rsplit("/", 1)[0], IMAGE_TAGGER_PATH.rsplit("/", 1)[0], DEPLOYMENT_DIR,
            SERVICE_ACCOUNTS_DIR})
)

# Checks on what the families render, which the inventory rules cannot make (they render nothing): each yields
# Problems like a rule, and plan() runs them with the rules (plan.CHECKS).
CHECKS: tuple[Callable[[Inventory], Iterator[Problem]], ...] = (check_configmap_size, check_shard_folders)
