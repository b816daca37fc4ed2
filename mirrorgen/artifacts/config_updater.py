"""Prow's config-updater entries for the mapping files: one `config_updater.maps` entry per ConfigMap (shard).

In openshift/release no manifest applies the image-mirror-mappings ConfigMap: the config-updater plugin builds it
from the files its `maps` entries match, and Prow reads `config_updater` from the one hand-edited plugins file
(core-services/prow/02_config/_plugins.yaml), never from supplemental plugin configs. So each shard needs its own
entry there, sending exactly its orgs' `mapping_*` files to the ConfigMap their jobs mount. When the output tree
holds that file, plan() places the entries in it (plugins_file.py, every other byte kept); otherwise they are
written as a fragment of the same shape, for a person to place.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import attrs

from ..errors import Problem
from ..inventory.model import Inventory
from ..output import Output
from .mappings import MIRRORING_DIR, configmap_layout
from .plugins_file import place_entries
from .render import render

PLUGINS_PATH = "core-services/prow/02_config/_plugins.yaml"
FRAGMENT_PATH = f"{MIRRORING_DIR}/_config-updater.yaml"
# openshift/release's own entry, kept while there is one ConfigMap: an unsharded inventory leaves the file as it is.
ALL_MAPPINGS = f"{MIRRORING_DIR}/**/mapping_*"
# Characters zglob (config-updater's matcher) reads as pattern syntax; an org folder named with one cannot be
# listed in a shard's pattern.
# Said at the top of the fragment, and by `generate` when it writes it.
# (Not naming mirrorgen: with `header: false` no file does.)
NOTE = (f"These entries belong in config_updater.maps of {PLUGINS_PATH},",
        "the only place Prow reads them from.")
_GLOB_SYNTAX = re.compile(r"[*?\[\]{},\\!]")


@attrs.frozen
class PluginsFile:
    """The output tree's Prow plugins file: `shown` (its path as the person running mirrorgen named it, for
    messages) and its text."""

    shown: str
    text: str


def is_mirrorgens(pattern: str) -> bool:
    """An entry mirrorgen owns: one that sends mapping files under core-services/image-mirroring/ somewhere."""
    return pattern.startswith(MIRRORING_DIR + "/") and pattern.rpartition("/")[2].startswith("mapping_")


def entries(inventory: Inventory, gzip_by_default: bool) -> dict[str, dict[str, Any]]:
    """pattern → map entry, one per ConfigMap. Each shard lists its org folders as alternatives after `**/`:
    zglob only matches paths at least as long as the pattern's part before its first `*`, so a long `{a,b,...}`
    there would miss files; `**/` keeps that part short. One entry per ConfigMap, because Prow refuses two
    entries whose patterns end alike for one ConfigMap (its key `mapping_*` "updated with more than one file")."""
    settings = inventory.settings.configmap
    layout = configmap_layout(inventory)
    with_files = {org.name for org in inventory.orgs if org.mappings}
    clusters = {settings.cluster: [settings.namespace]}
    for cluster, namespaces in settings.extra_clusters.items():
        listed = clusters.setdefault(cluster, [])
        listed.extend(namespace for namespace in namespaces if namespace not in listed)
    spec: dict[str, Any] = {"clusters": dict(sorted(clusters.items()))}
    if settings.gzip != gzip_by_default:
        spec["gzip"] = settings.gzip
    if len(layout.shards) == 1:
        return {ALL_MAPPINGS: {**spec, "name": layout.shards[0].name}}
    found = {}
    for shard in layout.shards:
        # A ConfigMap without files (its orgs have none, or the first org outgrew the first ConfigMap) gets no
        # entry: a pattern naming no folder would match nothing anyway.
        folders = sorted(org for org in shard.orgs if org in with_files)
        if folders:
            found[f"{MIRRORING_DIR}/**/{{{','.join(folders)}}}/mapping_*"] = {**spec, "name": shard.name}
    return found


def plan_config_updater(inventory: Inventory) -> list[Output]:
    """The entries as a fragment of a plugins file, for a tree without one (in_plugins_file replaces it)."""
    gzip = inventory.settings.configmap.gzip
    section = {"config_updater": {"gzip": gzip, "maps": entries(inventory, gzip)}}
    text = render("documents.yaml.j2", source=inventory.settings.file, header=inventory.settings.header,
                  documents=[section], note=NOTE)
    return [Output(FRAGMENT_PATH, text, _source(inventory))]


def in_plugins_file(outputs: list[Output], inventory: Inventory, plugins: PluginsFile) -> list[Output]:
    """`outputs` with the fragment replaced by the tree's plugins file, mirrorgen's entries in place in it."""
    return [o for o in outputs if o.path != FRAGMENT_PATH] + [Output(PLUGINS_PATH, placed(inventory, plugins), _source(inventory))]


def placed(inventory: Inventory, plugins: PluginsFile) -> str:
    """The plugins file with mirrorgen's entries in place; MirrorgenError when it cannot be edited with certainty."""
    return place_entries(plugins.text, plugins.shown, is_mirrorgens, lambda gzip: entries(inventory, gzip))


def _source(inventory: Inventory):
    return inventory.locate(inventory.settings.file, "configmap", key=True)


def check_shard_folders(inventory: Inventory) -> Iterator[Problem]:
    """Once the files are sharded, each shard's entry names its org folders in a pattern: a name zglob reads as
    pattern syntax would send other files there, or none."""
    if len(configmap_layout(inventory).shards) == 1:
        return
    for org in inventory.orgs:
        if org.mappings and _GLOB_SYNTAX.search(org.name):
            yield Problem(inventory.locate(org.file, "mappings", key=True),
                          f"org {org.name!r} is named with a character config-updater's patterns read as syntax"
                          f" ({_GLOB_SYNTAX.search(org.name).group()!r}), so its ConfigMap's config_updater entry"
                          f" cannot name its folder: rename the org file")
