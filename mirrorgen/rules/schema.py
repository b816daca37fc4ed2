"""The rules an editor applies as you type: a JSON Schema (draft-07) per inventory file kind, derived from the model.

Each schema follows the loader rule for rule (inventory/load.py): every attrs class forbids unknown keys, text is
only text, true/false only booleans, lists only lists. Descriptions come from inventory/key_docs.py, defaults from
the attrs fields. An enum or pattern is added only for a value rule that is always an error and judges one value
alone, and it is built from the very regex or tuple the rule uses; rules whose severity depends on `defects:` or on
other files stay with `mirrorgen validate` (docs/editors.md lists them), so the schema is never the stricter one.

Sub-schemas are inlined, not `$ref`'d: draft-07 ignores the siblings of a `$ref`, so a description beside one would
be lost in editors that follow the draft (IntelliJ).
"""

from __future__ import annotations

import enum
import json
import re
import types
import typing
from typing import Any, Optional

import attrs

from ..inventory import model
from ..inventory.cron import CRON_SHAPE, GO_DURATION_RE
from ..inventory.jobs import MAPPING_PREFIX
from ..inventory.key_docs import ACCESS_DOCS, KEY_DOCS
from ..inventory.load import (
    IMAGES_FILE, KNOWN_DEFECTS_FILE, NAMESPACES_FILE, ORGS_DIR, QCI_FILE, SETTINGS_FILE, yaml_keys,
)
from ..inventory.model import (
    SECRET_SOURCES, ConfigMapSettings, DEFECT_SEVERITIES, ImagesFile, JobDefaults, JobOverrides, KnownDefect,
    KnownDefects, NamespacesFile, Org, QciAccess, Settings, VaultSettings,
)
from ..inventory.qci import IMAGE_STREAM_REGISTRIES
from ..inventory.refs import CONFIGMAP_KEY_RE, DNS1123_LABEL_RE, DNS1123_SUBDOMAIN_RE, LABEL_PART_RE
from .cki import NAME_RE
from .jobs import CPU_QUANTITY_RE, JOB_NAME_RE, PROW_LABELS
from .known_defects import DEFECT_CODES
from .names import CLUSTER

# The folder beside the inventory that holds the schemas (the loader skips names starting with '.').
SCHEMA_DIR = ".schemas"
# (inventory file, the class the loader structures it into, schema file name)
SCHEMAS = (
    (SETTINGS_FILE, Settings, "mirrorgen.schema.json"),
    (NAMESPACES_FILE, NamespacesFile, "namespaces.schema.json"),
    (f"{ORGS_DIR}/<org>.yaml", Org, "org.schema.json"),
    (IMAGES_FILE, ImagesFile, "images.schema.json"),
    (QCI_FILE, QciAccess, "qci.schema.json"),
    (KNOWN_DEFECTS_FILE, KnownDefects, "known-defects.schema.json"),
)
_MODELINE = "# yaml-language-server: $schema="


def schema_name(inventory_path: str) -> Optional[str]:
    """The schema file of an inventory file (a path relative to the inventory root), or None for no inventory file."""
    top, slash, below = inventory_path.partition("/")
    if top == ORGS_DIR and slash and "/" not in below and below.endswith(".yaml"):
        return "org.schema.json"
    return next((name for file, _, name in SCHEMAS if file == inventory_path), None)


def modeline(inventory_path: str) -> str:
    """The first line of an inventory file written by mirrorgen: points yaml-language-server (and editors honouring
    the same comment) at the schema in SCHEMA_DIR, relative to the file."""
    up = "../" * inventory_path.count("/")
    return f"{_MODELINE}{up}{SCHEMA_DIR}/{schema_name(inventory_path)}\n"


def has_modeline(text: bytes) -> bool:
    """Whether a file's first line points an editor into SCHEMA_DIR (then generate keeps that folder in step)."""
    first = text.split(b"\n", 1)[0]
    return first.startswith(_MODELINE.encode()) and f"{SCHEMA_DIR}/".encode() in first


