"""`oc image mirror` mapping files, the org OWNERS files, and the image-mirror-mappings ConfigMap(s)."""

from __future__ import annotations

from ..model import Inventory, MappingFile, Org
from ..output import Output
from ..render import render
from .owners import owners_document
from .shards import configmap_layout, mapping_lines, mapping_text  # noqa: F401 (mapping_lines, mapping_text: public here)

MIRRORING_DIR = "core-services/image-mirroring"
CONFIGMAP_PATH = f"{MIRRORING_DIR}/_image-mirror-mappings.yaml"


def configmap_path(index: int) -> str:
    """The manifest of the index-th ConfigMap (from 0): one file per ConfigMap, the first keeps its old name."""
    return CONFIGMAP_PATH if index == 0 else f"{MIRRORING_DIR}/_image-mirror-mappings-{index + 1}.yaml"


def mapping_path(org: Org, mapping: MappingFile) -> str:
    return f"{MIRRORING_DIR}/{org.name}/{mapping.name}"


def plan_mappings(inventory: Inventory) -> list[Output]:
    settings = inventory.settings
    layout = configmap_layout(inventory)
    outputs = []
    # Prow's config-updater keys every mapping file by its base name.
    data: dict[str, dict[str, str]] = {shard.name: {} for shard in layout.shards}
    for org in inventory.orgs:
        for mapping in org.mappings:
            text = layout.texts[org.name, mapping.name]
            data[layout.shard_of[org.name]][mapping.name] = text
            outputs.append(Output(mapping_path(org, mapping), text, mapping.location))
        owners = render("documents.yaml.j2", source=org.file, header=settings.header, documents=[owners_document(org.owners)])
        outputs.append(Output(f"{MIRRORING_DIR}/{org.name}/OWNERS", owners, inventory.locate(org.file, "owners", key=True)))
    for index, shard in enumerate(layout.shards):
        configmap = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": shard.name, "namespace": settings.configmap.namespace},
            "data": data[shard.name],
        }
        text = render("documents.yaml.j2", source="orgs/*.yaml", header=settings.header, documents=[configmap])
        outputs.append(Output(configmap_path(index), text, inventory.locate(settings.file, "configmap", key=True)))
    return outputs
