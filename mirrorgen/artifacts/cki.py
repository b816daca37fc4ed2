"""CKI deployment-all: the IMAGES vars, the img-mirror mapping and schedule, and the Renovate config."""

from __future__ import annotations

import re
from typing import Any

from ..inventory.images import CkiImage, parse_cki_images
from ..inventory.model import ImagesFile, Inventory
from ..output import Output
from .render import HEADER, render

DEPLOYMENT_DIR = "deployment-all"
VARS_PATH = f"{DEPLOYMENT_DIR}/vars.yml"
MAPPING_PATH = f"{DEPLOYMENT_DIR}/img-mirror/mapping.txt"
SCHEDULE_PATH = f"{DEPLOYMENT_DIR}/gitlab-repo-config/pipeline-schedules.yml"
RENOVATE_PATH = f"{DEPLOYMENT_DIR}/renovate.json"
IMG_MIRROR_JOB = "img-mirror"
RENOVATE_SCHEMA = "https://docs.renovatebot.com/renovate-schema.json"
# Self-hosted Renovate must allow this command (allowedCommands) for the post-upgrade task to run.
POST_UPGRADE_COMMAND = "make generate"


def _re2_escape(text: str) -> str:
    """`text` as a literal in an RE2 pattern (Renovate's engine; Python's re.escape output is not all RE2).
    Non-ASCII characters stay as they are: RE2, and JavaScript in `u` mode, refuse a backslash before them."""
    return re.sub(r"([^A-Za-z0-9/_: \x80-\U0010ffff-])", r"\\\1", text)


def renovate_match_string(spec: ImagesFile) -> str:
    """The regex (RE2) matching one IMAGES line, capturing the upstream image whether mirrored or not.

    Renovate applies it to the whole file with only the `g` flag, so a line start is written `(?:^|\\n)`.
    """
    mirror = _re2_escape(spec.mirror_prefix.rstrip("/") + "/")
    return (
        # A name YAML would read as another type (`true`, `null`, `yes`) is written quoted.
        r"""(?:^|\n)[ \t]*["']?(?<depName>[A-Za-z_][A-Za-z0-9_]*)["']?:[ \t]+["']?"""
        rf"(?:{mirror})?"
        # The registry as the reference grammar takes it: a host name, or an IPv6 literal in brackets.
        r"(?<packageName>(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?/[a-z0-9._/-]+)"
        r":(?<currentValue>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})"
        r"@(?<currentDigest>sha256:[a-f0-9]{64})"
    )


def renovate_config(inventory: Inventory, spec: ImagesFile) -> dict[str, Any]:
    manager = {
        "customType": "regex",
        "description": f"IMAGES in {spec.repository_path}: look each image up where it lives (a mirrored one upstream)",
        "managerFilePatterns": [f"/^{_re2_escape(spec.repository_path)}$/"],
        "matchStrings": [renovate_match_string(spec)],
        "datasourceTemplate": "docker",
        "versioningTemplate": "docker",
    }
    config: dict[str, Any] = {"$schema": RENOVATE_SCHEMA, "customManagers": [manager]}
    if inventory.settings.header:
        config["description"] = [HEADER.format(source=spec.file)]
    if spec.renovate_post_upgrade_tasks:
        # The bump lands in the inventory; regenerating in the same branch keeps `mirrorgen check` green.
        config["postUpgradeTasks"] = {"commands": [POST_UPGRADE_COMMAND], "executionMode": "branch"}
    return config


def images_vars(spec: ImagesFile, images: list[CkiImage]) -> dict[str, Any]:
    return {
        "IMAGES": {image.name: str(image.reference) for image in images},
        "MP_APPROVED_REGISTRIES": list(spec.approved_registries),
    }


def mirror_lines(images: list[CkiImage]) -> list[str]:
    """`oc image mirror` lines: the upstream pinned by digest (and tag, for people) → the mirror's tag."""
    lines = (f"{image.upstream} {image.reference.repository}:{image.reference.tag}" for image in images if image.mirrored)
    return list(dict.fromkeys(lines))


def pipeline_schedules(spec: ImagesFile) -> list[dict[str, Any]]:
    """The schedule in the fields of GitLab's pipeline schedule API."""
    schedule = spec.schedule
    return [{
        "description": schedule.description,
        "ref": schedule.branch,
        "cron": schedule.cron,
        "cron_timezone": schedule.timezone,
        "active": True,
        "variables": [{"key": "ONLY_JOB_NAME", "value": IMG_MIRROR_JOB, "variable_type": "env_var"}],
    }]


def plan_cki(inventory: Inventory) -> list[Output]:
    spec = inventory.images
    if spec is None:
        return []
    images, _ = parse_cki_images(inventory)
    header = inventory.settings.header
    top = inventory.locate(spec.file)
    return [
        Output(VARS_PATH, render("documents.yaml.j2", source=spec.file, header=header,
                                 documents=[images_vars(spec, images)]), inventory.locate(spec.file, "images", key=True)),
        Output(MAPPING_PATH, render("mapping.txt.j2", source=spec.file, header=header,
                                    text="".join(f"{line}\n" for line in mirror_lines(images))),
               inventory.locate(spec.file, "images", key=True)),
        Output(SCHEDULE_PATH, render("documents.yaml.j2", source=spec.file, header=header,
                                     documents=[pipeline_schedules(spec)]), inventory.locate(spec.file, "schedule", key=True)),
        Output(RENOVATE_PATH, render("document.json.j2", source=spec.file, header=False,
                                     document=renovate_config(inventory, spec)), top),
    ]
