"""`mirrorgen plan --base REV`: what a change of the inventory will do, grouped for the people who must act.

Pure: two Inventories in, one document out (plain data plus Locations), rendered as JSON
(schemas/plan.schema.json), as text, or as Markdown for a pull request. Each category is one small function of (base, head); a new kind of artifact
adds its own function to CATEGORIES (and a renderer entry to _SECTIONS).
"""

from __future__ import annotations

import os
import json
from collections import Counter
from typing import Any, Callable, Iterator, Optional

import attrs

from ..artifacts.mappings import configmap_layout
from ..artifacts.prow import jobs_in_order
from ..artifacts.shards import ETCD_LIMIT as CONFIGMAP_LIMIT
from ..artifacts.vault import external_secrets, item_sources, vault_items
from ..errors import Location
from ..inventory.images import parse_cki_images
from ..inventory.jobs import ResolvedJob, job_name, job_setting_location, resolve_job
from ..inventory.model import Access, Inventory, Org
from ..inventory.refs import ImageRef, MappingPair

SCHEMA_VERSION = 1
Document = dict[str, Any]
# Pinned images: each function yields (name, pinned reference, where it is written). A bump is a name whose
# reference differs between base and head; a new kind of pinned image adds its function to PINNED_IMAGES.
PinnedImages = Callable[[Inventory], dict[str, tuple[ImageRef, Location]]]

# Access levels ordered by how widely they open a namespace's images; absence opens nothing.
_EXPOSURE = {None: 0, Access.MIRROR_ONLY: 0, Access.AUTHENTICATED: 1, Access.PUBLIC: 2}
# Job settings a reviewer asks about first, with the word used in the plan.
_JOB_FIELDS = {"cron": "schedule", "interval": "schedule (interval)", "image": "image", "dry_run": "dry-run"}


def _pairs(inventory: Inventory) -> Iterator[tuple[Org, Location, MappingPair]]:
    """Every (org, inventory line, source → destination pair) of the mappings; a line oc cannot read copies nothing."""
    for org in inventory.orgs:
        for mapping in org.mappings:
            for line in mapping.lines:
                for pair in line.pairs:
                    yield org, Location(org.file, line.number), pair


def destination_repositories(inventory: Inventory) -> dict[str, tuple[str, Location]]:
    """Every repository the mappings push to → (org, the first mapping line naming it), and the mirror
    repositories CKI's img-mirror copies into (org `cki`)."""
    found: dict[str, tuple[str, Location]] = {}
    for org, where, pair in _pairs(inventory):
        found.setdefault(pair.destination.repository, (org.name, where))
    for image in parse_cki_images(inventory)[0]:
        if image.mirrored:
            found.setdefault(image.reference.repository, ("cki", image.location))
    return found


def pinned_mapping_sources(inventory: Inventory) -> dict[str, tuple[ImageRef, Location]]:
    """Mapping sources pinned by digest, named `source repository → destination repository` (plus the
    destination tag when one inventory pins several tags of that pair), so that a bump keeps its name."""
    pinned = [(where, pair) for _, where, pair in _pairs(inventory) if pair.source.digest]
    pairs = Counter((pair.source.repository, pair.destination.repository) for _, pair in pinned)
    found: dict[str, tuple[ImageRef, Location]] = {}
    for where, pair in pinned:
        name = f"{pair.source.repository} → {pair.destination.repository}"
        if pairs[pair.source.repository, pair.destination.repository] > 1:
            name = f"{pair.source.repository} → {pair.destination_key}"
        found.setdefault(name, (pair.source, where))
    return found


def pinned_cki_images(inventory: Inventory) -> dict[str, tuple[ImageRef, Location]]:
    """CKI's IMAGES entries (config/images.yaml), by name."""
    return {f"IMAGES.{image.name}": (image.reference, image.location) for image in parse_cki_images(inventory)[0]}


