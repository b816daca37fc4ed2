"""An org's job as it runs: the global defaults applied to its own settings, its name and labels, and where each
setting is written."""

from __future__ import annotations

from typing import Any, Optional

from attrs import frozen

from ..errors import Location
from .model import ENTRYPOINT, SELF_SERVICE, Inventory, Org, Settings

# Every mapping file name starts with it (a job's MAPPING_FILE_PREFIX too), or it never reaches the ConfigMap.
MAPPING_PREFIX = "mapping_"
# The labels mirrorgen gives a job: an area and a role to every one, the rehearsal label to a dry run.
AREA_LABEL = "ci.openshift.io/area"
ROLE_LABEL = "ci.openshift.io/role"
REHEARSE_LABEL = "pj-rehearse.openshift.io/can-be-rehearsed"


@frozen
class ResolvedJob:
    """An org's job settings after applying the global defaults."""

    cluster: str
    cron: Optional[str]
    image: str
    dry_run: bool
    secret_name: str
    credentials_key: str
    cpu_request: str
    mapping_prefix: str
    service_account: Optional[str]
    secret_source: str = SELF_SERVICE
    enabled: bool = True
    name: str = ""
    interval: Optional[str] = None
    timeout: Optional[str] = None
    area: str = ""
    role: str = "image-mirroring"
    labels: dict[str, str] = {}
    script: Optional[str] = None
    automount_token: Optional[bool] = True
    overrides: dict[str, Any] = {}


def resolve_job(settings: Settings, org: Org) -> ResolvedJob:
    defaults, own = settings.jobs, org.job

    def pick(name: str) -> Any:
        value = getattr(own, name)
        return getattr(defaults, name) if value is None else value

    # An org's own cron or interval replaces the default schedule of either kind.
    own_schedule = own.cron is not None or own.interval is not None
    return ResolvedJob(
        cluster=pick("cluster"),
        cron=own.cron if own_schedule else defaults.cron,
        image=pick("image"),
        dry_run=pick("dry_run"),
        secret_name=pick("secret_name").replace("{org}", org.name),
        credentials_key=pick("credentials_key"),
        cpu_request=pick("cpu_request"),
        mapping_prefix=own.mapping_prefix if own.mapping_prefix is not None else f"mapping_{org.name}",
        service_account=pick("service_account"),
        secret_source=pick("secret_source"),
        enabled=own.enabled is not False,
        name=own.name if own.name is not None else f"periodic-image-mirroring-{org.name}",
        interval=own.interval if own_schedule else None,
        timeout=pick("timeout"),
        area=own.area if own.area is not None else org.name,
        role=pick("role"),
        labels=own.labels or {},
        script=None if pick("script") == ENTRYPOINT else pick("script"),
        automount_token=defaults.automount_token if own.automount_token is None else own.automount_token,
        overrides=own.overrides or {},
    )


def job_setting_location(inventory: Inventory, org: Org, name: str) -> Location:
    """Where the effective value of a job setting is written: the org's override, else the global default."""
    if name == "mapping_prefix" or getattr(org.job, name, None) is not None:
        return inventory.locate(org.file, "job", name)
    return inventory.locate(inventory.settings.file, "jobs", name)


def job_name(org: Org) -> str:
    return org.job.name or f"periodic-image-mirroring-{org.name}"


def job_labels(job: ResolvedJob) -> dict[str, str]:
    labels = {AREA_LABEL: job.area, ROLE_LABEL: job.role, **job.labels}
    if job.dry_run:
        labels[REHEARSE_LABEL] = "true"
    return labels
