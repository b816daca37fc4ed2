"""`oc image mirror` mapping files, the org OWNERS files, and the image-mirror-mappings ConfigMap(s)."""

from __future__ import annotations

import functools
import gzip
import re
from typing import Iterator

from ..errors import Location, Problem
from ..inventory.memo import per_inventory
from ..inventory.model import ConfigMapSettings, Inventory, MappingFile, Org, Settings, defect_severity
from ..inventory.qci import names_its_registry, resolve_tokens
from ..inventory.refs import GO_SPACE, mapping_line_body, split_mapping_line
from ..output import Output
from ..provenance import nested_key_lines
from .owners import owners_text
from .render import render
from .shards import ETCD_LIMIT, Layout, pack

MIRRORING_DIR = "core-services/image-mirroring"
CONFIGMAP_PATH = f"{MIRRORING_DIR}/_image-mirror-mappings.yaml"


def configmap_path(index: int) -> str:
    """The manifest of the index-th ConfigMap (from 0): one file per ConfigMap, the first keeps its old name."""
    return CONFIGMAP_PATH if index == 0 else f"{MIRRORING_DIR}/_image-mirror-mappings-{index + 1}.yaml"


def rendered_text(settings: Settings, mapping: MappingFile) -> str:
    """The file's text exactly as the inventory holds it (spacing, comments, blank lines, line ends), except that
    image-stream sources (`ns/name:tag`) are written out in the registry the settings choose."""
    if all(_names_registries(line.text) for line in mapping.lines):
        return mapping.text  # nearly every file: written as it is
    return "\n".join(_with_sources_written_out(settings, line.text) for line in mapping.lines) + (
        "\n" if mapping.text.endswith("\n") else "")


def _names_registries(text: str) -> bool:
    """Whether every source the line names starts with a registry host, so that none is an image-stream tag to
    write out; a blank or comment line names none. Decided without parsing for the usual `SRC DST ...` line."""
    body = mapping_line_body(text)
    space = body.find(" ")
    if space > 0 and "=" not in body and "\t" not in body:
        return names_its_registry(body[:space])
    tokens = split_mapping_line(text).tokens
    sources = [token.partition("=")[0] for token in tokens] if tokens and "=" in tokens[0] else tokens[:1]
    return all(map(names_its_registry, sources))


# The separators split_mapping_line splits on, once the ends are trimmed: a CR inside a line is part of a token, as
# oc reads it.
_TOKEN = re.compile(r"[^ \t]+")


def _with_sources_written_out(settings: Settings, text: str) -> str:
    """The line with its image-stream sources written out in full, each token in the place of the one it replaces,
    so that spacing, comment and line end stay as written."""
    tokens = resolve_tokens(split_mapping_line(text).tokens, settings.image_stream_registry, settings.source_registry)
    line_end = "\r" if text.endswith("\r") else ""
    body, hash_, comment = text.removesuffix("\r").partition("#")
    # The white space oc trims at either end stays as written; the tokens are what lies between.
    start, end = len(body) - len(body.lstrip(GO_SPACE)), len(body.rstrip(GO_SPACE))
    replacements = iter(tokens)
    written_out = _TOKEN.sub(lambda _: next(replacements), body[start:end]) if end > start else ""
    return body[:start] + written_out + body[max(start, end):] + hash_ + comment + line_end


def mapping_path(org: Org, mapping: MappingFile) -> str:
    return f"{MIRRORING_DIR}/{org.name}/{mapping.name}"


@per_inventory
def mapping_outputs(inventory: Inventory) -> dict[tuple[str, str], Output]:
    """(org name, file name) → the mapping file, rendered once for the ConfigMap layout and the plan."""
    return {(org.name, mapping.name): mapping_output(inventory, org, mapping) for org in inventory.orgs for mapping in org.mappings}


@per_inventory
def configmap_layout(inventory: Inventory) -> Layout:
    """Which ConfigMap holds each org's files (see shards.py for the rule)."""
    outputs = mapping_outputs(inventory)
    settings = inventory.settings.configmap
    sizes = [(org.name, sum(stored_bytes(m.name, outputs[org.name, m.name].text, settings.gzip) for m in org.mappings))
             for org in inventory.orgs]
    return pack(sizes, settings.shard_budget, settings.name, split=settings.shard)


def stored_bytes(key: str, text: str, gzipped: bool) -> int:
    """What one file adds to the ConfigMap object: its key and its value, gzip-compressed if config-updater does."""
    value = text.encode()
    return len(key.encode()) + len(gzip.compress(value, mtime=0) if gzipped else value)


