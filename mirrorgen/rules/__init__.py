"""Validate: every rule the consumers (oc, Prow, Kubernetes, Vault) would enforce later, found before rendering.

Each rule yields Problems that say where (file:line), what is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import Callable, Iterable, Iterator, Optional

import attrs

from ..artifacts.mappings import configmap_layout, mapping_outputs
from ..artifacts.shards import ETCD_LIMIT
from ..artifacts.prow import AREA_LABEL, PROW_LABELS, ROLE_LABEL, job_labels, job_name
from .access import check_job_namespace, check_mirror_only_readers, check_service_account_clusters
from .cki import check_cki_images, check_images_settings
from .credentials import check_credentials, without_echoes
from ..inventory.cron import cron_error, go_duration_seconds
from ..errors import Location, Problem, Severity, sort_problems
from ..inventory.memo import per_inventory
from .image_names import check_image_names
from .qci import check_image_stream_registry, check_qci_access
from ..inventory.model import (
    ENTRYPOINT, EXTERNAL, SECRET_SOURCES, SELF_SERVICE, Access, ConfigMapSettings, Inventory, MappingFile, MappingLine, Org,
    ResolvedJob, defect_severity, job_setting_location, resolve_job,
)
from ..inventory.qci import image_stream_namespace, resolve_source
# Private names here: the rules below read them as helpers of this module.
from ..inventory.readers import enabled_jobs as _enabled_jobs, mirrored_by as _mirrored_by
from ..inventory.refs import (
    DECOMMISSIONED_REGISTRIES,
    PLAIN_COMPONENT,
    PLAIN_LINES,
    ReferenceError,
    dns1123_hint,
    dns1123_label_error,
    is_configmap_key,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_key,
    is_label_value,
    is_registry_host,
    parse_image_ref,
)
from .text import check_characters, check_mapping_line_length, check_people_text

MAX_JOB_NAME = 63
# Prow's rule for the name of a job run by its kubernetes agent.
_JOB_NAME = re.compile(r"[-._A-Za-z0-9]+")
MAPPING_PREFIX = "mapping_"

Rule = Callable[[Inventory], Iterator[Problem]]

_CLUSTER = re.compile(r"[A-Za-z0-9](?:[-._A-Za-z0-9]{0,61}[A-Za-z0-9])?")
_CPU_QUANTITY = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:m|[kMGTPE]|[KMGTPE]i)?")
_VAULT_SEGMENT = re.compile(r"[-._A-Za-z0-9]+")


def _label_problem(where: Location, what: str, value: str, severity: Severity = Severity.ERROR, code: str = "") -> Iterator[Problem]:
    error = dns1123_label_error(what, value)
    if error:
        yield Problem(where, error, severity, code, value if code else "")


def defect(inventory: Inventory) -> Severity:
    """The severity of a defect that breaks a mirroring run but not the loading of the files (see Settings.defects).
    Every defect Problem carries one of DEFECT_CODES, so that a baseline (known-defects.yaml) can name it."""
    return defect_severity(inventory.settings)


# The code of every defect rule (Problem.code): what known-defects.yaml entries match on, with the file and subject.
DEFECT_CODES = (
    "configmap-over-budget", "decommissioned-registry", "destination-in-two-files", "duplicate-destination",
    "duplicate-mapping-file-name", "invalid-mapping-line", "long-job-name", "mapping-file-of-another-job",
    "mapping-file-of-several-jobs", "org-name-not-dns1123", "secret-key-mismatch", "secret-name-not-dns1123",
    "secret-name-not-kubernetes",
    "tab-separator", "undeclared-namespace", "unmatched-mapping-prefix", "unmirrored-mapping-file",
    "unprefixed-mapping-file",
)


def check_known_defects(inventory: Inventory) -> Iterator[Problem]:
    known = inventory.known_defects
    for index, entry in enumerate(known.known_defects if known else ()):
        if entry.code not in DEFECT_CODES:
            near = difflib.get_close_matches(entry.code, DEFECT_CODES, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"known codes: {', '.join(DEFECT_CODES)}"
            yield Problem(inventory.locate(known.file, "known_defects", index, "code"),
                          f"unknown defect code {entry.code!r} ({hint})")


def against_baseline(inventory: Inventory, problems: list[Problem]) -> list[Problem]:
    """Defects the baseline lists become warnings, each entry matching one problem; entries that match none are
    reported, so that the baseline shrinks as defects are fixed. Other defects keep their severity."""
    known = inventory.known_defects
    if known is None:
        return problems
    unmatched: dict[tuple[str, str, str], list[int]] = {}
    for index, entry in enumerate(known.known_defects):
        unmatched.setdefault((entry.code, entry.file, entry.subject), []).append(index)
    found = []
    for problem in sort_problems(problems):
        entries = unmatched.get((problem.code, problem.location.file, problem.subject)) if problem.code else None
        if entries:
            entries.pop(0)
            problem = attrs.evolve(problem, severity=Severity.WARNING)
        found.append(problem)
    for (code, file, subject), indexes in unmatched.items():
        for index in indexes:
            found.append(Problem(inventory.locate(known.file, "known_defects", index),
                                 f"known defect {code} in {file} ({subject}) is no longer found: delete this entry",
                                 Severity.WARNING))
    return found


def check_settings(inventory: Inventory) -> Iterator[Problem]:
    s = inventory.settings
    where = lambda *path: inventory.locate(s.file, *path)  # noqa: E731
    if s.defects not in ("error", "warning"):
        yield Problem(where("defects"), f"defects must be `error` or `warning`, not {s.defects!r}")
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
    if "periodics" in s.job_file_extra:
        yield Problem(inventory.locate(s.file, "job_file_extra", "periodics", key=True),
                      "job_file_extra cannot hold `periodics`: mirrorgen writes them from the orgs")


def check_jobs(inventory: Inventory) -> Iterator[Problem]:
    names: dict[str, Org] = {}
    for org in inventory.orgs:
        job = resolve_job(inventory.settings, org)
        if not job.enabled:
            continue
        at = lambda name: job_setting_location(inventory, org, name)  # noqa: E731
        name = job_name(org)
        # Only a `job.name` can break the first rule: the default name is made of the org name, a DNS-1123 label.
        name_at = at("name") if org.job.name is not None else Location(org.file, 1)
        if not _JOB_NAME.fullmatch(name):
            yield Problem(name_at, f"job name {name!r} may hold only letters, digits, '-', '.' and '_' (Prow refuses the"
                                   f" job file otherwise)")
        if name in names:
            yield Problem(name_at, f"job name {name!r} is also the name of org {names[name].name!r}'s job; Prow refuses a"
                                   f" job file with two periodics of one name: set a different job.name")
        names.setdefault(name, org)
        for setting, value in (("timeout", job.timeout), ("interval", job.interval)):
            if value is not None and go_duration_seconds(value) is None:
                yield Problem(at(setting), f"{setting} {value!r} is not a Go duration such as 2h0m0s or 90m (Prow refuses"
                                           f" the job file otherwise)")
        yield from _label_problems(job, at)
        if len(name) > MAX_JOB_NAME:
            # Prow truncates the label, so an existing job still runs; a new one should not start out like that.
            yield Problem(Location(org.file, 1), f"job name {name!r} is {len(name)} characters; Prow allows {MAX_JOB_NAME}"
                                                 f" (it becomes a label): shorten the org name", defect(inventory),
                          "long-job-name", name)
        if job.interval is not None and org.job.cron is not None:
            yield Problem(at("interval"), "set either job.cron or job.interval, not both (Prow accepts exactly one)")
        problem = cron_error(job.cron) if job.interval is None and job.cron is not None else None
        if problem:
            yield Problem(at("cron"), f"invalid cron {job.cron!r}: {problem}")
        if ENTRYPOINT in inventory.settings.scripts:
            yield Problem(inventory.locate(inventory.settings.file, "scripts", ENTRYPOINT, key=True),
                          f"{ENTRYPOINT!r} means the image's own entrypoint: give the script another name")
        if job.script is not None and job.script not in inventory.settings.scripts:
            known = ", ".join(sorted(inventory.settings.scripts)) or "none defined"
            yield Problem(at("script"), f"script {job.script!r} is not defined under `scripts:` in mirrorgen.yaml ({known})")
        if job.script is not None and job.dry_run:
            yield Problem(at("dry_run"), "dry_run only reaches the image's entrypoint; a job running a script mirrors for real",
                          Severity.WARNING)
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
        if job.service_account is not None and not is_dns1123_subdomain(job.service_account):
            yield Problem(at("service_account"), f"service_account {job.service_account!r} is not a valid ServiceAccount name"
                                                 f" (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.')")
        if not _CPU_QUANTITY.fullmatch(job.cpu_request):
            yield Problem(at("cpu_request"), f"cpu_request {job.cpu_request!r} is not a Kubernetes CPU quantity such as 500m or 1")
        if not job.mapping_prefix.startswith(MAPPING_PREFIX) or not is_configmap_key(job.mapping_prefix):
            yield Problem(at("mapping_prefix"), f"mapping_prefix {job.mapping_prefix!r} must start with {MAPPING_PREFIX!r} and use only [-._a-zA-Z0-9]")


def check_push_secrets(inventory: Inventory) -> Iterator[Problem]:
    """Where each job's push secret comes from, the names that source allows, and one key per shared secret."""
    first: dict[str, tuple[Org, ResolvedJob]] = {}
    orgs = {org.name: org for org in inventory.orgs}
    for org, job in ((orgs[name], job) for name, job in _enabled_jobs(inventory).items()):
        at = lambda name: job_setting_location(inventory, org, name)  # noqa: E731
        secret = job.secret_name
        if job.secret_source not in SECRET_SOURCES:
            yield Problem(at("secret_source"), f"secret_source must be {SELF_SERVICE!r} (a Vault item whose secretsync keys"
                                               f" mirrorgen lists) or {EXTERNAL!r} (provisioned elsewhere, such as by"
                                               f" ci-secret-bootstrap's _config.yaml), not {job.secret_source!r}")
        elif job.secret_source == SELF_SERVICE and not is_dns1123_label(secret):
            # Vault's secretsync refuses such names, but a secret provisioned otherwise exists and the job still runs.
            yield Problem(at("secret_name"), f"secret name {secret!r} is not a DNS-1123 label (at most 63 of a-z, 0-9 and"
                                             f" '-', no dots), which a self-service Vault item's secretsync/target-name"
                                             f" must be: if the secret is provisioned elsewhere (ci-secret-bootstrap's"
                                             f" _config.yaml, say), set secret_source: {EXTERNAL}; if it is to be a new"
                                             f" self-service item, name it {dns1123_hint(secret)!r}", defect(inventory),
                          "secret-name-not-dns1123", secret)
        elif job.secret_source == EXTERNAL and not is_dns1123_subdomain(secret):
            yield Problem(at("secret_name"), f"secret name {secret!r} is not a Kubernetes Secret name (a DNS-1123 subdomain:"
                                             f" a-z, 0-9, '-' and '.'), so no such Secret can exist for the job to mount:"
                                             f" name the Secret its provider creates", defect(inventory),
                          "secret-name-not-kubernetes", secret)
        if secret not in first:
            first[secret] = (org, job)
            continue
        other, shared = first[secret]
        if shared.secret_source != job.secret_source:
            yield Problem(at("secret_source"), f"secret {secret!r} is {job.secret_source} here but {shared.secret_source} for"
                                               f" org {other.name!r} (set at {job_setting_location(inventory, other, 'secret_source')}):"
                                               f" one Secret comes from one place; set the same secret_source for both")
        if shared.credentials_key != job.credentials_key:
            # One of the two jobs finds no credentials when it runs; the files themselves load fine.
            yield Problem(at("credentials_key"), f"secret {secret!r} is shared with org {other.name!r}, which mounts key"
                                                 f" {shared.credentials_key!r}, not {job.credentials_key!r}: use the same"
                                                 f" credentials_key", defect(inventory), "secret-key-mismatch", secret)


