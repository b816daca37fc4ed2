"""ci-secret-bootstrap's configuration in a release checkout: which Secrets it provisions, on which clusters.

Many push secrets of the mirroring jobs are not self-service Vault items (secretsync/* keys) but entries of
`core-services/ci-secret-bootstrap/_config.yaml`. Its schema is ci-tools' `pkg/api/secretbootstrap` Config:
`secret_configs`, each a `from` (the Secret's keys, each filled from a Vault item field or a docker config built from
several) and a `to` list of Secrets (`name`, `namespace`, and either `cluster` or `cluster_groups`, whose groups
`cluster_groups` at the top level names).
"""

from __future__ import annotations

from typing import Any

import attrs

from ..errors import InvalidInventory, Location, Problem
from ..inventory.yamlsource import parse_yaml

BOOTSTRAP_PATH = "core-services/ci-secret-bootstrap/_config.yaml"


@attrs.frozen
class Provisioned:
    """A Secret ci-secret-bootstrap writes: where the configuration names it, and the keys it gets."""

    location: Location
    keys: tuple[str, ...]


def provisioned_secrets(text: bytes) -> dict[tuple[str, str, str], Provisioned]:
    """(cluster, namespace, name) → the entry that provisions that Secret (the first, if several do).

    Raises InvalidInventory, at the file and line, where the file is not YAML or not of that shape: ci-secret-bootstrap
    could not read it either, so nothing can be concluded from it."""
    data, source = parse_yaml(text, BOOTSTRAP_PATH)

    def wrong(path: tuple[Any, ...], what: str) -> InvalidInventory:
        return InvalidInventory([Problem(source.locate(path), f"{'.'.join(map(str, path))} must be {what}, as ci-secret-bootstrap"
                                                              f" reads it (ci-tools pkg/api/secretbootstrap)")])

    groups = data.get("cluster_groups") or {}
    if not isinstance(groups, dict):
        raise wrong(("cluster_groups",), "a mapping of group names to lists of clusters")
    configs = data.get("secret_configs")
    if not isinstance(configs, list):
        raise wrong(("secret_configs",), "a list")
    found: dict[tuple[str, str, str], Provisioned] = {}
    for i, config in enumerate(configs):
        if not isinstance(config, dict) or not isinstance(config.get("to"), list) or not isinstance(config.get("from") or {}, dict):
            raise wrong(("secret_configs", i), "a mapping with a `from` mapping and a `to` list")
        keys = tuple(sorted(map(str, config.get("from") or {})))
        for j, target in enumerate(config["to"]):
            if not isinstance(target, dict):
                raise wrong(("secret_configs", i, "to", j), "a mapping")
            cluster, named_groups = target.get("cluster"), target.get("cluster_groups") or []
            clusters = [cluster] if cluster else [c for g in named_groups if isinstance(g, str)
                                                  for c in (groups.get(g) if isinstance(groups.get(g), list) else [])]
            where = Provisioned(source.locate(("secret_configs", i, "to", j, "name")), keys)
            for each in clusters:
                found.setdefault((str(each), str(target.get("namespace")), str(target.get("name"))), where)
    return found
