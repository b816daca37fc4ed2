"""Which job mirrors each mapping file, and which jobs read each source namespace.

A job mirrors every file whose name starts with its MAPPING_FILE_PREFIX, wherever the file lies: a file in one
org's folder may be mirrored by another org's job. Validation, the mirror-only rules and the image-puller
RoleBindings all ask these questions, and must get the same answers.
"""

from __future__ import annotations

from ..errors import Location
from .jobs import ResolvedJob, resolve_job
from .memo import per_inventory
from .model import Access, Inventory
from .qci import image_stream_namespace


@per_inventory
def enabled_jobs(inventory: Inventory) -> dict[str, ResolvedJob]:
    """Org name → its resolved job, for orgs whose job is enabled, in org order."""
    return {org.name: job for org in inventory.orgs if (job := resolve_job(inventory.settings, org)).enabled}


@per_inventory
def _jobs_by_prefix(inventory: Inventory) -> dict[str, list[tuple[int, str]]]:
    by_prefix: dict[str, list[tuple[int, str]]] = {}
    for index, (org, job) in enumerate(enabled_jobs(inventory).items()):
        by_prefix.setdefault(job.mapping_prefix, []).append((index, org))
    return by_prefix


def mirrored_by(inventory: Inventory, file_name: str) -> list[str]:
    """The orgs whose job mirrors `file_name` (their MAPPING_FILE_PREFIX starts it), in org order.

    Looks up the name's leading substrings rather than testing every job's prefix, so validation grows with
    the number of files, not with files × jobs.
    """
    by_prefix = _jobs_by_prefix(inventory)
    found = sorted(entry for end in range(1, len(file_name) + 1) for entry in by_prefix.get(file_name[:end], ()))
    return [org for _, org in found]


@per_inventory
def mirror_only_readers(inventory: Inventory) -> dict[str, dict[str, Location]]:
    """Each mirror-only namespace → the orgs whose job reads from it, each with the first line it reads there.

    Only the lines that name such a namespace are parsed, so an inventory without mirror-only namespaces costs
    nothing here.
    """
    readers: dict[str, dict[str, Location]] = {ns.name: {} for ns in inventory.namespaces if ns.access is Access.MIRROR_ONLY}
    if not readers:
        return readers
    markers = tuple(f"{name}/" for name in readers)
    registry = inventory.settings.source_registry
    for org in inventory.orgs:
        for mapping in org.mappings:
            jobs = None
            for line in mapping.lines:
                if not any(marker in line.text for marker in markers):
                    continue
                jobs = mirrored_by(inventory, mapping.name) if jobs is None else jobs
                for pair in line.pairs:
                    namespace = image_stream_namespace(pair.source, registry)
                    for job_org in jobs if namespace in readers else ():
                        readers[namespace].setdefault(job_org, Location(org.file, line.number))
    return readers
