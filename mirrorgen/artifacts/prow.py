"""The Prow periodics `periodic-image-mirroring-<org>` in ci-operator/jobs/infra-image-mirroring.yaml."""

from __future__ import annotations

from typing import Any

from ..errors import Location
from ..model import Inventory, Org, ResolvedJob, job_setting_location, resolve_job
from ..output import Output
from ..provenance import line_sources, sequence_item_lines
from ..render import render

JOBS_PATH = "ci-operator/jobs/infra-image-mirroring.yaml"
REHEARSE_LABEL = "pj-rehearse.openshift.io/can-be-rehearsed"
# Where the image-mirror image reads the push credentials and the mapping files.
CREDENTIALS_MOUNT = "/home/mirror/.docker/config.json"
MAPPINGS_MOUNT = "/etc/imagemirror"
# The lines of a periodic (stripped prefix, how many lines) that render one job setting, so that drift reports
# and `explain` point at the setting's line rather than at the whole org. Each prefix occurs once per periodic.
_SETTING_LINES = {
    "cluster: ": ("cluster", 1),
    "cron: ": ("cron", 1),
    "image: ": ("image", 1),
    "- name: MAPPING_FILE_PREFIX": ("mapping_prefix", 2),
    "- name: dry_run": ("dry_run", 2),
    "cpu: ": ("cpu_request", 1),
    "secretName: ": ("secret_name", 1),
    "subPath: ": ("credentials_key", 1),
}


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
            {"configMap": {"name": inventory.settings.configmap.name}, "name": "config"},
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
    return [Output(JOBS_PATH, text, Location(inventory.settings.file), job_line_sources(inventory, text))]


def job_line_sources(inventory: Inventory, text: str) -> tuple[tuple[int, Location], ...]:
    """Each periodic traced to its org's `job:` entry, and each line that renders a setting to where it is set."""
    lines = text.split("\n")
    # The dump keeps list order, so the n-th top-level item is the n-th org's periodic.
    starts = sequence_item_lines(text)
    found = []
    for org, start, end in zip(inventory.orgs, starts, starts[1:] + [len(lines) + 1]):
        whole = inventory.locate(org.file, "job", key=True)
        found.append((start, whole))
        for number in range(start, end):
            stripped = lines[number - 1].strip()
            for prefix, (setting, count) in _SETTING_LINES.items():
                if stripped.startswith(prefix):
                    found.append((number, job_setting_location(inventory, org, setting)))
                    found.append((number + count, whole))
    return line_sources(found)
