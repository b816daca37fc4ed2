"""Import: an openshift/release checkout → an inventory that generates the same files again (lossless or loud).

`read_release` (shell) collects the files that matter; `import_release` (pure) converts them and then renders the
result and compares it with the source: the job file byte for byte, every mapping file line for line (whitespace
normalised), every OWNERS file byte for byte. What the inventory cannot express is an error naming the release
file and line, never a silent difference. What it expresses but a consumer would object to (duplicate
destinations, TABs, unmatched prefixes ...) is imported as is and left to `mirrorgen validate`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import attrs
import yaml

from ..artifacts import canonical_yaml
from ..artifacts.mappings import MIRRORING_DIR
from ..artifacts.owners import owners_text
from ..artifacts.prow import JOBS_PATH, MAPPINGS_MOUNT, periodic
from ..artifacts.rbac import REGISTRY_ACCESS_DIR
from ..errors import InvalidInventory, Location, MirrorgenError, Problem, Severity
from .registry_access import MIRROR_ONLY, PUBLIC, folder_access
from ..inventory.load import KNOWN_DEFECTS_FILE, NAMESPACES_FILE, ORGS_DIR, SETTINGS_FILE, parse_inventory
from ..inventory.model import (
    ENTRYPOINT, EXTERNAL, SELF_SERVICE, ConfigMapSettings, Inventory, JobDefaults, JobOverrides, Org, Owners, Settings,
)
from ..inventory.jobs import resolve_job
from ..inventory.overrides import overrides_between
from ..plan import plan
from ..artifacts.render import comment_text
from .secrets import BOOTSTRAP_PATH, provisioned_secrets
from ..inventory.refs import ReferenceError, dns1123_hint, is_dns1123_label, mapping_pairs, split_mapping_line
from ..rules import validate
from ..rules.mapping_files import MAPPING_PREFIX
from ..inventory.yamlsource import parse_yaml

# Prow's plugin configuration: its config-updater section says how the mapping files reach the ConfigMap.
PLUGINS_PATH = "core-services/prow/02_config/_plugins.yaml"

JOB_NAME_PREFIX = "periodic-image-mirroring-"
AREA_LABEL = "ci.openshift.io/area"
ROLE_LABEL = "ci.openshift.io/role"
PREFIX_PLACEHOLDER = "{mapping_prefix}"
# How a hand-written script names the files it mirrors: a glob over the mounted ConfigMap.
_GLOB = re.compile(re.escape(MAPPINGS_MOUNT) + r"/([-._a-zA-Z0-9]*)\*")
# Characters YAML cannot hold in a `|` block (the inventory keeps mapping lines readable, one per line).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]")
# Job fields whose most common value becomes the global default (JobDefaults), the rest per-org overrides.
_DEFAULTED = ("cluster", "cron", "image", "credentials_key", "cpu_request", "role", "script", "automount_token", "timeout",
              "secret_source")


def read_release(root: str | Path) -> dict[str, bytes]:
    """Shell side: the job file and every file one level below the org and registry-access folders."""
    root = Path(root)
    if not (root / JOBS_PATH).is_file():
        raise MirrorgenError(f"{root}: no {JOBS_PATH}; is --release-repo an openshift/release checkout?")
    files = {JOBS_PATH: (root / JOBS_PATH).read_bytes()}
    for extra in (PLUGINS_PATH, BOOTSTRAP_PATH):
        if (root / extra).is_file():
            files[extra] = (root / extra).read_bytes()
    for top in (MIRRORING_DIR, REGISTRY_ACCESS_DIR):
        base = root / top
        for folder in sorted(base.iterdir()) if base.is_dir() else ():
            if not folder.is_dir():
                continue  # files beside the org folders (README, tool configuration) are not per-org
            for path in sorted(folder.iterdir()):
                relative = path.relative_to(root).as_posix()
                # A sub-folder is recorded by name so that nothing in an org folder goes unmentioned.
                files[relative + "/" if path.is_dir() else relative] = b"" if path.is_dir() else path.read_bytes()
    # applyconfig applies registry-access manifests in sub-folders too, and they may say who can pull.
    access = root / REGISTRY_ACCESS_DIR
    for path in sorted(access.rglob("*.yaml")) if access.is_dir() else ():
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative not in files:
            files[relative] = path.read_bytes()
    # config-updater takes mapping files from any depth; those not directly in an org folder are refused by name.
    for path in sorted((root / MIRRORING_DIR).rglob(MAPPING_PREFIX + "*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative not in files:
            files[relative] = b""
    return files


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, file: str, line: int, message: str) -> None:
        self.found.append(Problem(Location(file, line), message))


def _text(files: Mapping[str, bytes], path: str, problems: _Problems) -> Optional[str]:
    try:
        return files[path].decode("utf-8")
    except UnicodeDecodeError as exc:
        line = files[path][: exc.start].count(b"\n") + 1
        problems.add(path, line, "not UTF-8 text; mirrorgen cannot carry it into the inventory: save it as UTF-8")
        return None


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


# --- the job file -------------------------------------------------------------------------------------------


class _Job:
    """One periodic of the job file: the fields the inventory structures, and where the job is."""

    def __init__(self, raw: dict[str, Any], line: int, fields: dict[str, Any], prefix: str, script: Optional[str]):
        self.raw, self.line, self.fields, self.prefix, self.script = raw, line, fields, prefix, script
        self.name: str = raw.get("name", "")
        self.suffix = self.name[len(JOB_NAME_PREFIX):] if self.name.startswith(JOB_NAME_PREFIX) else self.name


def _read_job(raw: Any, line: int, problems: _Problems) -> Optional[_Job]:
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
        fields["labels"].pop("pj-rehearse.openshift.io/can-be-rehearsed", None)
    return _Job(raw, line, fields, prefix, script)


def _read_jobs(files: Mapping[str, bytes], problems: _Problems) -> tuple[list[_Job], dict[str, Any]]:
    """The periodics, and the file's other top-level keys (presubmits, ...), which the inventory keeps as they are."""
    text = _text(files, JOBS_PATH, problems)
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


