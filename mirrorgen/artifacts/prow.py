"""The Prow periodics `periodic-image-mirroring-<org>` in ci-operator/jobs/infra-image-mirroring.yaml."""

from __future__ import annotations

import functools
from typing import Any

from .._compat import forward
from ..errors import Location
from ..inventory.jobs import ResolvedJob, job_labels, job_setting_location, resolve_job
from ..inventory.model import Inventory, Org
from ..inventory.overrides import deep_merge
from ..output import Output
from ..provenance import sequence_item_lines
from .mappings import configmap_layout
from .render import render

# The job names and labels this module had before issue 17, from inventory/jobs.py and rules/jobs.py, with a warning.
__getattr__ = forward(__name__)
JOBS_PATH = "ci-operator/jobs/infra-image-mirroring.yaml"
# Where the image-mirror image reads the push credentials and the mapping files.
CREDENTIALS_MOUNT = "/home/mirror/.docker/config.json"
MAPPINGS_MOUNT = "/etc/imagemirror"
# The lines of a periodic (prefix with its indentation in the canonical dump, how many lines) that render one job
# setting, so that drift reports and `explain` point at the setting's line rather than at the whole org.
_SETTING_LINES = {
    "  cluster: ": ("cluster", 1),
    "  cron: ": ("cron", 1),
    "  interval: ": ("interval", 1),
    "      image: ": ("image", 1),
    "      - name: MAPPING_FILE_PREFIX": ("mapping_prefix", 2),
    "      - name: dry_run": ("dry_run", 2),
    "          cpu: ": ("cpu_request", 1),
    "        secretName: ": ("secret_name", 1),
    "        subPath: ": ("credentials_key", 1),
}


def script_text(inventory: Inventory, job: ResolvedJob) -> str:
    # Plain replacement, not a template: inventory text is never compiled.
    return inventory.settings.scripts[job.script or ""].replace("{mapping_prefix}", job.mapping_prefix)


def periodic(inventory: Inventory, org: Org, job: ResolvedJob) -> dict[str, Any]:
    """The job exactly as the documented template writes it (seed 000), filled from the inventory."""
    labels = job_labels(job)
    home = {"name": "HOME", "value": "/home/mirror"}
    if job.script is None:
        run: dict[str, Any] = {
            "command": ["/tp-entrypoint.sh"],
            "env": [
                home,
                {"name": "MAPPING_FILE_PREFIX", "value": job.mapping_prefix},
                {"name": "dry_run", "value": "true" if job.dry_run else "false"},
            ],
        }
    else:
        run = {"args": ["-c", script_text(inventory, job)], "command": ["/bin/bash"], "env": [home]}
    container = {
        **run,
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
        "containers": [container],
        "volumes": [
            {"name": "push", "secret": {"secretName": job.secret_name}},
            {"configMap": {"name": configmap_layout(inventory).shard_of[org.name]}, "name": "config"},
        ],
    }
    if job.automount_token is not None:
        spec["automountServiceAccountToken"] = job.automount_token
    if job.service_account:
        spec["serviceAccountName"] = job.service_account
    rendered: dict[str, Any] = {
        "agent": "kubernetes",
        "cluster": job.cluster,
        "decorate": True,
        "labels": labels,
        "name": job.name,
        "spec": spec,
    }
    if job.interval is not None:
        rendered["interval"] = job.interval
    else:
        rendered["cron"] = job.cron
    if job.timeout is not None:
        rendered["decoration_config"] = {"timeout": job.timeout}
    return deep_merge(rendered, job.overrides)


def jobs_in_order(inventory: Inventory) -> list[Org]:
    """Orgs with a job, in `job_order` (the job file's order upstream keeps), then the rest in file order."""
    position = {name: i for i, name in enumerate(inventory.settings.job_order)}
    with_job = [org for org in inventory.orgs if org.job.enabled is not False]
    return sorted(with_job, key=lambda org: position.get(org.name, len(position)))


def plan_jobs(inventory: Inventory) -> list[Output]:
    periodics = [periodic(inventory, org, resolve_job(inventory.settings, org)) for org in jobs_in_order(inventory)]
    # No header: the job sanitizer in openshift/release rewrites files to its canonical form, dropping comments.
    text = render("documents.yaml.j2", source="", header=False, documents=[{**inventory.settings.job_file_extra, "periodics": periodics}])
    return [Output(JOBS_PATH, text, Location(inventory.settings.file), functools.partial(job_line_sources, inventory, text))]


def job_line_sources(inventory: Inventory, text: str) -> list[tuple[int, Location]]:
    """Each periodic traced to its org's `job:` entry, and each line that renders a setting to where it is set."""
    lines = text.split("\n")
    # The dump keeps list order, so the n-th top-level item is the periodic of the n-th org in job order.
    starts = sequence_item_lines(text)
    found = []
    for org, start, end in zip(jobs_in_order(inventory), starts, starts[1:] + [len(lines) + 1]):
        whole = inventory.locate(org.file, "job", key=True)
        found.append((start, whole))
        for number in range(start, end):
            line = lines[number - 1]
            for prefix, (setting, count) in _SETTING_LINES.items():
                if line.startswith(prefix):
                    found.append((number, job_setting_location(inventory, org, setting)))
                    found.append((number + count, whole))
    return found
