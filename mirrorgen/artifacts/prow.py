"""The Prow periodics `periodic-image-mirroring-<org>` in ci-operator/jobs/infra-image-mirroring.yaml."""

from __future__ import annotations

from typing import Any

from ..errors import Location
from ..model import Inventory, Org, ResolvedJob, resolve_job
from ..output import Output
from ..render import render
from .shards import configmap_layout

JOBS_PATH = "ci-operator/jobs/infra-image-mirroring.yaml"
REHEARSE_LABEL = "pj-rehearse.openshift.io/can-be-rehearsed"
# Where the image-mirror image reads the push credentials and the mapping files.
CREDENTIALS_MOUNT = "/home/mirror/.docker/config.json"
MAPPINGS_MOUNT = "/etc/imagemirror"


def job_name(org: Org) -> str:
    return f"periodic-image-mirroring-{org.name}"


def periodic(inventory: Inventory, org: Org, job: ResolvedJob) -> dict[str, Any]:
    """The job exactly as the documented template writes it (seed 000), filled from the inventory."""
    labels = {"ci.openshift.io/area": org.name, "ci.openshift.io/role": "image-mirroring"}
    if job.dry_run:
        labels[REHEARSE_LABEL] = "true"
    container = {
        "command": ["/tp-entrypoint.sh"],
        "env": [
            {"name": "HOME", "value": "/home/mirror"},
            {"name": "MAPPING_FILE_PREFIX", "value": job.mapping_prefix},
            {"name": "dry_run", "value": "true" if job.dry_run else "false"},
        ],
        "image": job.image,
        "imagePullPolicy": "Always",
        "name": "",
        "resources": {"requests": {"cpu": job.cpu_request}},
        "volumeMounts": [
            {"mountPath": CREDENTIALS_MOUNT, "name": "push", "readOnly": True, "subPath": job.credentials_key},
            {"mountPath": MAPPINGS_MOUNT, "name": "config"},
        ],
    }
    spec: dict[str, Any] = {
        "automountServiceAccountToken": True,
        "containers": [container],
        "volumes": [
            {"name": "push", "secret": {"secretName": job.secret_name}},
            {"configMap": {"name": configmap_layout(inventory).shard_of[org.name]}, "name": "config"},
        ],
    }
    if job.service_account:
        spec["serviceAccountName"] = job.service_account
    return {
        "agent": "kubernetes",
        "cluster": job.cluster,
        "cron": job.cron,
        "decorate": True,
        "labels": labels,
        "name": job_name(org),
        "spec": spec,
    }


def plan_jobs(inventory: Inventory) -> list[Output]:
    periodics = [periodic(inventory, org, resolve_job(inventory.settings, org)) for org in inventory.orgs]
    # No header: the job sanitizer in openshift/release rewrites files to its canonical form, dropping comments.
    text = render("documents.yaml.j2", source="", header=False, documents=[{"periodics": periodics}])
    return [Output(JOBS_PATH, text, Location(inventory.settings.file))]