PINNED_IMAGES: list[PinnedImages] = [pinned_mapping_sources, pinned_cki_images]


def _repositories(base: Inventory, head: Inventory) -> Document:
    before, after = destination_repositories(base), destination_repositories(head)
    entry = lambda repo, found: {"repository": repo, "org": found[repo][0], "source": found[repo][1]}  # noqa: E731
    return {
        "added": [entry(r, after) for r in sorted(after.keys() - before.keys())],
        "removed": [entry(r, before) for r in sorted(before.keys() - after.keys())],
    }


def _namespaces(base: Inventory, head: Inventory) -> Document:
    before = {ns.name: ns for ns in base.namespaces}
    after = {ns.name: ns for ns in head.namespaces}
    widened, narrowed = [], []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        old_access, new_access = old and old.access, new and new.access
        if _EXPOSURE[old_access] == _EXPOSURE[new_access]:
            continue
        where = head.locate(new.file, "namespaces", name, "access") if new else base.locate(old.file, "namespaces", name, key=True)
        entry = {"namespace": name, "before": old_access and old_access.value, "after": new_access and new_access.value,
                 "source": where}
        (widened if _EXPOSURE[new_access] > _EXPOSURE[old_access] else narrowed).append(entry)
    return {"widened": widened, "narrowed": narrowed}


def _vault(base: Inventory, head: Inventory) -> Document:
    before = {item["item"]: item for item in vault_items(base)}
    after = {item["item"]: item for item in vault_items(head)}
    base_sources, head_sources = item_sources(base), item_sources(head)
    entry = lambda item, source: {"item": item["item"], "keys": item["keys"],  # noqa: E731
                                  "docker_config_key": item["docker_config_key"], "source": source}
    changed = []
    for name in sorted(before.keys() & after.keys()):
        old, new = before[name], after[name]
        if (old["keys"], old["docker_config_key"]) != (new["keys"], new["docker_config_key"]):
            changed.append({**entry(new, head_sources[name]), "keys_before": old["keys"],
                            "docker_config_key_before": old["docker_config_key"]})
    external_before, external_after = external_secrets(base), external_secrets(head)
    return {
        "create": [entry(after[n], head_sources[n]) for n in sorted(after.keys() - before.keys())],
        # An item goes when no job pushes with it, or when its secret now comes from elsewhere.
        "delete": [{**entry(before[n], base_sources[n]),
                    "provisioned_elsewhere": before[n]["keys"]["secretsync/target-name"] in external_after}
                   for n in sorted(before.keys() - after.keys())],
        "change": changed,
        "external_added": [{"secret": name, "namespace": head.settings.vault.target_namespace, "source": external_after[name]}
                           for name in sorted(external_after.keys() - external_before.keys())],
    }


def _job_summary(job: ResolvedJob) -> dict[str, Any]:
    schedule = f"every {job.interval}" if job.interval is not None else job.cron
    return {"schedule": schedule, "image": job.image, "dry_run": job.dry_run}


def _jobs(base: Inventory, head: Inventory) -> Document:
    before = {job_name(org): org for org in jobs_in_order(base)}
    after = {job_name(org): org for org in jobs_in_order(head)}
    added, removed, changed = [], [], []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if new is None:
            removed.append({"name": name, **_job_summary(resolve_job(base.settings, old)),
                            "source": base.locate(old.file, "destination", key=True)})
            continue
        new_job = resolve_job(head.settings, new)
        if old is None:
            added.append({"name": name, **_job_summary(new_job), "source": head.locate(new.file, "job", key=True)})
            continue
        old_job = resolve_job(base.settings, old)
        fields = [f.name for f in attrs.fields(ResolvedJob) if getattr(old_job, f.name) != getattr(new_job, f.name)]
        if fields:
            changed.append({
                "name": name,
                "changes": [{"field": _JOB_FIELDS.get(f, f), "before": getattr(old_job, f), "after": getattr(new_job, f),
                             "source": job_setting_location(head, new, f)} for f in fields],
            })
    return {"added": added, "removed": removed, "changed": changed}


