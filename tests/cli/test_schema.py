"""`mirrorgen schema`, and the schemas beside the inventory: written by generate and import, compared by check, left
alone for an inventory that does not use them (issue 16, items 1 and 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from mirrorgen.cli import main

SHIPPED = REPO / "mirrorgen/schemas/inventory"
ORG_MODELINE = "# yaml-language-server: $schema=../.schemas/org.schema.json\n"


def texts(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_schema_writes_the_shipped_schemas(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["schema", "--output", str(tmp_path / "out")]) == 0
    assert texts(tmp_path / "out") == texts(SHIPPED)
    assert capsys.readouterr().out == f"mirrorgen: 6 written, 0 unchanged in {tmp_path / 'out'}\n"
    assert main(["schema", "--output", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out == f"mirrorgen: 0 written, 6 unchanged in {tmp_path / 'out'}\n"


def test_schema_writes_beside_the_inventory_by_default(tmp_path: Path) -> None:
    assert main(["schema", "--config", str(tmp_path / "config")]) == 0
    assert texts(tmp_path / "config/.schemas") == texts(SHIPPED)


def test_schema_refuses_a_file_where_the_folder_goes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "out").write_text("x")
    assert main(["schema", "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"mirrorgen: error: {tmp_path / 'out'} is not a folder: the schemas go in a folder;" \
                                      f" move the file aside\n"


def test_generate_keeps_the_schemas_a_modeline_points_at(make_inventory, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    from conftest import MINIMAL

    config = make_inventory({"orgs/acme.yaml": ORG_MODELINE + MINIMAL["orgs/acme.yaml"]})
    output = str(tmp_path / "out")
    assert main(["generate", "--config", str(config), "--output", output]) == 0
    assert texts(config / ".schemas") == texts(SHIPPED)
    assert "6 schema(s) written in" in capsys.readouterr().out
    assert main(["check", "--config", str(config), "--output", output]) == 0

    (config / ".schemas/org.schema.json").write_text("{}\n")
    (config / ".schemas/qci.schema.json").unlink()
    capsys.readouterr()
    assert main(["check", "--config", str(config), "--output", output]) == 1
    err = capsys.readouterr().err
    assert f"{config}/.schemas/org.schema.json: differs from this mirrorgen's schema" in err
    assert f"{config}/.schemas/qci.schema.json: missing" in err
    assert f"run `mirrorgen generate --config {config}`" in err
    assert main(["generate", "--config", str(config), "--output", output]) == 0
    assert texts(config / ".schemas") == texts(SHIPPED)
    assert main(["check", "--config", str(config), "--output", output]) == 0


def test_an_inventory_without_schemas_is_left_alone(make_inventory, tmp_path: Path) -> None:
    """Written before mirrorgen had schemas: no modeline, no folder; upgrading must not make check fail."""
    config = make_inventory()
    output = str(tmp_path / "out")
    assert main(["generate", "--config", str(config), "--output", output]) == 0
    assert not (config / ".schemas").exists()
    assert main(["check", "--config", str(config), "--output", output]) == 0


def test_import_writes_a_modeline_on_every_file_and_the_schemas(tmp_path: Path) -> None:
    config = tmp_path / "imported"
    assert main(["import", "--release-repo", str(REPO / "tests/fixtures/release"), "--config", str(config)]) == 0
    files = sorted([*config.glob("*.yaml"), *config.glob("orgs/*.yaml")])
    assert len(files) > 3
    for path in files:
        schema = "../.schemas/org.schema.json" if path.parent.name == "orgs" else f".schemas/{path.stem}.schema.json"
        assert path.read_text().startswith(f"# yaml-language-server: $schema={schema}\n"), path
    assert texts(config / ".schemas") == texts(SHIPPED)
