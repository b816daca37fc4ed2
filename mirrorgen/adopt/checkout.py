"""The shell side of adopting a checkout: the release files that matter read in, the inventory written out."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from ..artifacts.config_updater import PLUGINS_PATH
from ..artifacts.mappings import MIRRORING_DIR
from ..artifacts.prow import JOBS_PATH
from ..artifacts.rbac import REGISTRY_ACCESS_DIR
from ..errors import MirrorgenError
from ..inventory.jobs import MAPPING_PREFIX
from ..inventory.load import KNOWN_DEFECTS_FILE, NAMESPACES_FILE, ORGS_DIR, SETTINGS_FILE
from .secrets import BOOTSTRAP_PATH


def read_release(root: str | Path) -> dict[str, bytes]:
    """Shell side: the job file and every file one level below the org and registry-access folders."""
    root = Path(root)
    if not (root / JOBS_PATH).is_file():
        raise MirrorgenError(f"{root}: no {JOBS_PATH}; is --release-repo an openshift/release checkout?")
    files = {JOBS_PATH: (root / JOBS_PATH).read_bytes()}
    for extra in (PLUGINS_PATH, BOOTSTRAP_PATH):
        if (root / extra).is_file():
            files[extra] = (root / extra).read_bytes()
    for top in (MIRRORING_DIR, REGISTRY_ACCESS_DIR):
        base = root / top
        for folder in sorted(base.iterdir()) if base.is_dir() else ():
            if not folder.is_dir():
                continue  # files beside the org folders (README, tool configuration) are not per-org
            for path in sorted(folder.iterdir()):
                relative = path.relative_to(root).as_posix()
                # A sub-folder is recorded by name so that nothing in an org folder goes unmentioned.
                files[relative + "/" if path.is_dir() else relative] = b"" if path.is_dir() else path.read_bytes()
    # applyconfig applies registry-access manifests in sub-folders too, and they may say who can pull.
    access = root / REGISTRY_ACCESS_DIR
    for path in sorted(access.rglob("*.yaml")) if access.is_dir() else ():
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative not in files:
            files[relative] = path.read_bytes()
    # config-updater takes mapping files from any depth; those not directly in an org folder are refused by name.
    for path in sorted((root / MIRRORING_DIR).rglob(MAPPING_PREFIX + "*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative not in files:
            files[relative] = b""
    return files


INVENTORY_FILES = (SETTINGS_FILE, NAMESPACES_FILE, KNOWN_DEFECTS_FILE)


def write_inventory(config_dir: str | Path, inventory_files: Mapping[str, str], *, force: bool) -> None:
    """Shell side: write the inventory; refuse to replace an existing one unless `force`."""
    config_dir = Path(config_dir)
    existing = [config_dir / name for name in INVENTORY_FILES if (config_dir / name).exists()]
    existing += sorted((config_dir / ORGS_DIR).glob("*.yaml")) if (config_dir / ORGS_DIR).is_dir() else []
    if existing and not force:
        raise MirrorgenError(f"{config_dir} already holds an inventory ({existing[0]}); pass --force to replace it")
    for path in existing:
        path.unlink()
    for relative, text in sorted(inventory_files.items()):
        target = config_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