def _configmap(base: Inventory, head: Inventory) -> Document:
    """The fullest ConfigMap on each side: with shards, that is the one nearest etcd's limit."""
    before, after = configmap_layout(base).shards, configmap_layout(head).shards
    fullest = max(after, key=lambda shard: shard.size)
    size_before = max(shard.size for shard in before)
    return {"name": fullest.name, "before": size_before, "after": fullest.size, "limit": CONFIGMAP_LIMIT,
            "margin": CONFIGMAP_LIMIT - fullest.size, "configmaps_before": len(before), "configmaps_after": len(after)}


def _pinned(base: Inventory, head: Inventory) -> Document:
    found: Document = {"bumped": [], "added": [], "removed": []}
    for images in PINNED_IMAGES:
        before, after = images(base), images(head)
        for name in sorted(before.keys() & after.keys()):
            (old, _), (new, where) = before[name], after[name]
            if old != new:
                found["bumped"].append({"name": name, "before": str(old), "after": str(new), "tag_before": old.tag,
                                        "tag_after": new.tag, "digest_before": old.digest, "digest_after": new.digest,
                                        "source": where})
        for key, side, names in (("added", after, after.keys() - before.keys()),
                                 ("removed", before, before.keys() - after.keys())):
            found[key] += [{"name": n, "reference": str(side[n][0]), "source": side[n][1]} for n in sorted(names)]
    return found


def _qci_entries(inventory: Inventory, kind: str) -> dict[str, tuple[Any, Location]]:
    qci = inventory.qci
    items = getattr(qci, kind) if qci else {}
    return {name: (item, inventory.locate(qci.file, kind, name, key=True)) for name, item in items.items()}


def _qci(base: Inventory, head: Inventory) -> Document:
    """Rover groups gaining or losing pull access to QCI, and integrations (namespace + ServiceAccount) added,
    removed, or handed to another admins group."""
    groups_before, groups_after = _qci_entries(base, "groups"), _qci_entries(head, "groups")
    before, after = _qci_entries(base, "integrations"), _qci_entries(head, "integrations")
    group = lambda name, side: {"name": name, "source": side[name][1]}  # noqa: E731
    integration = lambda name, side: {"name": name, "admins": side[name][0].admins, "source": side[name][1]}  # noqa: E731
    return {
        "groups_added": [group(n, groups_after) for n in sorted(groups_after.keys() - groups_before.keys())],
        "groups_removed": [group(n, groups_before) for n in sorted(groups_before.keys() - groups_after.keys())],
        "integrations_added": [integration(n, after) for n in sorted(after.keys() - before.keys())],
        "integrations_removed": [integration(n, before) for n in sorted(before.keys() - after.keys())],
        "integrations_changed": [{**integration(n, after), "admins_before": before[n][0].admins}
                                 for n in sorted(before.keys() & after.keys())
                                 if before[n][0].admins != after[n][0].admins],
    }


CATEGORIES: dict[str, Callable[[Inventory, Inventory], Any]] = {
    "repositories": _repositories,
    "namespaces": _namespaces,
    "vault": _vault,
    "jobs": _jobs,
    "configmap": _configmap,
    "pinned_images": _pinned,
    "qci": _qci,
}


def compute(base: Inventory, head: Inventory, base_name: str) -> Document:
    """The plan of going from `base` (named `base_name`) to `head`; both must be valid."""
    return {"version": SCHEMA_VERSION, "base": base_name,
            **{name: category(base, head) for name, category in CATEGORIES.items()}}


# ---- rendering -------------------------------------------------------------------------------------------

@attrs.frozen
class Item:
    subject: str  # what it is about (a repository, namespace, item or job name)
    remark: str  # what happens to it, in words
    source: Optional[Location]
    details: tuple[str, ...] = ()  # exact values to type somewhere (Vault keys, changed settings)


