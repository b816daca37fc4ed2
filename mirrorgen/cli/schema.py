"""`mirrorgen schema`: write the JSON Schemas of the inventory files, which editors check the inventory with."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Optional

from .common import EXIT_OK, add_command


def add(commands: argparse._SubParsersAction) -> None:
    schema = add_command(commands, "schema", "write the JSON Schemas of the inventory files, for editors (completion,"
                                             " hover docs and errors as you type; docs/editors.md)", output=False)
    schema.add_argument("--output", metavar="DIR", help="folder to write them to (default: .schemas in the --config"
                                                        " folder, where the inventory files' modelines point)")
    schema.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..rules.schema import SCHEMA_DIR

    folder = Path(args.output) if args.output else Path(args.config) / SCHEMA_DIR
    written, unchanged = write_schemas(folder)
    print(f"mirrorgen: {len(written)} written, {unchanged} unchanged in {folder}")
    return EXIT_OK


def schema_folder(config: Path) -> Optional[Path]:
    """Where the inventory keeps its schemas, which generate writes and check compares: the folder if it is there or
    a file's modeline points into it, else None (an inventory written before mirrorgen had schemas is left alone)."""
    from ..inventory.load import ORGS_DIR
    from ..rules.schema import SCHEMA_DIR, has_modeline

    folder = config / SCHEMA_DIR
    if folder.is_dir():
        return folder
    for path in [*sorted(config.glob("*.yaml")), *sorted((config / ORGS_DIR).glob("*.yaml"))]:
        if path.is_file():
            with path.open("rb") as file:
                if has_modeline(file.readline()):
                    return folder
    return None


def stale_schemas(folder: Path, texts: Optional[dict[str, str]] = None) -> list[Path]:
    """The schema files in `folder` that are missing or differ from `texts` (default: this mirrorgen's)."""
    from ..rules.schema import inventory_schemas

    texts = texts or inventory_schemas()
    return [folder / name for name, text in texts.items()
            if not (folder / name).is_file() or (folder / name).read_bytes() != text.encode()]


def write_schemas(folder: Path) -> tuple[list[Path], int]:
    """Write the schema files that are missing or differ, each in one step; (those written, the number unchanged)."""
    from ..errors import MirrorgenError
    from ..rules.schema import inventory_schemas
    from ..tree.writer import atomic_write

    if folder.exists() and not folder.is_dir():
        raise MirrorgenError(f"{folder} is not a folder: the schemas go in a folder; move the file aside")
    texts = inventory_schemas()
    stale = stale_schemas(folder, texts)
    folder.mkdir(parents=True, exist_ok=True)
    for path in stale:
        atomic_write(path, texts[path.name].encode(), durable=False)
    return stale, len(texts) - len(stale)
