"""The LSP client against the real server, with a hand-written toy schema: what the inventory tests rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yamlls import Editor

TOY = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "description": "What the thing is called."},
        "enabled": {"type": "boolean", "description": "Whether it runs."},
        "job": {
            "type": "object",
            "additionalProperties": False,
            "description": "How it runs.",
            "properties": {
                "cron": {"type": "string", "description": "When it runs."},
                "cluster": {"type": "string", "description": "Where it runs."},
                "image": {"type": "string", "description": "What it runs."},
            },
        },
    },
}
MODELINE = "# yaml-language-server: $schema=toy.schema.json\n"


@pytest.fixture
def toy(editor: Editor) -> Editor:
    (editor.root / "toy.schema.json").write_text(json.dumps(TOY))
    return editor


def _where(diagnostic: dict) -> tuple[int, int, int, int]:
    start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
    return start["line"], start["character"], end["line"], end["character"]


def test_a_valid_document_has_no_diagnostics(toy: Editor) -> None:
    assert toy.diagnose("thing.yaml", MODELINE + "name: x\nenabled: true\njob:\n  cron: '@hourly'\n") == []


def test_a_misspelt_key_is_flagged_at_its_line_and_column(toy: Editor) -> None:
    diagnostic, = toy.diagnose("thing.yaml", MODELINE + "name: x\njob:\n  crno: '@hourly'\n")
    assert _where(diagnostic) == (3, 2, 3, 6)
    assert diagnostic["message"] == "Property crno is not allowed."


def test_a_wrong_type_is_flagged_at_the_value(toy: Editor) -> None:
    diagnostic, = toy.diagnose("thing.yaml", MODELINE + "name: x\nenabled: 'true'\n")
    assert _where(diagnostic) == (2, 9, 2, 15)
    assert diagnostic["message"] == 'Incorrect type. Expected "boolean".'


def test_yaml_1_1_reads_yes_as_a_boolean(toy: Editor) -> None:
    """The settings reach the server: under YAML 1.2 `yes` would be text, and the document wrong."""
    assert toy.diagnose("thing.yaml", MODELINE + "name: x\nenabled: yes\n") == []
    diagnostic, = toy.diagnose("thing.yaml", MODELINE + "name: yes\n")
    assert diagnostic["message"] == 'Incorrect type. Expected "string".'


def test_a_missing_property_is_reported_where_its_mapping_starts(toy: Editor) -> None:
    diagnostic, = toy.diagnose("thing.yaml", MODELINE + "enabled: true\n")
    assert _where(diagnostic)[:2] == (1, 0)  # where the root mapping starts, under the modeline
    assert diagnostic["message"] == 'Missing property "name".'


def test_completion_offers_the_keys_not_yet_present_with_their_descriptions(toy: Editor) -> None:
    uri = toy.open_text("thing.yaml", MODELINE + "name: x\njob:\n  cron: '@hourly'\n  \n")
    toy.server.diagnostics(uri)
    items = toy.server.completion(uri, 4, 2)
    offered = {item["label"]: item.get("documentation") for item in items}
    assert set(offered) == {"cluster", "image"}
    assert _text(offered["cluster"]) == "Where it runs."
    assert _text(offered["image"]) == "What it runs."


def test_hover_shows_the_description(toy: Editor) -> None:
    uri = toy.open_text("thing.yaml", MODELINE + "name: x\njob:\n  cron: '@hourly'\n")
    toy.server.diagnostics(uri)
    assert "When it runs." in toy.server.hover(uri, 3, 3)
    assert "How it runs." in toy.server.hover(uri, 2, 1)


def test_each_uri_is_opened_once(toy: Editor, tmp_path: Path) -> None:
    document = tmp_path / "once.yaml"
    document.write_text(MODELINE + "name: x\n")
    assert toy.open_file(document) == []
    with pytest.raises(ValueError, match="own URI"):
        toy.open_file(document)


def _text(documentation: object) -> str:
    return documentation["value"] if isinstance(documentation, dict) else str(documentation)