# --- where the push secrets come from -------------------------------------------------------------------------


@attrs.frozen
class SecretSource:
    """Where an imported job's push secret comes from, the release file and line that tell, and why."""

    secret: str
    source: str  # SELF_SERVICE or EXTERNAL
    location: Location
    reason: str


def _secret_sources(files: Mapping[str, bytes], jobs: list[_Job], problems: _Problems) -> dict[str, SecretSource]:
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
    problems = _Problems()
    jobs, _ = _read_jobs(files, problems)
    by_decision: dict[SecretSource, list[str]] = {}
    for name, decision in _secret_sources(files, jobs, problems).items():
        by_decision.setdefault(decision, []).append(name)
    return sorted(by_decision.items(), key=lambda item: (item[0].location, item[0].secret))


# --- the org and registry-access folders --------------------------------------------------------------------


def _folders(files: Mapping[str, bytes], top: str) -> dict[str, list[str]]:
    """folder → the names one level below it (a sub-folder as `name/`)."""
    folders: dict[str, list[str]] = {}
    for path in files:
        if path.startswith(top + "/"):
            folder, _, name = path[len(top) + 1:].partition("/")
            if name and "/" not in name.rstrip("/"):
                folders.setdefault(folder, []).append(name)
    return {folder: sorted(names) for folder, names in sorted(folders.items())}


def _owners(files: Mapping[str, bytes], path: str, problems: _Problems) -> dict[str, Any]:
    """Owners as structured lists when they render back to the same bytes, else the file verbatim."""
    if path not in files:
        return {"write": False}
    text = _text(files, path, problems)
    if text is None:
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict) and set(data) <= {"approvers", "reviewers"} and all(
        isinstance(v, list) and all(isinstance(n, str) for n in v) for v in data.values()
    ):
        structured = {role: list(names) for role, names in data.items()}
        owners = Owners(**{role: tuple(names) for role, names in structured.items()})
        if owners_text(owners, source="", header=False) == text:
            return structured
    return {"verbatim": text}


def _check_mapping_text(path: str, text: str, problems: _Problems) -> None:
    """The inventory keeps a mapping file's text exactly; only characters oc would read as part of a reference
    are refused (a CR ending a line is not: oc drops it)."""
    for number, line in enumerate(text.split("\n"), 1):
        bad = _UNPRINTABLE.search(line.removesuffix("\r"))
        if bad:
            problems.add(path, number, f"control character {bad.group()!r}: oc reads it as part of a reference; delete it")


def _holds_mapping_lines(data: bytes) -> bool:
    # Not mirrorgen's file, so any encoding: what does not decode cannot be a reference either.
    for line in data.decode("utf-8", "replace").splitlines():
        tokens = split_mapping_line(line).tokens
        try:
            if tokens and mapping_pairs(tokens):
                return True
        except ReferenceError:
            continue
    return False


