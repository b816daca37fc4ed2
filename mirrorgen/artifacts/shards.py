"""How the mapping files are spread over ConfigMaps, so that none outgrows etcd's 1 MiB object limit.

Prow's config-updater puts every mapping file into a ConfigMap key, and each org's job mounts one ConfigMap,
so an org's files always stay together. The rule (documented in README.md, "ConfigMap sharding"):
orgs in name order, each goes into the first ConfigMap that still has room for all of its files (first-fit);
the first is named `configmap.name`, the next `<name>-2`, `<name>-3`, ... While every ConfigMap has room,
adding or removing lines moves nothing; only an org that no longer fits moves, to the first one with room.
"""

from __future__ import annotations

from typing import Iterable

import attrs

# etcd refuses larger objects; the budget may not exceed it.
ETCD_LIMIT = 1024 * 1024


@attrs.frozen
class Shard:
    name: str
    orgs: tuple[str, ...]
    # Bytes of its data: keys and values, what counts against the budget.
    size: int


@attrs.frozen
class Layout:
    budget: int
    shards: tuple[Shard, ...]
    # org name → name of the ConfigMap holding its files
    shard_of: dict[str, str]
    # (org name, bytes) of orgs whose files alone exceed the budget; each still gets a ConfigMap of its own
    oversized: tuple[tuple[str, int], ...]


def shard_name(base: str, index: int) -> str:
    return base if index == 0 else f"{base}-{index + 1}"


def pack(org_sizes: Iterable[tuple[str, int]], budget: int, base: str, *, split: bool = True) -> Layout:
    """First-fit of (org name, bytes of its mapping data), orgs in name order, into ConfigMaps of `budget` bytes;
    with `split=False`, all into one ConfigMap whatever its size (validation reports it if over)."""
    members: list[list[str]] = [[]]
    used = [0]
    oversized = []
    for org, size in sorted(org_sizes):
        if not split:
            members[0].append(org)
            used[0] += size
            continue
        if size > budget:
            oversized.append((org, size))
        # An oversized org gets a ConfigMap of its own, so the others keep their places once it is split.
        for index, room in enumerate(used):
            if size <= budget - room:
                break
        else:
            index = len(used)
            members.append([])
            used.append(0)
        members[index].append(org)
        used[index] += size
    shards = tuple(Shard(shard_name(base, i), tuple(names), used[i]) for i, names in enumerate(members))
    shard_of = {org: shard.name for shard in shards for org in shard.orgs}
    return Layout(budget, shards, shard_of, tuple(oversized))


def size_report(layout: Layout) -> str:
    """One line for `mirrorgen validate`: how much mapping data there is and how close the fullest ConfigMap is."""
    fullest = max(layout.shards, key=lambda shard: shard.size)
    count = len(layout.shards)
    return (f"mirrorgen: {sum(shard.size for shard in layout.shards)} bytes of mapping data in {count}"
            f" ConfigMap{'s' if count > 1 else ''}; the fullest, {fullest.name}, holds {fullest.size} of"
            f" {layout.budget} bytes (margin {layout.budget - fullest.size} bytes, configmap.shard_budget)")
