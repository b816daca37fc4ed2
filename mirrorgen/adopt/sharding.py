"""Whether an adopted repository may shard its mapping files: the choice `mirrorgen import` writes to
configmap.shard, and what the first `generate` will do to the checkout's config_updater entries."""

from __future__ import annotations

from typing import Mapping, Optional

from ..artifacts.config_updater import ALL_MAPPINGS, PLUGINS_PATH, PluginsFile, is_mirrorgens, placed
from ..artifacts.mappings import configmap_layout
from ..artifacts.plugins_file import PlacementRefused, place_entries
from ..errors import Location, Problem
from ..inventory.model import Inventory


def plugins_of(files: Mapping[str, bytes]) -> Optional[PluginsFile]:
    data = files.get(PLUGINS_PATH)
    return None if data is None else PluginsFile(PLUGINS_PATH, data.decode("utf-8", "replace"))


def entries_refused(files: Mapping[str, bytes]) -> Optional[Problem]:
    """Why mirrorgen could not place config_updater entries in the checkout's plugins file, where `generate` would
    then stop; None when it can (or the checkout has none: the entries are then written as a fragment)."""
    plugins = plugins_of(files)
    if plugins is None:
        return None
    try:
        # What makes a file uneditable is its shape around the entries, not the entries placed.
        place_entries(plugins.text, plugins.shown, is_mirrorgens, lambda gzip: {ALL_MAPPINGS: {"name": "probe"}})
    except PlacementRefused as refused:
        return Problem(Location(PLUGINS_PATH, refused.line), f"cannot place mirrorgen's config_updater entries:"
                                                             f" {refused.why}; `generate` would stop here: edit the"
                                                             f" file, then import again")
    return None


def sharding_moves_files(inventory: Inventory) -> bool:
    """Whether sharding would spread the repository's files over more ConfigMaps than the one it has now, which
    would change its job file: the import must reproduce the checkout, so it keeps one ConfigMap then."""
    layout = configmap_layout(inventory)
    return len(layout.shards) > 1 or bool(layout.oversized)


def notes(files: Mapping[str, bytes], inventory: Inventory) -> list[str]:
    """One line per decision a person adopting the repository should know of (paths relative to the checkout)."""
    found = []
    if inventory.settings.configmap.shard:
        where = PLUGINS_PATH if PLUGINS_PATH in files else "core-services/image-mirroring/_config-updater.yaml"
        found.append(f"configmap.shard: true: once the mapping files outgrow one ConfigMap, `generate` spreads them over"
                     f" several and writes one config_updater entry per ConfigMap into {where}")
    else:
        found.append("configmap.shard: false: sharding would move mapping files to new ConfigMaps, and the import"
                     " keeps the repository as it is; set it to true to split them (`generate` writes their"
                     " config_updater entries)")
    plugins = plugins_of(files)
    if plugins is not None:
        after = placed(inventory, plugins)
        if after != plugins.text:
            line = next(n for n, (a, b) in enumerate(zip(plugins.text.splitlines() + [""], after.splitlines() + [""]), 1)
                        if a != b)
            found.append(f"{PLUGINS_PATH}:{line}: `generate` rewrites the image-mirroring config_updater entries here"
                         f" to what the inventory says (`mirrorgen check` shows how)")
    return found