def _label_problems(job: ResolvedJob, at: Callable[[str], Location]) -> Iterator[Problem]:
    """The job's labels as Prow checks them: Kubernetes label keys and values, none of the labels Prow sets itself."""
    for key, value in job_labels(job).items():
        where = at("area" if key == AREA_LABEL and key not in job.labels else
                   "role" if key == ROLE_LABEL and key not in job.labels else "labels")
        if key in PROW_LABELS:
            yield Problem(where, f"label {key!r} is set by Prow on every job's pods; a job may not set it: remove it")
        elif not is_label_key(key):
            yield Problem(where, f"label key {key!r} is not a Kubernetes label name (an optional DNS subdomain and '/', then"
                                 f" at most 63 of [-._a-zA-Z0-9], starting and ending alphanumeric)")
        if not isinstance(value, str) or not is_label_value(value):
            yield Problem(where, f"label {key}: value {value!r} is not a Kubernetes label value (at most 63 of"
                                 f" [-._a-zA-Z0-9], starting and ending alphanumeric, or empty)")


def check_orgs(inventory: Inventory) -> Iterator[Problem]:
    for org in inventory.orgs:
        # The name of an existing org folder: every setting derived from it can be overridden, so it only misleads.
        yield from _label_problem(Location(org.file, 1), "org name (the file name)", org.name, defect(inventory),
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
                          f" {_prefixed(resolve_job(inventory.settings, org).mapping_prefix, name)!r}"
                          f" (or delete it)", defect(inventory), "unprefixed-mapping-file", name)


