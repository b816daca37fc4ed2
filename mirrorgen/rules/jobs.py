"""Rules for each org's job as Prow runs it: name, schedule, image, labels, script, and where its push secret comes from."""

from __future__ import annotations

import re
from typing import Callable, Iterator

from ..errors import Location, Problem, Severity
from ..inventory.cron import cron_error, go_duration_seconds
from ..inventory.jobs import (
    AREA_LABEL, MAPPING_PREFIX, ROLE_LABEL, ResolvedJob, job_labels, job_name, job_setting_location, resolve_job,
)
from ..inventory.model import ENTRYPOINT, EXTERNAL, SECRET_SOURCES, SELF_SERVICE, Inventory, Org
from ..inventory.readers import enabled_jobs
from ..inventory.refs import (
    ReferenceError, dns1123_hint, is_configmap_key, is_dns1123_label, is_dns1123_subdomain, is_label_key, is_label_value,
    parse_image_ref,
)
from .known_defects import defect
from .names import CLUSTER

MAX_JOB_NAME = 63
# Prow's rule for the name of a job run by its kubernetes agent.
JOB_NAME_RE = re.compile(r"[-._A-Za-z0-9]+")
# Labels Prow puts on every job's pods itself; it refuses a job that sets them (decorate.Labels()).
PROW_LABELS = ("prow.k8s.io/type", "created-by-prow", "prow.k8s.io/id")
CPU_QUANTITY_RE = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:m|[kMGTPE]|[KMGTPE]i)?")


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
        if not JOB_NAME_RE.fullmatch(name):
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
            shorten = "job.name" if org.job.name is not None else "the org name, or set a shorter job.name"
            yield Problem(name_at, f"job name {name!r} is {len(name)} characters; Prow allows {MAX_JOB_NAME}"
                                   f" (it becomes a label): shorten {shorten}", defect(inventory),
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
        if not CLUSTER.fullmatch(job.cluster):
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
        if not CPU_QUANTITY_RE.fullmatch(job.cpu_request):
            yield Problem(at("cpu_request"), f"cpu_request {job.cpu_request!r} is not a Kubernetes CPU quantity such as 500m or 1")
        if not job.mapping_prefix.startswith(MAPPING_PREFIX) or not is_configmap_key(job.mapping_prefix):
            yield Problem(at("mapping_prefix"), f"mapping_prefix {job.mapping_prefix!r} must start with {MAPPING_PREFIX!r} and use only [-._a-zA-Z0-9]")


def check_push_secrets(inventory: Inventory) -> Iterator[Problem]:
    """Where each job's push secret comes from, the names that source allows, and one key per shared secret."""
    first: dict[str, tuple[Org, ResolvedJob]] = {}
    orgs = {org.name: org for org in inventory.orgs}
    for org, job in ((orgs[name], job) for name, job in enabled_jobs(inventory).items()):
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
        clusters = inventory.settings.vault.target_clusters
        if job.secret_source == SELF_SERVICE and clusters and job.cluster not in clusters:
            # ci-secret-bootstrap syncs an item only to its secretsync/target-clusters (empty: every cluster).
            yield Problem(at("cluster"), f"the job runs on cluster {job.cluster!r}, but its push secret's Vault item is"
                                         f" synced only to {', '.join(clusters)} (vault target_clusters in"
                                         f" {inventory.settings.file}), so the job finds no secret there: add"
                                         f" {job.cluster!r} to vault target_clusters, or run the job on one of those")
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
