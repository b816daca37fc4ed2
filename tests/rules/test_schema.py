"""The inventory's JSON Schemas (issue 16, item 1): shipped as the model gives them, one per file kind, every key
described, and the loader's contract (unknown keys refused, required keys, fixed sets of values) written into them.

How the real editor reads them is tests/rules/test_schema_in_editor.py."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from conftest import REPO
from mirrorgen.inventory import key_docs
from mirrorgen.inventory.load import yaml_keys
from mirrorgen.rules.schema import inventory_schemas, modeline, schema_name

SHIPPED = REPO / "mirrorgen/schemas/inventory"
# The inventory's files (README, "The inventory") and the schema each is checked with.
KINDS = {"mirrorgen.yaml": "mirrorgen.schema.json", "namespaces.yaml": "namespaces.schema.json",
         "orgs/acme.yaml": "org.schema.json", "images.yaml": "images.schema.json", "qci.yaml": "qci.schema.json",
         "known-defects.yaml": "known-defects.schema.json"}


def shipped() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text()) for path in sorted(SHIPPED.glob("*.json"))}


def test_the_shipped_schemas_are_what_the_model_gives() -> None:
    texts = {path.name: path.read_text() for path in SHIPPED.glob("*.json")}
    assert texts == inventory_schemas(), ("the shipped schemas are out of step with the model: regenerate them with"
                                          " `mirrorgen schema --output mirrorgen/schemas/inventory` and review the diff")


def test_one_schema_per_inventory_file_kind() -> None:
    assert {path: schema_name(path) for path in KINDS} == KINDS
    assert set(shipped()) == set(KINDS.values())
    for not_inventory in ("orgs/acme.yml", "orgs/sub/acme.yaml", "README.md", ".schemas/org.schema.json"):
        assert schema_name(not_inventory) is None


def test_the_modeline_points_at_the_schema_beside_the_inventory() -> None:
    assert modeline("mirrorgen.yaml") == "# yaml-language-server: $schema=.schemas/mirrorgen.schema.json\n"
    assert modeline("orgs/acme.yaml") == "# yaml-language-server: $schema=../.schemas/org.schema.json\n"


def objects(schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, schema) of every sub-schema, the root included."""
    yield path, schema
    for name, sub in schema.get("properties", {}).items():
        yield from objects(sub, f"{path}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from objects(schema[key], f"{path}[{key}]")
    for sub in schema.get("anyOf", []):
        yield from objects(sub, f"{path}|")


@pytest.mark.parametrize("name", KINDS.values())
def test_every_key_has_a_description(name: str) -> None:
    for path, schema in objects(shipped()[name]):
        for key, sub in schema.get("properties", {}).items():
            assert sub.get("description") and sub["markdownDescription"] == sub["description"], f"{name}{path}.{key}"


@pytest.mark.parametrize("name", KINDS.values())
def test_every_mapping_of_settings_refuses_unknown_keys(name: str) -> None:
    """The loader forbids extra keys in every settings mapping (cattrs, forbid_extra_keys)."""
    with_keys = [(path, schema) for path, schema in objects(shipped()[name]) if "properties" in schema]
    assert with_keys
    for path, schema in with_keys:
        assert schema["additionalProperties"] is False, f"{name}{path}"


def test_the_loaders_required_keys_and_fixed_sets() -> None:
    """Expected values from the loader and the rules (README, "The inventory"), not from the generator."""
    schemas = shipped()
    assert schemas["org.schema.json"]["required"] == ["destination"]
    namespace = schemas["namespaces.schema.json"]["properties"]["namespaces"]["additionalProperties"]
    assert namespace["required"] == ["access"]
    assert set(namespace["properties"]["access"]["enum"]) == {"authenticated", "mirror-only", "public"}
    assert len(namespace["properties"]["access"]["enumDescriptions"]) == 3
    settings = schemas["mirrorgen.schema.json"]["properties"]
    assert settings["defects"]["enum"] == ["error", "warning"]
    assert settings["image_stream_registry"]["enum"] == ["app.ci", "qci"]
    assert settings["jobs"]["properties"]["secret_source"]["enum"] == ["self-service", "external"]
    assert settings["configmap"]["properties"]["shard_budget"]["type"] == "integer"
    job = schemas["org.schema.json"]["properties"]["job"]["properties"]
    assert job["secret_source"]["enum"] == ["self-service", "external", None]  # null: take the global default
    assert schemas["qci.schema.json"]["properties"]["integrations"]["additionalProperties"]["required"] == ["admins"]
    defect = schemas["known-defects.schema.json"]["properties"]["known_defects"]["items"]
    assert defect["required"] == ["code", "file", "subject"]
    assert "duplicate-destination" in defect["properties"]["code"]["enum"]


def test_a_key_without_a_description_stops_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    from mirrorgen.inventory.model import Namespace

    docs = dict(key_docs.KEY_DOCS)
    docs[Namespace] = {key: text for key, text in docs[Namespace].items() if key != "display_name"}
    monkeypatch.setattr("mirrorgen.rules.schema.KEY_DOCS", docs)
    with pytest.raises(LookupError, match="Namespace.display_name has no description"):
        inventory_schemas()


def test_no_description_of_a_key_the_loader_does_not_read() -> None:
    for cls, docs in key_docs.KEY_DOCS.items():
        assert set(docs) <= set(yaml_keys(cls)), cls.__name__


def test_defaults_are_stated_once_in_the_model() -> None:
    cron = shipped()["mirrorgen.schema.json"]["properties"]["jobs"]["properties"]["cron"]
    assert cron["default"] == "@hourly" and cron["description"].endswith("Default: `@hourly`.")
    override = shipped()["org.schema.json"]["properties"]["job"]["properties"]["cron"]
    assert "default" not in override and override["description"].endswith("Default: `jobs.cron` in mirrorgen.yaml.")


def test_the_sample_inventory_points_editors_at_its_schemas() -> None:
    config = REPO / "config"
    for path in [*config.glob("*.yaml"), *config.glob("orgs/*.yaml")]:
        relative = path.relative_to(config).as_posix()
        where = "../.schemas/org.schema.json" if relative.startswith("orgs/") else f".schemas/{path.stem}.schema.json"
        assert path.read_text().split("\n")[0] == f"# yaml-language-server: $schema={where}", relative
        assert (path.parent / where).is_file(), relative
    assert {p.name: p.read_text() for p in (config / ".schemas").iterdir()} == inventory_schemas()


def test_patterns_are_ecmascript_and_python_alike() -> None:
    """Every pattern is anchored, has a message in the rule's words and compiles; that the editor's JavaScript engine
    matches them as the rules do is tests/rules/test_schema_in_editor.py."""
    import re

    for name, schema in shipped().items():
        for path, sub in objects(schema):
            for shape in (sub, sub.get("propertyNames", {})):
                if "pattern" in shape:
                    assert shape["pattern"].startswith("^(?:") and shape["pattern"].endswith(")$"), f"{name}{path}"
                    assert shape.get("patternErrorMessage"), f"{name}{path}"
                    re.compile(shape["pattern"])