def _destinations(mappings: dict[str, str], fallback: str) -> str | list[str]:
    """Every registry and organisation the org's lines write to, the most used first: lint then finds no
    destination outside them (the import chose them; it has nothing to warn about)."""
    counts: Counter[str] = Counter()
    for text in mappings.values():
        for line in text.split("\n"):
            try:
                pairs = mapping_pairs(split_mapping_line(line).tokens)
            except ReferenceError:
                continue
            for pair in pairs:
                dst = pair.destination
                if dst.registry:
                    counts[f"{dst.registry}/{dst.path.split('/', 1)[0]}"] += 1
    found = sorted(counts, key=lambda destination: (-counts[destination], destination))
    return (found if len(found) > 1 else found[0]) if found else fallback


def _read_org_folder(files: Mapping[str, bytes], folder: str, names: list[str], problems: _Problems) -> dict[str, Any]:
    mappings: dict[str, str] = {}
    other, unprefixed = [], []
    for name in names:
        path = f"{MIRRORING_DIR}/{folder}/{name}"
        if name == "OWNERS":
            continue
        if name.startswith(MAPPING_PREFIX) and not name.endswith("/"):
            text = _text(files, path, problems)
            if text is not None:
                _check_mapping_text(path, text, problems)
                mappings[name] = text
        elif _holds_mapping_lines(files[path] if path in files else b""):
            unprefixed.append(name)
        else:
            other.append(name)
    return {"mappings": mappings, "other_files": other, "unprefixed_mappings": unprefixed,
            "owners": _owners(files, f"{MIRRORING_DIR}/{folder}/OWNERS", problems)}


def _misplaced_mappings(files: Mapping[str, bytes], problems: _Problems) -> None:
    depth = MIRRORING_DIR.count("/") + 2
    for path in files:
        name = path.rsplit("/", 1)[-1]
        if path.startswith(MIRRORING_DIR + "/") and name.startswith(MAPPING_PREFIX) and path.count("/") != depth:
            problems.add(path, 1, f"config-updater puts this file into the ConfigMap as {name!r}, but mirrorgen keeps mapping"
                                  f" files only directly in an org folder: move it to {MIRRORING_DIR}/<org>/")


# --- conversion ---------------------------------------------------------------------------------------------


def _pair_jobs(jobs: list[_Job], org_files: dict[str, dict[str, Any]]) -> dict[str, Optional[str]]:
    """job name → the org folder it belongs to: the folder named like the job, else the one its prefix matches."""
    paired: dict[str, Optional[str]] = {}
    taken: set[str] = set()
    for job in jobs:
        if job.suffix in org_files and job.suffix not in taken:
            paired[job.name] = job.suffix
            taken.add(job.suffix)
    for job in jobs:
        if job.name in paired:
            continue
        matches = Counter({folder: sum(name.startswith(job.prefix) for name in data["mappings"])
                           for folder, data in org_files.items() if folder not in taken})
        best = [folder for folder, n in matches.most_common() if n and n == matches.most_common(1)[0][1]]
        paired[job.name] = best[0] if len(best) == 1 else None
        if paired[job.name]:
            taken.add(best[0])
    return paired


def _config_updater_gzips(files: Mapping[str, bytes]) -> bool:
    """Whether Prow's config-updater compresses the mapping files: its `gzip`, for the map of the mapping files
    (`core-services/image-mirroring/**/mapping_*`) or for all maps. False when the plugins file is not there."""
    try:
        plugins = yaml.safe_load(files.get(PLUGINS_PATH, b"")) or {}
        updater = plugins.get("config_updater") or {}
        for pattern, spec in (updater.get("maps") or {}).items():
            if pattern.startswith(MIRRORING_DIR + "/") and isinstance(spec, dict) and "gzip" in spec:
                return bool(spec["gzip"])
        return bool(updater.get("gzip", False))
    except (yaml.YAMLError, AttributeError):
        return False  # not ours to lint: the plugins file is only read for this one setting


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(values)
    return max(counts, key=lambda v: counts[v]) if counts else None  # first seen wins a tie (Counter keeps order)


def _script_names(jobs: list[_Job]) -> dict[str, str]:
    """script text → name; the most used is `mirror-loop`, the others numbered by use."""
    counts = Counter(job.script for job in jobs if job.script is not None)
    ordered = sorted(counts, key=lambda text: -counts[text])
    return {text: "mirror-loop" if i == 0 else f"mirror-loop-{i + 1}" for i, text in enumerate(ordered)}


