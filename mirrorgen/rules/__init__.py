"""Is the inventory valid? Every rule, one module per subject, and the registry that runs them."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from ..artifacts.mappings import configmap_layout, mapping_outputs
from ..artifacts.shards import ETCD_LIMIT
from ..errors import Problem, sort_problems
from ..inventory.memo import per_inventory
from ..inventory.model import ConfigMapSettings, Inventory
from .access import check_job_namespace, check_mirror_only_readers, check_service_account_clusters
from .cki import check_cki_images, check_images_settings
from .credentials import check_credentials, without_echoes
from .image_names import check_image_names
from .jobs import check_jobs, check_push_secrets
from .known_defects import against_baseline, check_known_defects, defect
from .mapping_files import check_mapping_files
from .mapping_lines import check_mapping_lines
from .namespaces import check_namespaces
from .orgs import check_orgs
from .qci import check_image_stream_registry, check_qci_access
from .settings import check_job_order, check_settings
from .text import check_characters, check_mapping_line_length, check_people_text

Rule = Callable[[Inventory], Iterator[Problem]]


def check_configmap_size(inventory: Inventory) -> Iterator[Problem]:
    """The shard budget is possible, and every org's files fit in one ConfigMap (its job mounts exactly one)."""
    budget = inventory.settings.configmap.shard_budget
    if not 0 < budget <= ETCD_LIMIT:
        yield Problem(inventory.locate(inventory.settings.file, "configmap", "shard_budget"),
                      f"configmap.shard_budget {budget} must be between 1 and {ETCD_LIMIT} bytes (etcd's object limit);"
                      f" the default {ConfigMapSettings().shard_budget} leaves room for the object's metadata")
        return
    layout = configmap_layout(inventory)
    if not inventory.settings.configmap.shard:
        size = layout.shards[0].size
        if size > budget:
            yield Problem(inventory.locate(inventory.settings.file, "configmap", key=True),
                          f"the {layout.shards[0].name} ConfigMap would hold {size} bytes, over its {budget}-byte budget"
                          f" (configmap.shard_budget; etcd refuses objects over {ETCD_LIMIT}): set configmap.shard: true"
                          f" and map each new ConfigMap in config-updater, or configmap.gzip: true if config-updater"
                          f" compresses", defect(inventory), "configmap-over-budget",
                          layout.shards[0].name)
        return
    orgs = {org.name: org for org in inventory.orgs}
    rendered = mapping_outputs(inventory)
    for name, size in layout.oversized:
        org = orgs[name]
        largest = max(org.mappings, key=lambda m: len(rendered[name, m.name].text.encode()))
        yield Problem(inventory.locate(org.file, "mappings", key=True),
                      f"the mapping files of org {org.name!r} take {size} bytes, over the {budget}-byte budget of one"
                      f" ConfigMap (configmap.shard_budget), and its job mounts a single ConfigMap: split the files over"
                      f" two org files, each with its own job.mapping_prefix (the largest file is {largest.name!r}, at"
                      f" {largest.location})")


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
    check_configmap_size,
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


def validate(inventory: Inventory) -> list[Problem]:
    """All problems (errors and warnings) in the inventory, sorted by file and line."""
    return list(_validate_once(inventory))


def run_rules(inventory: Inventory, rules: Iterable[Rule]) -> dict[Rule, list[Problem]]:
    return {rule: list(rule(inventory)) for rule in rules}


def combine(inventory: Inventory, found: dict[Rule, list[Problem]]) -> list[Problem]:
    """validate()'s answer from every rule's problems, found elsewhere; validate() returns it from now on."""
    return list(_validate_once.remember(inventory, _combined(inventory, found)))


def _combined(inventory: Inventory, found: dict[Rule, list[Problem]]) -> tuple[Problem, ...]:
    problems = without_echoes(problem for rule in RULES for problem in found[rule])
    return tuple(sort_problems(against_baseline(inventory, problems)))


@per_inventory
def _validate_once(inventory: Inventory) -> tuple[Problem, ...]:
    return _combined(inventory, run_rules(inventory, RULES))