def mapping_output(inventory: Inventory, org: Org, mapping: MappingFile) -> Output:
    """The mapping file, each of its lines traced to the inventory line it renders."""
    text = render("mapping.txt.j2", source=org.file, header=inventory.settings.header,
                  text=rendered_text(inventory.settings, mapping))
    first = 2 if inventory.settings.header else 1  # the template puts only the header above the lines
    return Output(mapping_path(org, mapping), text, mapping.location,
                  lambda: ((first + i, Location(org.file, line.number)) for i, line in enumerate(mapping.lines)))


def configmap_line_sources(text: str, by_key: dict[str, Output]) -> list[tuple[int, Location]]:
    """Each data key traced to its mapping entry; inside a literal block, each line to its inventory line."""
    found = []
    for number, key, literal in nested_key_lines(text, "data"):
        mapping = by_key[key]
        found.append((number, mapping.source))
        if literal:
            lines = mapping.text.count("\n") + (not mapping.text.endswith("\n"))
            found.extend((number + i, mapping.source_of(i)) for i in range(1, lines + 1))
    return found


def plan_mappings(inventory: Inventory) -> list[Output]:
    settings = inventory.settings
    layout = configmap_layout(inventory)
    rendered = mapping_outputs(inventory)
    outputs = []
    # Prow's config-updater keys every mapping file by its base name.
    data: dict[str, dict[str, str]] = {shard.name: {} for shard in layout.shards}
    by_key = {}
    for org in inventory.orgs:
        for mapping in org.mappings:
            output = rendered[org.name, mapping.name]
            data[layout.shard_of[org.name]][mapping.name] = output.text
            by_key[mapping.name] = output
            outputs.append(output)
        owners = owners_text(org.owners, source=org.file, header=settings.header) if org.folder else None
        if owners is not None:
            outputs.append(Output(f"{MIRRORING_DIR}/{org.name}/OWNERS", owners, inventory.locate(org.file, "owners", key=True)))
    for index, shard in enumerate(layout.shards):
        configmap = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": shard.name, "namespace": settings.configmap.namespace},
            "data": data[shard.name],
        }
        text = render("documents.yaml.j2", source="orgs/*.yaml", header=settings.header, documents=[configmap])
        outputs.append(Output(configmap_path(index), text, inventory.locate(settings.file, "configmap", key=True),
                              functools.partial(configmap_line_sources, text, by_key)))
    return outputs


def check_configmap_size(inventory: Inventory) -> Iterator[Problem]:
    """The shard budget is possible, and every org's files fit in one ConfigMap (its job mounts exactly one)."""
    budget = inventory.settings.configmap.shard_budget
    if not 0 < budget <= ETCD_LIMIT:
        yield Problem(inventory.locate(inventory.settings.file, "configmap", "shard_budget"),
                      f"configmap.shard_budget {budget} must be between 1 and {ETCD_LIMIT} bytes (etcd's object limit);"
                      f" the default {ConfigMapSettings().shard_budget} leaves room for the object's metadata")
        return
    layout = configmap_layout(inventory)
    if not inventory.settings.configmap.shard:
        size = layout.shards[0].size
        if size > budget:
            yield Problem(inventory.locate(inventory.settings.file, "configmap", key=True),
                          f"the {layout.shards[0].name} ConfigMap would hold {size} bytes, over its {budget}-byte budget"
                          f" (configmap.shard_budget; etcd refuses objects over {ETCD_LIMIT}): set configmap.shard: true"
                          f" (mirrorgen writes each ConfigMap's config_updater entry), or configmap.gzip: true if"
                          f" config-updater compresses", defect_severity(inventory.settings), "configmap-over-budget",
                          layout.shards[0].name)
        return
    orgs = {org.name: org for org in inventory.orgs}
    rendered = mapping_outputs(inventory)
    for name, size in layout.oversized:
        org = orgs[name]
        largest = max(org.mappings, key=lambda m: len(rendered[name, m.name].text.encode()))
        yield Problem(inventory.locate(org.file, "mappings", key=True),
                      f"the mapping files of org {org.name!r} take {size} bytes, over the {budget}-byte budget of one"
                      f" ConfigMap (configmap.shard_budget), and its job mounts a single ConfigMap: split the files over"
                      f" two org files, each with its own job.mapping_prefix (the largest file is {largest.name!r}, at"
                      f" {largest.location})")