def _dump(data: dict[str, Any]) -> str:
    return canonical_yaml.dump(data) if data else "{}\n"


def _text_blocks(key: str, blocks: dict[str, str]) -> str:
    """`key:` with each text in the most readable form that holds it exactly: a `|` block, one mapping line per
    line (TABs and trailing spaces kept), else a double-quoted text with escapes, still one line per line."""
    out = [f"{key}:\n"]
    for name, text in blocks.items():
        label = canonical_yaml.dump(name).split("\n", 1)[0]
        entry = f"  {label}: {_literal_block(text)}"
        if not _loads_back(entry, name, text):
            entry = f"  {label}: {_double_quoted(text)}\n"
        out.append(entry)
    return "".join(out)


def _loads_back(entry: str, name: str, text: str) -> bool:
    try:
        return yaml.safe_load(entry) == {name: text}
    except yaml.YAMLError:
        return False


_BLOCK_INDENT = "    "


def _literal_block(text: str) -> str:
    """`text` as a `|` block under a key indented by two: `|-` without a final newline, `|+` with blank lines at the
    end, an indentation indicator where the first line starts with a space. YAML reads a CR as a line break, so a
    text holding one cannot be a block (the caller checks the result)."""
    if not text:
        return '""\n'
    lines = text.split("\n")
    ends = lines[-1] == ""  # a final newline ends the last line
    if ends:
        lines.pop()
    chomp = "-" if not ends else "+" if lines[-1:] == [""] else ""
    first = next((line for line in lines if line), "")
    indicator = str(len(_BLOCK_INDENT) - 2) if first.startswith(" ") else ""
    return f"|{indicator}{chomp}\n" + "".join(f"{_BLOCK_INDENT}{line}\n" if line else "\n" for line in lines)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\r": "\\r", "\t": "\\t"}


def _double_quoted(text: str) -> str:
    """`text` as a double-quoted YAML text whose lines are the file's lines: each ends in an escaped newline and
    the text goes on, after an escaped line break, on the next line (a leading space escaped, or YAML would fold
    it away)."""
    lines = text.split("\n")
    ends = len(lines) > 1 and lines[-1] == ""
    if ends:
        lines.pop()
    escaped = ["".join(_ESCAPES.get(char, char) for char in line) for line in lines]
    escaped[1:] = ["\\" + line if line.startswith(" ") else line for line in escaped[1:]]
    return '"' + ("\\n\\\n" + _BLOCK_INDENT).join(escaped) + ("\\n" if ends else "") + '"'


def _org_name(job: _Job) -> str:
    """The org a job without a folder of its own becomes: its name's suffix, made a valid org (file) name."""
    return job.suffix if is_dns1123_label(job.suffix) else dns1123_hint(job.suffix)


