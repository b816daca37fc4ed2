"""Rules for each org file: its name, destinations, owners and folder."""

from __future__ import annotations

from typing import Iterator

from ..errors import Location, Problem, Severity
from ..inventory.jobs import MAPPING_PREFIX, resolve_job
from ..inventory.model import Inventory
from ..inventory.refs import ReferenceError, parse_image_ref
from .known_defects import defect
from .mapping_files import prefixed
from .names import label_problem


def check_orgs(inventory: Inventory) -> Iterator[Problem]:
    for org in inventory.orgs:
        # The name of an existing org folder: every setting derived from it can be overridden, so it only misleads.
        yield from label_problem(Location(org.file, 1), "org name (the file name)", org.name, defect(inventory),
                                  "org-name-not-dns1123")
        listed = not isinstance(org.destination, str)
        if listed and not org.destinations:
            yield Problem(inventory.locate(org.file, "destination"), "destination is an empty list: name at least one"
                                                                     " registry and organisation, such as quay.io/" + org.name)
        for index, value in enumerate(org.destinations):
            where = inventory.locate(org.file, "destination", *((index,) if listed else ()))
            try:
                destination = parse_image_ref(value)
                if destination.tag or destination.digest or not destination.registry:
                    yield Problem(where, f"destination {value!r} must be a registry and organisation such as quay.io/{org.name}, without tag")
            except ReferenceError as exc:
                yield Problem(where, f"destination: {exc}")
        if org.owners.verbatim is not None and (org.owners.approvers or org.owners.reviewers):
            yield Problem(inventory.locate(org.file, "owners", "verbatim"), "owners: set either `verbatim` or the approvers/reviewers"
                                                                             " lists, not both")
        elif org.owners.write and org.folder and org.owners.verbatim is None and not org.owners.approvers:
            yield Problem(inventory.locate(org.file, "owners"), "no owners.approvers: nobody could approve changes to this org's"
                                                                " mappings; list at least one GitHub user", Severity.WARNING)
        if not org.folder and (org.mappings or org.other_files or org.unprefixed_mappings):
            yield Problem(inventory.locate(org.file, "folder"), "an org with `folder: false` has no folder to hold files:"
                                                                " remove its mappings or set folder: true")
        elif not org.mappings and org.job.enabled is not False and org.folder:
            yield Problem(inventory.locate(org.file, "mappings"), "the org has no mapping files, so its job mirrors nothing",
                          Severity.WARNING)
        for name in org.unprefixed_mappings:
            index = org.unprefixed_mappings.index(name)
            yield Problem(inventory.locate(org.file, "unprefixed_mappings", index),
                          f"{org.name}/{name} holds mapping lines but lacks the {MAPPING_PREFIX!r} prefix, so it never reaches"
                          f" the ConfigMap and nothing mirrors it: rename it to"
                          f" {prefixed(resolve_job(inventory.settings, org).mapping_prefix, name)!r}"
                          f" (or delete it)", defect(inventory), "unprefixed-mapping-file", name)
