"""Is the inventory valid? Every rule, one module per subject, and the registry that runs them."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from ..errors import Problem
from ..inventory.model import Inventory
from .access import check_job_namespace, check_mirror_only_readers, check_service_account_clusters
from .cki import check_cki_images, check_images_settings
from .credentials import check_credentials
from .image_names import check_image_names
from .jobs import check_jobs, check_push_secrets
from .known_defects import check_known_defects
from .mapping_files import check_mapping_files
from .mapping_lines import check_mapping_lines
from .namespaces import check_namespaces
from .orgs import check_orgs
from .qci import check_image_stream_registry, check_qci_access
from .settings import check_job_order, check_settings
from .text import check_characters, check_mapping_line_length, check_people_text

Rule = Callable[[Inventory], Iterator[Problem]]


# Every rule the consumers (oc, Prow, Kubernetes, Vault) would enforce later, found before rendering; each yields
# Problems that say where (file:line), what is wrong and how to fix it. A new rule is a function in the module of
# its subject and one line here.
RULES: tuple[Rule, ...] = (
    check_job_order,
    check_known_defects,
    check_settings,
    check_jobs,
    check_push_secrets,
    check_orgs,
    check_mapping_files,
    check_mapping_lines,
    check_namespaces,
    check_image_stream_registry,
    check_qci_access,
    check_image_names,
    check_images_settings,
    check_cki_images,
    check_credentials,
    check_characters,
    check_people_text,
    check_mapping_line_length,
    check_job_namespace,
    check_mirror_only_readers,
    check_service_account_clusters,
)


# The rules whose cost grows with the mapping lines, and whose answers nothing else needs: plan(side_by_side=True)
# runs them in a forked process while this one runs the others, which check the structure rendering relies on,
# and renders (about an even split of the work at 100 000 lines).
BULK_RULES: tuple[Rule, ...] = (
    check_mapping_files, check_mapping_lines, check_image_names, check_credentials, check_characters,
    check_mapping_line_length,
)


def run_rules(inventory: Inventory, rules: Iterable[Rule]) -> dict[Rule, list[Problem]]:
    return {rule: list(rule(inventory)) for rule in rules}
