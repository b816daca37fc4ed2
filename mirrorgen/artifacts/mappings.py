"""`oc image mirror` mapping files, the org OWNERS files, and the image-mirror-mappings ConfigMap."""

from __future__ import annotations

import attrs

from ..model import Inventory, MappingFile, Org, Settings
from ..output import Output
from ..qci import resolve_tokens
from ..render import render
from .owners import owners_text

MIRRORING_DIR = "core-services/image-mirroring"
CONFIGMAP_PATH = f"{MIRRORING_DIR}/_image-mirror-mappings.yaml"


def mapping_lines(settings: Settings, mapping: MappingFile) -> list[str]:
    """The file's lines with single spaces (oc splits on spaces only), image-stream sources written out in the
    registry the settings choose, and no leading blank lines."""
    lines = []
    for line in mapping.lines:
        parsed = line.parsed
        tokens = resolve_tokens(parsed.tokens, settings.image_stream_registry, settings.source_registry)
        lines.append(attrs.evolve(parsed, tokens=tokens).render())
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def mapping_text(inventory: Inventory, org: Org, mapping: MappingFile) -> str:
    return render("mapping.txt.j2", source=org.file, header=inventory.settings.header, lines=mapping_lines(inventory.settings, mapping))


def mapping_path(org: Org, mapping: MappingFile) -> str:
    return f"{MIRRORING_DIR}/{org.name}/{mapping.name}"


def configmap_bytes(inventory: Inventory) -> int:
    """What counts against etcd's 1 MiB object limit: the ConfigMap's keys and values."""
    return sum(
        len(mapping.name.encode()) + len(mapping_text(inventory, org, mapping).encode())
        for org in inventory.orgs
        for mapping in org.mappings
    )


def plan_mappings(inventory: Inventory) -> list[Output]:
    settings = inventory.settings
    outputs = []
    # Prow's config-updater keys every mapping file by its base name.
    data = {}
    for org in inventory.orgs:
        for mapping in org.mappings:
            text = mapping_text(inventory, org, mapping)
            data[mapping.name] = text
            outputs.append(Output(mapping_path(org, mapping), text, mapping.location))
        owners = owners_text(org.owners, source=org.file, header=settings.header) if org.folder else None
        if owners is not None:
            outputs.append(Output(f"{MIRRORING_DIR}/{org.name}/OWNERS", owners, inventory.locate(org.file, "owners", key=True)))
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": settings.configmap.name, "namespace": settings.configmap.namespace},
        "data": data,
    }
    text = render("documents.yaml.j2", source="orgs/*.yaml", header=settings.header, documents=[configmap])
    outputs.append(Output(CONFIGMAP_PATH, text, inventory.locate(settings.file, "configmap", key=True)))
    return outputs