def _prefixed(prefix: str, name: str) -> str:
    """A file name the job with `prefix` mirrors: `origin_v3_9` under `mapping_origin` becomes `mapping_origin_v3_9`."""
    if (MAPPING_PREFIX + name).startswith(prefix):
        return MAPPING_PREFIX + name
    return f"{prefix.rstrip('_')}_{name}"


def check_mapping_files(inventory: Inventory) -> Iterator[Problem]:
    """File names: the ConfigMap key rules, which jobs mirror each file, and collisions across orgs."""
    first_seen: dict[str, Org] = {}
    jobs = _enabled_jobs(inventory)
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
                                     f" rename it to {_prefixed(own_prefix, name)!r}")
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


def check_mapping_lines(inventory: Inventory) -> Iterator[Problem]:
    """Every line as oc reads it, the destinations each job names, and the namespaces the sources come from."""
    declared = {ns.name for ns in inventory.namespaces}
    used_namespaces: set[str] = set()
    source_registry = inventory.settings.source_registry
    jobs = _enabled_jobs(inventory)
    # Per job: every destination the files it mirrors name (they may lie in other orgs' folders).
    seen_by_job: dict[str, _Seen] = {job.name: {} for job in jobs.values()}
    image_streams = inventory.settings.image_stream_registry
    decommissioned = sorted(DECOMMISSIONED_REGISTRIES)
    for org in inventory.orgs:
        insides = _insides(org.destinations)
        # One finding per namespace and org: a namespace without a decision is one fix, however many lines use it.
        undeclared: set[str] = set()
        for mapping in org.mappings:
            seen_by_mirroring_jobs = [(seen_by_job[jobs[other].name], jobs[other].name)
                                      for other in _mirrored_by(inventory, mapping.name)]
            plain = (insides, seen_by_mirroring_jobs, declared, used_namespaces, source_registry)
            if _took_plain([line.text for line in mapping.lines if not _holds_nothing(line.text)],
                           _NamedIn(org.file, mapping), *plain):
                continue
            for line in mapping.lines:
                if _took_plain([line.text], _NamedIn(org.file, mapping, line), *plain):
                    continue
                parsed = line.parsed
                if not parsed.tokens and not parsed.has_tab:
                    continue
                where = Location(org.file, line.number)
                text = line.text.removesuffix("\r")
                if parsed.has_tab:
                    yield Problem(where, "TAB between fields: oc splits on spaces only and misreads the line; use single spaces",
                                  defect(inventory), "tab-separator", text)
                if not parsed.tokens:
                    continue
                pairs, unreadable = line.read()
                try:
                    for pair in pairs:
                        if not pair.source.registry:  # an image-stream source: its QCI tag must be valid too
                            resolve_source(pair.source, image_streams, source_registry)
                except ReferenceError as exc:
                    unreadable = str(exc)
                if unreadable is not None:
                    # Only this file's run of oc fails: an adopted repository still generates the rest.
                    yield Problem(where, unreadable, defect(inventory), "invalid-mapping-line", text)
                    continue
                for registry in decommissioned:
                    if registry in line.text and any(ref.registry == registry for pair in pairs
                                                     for ref in (pair.source, pair.destination)):
                        yield Problem(where, f"{registry} is decommissioned; use {DECOMMISSIONED_REGISTRIES[registry]}"
                                             f" instead", defect(inventory), "decommissioned-registry", text)
                for pair in pairs:
                    key, repository = pair.destination_key, pair.destination.repository
                    for seen, name in seen_by_mirroring_jobs:
                        if key in seen:
                            yield _named_again(inventory, where, _NamedIn(org.file, mapping, line), seen[key], key, name)
                        else:
                            seen[key] = _NamedIn(org.file, mapping, line)
                    if not repository.startswith(insides):
                        yield Problem(where, f"destination {repository} is outside this org's"
                                             f" {_destinations_named(org.destinations)}; its push secret is unlikely to"
                                             f" reach it (if it does, add the organisation to `destination`)",
                                      Severity.WARNING)
                    namespace = image_stream_namespace(pair.source, source_registry)
                    if namespace is not None:
                        used_namespaces.add(namespace)
                        if namespace not in declared and namespace not in undeclared:
                            undeclared.add(namespace)
                            yield Problem(where, f"source namespace {namespace!r} has no access decision (first use in"
                                                 f" {mapping.name}): add it to namespaces.yaml with `access: authenticated`"
                                                 f" (or mirror-only / public)", defect(inventory), "undeclared-namespace",
                                          namespace)
    for ns in inventory.namespaces:
        if ns.name not in used_namespaces and ns.render_manifests:
            yield Problem(inventory.locate(ns.file, "namespaces", ns.name, key=True),
                          f"namespace {ns.name!r} is declared but no mapping copies from it", Severity.WARNING)