@attrs.frozen
class Section:
    title: str  # who acts, and on what
    note: str  # what they must do
    items: tuple[Item, ...]
    checklist: bool = True  # the items are actions to tick off


def _value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _job(job: Document) -> Item:
    remark = f"schedule {job['schedule']}, image {job['image']}, dry-run {_value(job['dry_run'])}"
    return Item(job["name"], remark, job["source"])


def _vault_item(item: Document) -> Item:
    keys = tuple(f"{key}: {value}" for key, value in sorted(item["keys"].items()))
    docker_config = f"{item['docker_config_key']}: <the docker config.json of the organisation's robot account>"
    return Item(item["item"], "", item["source"], keys + (docker_config,))


def sections(plan: Document) -> list[Section]:
    repos, namespaces, vault, jobs, qci = (plan["repositories"], plan["namespaces"], plan["vault"], plan["jobs"],
                                           plan["qci"])
    found = [
        Section("Quay organisation admins: new destination repositories",
                "Quay creates a repository PRIVATE on the first push; an admin of the organisation must make it public.",
                tuple(Item(r["repository"], "", r["source"]) for r in repos["added"])),
        Section("Quay organisation admins: repositories no longer mirrored",
                "Mirroring stops; the repositories and their tags stay on Quay until someone deletes them.",
                tuple(Item(r["repository"], "", r["source"]) for r in repos["removed"])),
        Section("Security review: namespaces whose images become readable by every authenticated user",
                "Every authenticated user of the CI cluster (and, for public, anyone) will be able to pull these images.",
                tuple(Item(n["namespace"], f"{n['before'] or 'not declared'} → {n['after']}", n["source"])
                      for n in namespaces["widened"])),
        Section("Namespace owners: namespaces whose images stop being readable by every authenticated user",
                "Anyone pulling these images without the mirroring job's identity loses access.",
                tuple(Item(n["namespace"], f"{n['before']} → {n['after'] or 'removed'}", n["source"])
                      for n in namespaces["narrowed"])),
        Section("Vault: items to create",
                "Create each item with these keys before the job first runs, or ci-secret-bootstrap has nothing to sync.",
                tuple(_vault_item(v) for v in vault["create"])),
        Section("Vault: items to delete", "No job needs these items any more.",
                tuple(Item(v["item"], "its secret is now provisioned elsewhere (secret_source: external)"
                           if v["provisioned_elsewhere"] else "no job pushes with it", v["source"]) for v in vault["delete"])),
        Section("Vault: items whose keys change", "Set the keys of each item to these values.",
                tuple(_vault_item(v) for v in vault["change"])),
        Section("Secret owners: push secrets mirrorgen does not provision (secret_source: external)",
                "Each Secret must exist on the job's cluster before the job first runs, for instance through an entry in"
                " core-services/ci-secret-bootstrap/_config.yaml; mirrorgen writes no Vault item for it.",
                tuple(Item(e["secret"], f"in namespace {e['namespace']}", e["source"]) for e in vault["external_added"])),
        Section("Prow: periodic jobs added", "", tuple(_job(j) for j in jobs["added"]), False),
        Section("Prow: periodic jobs removed", "", tuple(_job(j) for j in jobs["removed"]), False),
        Section("Prow: periodic jobs changed", "", tuple(
            Item(j["name"], "", j["changes"][0]["source"],
                 tuple(f"{c['field']}: {_value(c['before'])} → {_value(c['after'])}" for c in j["changes"]))
            for j in jobs["changed"]), False),
        Section("Security review: Rover groups gaining pull access to QCI (every image in quay.io/openshift/ci)",
                "Members pull through quay-proxy.ci.openshift.org; each group must be synced to app.ci"
                " (core-services/sync-rover-groups/_config.yaml).",
                tuple(Item(g["name"], "", g["source"]) for g in qci["groups_added"])),
        Section("QCI: Rover groups losing pull access", "", tuple(Item(g["name"], "", g["source"]) for g in qci["groups_removed"]),
                False),
        Section("QCI: integrations added",
                "Each gets a namespace on app.ci with the ServiceAccount image-puller; members of its admins group may"
                " create short-lived tokens for it.",
                tuple(Item(i["name"], f"admins {i['admins']}", i["source"]) for i in qci["integrations_added"])),
        Section("QCI: integrations removed", "Their namespace, ServiceAccount and tokens go away.",
                tuple(Item(i["name"], f"admins {i['admins']}", i["source"]) for i in qci["integrations_removed"])),
        Section("QCI: integrations handed to another admins group", "",
                tuple(Item(i["name"], f"admins {i['admins_before']} → {i['admins']}", i["source"])
                      for i in qci["integrations_changed"]), False),
        Section("Pinned images bumped", "", tuple(
            Item(p["name"], f"{p['before']} → {p['after']}", p["source"]) for p in plan["pinned_images"]["bumped"]), False),
        Section("Pinned images added", "", tuple(
            Item(p["name"], p["reference"], p["source"]) for p in plan["pinned_images"]["added"]), False),
        Section("Pinned images removed", "", tuple(
            Item(p["name"], p["reference"], p["source"]) for p in plan["pinned_images"]["removed"]), False),
    ]
    return [section for section in found if section.items]


