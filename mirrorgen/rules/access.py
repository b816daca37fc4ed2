"""Rules that keep `mirror-only` access workable: the binding names one ServiceAccount, which must be the one the
mirroring pods really run as, in the namespace they really run in, on the cluster that holds the binding."""

from __future__ import annotations

from typing import Iterator

from ..errors import Problem, Severity
from ..inventory.jobs import job_setting_location
from ..inventory.model import REGISTRY_CLUSTER, Inventory
from ..inventory.readers import enabled_jobs, mirror_only_readers



def check_job_namespace(inventory: Inventory) -> Iterator[Problem]:
    """The job pods mount the ConfigMap and the push secret, so both must live in the namespace the pods run in;
    that is also where the mirror-only binding looks for the ServiceAccount."""
    settings = inventory.settings
    if settings.configmap.namespace != settings.vault.target_namespace:
        yield Problem(inventory.locate(settings.file, "vault", "target_namespace"),
                      f"vault.target_namespace {settings.vault.target_namespace!r} differs from configmap.namespace"
                      f" {settings.configmap.namespace!r}: the job pods mount both the push secret and the ConfigMap, so"
                      f" they must be in the same namespace")


def check_mirror_only_readers(inventory: Inventory) -> Iterator[Problem]:
    """A mirror-only namespace lets in only the ServiceAccounts of the jobs that read from it, on its own cluster:
    each such job must run there, as a named ServiceAccount (where mirrorgen writes the binding)."""
    rendered = {ns.name for ns in inventory.namespaces if ns.render_manifests}
    jobs = enabled_jobs(inventory)
    orgs = {org.name: org for org in inventory.orgs}
    for namespace, readers in mirror_only_readers(inventory).items():
        for name, where in readers.items():
            job, org = jobs[name], orgs[name]
            if job.cluster != REGISTRY_CLUSTER:
                yield Problem(where, f"namespace {namespace!r} is mirror-only, so only ServiceAccounts on {REGISTRY_CLUSTER}"
                                     f" may pull from it, but {job.name}, which reads from it here, runs on"
                                     f" {job.cluster!r} (set at {job_setting_location(inventory, org, 'cluster')}):"
                                     f" run the job on {REGISTRY_CLUSTER} or choose another access level")
            elif namespace in rendered and not job.service_account:
                yield Problem(where, f"namespace {namespace!r} is mirror-only, but {job.name}, which reads from it here,"
                                     f" runs as no named ServiceAccount for its image-puller binding to name: set"
                                     f" job.service_account in {org.file} (or jobs.service_account in"
                                     f" {inventory.settings.file} for every job)")


def check_service_account_clusters(inventory: Inventory) -> Iterator[Problem]:
    """mirrorgen writes the jobs' ServiceAccounts for app.ci only: a job elsewhere would not find its account."""
    orgs = {org.name: org for org in inventory.orgs}
    for name, job in enabled_jobs(inventory).items():
        if job.service_account and job.cluster != REGISTRY_CLUSTER:
            yield Problem(job_setting_location(inventory, orgs[name], "service_account"),
                          f"{job.name} runs on {job.cluster!r}, where mirrorgen creates no ServiceAccount (it writes them"
                          f" for {REGISTRY_CLUSTER} only): create {job.service_account!r} in namespace"
                          f" {inventory.settings.configmap.namespace!r} on {job.cluster!r} yourself, or run the job on"
                          f" {REGISTRY_CLUSTER}", Severity.WARNING)