def convert(files: Mapping[str, bytes]) -> tuple[dict[str, str], dict[str, Location]]:
    """Pure: release files → inventory files (path → text), and for each the release file it comes from.

    Raises InvalidInventory naming release files."""
    problems = _Problems()
    _misplaced_mappings(files, problems)
    jobs, job_file_extra = _read_jobs(files, problems)
    sources = _secret_sources(files, jobs, problems)
    for job in jobs:
        if job.name in sources:
            job.fields["secret_source"] = sources[job.name].source
    org_files = {folder: _read_org_folder(files, folder, names, problems)
                 for folder, names in _folders(files, MIRRORING_DIR).items()}
    if problems.found:
        raise InvalidInventory(problems.found)
    paired = _pair_jobs(jobs, org_files)
    scripts = _script_names(jobs)
    for job in jobs:
        if job.script is not None:
            job.fields["script"] = scripts[job.script]

    defaults = {name: _most_common(job.fields.get(name) for job in jobs if name != "cron" or job.fields["cron"])
                for name in _DEFAULTED}
    defaults = {name: value for name, value in defaults.items() if value is not None or name in ("automount_token", "timeout")}
    if defaults.get("script") == ENTRYPOINT:
        defaults["script"] = None
    settings_data: dict[str, Any] = {"header": False, "jobs": {**defaults},
                                     "scripts": {name: text for text, name in scripts.items()},
                                     "configmap": {"shard": False, "gzip": _config_updater_gzips(files)}}
    if job_file_extra:
        settings_data["job_file_extra"] = job_file_extra
    settings = Settings(header=False, jobs=JobDefaults(**defaults), scripts=settings_data["scripts"])
    origins = {SETTINGS_FILE: Location(JOBS_PATH), NAMESPACES_FILE: Location(REGISTRY_ACCESS_DIR)}
    origins.update({f"{ORGS_DIR}/{folder}.yaml": Location(f"{MIRRORING_DIR}/{folder}") for folder in org_files})

    orgs: dict[str, dict[str, Any]] = {folder: {"job": {"enabled": False}} for folder in org_files}
    order = []
    for job in jobs:
        org = paired[job.name] or _org_name(job)
        if org in orgs and paired[job.name] is None:
            problems.add(JOBS_PATH, job.line, f"{job.name} matches no org folder, and its name ends in {org!r}, an org folder"
                                              " that another job already mirrors: rename the job")
            continue
        own: dict[str, Any] = {}
        for name, value in job.fields.items():
            if value is None or name in ("secret_name", "area", "dry_run"):
                continue
            inherited = (defaults[name] or ENTRYPOINT) if name == "script" else defaults.get(name)
            if name in defaults and value == inherited and (name != "cron" or not job.fields["interval"]):
                continue
            own[name] = value
        if job.fields.get("dry_run"):
            own["dry_run"] = True
        if job.fields["area"] is not None and job.fields["area"] != org:
            own["area"] = job.fields["area"]
        secret = job.fields["secret_name"]
        if secret is not None and secret != JobDefaults().secret_name.replace("{org}", org):
            own["secret_name"] = secret
        if job.prefix != f"mapping_{org}":
            own["mapping_prefix"] = job.prefix
        if job.name != f"{JOB_NAME_PREFIX}{org}":
            own["name"] = job.name
        org_data = orgs.setdefault(org, {"folder": False})
        origins[f"{ORGS_DIR}/{org}.yaml"] = Location(JOBS_PATH, job.line)
        org_data["job"] = own
        model_org = Org(destination="", job=JobOverrides(**own), name=org)
        inventory = Inventory(settings, (model_org,), (), {})
        base = periodic(inventory, model_org, resolve_job(settings, model_org))
        block = overrides_between(base, job.raw)
        if block:
            own["overrides"] = block
        order.append(org)

    inventory_files: dict[str, str] = {}
    for name, org_data in sorted(orgs.items()):
        folder = org_files.get(name, {})
        mappings = folder.get("mappings", {})
        data: dict[str, Any] = {"destination": _destinations(mappings, f"quay.io/{dns1123_hint(name)}")}
        if org_data.get("folder") is False:
            data["folder"] = False
            data["owners"] = {"write": False}
        else:
            data["owners"] = folder["owners"]
        if org_data["job"]:
            data["job"] = org_data["job"]
        for key in ("other_files", "unprefixed_mappings"):
            if folder.get(key):
                data[key] = folder[key]
        text = "# Imported by `mirrorgen import`.\n" + _dump(data)
        if mappings:
            # The document goes on: no end marker (written after a `|+` text, an OWNERS file ending in blank lines).
            text = text.removesuffix("...\n") + _text_blocks("mappings", mappings)
        inventory_files[f"{ORGS_DIR}/{name}.yaml"] = text
    settings_data["job_order"] = order
    inventory_files[SETTINGS_FILE] = "# Imported by `mirrorgen import`; job defaults are the values most jobs use.\n" + _dump(settings_data)
    namespaces = {}
    access_folders = list(_folders(files, REGISTRY_ACCESS_DIR))
    levels, uncertain = folder_access(files, REGISTRY_ACCESS_DIR, access_folders)
    problems.found.extend(uncertain)
    for folder in access_folders:
        access: dict[str, Any] = {"access": levels.get(folder, MIRROR_ONLY)}
        if access["access"] == PUBLIC:
            access["acknowledged"] = f"imported: {REGISTRY_ACCESS_DIR}/{folder} already lets anyone pull"
        namespaces[folder] = {**access, "render_manifests": False,
                              "owners": _owners(files, f"{REGISTRY_ACCESS_DIR}/{folder}/OWNERS", problems)}
    inventory_files[NAMESPACES_FILE] = ("# Imported by `mirrorgen import`: the folders' manifests stay hand-written;"
                                        " access is who their RoleBindings let pull.\n"
                                        + _dump({"namespaces": namespaces}))
    if problems.found:
        raise InvalidInventory(problems.found)
    return inventory_files, origins


# --- the round-trip self-check -------------------------------------------------------------------------------