def _insides(destinations: tuple[str, ...]) -> tuple[str, ...]:
    """What the repositories inside an org's destinations start with, none inside another (so that counting
    them in a text counts each repository once)."""
    prefixes = {destination.rstrip("/") + "/" for destination in destinations}
    return tuple(sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)))


def _destinations_named(destinations: tuple[str, ...]) -> str:
    return f"destination {destinations[0]}" if len(destinations) == 1 else f"destinations {', '.join(destinations)}"


@attrs.frozen
class _NamedIn:
    """Where a job first names a destination: one line, or a file read whole, whose line is looked up when
    another names the destination again."""

    file: str
    mapping: MappingFile
    line: Optional[MappingLine] = None

    # Built once, on the first repeat: a copied file repeats every destination of the original.
    @functools.cached_property
    def _line_of(self) -> dict[str, MappingLine]:
        return {destination: line for line in self.mapping.lines if not _holds_nothing(line.text)
                for destination in line.text.split(" ")[1:]}

    def line_naming(self, destination: str) -> MappingLine:
        return self.line if self.line is not None else self._line_of[destination]


# A job's destinations so far, each with where it is first written.
_Seen = dict[str, _NamedIn]


def _named_again(inventory: Inventory, where: Location, again: _NamedIn, first: _NamedIn, key: str, job: str) -> Problem:
    """A destination tag a job names a second time. Jobs run `oc image mirror -f` once per mapping file: within one
    file oc refuses the repeat and mirrors nothing of that file; across files both copies run, one after the other."""
    first_line = first.line_naming(key)
    if first.mapping is again.mapping:
        return Problem(where, f"destination {key} is named twice in {again.mapping.name} (first at line {first_line.number}):"
                              f" oc refuses a destination tag named twice and fails that file's whole run, so nothing in"
                              f" it is mirrored: keep one", defect(inventory), "duplicate-destination",
                       f"{again.mapping.name}: {key}")
    sources = [next(str(pair.source) for pair in line.pairs if pair.destination_key == key)
               for line in (first_line, again.line_naming(key))]
    names = sorted((first.mapping.name, again.mapping.name))
    if sources[0] == sources[1]:
        what = f"from the same source: {job} runs oc once per mapping file, so every run copies it twice"
    else:
        what = (f"from {sources[0]}: {job} runs oc once per mapping file, in file name order, so every run pushes"
                f" both and the tag flips between two images, ending on the one in {names[1]}")
    return Problem(where, f"destination {key} is also written by {first.mapping.name}"
                          f" ({Location(first.file, first_line.number)}), {what}: keep one", defect(inventory),
                   "destination-in-two-files", f"{key} in {names[0]} and {names[1]}")