def inventory_schemas() -> dict[str, str]:
    """Schema file name → its JSON text: sorted keys, two-space indent, a final newline (byte-stable)."""
    return {name: json.dumps(root_schema(cls, file), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
            for file, cls, name in SCHEMAS}


def root_schema(cls: type, file: str) -> dict[str, Any]:
    return {"$schema": "http://json-schema.org/draft-07/schema#", "title": f"mirrorgen inventory: {file}",
            **_described(_object(cls), _class_doc(cls))}


def _pattern(regex: re.Pattern[str] | str, message: str, max_length: Optional[int] = None) -> dict[str, Any]:
    shape = {"pattern": f"^(?:{getattr(regex, 'pattern', regex)})$", "patternErrorMessage": message}
    return {**shape, "maxLength": max_length} if max_length else shape


_LABEL = rf"(?:{DNS1123_SUBDOMAIN_RE.pattern}/)?{LABEL_PART_RE.pattern}"
_DNS_LABEL = _pattern(DNS1123_LABEL_RE, "a DNS-1123 label: at most 63 of a-z, 0-9 and '-', starting and ending"
                                        " alphanumeric", 63)
_LABEL_VALUE = _pattern(f"(?:{LABEL_PART_RE.pattern})?", "a Kubernetes label value: at most 63 of [-._a-zA-Z0-9],"
                                                         " starting and ending alphanumeric, or empty", 63)
_CRON_SHAPE = _pattern(CRON_SHAPE, "a cron expression: five fields, @hourly/@daily/@weekly/@monthly/@yearly, or"
                                   " @every <Go duration>")
_DURATION = _pattern(GO_DURATION_RE, "a Go duration such as 2h0m0s or 90m")
_CLUSTER = _pattern(CLUSTER, "a cluster name like app.ci (letters, digits, '-', '.', '_')")

# Value shapes by (class, key); JobOverrides takes those of JobDefaults for the keys the two share.
SHAPES: dict[tuple[type, str], dict[str, Any]] = {
    (Settings, "defects"): {"enum": list(DEFECT_SEVERITIES)},
    (Settings, "image_stream_registry"): {"enum": list(IMAGE_STREAM_REGISTRIES)},
    (JobDefaults, "secret_source"): {"enum": list(SECRET_SOURCES)},
    (JobDefaults, "cron"): _CRON_SHAPE,
    (JobDefaults, "cluster"): _CLUSTER,
    (JobDefaults, "timeout"): _DURATION,
    (JobDefaults, "cpu_request"): _pattern(CPU_QUANTITY_RE, "a Kubernetes CPU quantity such as 500m or 1"),
    (JobDefaults, "credentials_key"): _pattern(CONFIGMAP_KEY_RE, "a Secret key: [-._a-zA-Z0-9]", 253),
    (JobDefaults, "service_account"): _pattern(DNS1123_SUBDOMAIN_RE, "a ServiceAccount name (a DNS-1123 subdomain:"
                                                                     " lowercase letters, digits, '-' and '.')", 253),
    (JobDefaults, "role"): _LABEL_VALUE,
    (JobOverrides, "interval"): _DURATION,
    (JobOverrides, "area"): _LABEL_VALUE,
    (JobOverrides, "name"): _pattern(JOB_NAME_RE, "a job name: letters, digits, '-', '.' and '_'"),
    (JobOverrides, "mapping_prefix"): _pattern(f"(?={MAPPING_PREFIX}){CONFIGMAP_KEY_RE.pattern}",
                                               f"starts with {MAPPING_PREFIX!r}, then [-._a-zA-Z0-9]", 253),
    (JobOverrides, "labels"): {
        "propertyNames": {**_pattern(_LABEL, "a Kubernetes label key: an optional DNS subdomain and '/', then at most"
                                             " 63 of [-._a-zA-Z0-9], starting and ending alphanumeric"),
                          "not": {"enum": list(PROW_LABELS)}},
        "additionalProperties": {"type": "string", **_LABEL_VALUE}},
    (ConfigMapSettings, "name"): _pattern(DNS1123_SUBDOMAIN_RE, "a Kubernetes name (a DNS-1123 subdomain)", 253),
    (ConfigMapSettings, "namespace"): _DNS_LABEL,
    (ConfigMapSettings, "cluster"): _CLUSTER,
    (VaultSettings, "target_namespace"): _DNS_LABEL,
    (VaultSettings, "target_clusters"): {"items": _CLUSTER},
    (ImagesFile, "images"): {"propertyNames": _pattern(NAME_RE, "an image name: letters, digits and '_', not starting"
                                                                " with a digit")},
    (QciAccess, "integrations"): {"propertyNames": _DNS_LABEL},
    (QciAccess, "promotion_namespaces"): {"items": _DNS_LABEL},
    (KnownDefect, "code"): {"enum": list(DEFECT_CODES)},
}

# `mappings:` is read by the loader itself (load._mapping_files), not structured from the model.
_MAPPINGS = {
    "type": ["object", "null"],
    "propertyNames": _pattern(f"(?={MAPPING_PREFIX}){CONFIGMAP_KEY_RE.pattern}",
                              f"a mapping file name: a ConfigMap key starting with {MAPPING_PREFIX!r} ([-._a-zA-Z0-9],"
                              f" at most 253)", 253),
}


def _class_doc(cls: type) -> str:
    return " ".join((cls.__doc__ or "").split("\n\n")[0].split())


def _described(schema: dict[str, Any], text: str) -> dict[str, Any]:
    # markdownDescription for yaml-language-server (which would escape the `code` spans of a plain description),
    # description for every other editor.
    return {**schema, "description": text, "markdownDescription": text}


def _yaml_fields(cls: type) -> list[attrs.Attribute]:
    fields = attrs.fields_dict(cls)
    return [fields[name] for name in yaml_keys(cls)]


def _object(cls: type) -> dict[str, Any]:
    types = typing.get_type_hints(cls, vars(model))
    properties = {f.name: _property(cls, f, types[f.name]) for f in _yaml_fields(cls)}
    schema = {"type": "object", "additionalProperties": False, "properties": properties}
    required = [f.name for f in _yaml_fields(cls) if f.default is attrs.NOTHING]
    return {**schema, "required": required} if required else schema


def _doc(cls: type, name: str) -> str:
    own = KEY_DOCS.get(cls, {}).get(name)
    if own is None and cls is JobOverrides and name in attrs.fields_dict(JobDefaults):
        return f"{_doc(JobDefaults, name)} Default: `jobs.{name}` in mirrorgen.yaml."
    if own is None:
        raise LookupError(f"{cls.__name__}.{name} has no description: add one to inventory/key_docs.py")
    return own


def _property(cls: type, field: attrs.Attribute, tp: Any) -> dict[str, Any]:
    text = _doc(cls, field.name)
    if field.metadata.get("yaml_key"):
        return _described({**_MAPPINGS, "additionalProperties": _described({"type": "string"}, text)}, text)
    shape = SHAPES.get((cls, field.name)) or (SHAPES.get((JobDefaults, field.name), {}) if cls is JobOverrides else {})
    schema = _merge(_type(tp, text), shape)
    if "enum" in schema and type(None) in typing.get_args(tp):
        schema["enum"] = [*schema["enum"], None]
    default = field.default
    if isinstance(default, (str, bool, int)) or (isinstance(default, tuple) and default):
        schema["default"] = list(default) if isinstance(default, tuple) else default
        text = f"{text} Default: `{_yaml_text(default)}`."
    return _described(schema, text)


def _merge(schema: dict[str, Any], shape: dict[str, Any]) -> dict[str, Any]:
    """`shape` on `schema`: keys of an array's items or a mapping's values go into those."""
    merged = dict(schema)
    for key, value in shape.items():
        merged[key] = {**merged[key], **value} if isinstance(merged.get(key), dict) else value
    return merged


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return f"[{', '.join(value)}]"
    return str(value)


def _type(tp: Any, text: str) -> dict[str, Any]:
    """The schema of a model type as the loader's converter structures it."""
    args, union = typing.get_args(tp), typing.get_origin(tp) in (typing.Union, types.UnionType)
    if union and type(None) in args:  # Optional[X]: null passes
        inner = _type(next(arg for arg in args if arg is not type(None)), text)
        if "anyOf" in inner:
            return {"anyOf": [*inner["anyOf"], {"type": "null"}]}
        return {**inner, "type": [inner["type"], "null"]}
    if union and set(args) == {str, tuple[str, ...]}:  # the loader's _str_or_str_tuple
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
    if tp in (str, bool, int):
        return {"type": {str: "string", bool: "boolean", int: "integer"}[tp]}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [member.value for member in tp],
                "enumDescriptions": [ACCESS_DOCS[member] for member in tp]}
    if isinstance(tp, type) and attrs.has(tp):
        return _object(tp)
    origin = typing.get_origin(tp)
    if origin is tuple:
        return {"type": "array", "items": _value(args[0], text)}
    if origin is dict:
        return {"type": "object"} if args[1] is Any else {"type": "object", "additionalProperties": _value(args[1], text)}
    raise TypeError(f"no JSON Schema for the model type {tp!r}: teach rules/schema.py its loader rule")


def _value(tp: Any, text: str) -> dict[str, Any]:
    """The schema of a list item or mapping value: an object described by its class, anything else by its key."""
    return _described(_type(tp, text), _class_doc(tp) if attrs.has(tp) else text)