def configmap_line(plan: Document) -> str:
    cm = plan["configmap"]
    delta = cm["after"] - cm["before"]
    count = cm["configmaps_after"]
    shards = f" (the fullest of {count} ConfigMaps, {cm['configmaps_before']} before)" if count > 1 else ""
    return (f"ConfigMap {cm['name']}{shards}: {cm['before']:,} → {cm['after']:,} bytes ({delta:+,}); "
            f"{cm['margin']:,} bytes left under the 1 MiB limit")


def _where(source: Optional[Location], config: str) -> str:
    return os.path.join(config, str(source)) if source else ""


def to_json(plan: Document, config: str) -> str:
    def location(value: Any) -> Any:
        if isinstance(value, Location):
            return {"file": os.path.join(config, value.file), "line": value.line}
        raise TypeError(f"cannot serialise {value!r}")

    return json.dumps({**plan, "config": config}, indent=2, ensure_ascii=False, default=location) + "\n"


def _code(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _render(plan: Document, config: str, markdown: bool) -> str:
    """Text for a terminal, or Markdown for a pull request (values as code, actions as check boxes)."""
    code = _code if markdown else (lambda text: text)
    out = [f"## mirrorgen plan: {_code(plan['base'])} → this change\n" if markdown
           else f"mirrorgen plan: {plan['base']} → working tree ({config})\n"]
    found = sections(plan)
    for section in found:
        out.append(f"\n### {section.title}\n\n" if markdown else f"\n{section.title}\n")
        if section.note:
            out.append(f"{section.note}\n\n" if markdown else f"  {section.note}\n")
        for item in section.items:
            box = "[ ] " if markdown and section.checklist else ""
            where = _where(item.source, config)
            remark = f": {code(item.remark)}" if item.remark else ""
            located = (f" ({code(where)})" if markdown else f"  ({where})") if where else ""
            out.append(f"{'' if markdown else '  '}- {box}{code(item.subject)}{remark}{located}\n")
            out.extend(f"  - {_code(line)}\n" if markdown else f"      {line}\n" for line in item.details)
    if not found:
        out.append("\nNothing for anyone to act on.\n")
    out.append(f"\n{configmap_line(plan)}\n")
    return "".join(out)


def to_text(plan: Document, config: str) -> str:
    return _render(plan, config, markdown=False)


def to_markdown(plan: Document, config: str) -> str:
    return _render(plan, config, markdown=True)
