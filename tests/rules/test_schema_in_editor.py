"""The inventory's schemas in the real yaml-language-server (issue 16, item 4), reached through the modelines only.

Expected positions and keys come from the issue and the loader's contract (load.yaml_keys, its messages' lines);
descriptions from inventory/key_docs.py, the one place they are written. Positions are the server's: 0-based."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO
from mirrorgen.errors import InvalidInventory
from mirrorgen.inventory.key_docs import KEY_DOCS
from mirrorgen.inventory.load import parse_org, yaml_keys
from mirrorgen.inventory.model import JobDefaults, JobOverrides
from yamlls import Editor

ORG = "# yaml-language-server: $schema=../.schemas/org.schema.json\n"
SETTINGS = "# yaml-language-server: $schema=.schemas/mirrorgen.schema.json\n"
NAMESPACES = "# yaml-language-server: $schema=.schemas/namespaces.schema.json\n"



def where(diagnostic: dict) -> tuple[int, int, int, int]:
    start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
    return start["line"], start["character"], end["line"], end["character"]


def loader_lines(text: str) -> list[int]:
    """The 0-based lines at which the loader reports the org file's problems."""
    try:
        parse_org("acme", "orgs/acme.yaml", text.encode())
    except InvalidInventory as invalid:
        return [problem.location.line - 1 for problem in invalid.problems]
    return []


def test_a_misspelt_key_in_an_org_file_is_flagged_at_its_line_and_column(schema_editor: Editor) -> None:
    text = ORG + "destination: quay.io/acme\njob:\n  crno: '@daily'\n"
    diagnostic, = schema_editor.diagnose("orgs/acme.yaml", text)
    assert where(diagnostic) == (3, 2, 3, 6)
    assert diagnostic["message"] == "Property crno is not allowed."
    assert loader_lines(text) == [3]


def test_text_where_a_boolean_belongs_in_mirrorgen_yaml(schema_editor: Editor) -> None:
    diagnostic, = schema_editor.diagnose("mirrorgen.yaml", SETTINGS + "header: true\njobs:\n  dry_run: 'false'\n")
    assert where(diagnostic) == (3, 11, 3, 18)
    assert diagnostic["message"] == 'Incorrect type. Expected "boolean".'


def test_an_unknown_access_level_in_namespaces_yaml(schema_editor: Editor) -> None:
    text = NAMESPACES + "namespaces:\n  acme-ci:\n    access: private\n    owners:\n      approvers: [alice]\n"
    diagnostic, = schema_editor.diagnose("namespaces.yaml", text)
    assert where(diagnostic) == (3, 12, 3, 19)
    assert diagnostic["message"].startswith("Value is not accepted. Valid values: ")
    for level in ("authenticated", "mirror-only", "public"):
        assert f'"{level}"' in diagnostic["message"]


def test_a_missing_destination_is_reported_at_the_first_key(schema_editor: Editor) -> None:
    diagnostic, = schema_editor.diagnose("orgs/acme.yaml", ORG + "owners:\n  approvers: [alice]\n")
    assert where(diagnostic)[:2] == (1, 0)
    assert diagnostic["message"] == 'Missing property "destination".'


def job_doc(key: str) -> str:
    """An org's job key is described by its own text, or by the global default's."""
    return KEY_DOCS[JobOverrides].get(key) or KEY_DOCS[JobDefaults][key]


def test_completion_inside_job_offers_exactly_the_job_keys_not_yet_present(schema_editor: Editor) -> None:
    uri = schema_editor.open_text("orgs/acme.yaml", ORG + "destination: quay.io/acme\njob:\n  cron: '@daily'\n"
                                                      "  dry_run: true\n  \n")
    schema_editor.server.diagnostics(uri)
    items = schema_editor.server.completion(uri, 5, 2)
    offered = {item["label"]: item for item in items}
    assert set(offered) == set(yaml_keys(JobOverrides)) - {"cron", "dry_run"}
    for key, item in offered.items():
        documentation = item["documentation"]
        text = documentation["value"] if isinstance(documentation, dict) else documentation
        assert job_doc(key) in text, key


def test_hover_on_a_key_shows_its_description(schema_editor: Editor) -> None:
    uri = schema_editor.open_text("orgs/acme.yaml", ORG + "destination: quay.io/acme\njob:\n  cron: '@daily'\n")
    schema_editor.server.diagnostics(uri)
    assert KEY_DOCS[JobDefaults]["cron"] in schema_editor.server.hover(uri, 3, 3)
    hover = schema_editor.server.hover(uri, 1, 3)
    assert "The registry and organisation the org's push secret writes to" in hover


def test_the_sample_inventory_opens_without_diagnostics(editor: Editor) -> None:
    config = REPO / "config"
    files = sorted([*config.glob("*.yaml"), *config.glob("orgs/*.yaml")])
    assert len(files) > 10
    assert editor.open_files(files) == {path: [] for path in files}


def test_an_imported_release_tree_opens_without_diagnostics(editor: Editor, tmp_path: Path) -> None:
    from mirrorgen.cli import main

    config = tmp_path / "imported"
    assert main(["import", "--release-repo", str(REPO / "tests/fixtures/release"), "--config", str(config)]) == 0
    files = sorted([*config.glob("*.yaml"), *config.glob("orgs/*.yaml")])
    assert {path.name for path in files} >= {"mirrorgen.yaml", "namespaces.yaml", "known-defects.yaml"}
    assert editor.open_files(files) == {path: [] for path in files}


# docs/editors.md, "Values the editor and mirrorgen still read differently": the server, even in YAML 1.1 mode,
# types these plain scalars, which PyYAML reads as text (found by trying; the YAML 1.1 spec sides with the server on
# y/n).
READ_DIFFERENTLY = ["y", "n", "Y", "N", "1e3", "1.0e3", "12e03", "E0", "+.5", "._", "08", "09"]


def test_the_plain_values_the_editor_and_pyyaml_read_differently(schema_editor: Editor) -> None:
    import yaml

    from mirrorgen.artifacts import canonical_yaml

    def document(value: str) -> str:
        return ORG + f"destination: quay.io/acme\nowners:\n  verbatim: {value}\n"

    plain = schema_editor.diagnose_all([("orgs/acme.yaml", document(value)) for value in READ_DIFFERENTLY])
    assert [bool(found) for found in plain] == [True] * len(READ_DIFFERENTLY)
    assert all(isinstance(yaml.safe_load(value), str) for value in READ_DIFFERENTLY)
    # Controls: text both read as text, and the same values quoted.
    texts = ["yes-no", "1e", "0x", *(f"'{value}'" for value in READ_DIFFERENTLY)]
    assert schema_editor.diagnose_all([("orgs/acme.yaml", document(value)) for value in texts]) == [[]] * len(texts)
    # mirrorgen's writer quotes all but `._` and `E0`, which go-yaml v2, the reader it writes for, reads as text.
    written = {value: canonical_yaml.dump(value) for value in READ_DIFFERENTLY}
    assert [value for value, text in written.items() if not text.startswith('"')] == ["E0", "._"]
