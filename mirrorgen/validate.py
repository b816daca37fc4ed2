"""Validate: every rule the consumers (oc, Prow, Kubernetes, Vault) would enforce later, found before rendering.

Each rule yields Problems that say where (file:line), what is wrong and how to fix it.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from .artifacts.mappings import configmap_bytes
from .artifacts.prow import job_name
from .access_rules import check_job_namespace, check_mirror_only_clusters
from .credentials import check_credentials, without_echoes
from .cron import cron_error
from .errors import Location, Problem, Severity, sort_problems
from .model import Access, Inventory, Org, job_setting_location, resolve_job
from .refs import (
    DECOMMISSIONED_REGISTRIES,
    ReferenceError,
    dns1123_hint,
    is_configmap_key,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_registry_host,
    mapping_pairs,
    parse_image_ref,
)
from .text_rules import check_characters, check_mapping_line_length, check_people_text

CONFIGMAP_LIMIT = 1024 * 1024
MAX_JOB_NAME = 63
MAPPING_PREFIX = "mapping_"

Rule = Callable[[Inventory], Iterator[Problem]]

_CLUSTER = re.compile(r"[A-Za-z0-9](?:[-._A-Za-z0-9]{0,61}[A-Za-z0-9])?")
_CPU_QUANTITY = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:m|[kMGTPE]|[KMGTPE]i)?")
_VAULT_SEGMENT = re.compile(r"[-._A-Za-z0-9]+")


def _label_problem(where: Location, what: str, value: str) -> Iterator[Problem]:
    if not is_dns1123_label(value):
        yield Problem(where, f"{what} {value!r} is not a DNS-1123 label (at most 63 of a-z, 0-9 and '-', no dots,"
                             f" starting and ending alphanumeric); try {dns1123_hint(value)!r}")


def check_settings(inventory: Inventory) -> Iterator[Problem]:
    s = inventory.settings
    where = lambda *path: inventory.locate(s.file, *path)  # noqa: E731
    yield from _label_problem(where("configmap", "namespace"), "configmap namespace", s.configmap.namespace)
    if not is_dns1123_subdomain(s.configmap.name):
        yield Problem(where("configmap", "name"), f"configmap name {s.configmap.name!r} is not a valid Kubernetes name")
    yield from _label_problem(where("vault", "target_namespace"), "vault target_namespace", s.vault.target_namespace)
    for cluster in s.vault.target_clusters:
        if not _CLUSTER.fullmatch(cluster):
            yield Problem(where("vault", "target_clusters"), f"cluster name {cluster!r} must be a cluster name like app.ci"
                                                             f" (letters, digits, '-', '.', '_'; no commas or spaces)")
    if not s.configmap.cluster or not _CLUSTER.fullmatch(s.configmap.cluster):
        yield Problem(where("configmap", "cluster"), f"cluster {s.configmap.cluster!r} is not a cluster name like app.ci")
    if not all(_VAULT_SEGMENT.fullmatch(part) and part not in (".", "..") for part in s.vault.item_prefix.split("/")):
        yield Problem(where("vault", "item_prefix"), "vault item_prefix must be a path like selfservice/image-mirroring"
                                                     " (segments of letters, digits, '-', '_', '.'; no leading or trailing /)")
    if not is_registry_host(s.source_registry):
        yield Problem(where("source_registry"), f"source_registry {s.source_registry!r} must be a registry host such as"
                                                f" registry.ci.openshift.org")
    if s.jobs.service_account is not None and not is_dns1123_subdomain(s.jobs.service_account):
        yield Problem(where("jobs", "service_account"), f"service_account {s.jobs.service_account!r} is not a valid Kubernetes name")


def check_jobs(inventory: Inventory) -> Iterator[Problem]:
    secrets: dict[str, tuple[str, Org]] = {}
    for org in inventory.orgs:
        job = resolve_job(inventory.settings, org)
        at = lambda name: job_setting_location(inventory, org, name)  # noqa: E731
        name = job_name(org)
        if len(name) > MAX_JOB_NAME:
            yield Problem(Location(org.file, 1), f"job name {name!r} is {len(name)} characters; Prow allows {MAX_JOB_NAME}"
                                                 f" (it becomes a label): shorten the org name")
        problem = cron_error(job.cron)
        if problem:
            yield Problem(at("cron"), f"invalid cron {job.cron!r}: {problem}")
        yield from _label_problem(at("secret_name"), "secret name", job.secret_name)
        if not is_configmap_key(job.credentials_key):
            yield Problem(at("credentials_key"), f"credentials_key {job.credentials_key!r} is not a valid Secret key ([-._a-zA-Z0-9]+)")
        if not _CLUSTER.fullmatch(job.cluster):
            yield Problem(at("cluster"), f"cluster {job.cluster!r} is not a cluster name like app.ci")
        try:
            image = parse_image_ref(job.image)
            if image.tag is None and image.digest is None:
                yield Problem(at("image"), f"job image {job.image!r} needs a tag or digest")
        except ReferenceError as exc:
            yield Problem(at("image"), f"job image: {exc}")
        if not _CPU_QUANTITY.fullmatch(job.cpu_request):
            yield Problem(at("cpu_request"), f"cpu_request {job.cpu_request!r} is not a Kubernetes CPU quantity such as 500m or 1")
        if not job.mapping_prefix.startswith(MAPPING_PREFIX) or not is_configmap_key(job.mapping_prefix):
            yield Problem(at("mapping_prefix"), f"mapping_prefix {job.mapping_prefix!r} must start with {MAPPING_PREFIX!r} and use only [-._a-zA-Z0-9]")
        if job.secret_name in secrets and secrets[job.secret_name][0] != job.credentials_key:
            other = secrets[job.secret_name][1]
            yield Problem(at("credentials_key"), f"secret {job.secret_name!r} is shared with org {other.name!r}, which mounts key"
                                                 f" {secrets[job.secret_name][0]!r}, not {job.credentials_key!r}: use the same credentials_key")
        secrets.setdefault(job.secret_name, (job.credentials_key, org))


def check_orgs(inventory: Inventory) -> Iterator[Problem]:
    for org in inventory.orgs:
        yield from _label_problem(Location(org.file, 1), "org name (the file name)", org.name)
        where = inventory.locate(org.file, "destination")
        try:
            destination = parse_image_ref(org.destination)
            if destination.tag or destination.digest or not destination.registry:
                yield Problem(where, f"destination {org.destination!r} must be a registry and organisation such as quay.io/{org.name}, without tag")
        except ReferenceError as exc:
            yield Problem(where, f"destination: {exc}")
        if not org.owners.approvers:
            yield Problem(inventory.locate(org.file, "owners"), "no owners.approvers: nobody could approve changes to this org's"
                                                                " mappings; list at least one GitHub user", Severity.WARNING)
        if not org.mappings:
            yield Problem(inventory.locate(org.file, "mappings"), "the org has no mapping files, so its job mirrors nothing",
                          Severity.WARNING)


def check_mapping_files(inventory: Inventory) -> Iterator[Problem]:
    """File names: the ConfigMap key rules, the job prefix each file must match, and collisions across orgs."""
    first_seen: dict[str, Org] = {}
    prefixes = {org.name: resolve_job(inventory.settings, org).mapping_prefix for org in inventory.orgs}
    for org in inventory.orgs:
        own = prefixes[org.name]
        for mapping in org.mappings:
            name, where = mapping.name, mapping.location
            if not is_configmap_key(name):
                yield Problem(where, f"mapping file name {name!r} is not a valid ConfigMap key (at most 253 of [-._a-zA-Z0-9])")
            elif not name.startswith(MAPPING_PREFIX):
                yield Problem(where, f"mapping file {name!r} lacks the {MAPPING_PREFIX!r} prefix, so it never reaches the ConfigMap;"
                                     f" rename it to '{own}_{name}'")
            elif not name.startswith(own):
                yield Problem(where, f"mapping file {name!r} does not start with the job's MAPPING_FILE_PREFIX {own!r}, so"
                                     f" {job_name(org)} never mirrors it; rename it to '{own}{name[len(MAPPING_PREFIX) - 1:]}'"
                                     f" or set job.mapping_prefix")
            for other, prefix in prefixes.items():
                if other != org.name and name.startswith(prefix) and not own.startswith(prefix):
                    yield Problem(where, f"mapping file {name!r} also matches org {other!r}'s MAPPING_FILE_PREFIX {prefix!r}, so"
                                         f" that org's job would mirror it with the wrong credentials; rename the file")
            if name in first_seen:
                yield Problem(where, f"mapping file name {name!r} is also used by org {first_seen[name].name!r}; ConfigMap keys"
                                     f" are base names, so one would overwrite the other: rename one")
            else:
                first_seen[name] = org


def check_mapping_lines(inventory: Inventory) -> Iterator[Problem]:
    """Every line as oc reads it, the destinations each job names, and the namespaces the sources come from."""
    declared = {ns.name for ns in inventory.namespaces}
    used_namespaces: set[str] = set()
    source_registry = inventory.settings.source_registry
    for org in inventory.orgs:
        seen_destinations: dict[str, Location] = {}
        for mapping in org.mappings:
            for line in mapping.lines:
                where = Location(org.file, line.number)
                parsed = line.parsed
                if parsed.has_tab:
                    yield Problem(where, "TAB between fields: oc splits on spaces only and misreads the line; use single spaces")
                if not parsed.tokens:
                    continue
                try:
                    pairs = mapping_pairs(parsed.tokens)
                except ReferenceError as exc:
                    yield Problem(where, str(exc))
                    continue
                for pair in pairs:
                    for ref in (pair.source, pair.destination):
                        if ref.registry in DECOMMISSIONED_REGISTRIES:
                            yield Problem(where, f"{ref.registry} is decommissioned; use"
                                                 f" {DECOMMISSIONED_REGISTRIES[ref.registry]} instead")
                    key = pair.destination_key
                    if key in seen_destinations:
                        yield Problem(where, f"destination {key} is already written at {seen_destinations[key]}; oc aborts the"
                                             f" whole run of {job_name(org)} when a destination tag repeats: keep one")
                    else:
                        seen_destinations[key] = where
                    if not pair.destination.repository.startswith(org.destination.rstrip("/") + "/"):
                        yield Problem(where, f"destination {pair.destination.repository} is outside this org's destination"
                                             f" {org.destination}; its push secret is unlikely to reach it", Severity.WARNING)
                    if pair.source.registry == source_registry:
                        namespace = pair.source.path.split("/", 1)[0]
                        used_namespaces.add(namespace)
                        if namespace not in declared:
                            yield Problem(where, f"source namespace {namespace!r} has no access decision: add it to namespaces.yaml"
                                                 f" with `access: authenticated` (or mirror-only / public)")
    for ns in inventory.namespaces:
        if ns.name not in used_namespaces:
            yield Problem(inventory.locate(ns.file, "namespaces", ns.name, key=True),
                          f"namespace {ns.name!r} is declared but no mapping copies from it", Severity.WARNING)


def check_namespaces(inventory: Inventory) -> Iterator[Problem]:
    for ns in inventory.namespaces:
        where = inventory.locate(ns.file, "namespaces", ns.name, key=True)
        yield from _label_problem(where, "namespace", ns.name)
        access_at = inventory.locate(ns.file, "namespaces", ns.name, "access")
        if ns.access is Access.PUBLIC and not (ns.public_acknowledged or "").strip():
            yield Problem(access_at, f"namespace {ns.name!r} would let anyone, even unauthenticated, pull its images; state why"
                                     f" and who agreed in `public_acknowledged`, or choose authenticated / mirror-only")
        if ns.access is Access.MIRROR_ONLY and not inventory.settings.jobs.service_account:
            yield Problem(access_at, f"namespace {ns.name!r} is mirror-only, but the jobs run as no named ServiceAccount: set"
                                     f" jobs.service_account in mirrorgen.yaml")
        if ns.access is Access.AUTHENTICATED:
            yield Problem(access_at, f"namespace {ns.name!r}: every authenticated user of the cluster can pull its images;"
                                     f" use mirror-only if only the mirroring jobs need them", Severity.WARNING)


def check_configmap_size(inventory: Inventory) -> Iterator[Problem]:
    size = configmap_bytes(inventory)
    if size > CONFIGMAP_LIMIT:
        yield Problem(inventory.locate(inventory.settings.file, "configmap"),
                      f"the {inventory.settings.configmap.name} ConfigMap would hold {size} bytes, over the 1 MiB"
                      f" ({CONFIGMAP_LIMIT} bytes) etcd limit: remove stale mapping files")


RULES: tuple[Rule, ...] = (
    check_settings,
    check_jobs,
    check_orgs,
    check_mapping_files,
    check_mapping_lines,
    check_namespaces,
    check_configmap_size,
    check_credentials,
    check_characters,
    check_people_text,
    check_mapping_line_length,
    check_job_namespace,
    check_mirror_only_clusters,
)


def validate(inventory: Inventory) -> list[Problem]:
    """All problems (errors and warnings) in the inventory, sorted by file and line."""
    return sort_problems(without_echoes(problem for rule in RULES for problem in rule(inventory)))