def _first_difference(expected: str, actual: str) -> tuple[int, str, str]:
    """The first line (with its line end, so that a CR or a missing final newline shows) that differs."""
    want, got = _LINE.findall(expected), _LINE.findall(actual)
    for number, (a, b) in enumerate(zip(want, got), 1):
        if a != b:
            return number, a, b
    number = min(len(want), len(got)) + 1
    return number, (want[number - 1] if number <= len(want) else "(end of file)"), (got[number - 1] if number <= len(got) else "(end of file)")


_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


def round_trip_problems(files: Mapping[str, bytes], inventory: Inventory) -> list[Problem]:
    """Every source file the inventory does not reproduce byte for byte, at the first line that differs."""
    outputs = {output.path: output.text for output in plan(inventory)}
    problems = []
    for path, data in files.items():
        name = path.rsplit("/", 1)[-1]
        is_mapping = path.startswith(MIRRORING_DIR + "/") and name.startswith(MAPPING_PREFIX)
        if not (path == JOBS_PATH or name == "OWNERS" or is_mapping):
            continue
        source = data.decode("utf-8")
        rendered = outputs.get(path)
        if rendered is None:
            problems.append(Problem(Location(path, 1), "the imported inventory does not generate this file"))
        elif rendered != source:
            number, want, got = _first_difference(source, rendered)
            hint = " (is the file in the job sanitizer's canonical form? run `make jobs` in the release repo)" if path == JOBS_PATH else ""
            problems.append(Problem(Location(path, number), f"would come back as {got!r}, not {want!r}{hint}"))
    return problems


def known_defects_text(defects: Iterable[Problem]) -> str:
    """known-defects.yaml listing `defects`, in a stable order (the message of each as a comment, for reviewers)."""
    entries = sorted({(p.location.file, p.code, p.subject): p for p in defects}.items())
    out = ["# Defects `mirrorgen import` found in the release repository. They stay warnings; any other defect is an\n"
           "# error. Once one is fixed, `mirrorgen validate` says that its entry can be deleted. Entries match on code,\n"
           "# file and subject; the comment above each is its message at import time.\n", "known_defects:\n"]
    for (file, code, subject), problem in entries:
        out.append(f"# {comment_text(problem.message)}\n"
                   + canonical_yaml.dump([{"code": code, "file": file, "subject": subject}]))
    return "".join(out)


def import_release(files: Mapping[str, bytes]) -> tuple[dict[str, str], list[Problem]]:
    """Convert, then prove the conversion lossless. Returns the inventory files and its lint warnings.

    The defects lint finds in the checkout are written to known-defects.yaml: they stay warnings, and any new one
    is an error."""
    inventory_files, origins = convert(files)
    # First with every defect a warning (while defects are errors, loading refuses some, such as org file names):
    # what lint finds then is the baseline.
    relaxed = {path: text.encode() for path, text in inventory_files.items()}
    relaxed[SETTINGS_FILE] = b"defects: warning\n" + relaxed[SETTINGS_FILE]
    defects = [p for p in validate(parse_inventory(relaxed)) if p.code]
    if defects:
        inventory_files[KNOWN_DEFECTS_FILE] = known_defects_text(defects)
    inventory = parse_inventory({path: text.encode() for path, text in inventory_files.items()})
    found = validate(inventory)
    errors = [p for p in found if p.severity is Severity.ERROR]
    if errors:
        # The inventory is not written, so the release file the setting came from is where to look.
        raise InvalidInventory([Problem(origins.get(p.location.file, Location(JOBS_PATH)),
                                        f"(imported as {p.location}) {p.message}") for p in errors])
    mismatches = round_trip_problems(files, inventory)
    if mismatches:
        raise InvalidInventory(mismatches)
    return inventory_files, found


INVENTORY_FILES = (SETTINGS_FILE, NAMESPACES_FILE, KNOWN_DEFECTS_FILE)


def write_inventory(config_dir: str | Path, inventory_files: Mapping[str, str], *, force: bool) -> None:
    """Shell side: write the inventory; refuse to replace an existing one unless `force`."""
    config_dir = Path(config_dir)
    existing = [config_dir / name for name in INVENTORY_FILES if (config_dir / name).exists()]
    existing += sorted((config_dir / ORGS_DIR).glob("*.yaml")) if (config_dir / ORGS_DIR).is_dir() else []
    if existing and not force:
        raise MirrorgenError(f"{config_dir} already holds an inventory ({existing[0]}); pass --force to replace it")
    for path in existing:
        path.unlink()
    for relative, text in sorted(inventory_files.items()):
        target = config_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
