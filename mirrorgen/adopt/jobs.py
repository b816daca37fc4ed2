"""Adopting the job file: each periodic's settings, the mapping files it mirrors, and where its push secret comes from."""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

import attrs

from ..artifacts.prow import JOBS_PATH, MAPPINGS_MOUNT
from ..errors import InvalidInventory, Location
from ..inventory.jobs import AREA_LABEL, REHEARSE_LABEL, ROLE_LABEL
from ..inventory.model import ENTRYPOINT, EXTERNAL, SELF_SERVICE, ConfigMapSettings, JobDefaults
from ..inventory.refs import is_dns1123_label
from ..inventory.yamlsource import parse_yaml
from .reading import Problems, utf8_text
from .secrets import BOOTSTRAP_PATH, provisioned_secrets

JOB_NAME_PREFIX = "periodic-image-mirroring-"
PREFIX_PLACEHOLDER = "{mapping_prefix}"
# How a hand-written script names the files it mirrors: a glob over the mounted ConfigMap.
_GLOB = re.compile(re.escape(MAPPINGS_MOUNT) + r"/([-._a-zA-Z0-9]*)\*")


def _get(value: Any, *path: Any) -> Any:
    for step in path:
        if isinstance(value, dict) and isinstance(step, str) and step in value:
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value


def _named(items: Any, name: str) -> Any:
    return next((item for item in items if isinstance(item, dict) and item.get("name") == name), None) if isinstance(items, list) else None


def _str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


class Job:
    """One periodic of the job file: the fields the inventory structures, and where the job is."""

    def __init__(self, raw: dict[str, Any], line: int, fields: dict[str, Any], prefix: str, script: Optional[str]):
        self.raw, self.line, self.fields, self.prefix, self.script = raw, line, fields, prefix, script
        self.name: str = raw.get("name", "")
        self.suffix = self.name[len(JOB_NAME_PREFIX):] if self.name.startswith(JOB_NAME_PREFIX) else self.name


def _read_job(raw: Any, line: int, problems: Problems) -> Optional[Job]:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        problems.add(JOBS_PATH, line, "a periodic without a `name`: mirrorgen cannot tell which org it belongs to")
        return None
    labels = raw.get("labels") if isinstance(raw.get("labels"), dict) else {}
    container = _get(raw, "spec", "containers", 0)
    fields: dict[str, Any] = {
        "cluster": _str(raw.get("cluster")),
        "cron": _str(raw.get("cron")),
        "interval": _str(raw.get("interval")),
        "timeout": _str(_get(raw, "decoration_config", "timeout")),
        "area": _str(labels.get(AREA_LABEL)),
        "role": _str(labels.get(ROLE_LABEL)),
        "labels": {k: v for k, v in labels.items() if k not in (AREA_LABEL, ROLE_LABEL) and isinstance(v, str)} or None,
        "image": _str(_get(container, "image")),
        "cpu_request": _str(_get(container, "resources", "requests", "cpu")),
        "credentials_key": _str(_get(_named(_get(container, "volumeMounts"), "push"), "subPath")),
        "secret_name": _str(_get(_named(_get(raw, "spec", "volumes"), "push"), "secret", "secretName")),
        "automount_token": _get(raw, "spec", "automountServiceAccountToken"),
    }
    if not isinstance(fields["automount_token"], bool):
        fields["automount_token"] = None
    command, args = _get(container, "command"), _get(container, "args")
    env = _get(container, "env")
    if command == ["/tp-entrypoint.sh"]:
        prefix = _str(_get(_named(env, "MAPPING_FILE_PREFIX"), "value"))
        fields["dry_run"] = _get(_named(env, "dry_run"), "value") == "true"
        fields["script"] = ENTRYPOINT
        script = None
    elif command == ["/bin/bash"] and isinstance(args, list) and len(args) == 2 and args[0] == "-c" and isinstance(args[1], str):
        script = args[1]
        globs = sorted(set(_GLOB.findall(script)))
        prefix = globs[0] if len(globs) == 1 else None
        if PREFIX_PLACEHOLDER in script:
            problems.add(JOBS_PATH, line, f"the script of {raw['name']} contains {PREFIX_PLACEHOLDER!r}, which mirrorgen"
                                          " uses as its placeholder for the mapping prefix")
            return None
        if prefix is None:
            found = ", ".join(globs) or "none"
            problems.add(JOBS_PATH, line, f"the script of {raw['name']} must name exactly one `{MAPPINGS_MOUNT}/<prefix>*`"
                                          f" glob, the mapping files it mirrors (found: {found})")
            return None
        script = script.replace(f"{MAPPINGS_MOUNT}/{prefix}*", f"{MAPPINGS_MOUNT}/{PREFIX_PLACEHOLDER}*")
    else:
        problems.add(JOBS_PATH, line, f"{raw['name']} runs neither /tp-entrypoint.sh nor `/bin/bash -c SCRIPT`:"
                                      " mirrorgen cannot tell which mapping files it mirrors")
        return None
    if prefix is None:
        problems.add(JOBS_PATH, line, f"{raw['name']} sets no MAPPING_FILE_PREFIX")
        return None
    if fields["labels"] and fields.get("dry_run"):
        fields["labels"].pop(REHEARSE_LABEL, None)
    return Job(raw, line, fields, prefix, script)