def _holds_nothing(line: str) -> bool:
    """A blank line, or a comment without a TAB: nothing for check_mapping_lines to find in it."""
    return line.lstrip(" ")[:1] in ("", "#") and "\t" not in line


def _took_plain(lines: list[str], at: _NamedIn, insides: tuple[str, ...], seen_by_mirroring_jobs: list[tuple[_Seen, str]],
                declared: set[str], used_namespaces: set[str], source_registry: str) -> bool:
    """Record what `lines` (a whole file's, or one) name, written at `at`, and return True when they are plain
    (refs.PLAIN_LINES) and check_mapping_lines would find nothing in them. Otherwise record nothing and return
    False: the lines are then read reference by reference, and their findings come in the usual order. Each test
    runs on the whole text at once."""
    if "/" in source_registry:  # not a host (check_settings says so): leave the namespaces to the full reading
        return False
    text = "\n".join(lines)
    if not PLAIN_LINES.fullmatch(text) or any(registry in text for registry in DECOMMISSIONED_REGISTRIES):
        return False
    tokens = text.split()
    distinct = set(tokens)
    sources = [line[: line.index(" ")] for line in lines]
    # No reference written twice (so no destination repeats, and no source is also a destination), no source
    # whose digest is all that tells it from a destination (the same image), and every destination inside the
    # org's: single spaces separate the tokens, so there is one before each destination (and no repository is
    # inside two of `insides`).
    if (len(distinct) != len(tokens) or not distinct.isdisjoint(source.partition("@")[0] for source in sources if "@" in source)
            or sum(text.count(" " + inside) for inside in insides) != text.count(" ")):
        return False
    if not all(seen.keys().isdisjoint(tokens) for seen, _ in seen_by_mirroring_jobs):
        return False
    prefix = source_registry + "/"
    namespaces = {PLAIN_COMPONENT.match(source, len(prefix)).group() for source in sources if source.startswith(prefix)}
    if not namespaces <= declared:
        return False
    used_namespaces |= namespaces
    destinations = dict.fromkeys(distinct.difference(sources), at)
    for seen, _ in seen_by_mirroring_jobs:
        seen.update(destinations)
    return True


