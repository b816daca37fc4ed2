"""Rules for mapping file names: ConfigMap keys, which job mirrors each file, and collisions across orgs."""

from __future__ import annotations

from typing import Iterator

from ..errors import Problem
from ..inventory.jobs import MAPPING_PREFIX, job_name, job_setting_location, resolve_job
from ..inventory.model import Inventory, Org
# Aliased: the rule names its local list of jobs `mirrored_by`.
from ..inventory.readers import enabled_jobs, mirrored_by as _mirrored_by
from ..inventory.refs import is_configmap_key
from .known_defects import defect


def prefixed(prefix: str, name: str) -> str:
    """A file name the job with `prefix` mirrors: `origin_v3_9` under `mapping_origin` becomes `mapping_origin_v3_9`."""
    if (MAPPING_PREFIX + name).startswith(prefix):
        return MAPPING_PREFIX + name
    return f"{prefix.rstrip('_')}_{name}"


def check_mapping_files(inventory: Inventory) -> Iterator[Problem]:
    """File names: the ConfigMap key rules, which jobs mirror each file, and collisions across orgs."""
    first_seen: dict[str, Org] = {}
    jobs = enabled_jobs(inventory)
    matched_prefixes: set[str] = set()
    for org in inventory.orgs:
        own = jobs.get(org.name)
        own_prefix = own.mapping_prefix if own else resolve_job(inventory.settings, org).mapping_prefix
        for mapping in org.mappings:
            name, where = mapping.name, mapping.location
            mirrored_by = _mirrored_by(inventory, name)
            matched_prefixes.update(jobs[other].mapping_prefix for other in mirrored_by)
            if not is_configmap_key(name):
                yield Problem(where, f"mapping file name {name!r} is not a valid ConfigMap key (at most 253 of [-._a-zA-Z0-9])")
            elif not name.startswith(MAPPING_PREFIX):
                yield Problem(where, f"mapping file {name!r} lacks the {MAPPING_PREFIX!r} prefix, so it never reaches the ConfigMap;"
                                     f" rename it to {prefixed(own_prefix, name)!r}")
            elif not mirrored_by:
                yield Problem(where, f"mapping file {name!r} matches no job's MAPPING_FILE_PREFIX, so nothing ever mirrors it;"
                                     f" rename it to start with {own_prefix!r} or delete it", defect(inventory),
                              "unmirrored-mapping-file", name)
            elif own and org.name not in mirrored_by:
                yield Problem(where, f"mapping file {name!r} is mirrored by {', '.join(mirrored_by)}'s job, not by {job_name(org)}"
                                     f" (prefix {own_prefix!r}): rename it to start with {own_prefix!r}", defect(inventory),
                              "mapping-file-of-another-job", name)
            elif len(mirrored_by) > 1:
                yield Problem(where, f"mapping file {name!r} is mirrored by the jobs of {', '.join(mirrored_by)}, each with its"
                                     f" own credentials: rename it so one MAPPING_FILE_PREFIX matches", defect(inventory),
                              "mapping-file-of-several-jobs", name)
            if name in first_seen:
                yield Problem(where, f"mapping file name {name!r} is also used by org {first_seen[name].name!r}; ConfigMap keys"
                                     f" are base names, so one overwrites the other: rename one", defect(inventory),
                              "duplicate-mapping-file-name", name)
            else:
                first_seen[name] = org
    for org in inventory.orgs:
        job = jobs.get(org.name)
        if job and job.mapping_prefix not in matched_prefixes:
            yield Problem(job_setting_location(inventory, org, "mapping_prefix"),
                          f"{job.name} mirrors files starting with {job.mapping_prefix!r}, but no mapping file does: add one,"
                          f" fix the prefix, or remove the job (job.enabled: false)", defect(inventory),
                          "unmatched-mapping-prefix", job.mapping_prefix)