def read_jobs(files: Mapping[str, bytes], problems: Problems) -> tuple[list[Job], dict[str, Any]]:
    """The periodics, and the file's other top-level keys (presubmits, ...), which the inventory keeps as they are."""
    text = utf8_text(files, JOBS_PATH, problems)
    if text is None:
        return [], {}
    try:
        data, source = parse_yaml(text, JOBS_PATH)
    except InvalidInventory as invalid:
        problems.found.extend(invalid.problems)
        return [], {}
    if not isinstance(data, dict):
        problems.add(JOBS_PATH, 1, "the job file must be a mapping with a `periodics` list")
        return [], {}
    extra = {key: value for key, value in data.items() if key != "periodics"}
    periodics = data.get("periodics")
    if not isinstance(periodics, list):
        problems.add(JOBS_PATH, 1, "`periodics` must be a list of jobs")
        return [], extra
    jobs = [_read_job(raw, source.locate(("periodics", i)).line, problems) for i, raw in enumerate(periodics)]
    seen: dict[str, int] = {}
    for job in filter(None, jobs):
        if job.name in seen:
            problems.add(JOBS_PATH, job.line, f"job {job.name} is defined twice (first at line {seen[job.name]}): Prow rejects that")
        seen.setdefault(job.name, job.line)
    return [job for job in jobs if job is not None], extra


@attrs.frozen
class SecretSource:
    """Where an imported job's push secret comes from, the release file and line that tell, and why."""

    secret: str
    source: str  # SELF_SERVICE or EXTERNAL
    location: Location
    reason: str


def job_secret_sources(files: Mapping[str, bytes], jobs: list[Job], problems: Problems) -> dict[str, SecretSource]:
    """Job name → where its push secret comes from: ci-secret-bootstrap's configuration when the checkout has it
    and it provisions the secret for the job's cluster and namespace, else the name's shape (a name that is no
    DNS-1123 label cannot be a self-service Vault item's secretsync/target-name)."""
    provisioned = None
    if BOOTSTRAP_PATH in files:
        try:
            provisioned = provisioned_secrets(files[BOOTSTRAP_PATH])
        except InvalidInventory as invalid:
            problems.found.extend(invalid.problems)
            return {}
    namespace = ConfigMapSettings().namespace
    elsewhere = f"not provisioned by {BOOTSTRAP_PATH}" if provisioned is not None else f"the checkout has no {BOOTSTRAP_PATH}"
    found = {}
    for job in jobs:
        secret = job.fields["secret_name"]
        if secret is None:
            continue
        cluster = job.fields["cluster"] or JobDefaults().cluster
        entry = (provisioned or {}).get((cluster, namespace, secret))
        if entry is not None:
            missing = job.fields["credentials_key"] not in (*entry.keys, None)
            keys = f"; it holds {', '.join(entry.keys)}, not the {job.fields['credentials_key']} the job mounts" if missing else ""
            found[job.name] = SecretSource(secret, EXTERNAL, entry.location, f"ci-secret-bootstrap provisions it here{keys}")
        elif not is_dns1123_label(secret):
            found[job.name] = SecretSource(secret, EXTERNAL, Location(JOBS_PATH, job.line),
                                           f"{elsewhere}, and its name is no DNS-1123 label, which a self-service Vault"
                                           f" item's secretsync/target-name must be: provisioned elsewhere")
        else:
            found[job.name] = SecretSource(secret, SELF_SERVICE, Location(JOBS_PATH, job.line),
                                           f"{elsewhere}: a self-service Vault item, which mirrorgen lists; if it comes"
                                           f" from elsewhere, set job.secret_source: {EXTERNAL}")
    # One Secret name has one source (validation insists): provisioned for one job's cluster, it is for all, and
    # the bootstrap entry is the reason given.
    external: dict[str, SecretSource] = {}
    for decision in sorted(found.values(), key=lambda decision: decision.location.file != BOOTSTRAP_PATH):
        if decision.source == EXTERNAL:
            external.setdefault(decision.secret, decision)
    return {name: external.get(decision.secret, decision) for name, decision in found.items()}


def secret_sources(files: Mapping[str, bytes]) -> list[tuple[SecretSource, list[str]]]:
    """What import decides about each push secret, with the jobs mounting it (for the command to say so)."""
    problems = Problems()
    jobs, _ = read_jobs(files, problems)
    by_decision: dict[SecretSource, list[str]] = {}
    for name, decision in job_secret_sources(files, jobs, problems).items():
        by_decision.setdefault(decision, []).append(name)
    return sorted(by_decision.items(), key=lambda item: (item[0].location, item[0].secret))