def check_namespaces(inventory: Inventory) -> Iterator[Problem]:
    for ns in inventory.namespaces:
        if not ns.render_manifests:
            continue  # written by hand: its name and access are whatever the folder's manifests say
        where = inventory.locate(ns.file, "namespaces", ns.name, key=True)
        yield from _label_problem(where, "namespace", ns.name)
        access_at = inventory.locate(ns.file, "namespaces", ns.name, "access")
        if ns.acknowledged is not None and ns.public_acknowledged is not None:
            yield Problem(inventory.locate(ns.file, "namespaces", ns.name, "public_acknowledged", key=True),
                          f"namespace {ns.name!r} sets both acknowledged and public_acknowledged, its older spelling:"
                          f" keep acknowledged")
        if ns.access is Access.PUBLIC and not ns.acknowledgement:
            yield Problem(access_at, f"namespace {ns.name!r} would let anyone, even unauthenticated, pull its images; state why"
                                     f" and who agreed in `acknowledged`, or choose authenticated / mirror-only")
        if ns.access is Access.AUTHENTICATED and not ns.acknowledgement:
            yield Problem(access_at, f"namespace {ns.name!r}: every authenticated user of the cluster can pull its images;"
                                     f" use mirror-only if only the mirroring jobs need them, or say why they may not and"
                                     f" who agreed in `acknowledged`", Severity.WARNING)


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


def check_job_order(inventory: Inventory) -> Iterator[Problem]:
    with_job = {org.name for org in inventory.orgs if org.job.enabled is not False}
    seen: set[str] = set()
    for index, name in enumerate(inventory.settings.job_order):
        where = inventory.locate(inventory.settings.file, "job_order", index)
        if name not in with_job:
            yield Problem(where, f"job_order names {name!r}, which is no org with a job: remove it or add orgs/{name}.yaml")
        elif name in seen:
            yield Problem(where, f"job_order names {name!r} twice: keep one")
        seen.add(name)


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
