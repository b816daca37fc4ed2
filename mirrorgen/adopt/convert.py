"""Import: an openshift/release checkout → an inventory that generates the same files again (lossless or loud).

`read_release` (checkout.py, shell) collects the files that matter; `convert` (pure) turns them into inventory files;
`import_release` (roundtrip.py) renders the result and compares it with the source: the job file byte for byte,
every mapping file line for line (whitespace normalised), every OWNERS file byte for byte. What the inventory cannot
express is an error naming the release file and line, never a silent difference. What it expresses but a consumer
would object to (duplicate destinations, TABs, unmatched prefixes ...) is imported as is and left to `mirrorgen
validate`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping, Optional

import yaml

from ..artifacts import canonical_yaml
from ..artifacts.config_updater import PLUGINS_PATH, is_mirrorgens
from ..artifacts.mappings import MIRRORING_DIR
from ..artifacts.prow import JOBS_PATH, periodic
from ..artifacts.rbac import REGISTRY_ACCESS_DIR
from ..errors import InvalidInventory, Location
from ..inventory.jobs import resolve_job
from ..inventory.load import NAMESPACES_FILE, ORGS_DIR, SETTINGS_FILE
from ..inventory.model import ENTRYPOINT, ConfigMapSettings, Inventory, JobDefaults, JobOverrides, Org, Settings
from ..inventory.overrides import overrides_between
from ..inventory.refs import dns1123_hint, is_dns1123_label
from .jobs import JOB_NAME_PREFIX, Job, job_secret_sources, read_jobs
from .org_folders import destinations_of, folders, misplaced_mappings, owners_of, read_org_folder
from .reading import Problems
from .registry_access import MIRROR_ONLY, PUBLIC, folder_access

# Job fields whose most common value becomes the global default (JobDefaults), the rest per-org overrides.
_DEFAULTED = ("cluster", "cron", "image", "credentials_key", "cpu_request", "role", "script", "automount_token", "timeout",
              "secret_source")


def _pair_jobs(jobs: list[Job], org_files: dict[str, dict[str, Any]]) -> dict[str, Optional[str]]:
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


def _config_updater_settings(files: Mapping[str, bytes]) -> dict[str, Any]:
    """configmap settings from config-updater's entry for the mapping files (`core-services/image-mirroring/
    **/mapping_*`) in the plugins file: its `gzip` (else that of all maps), and the clusters it applies the
    ConfigMap to beyond the default cluster and namespace. Nothing when the plugins file is not there."""
    defaults = ConfigMapSettings()
    try:
        plugins = yaml.safe_load(files.get(PLUGINS_PATH, b"")) or {}
        updater = plugins.get("config_updater") or {}
        found: dict[str, Any] = {"gzip": bool(updater.get("gzip", False))}
        for pattern, spec in (updater.get("maps") or {}).items():
            if is_mirrorgens(str(pattern)) and isinstance(spec, dict):
                if "gzip" in spec:
                    found["gzip"] = bool(spec["gzip"])
                extra = {str(cluster): [str(n) for n in namespaces if (cluster, n) != (defaults.cluster, defaults.namespace)]
                         for cluster, namespaces in (spec.get("clusters") or {}).items()}
                extra = {cluster: namespaces for cluster, namespaces in extra.items() if namespaces}
                if extra:
                    found["extra_clusters"] = extra
                break
        return found
    except (yaml.YAMLError, AttributeError, TypeError):
        return {"gzip": False}  # not ours to lint: the plugins file is only read for these settings


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(values)
    return max(counts, key=lambda v: counts[v]) if counts else None  # first seen wins a tie (Counter keeps order)


def _script_names(jobs: list[Job]) -> dict[str, str]:
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


def _org_name(job: Job) -> str:
    """The org a job without a folder of its own becomes: its name's suffix, made a valid org (file) name."""
    return job.suffix if is_dns1123_label(job.suffix) else dns1123_hint(job.suffix)


def convert(files: Mapping[str, bytes], *, shard: bool = True) -> tuple[dict[str, str], dict[str, Location]]:
    """Pure: release files → inventory files (path → text), and for each the release file it comes from;
    `shard`: the configmap.shard it sets.

    Raises InvalidInventory naming release files."""
    problems = Problems()
    misplaced_mappings(files, problems)
    jobs, job_file_extra = read_jobs(files, problems)
    sources = job_secret_sources(files, jobs, problems)
    for job in jobs:
        if job.name in sources:
            job.fields["secret_source"] = sources[job.name].source
    org_files = {folder: read_org_folder(files, folder, names, problems)
                 for folder, names in folders(files, MIRRORING_DIR).items()}
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
                                     "configmap": {"shard": shard, **_config_updater_settings(files)}}
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
        data: dict[str, Any] = {"destination": destinations_of(mappings, f"quay.io/{dns1123_hint(name)}")}
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
    access_folders = list(folders(files, REGISTRY_ACCESS_DIR))
    levels, uncertain = folder_access(files, REGISTRY_ACCESS_DIR, access_folders)
    problems.found.extend(uncertain)
    for folder in access_folders:
        access: dict[str, Any] = {"access": levels.get(folder, MIRROR_ONLY)}
        if access["access"] == PUBLIC:
            access["acknowledged"] = f"imported: {REGISTRY_ACCESS_DIR}/{folder} already lets anyone pull"
        namespaces[folder] = {**access, "render_manifests": False,
                              "owners": owners_of(files, f"{REGISTRY_ACCESS_DIR}/{folder}/OWNERS", problems)}
    inventory_files[NAMESPACES_FILE] = ("# Imported by `mirrorgen import`: the folders' manifests stay hand-written;"
                                        " access is who their RoleBindings let pull.\n"
                                        + _dump({"namespaces": namespaces}))
    if problems.found:
        raise InvalidInventory(problems.found)
    return inventory_files, origins
