"""`mirrorgen pin`: write into config/images.yaml the digest each image's tag points to, changing nothing else.

Planning and rewriting are pure; only `pin()` reads the registry and writes the file.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from ..errors import InvalidInventory, MirrorgenError, Problem
from ..inventory.images import CkiImage, parse_cki_images
from ..inventory.load import IMAGES_FILE, load_inventory
from ..tree.writer import atomic_write
from .skopeo import Resolution, Skopeo


@attrs.frozen
class PinResult:
    changed: tuple[tuple[CkiImage, str], ...]  # (image, new reference text)
    unchanged: int
    failed: tuple[Problem, ...]


def pin_candidates(images: list[CkiImage], update: bool) -> tuple[list[CkiImage], list[Problem]]:
    """The images to resolve: those without digest (all with `update`); an image without tag cannot be pinned."""
    chosen, problems = [], []
    for image in images:
        if image.reference.tag is None:
            problems.append(Problem(image.location, f"image {image.name!r} has no tag to pin: write <image>:<tag>"))
        elif update or image.reference.digest is None:
            chosen.append(image)
    return chosen, problems


def pinned_text(image: CkiImage, digest: str) -> str:
    return str(attrs.evolve(image.reference, digest=digest))


def rewrite_lines(text: str, replacements: dict[int, tuple[str, str]]) -> str:
    """`text` with, on each 1-based line number, `old` replaced by `new`; every other byte is kept."""
    lines = text.splitlines(keepends=True)
    for number, (old, new) in replacements.items():
        line = lines[number - 1]
        if line.count(old) != 1:
            raise ValueError(f"line {number} does not hold {old!r} exactly once")
        lines[number - 1] = line.replace(old, new)
    return "".join(lines)


def plan_pins(images: list[CkiImage], resolved: dict[str, Resolution]) -> PinResult:
    changed, failed, unchanged = [], [], 0
    for image in images:
        found = resolved[image.lookup]
        if found.error or found.digest is None:
            why = found.error or "the registry has no such tag"
            failed.append(Problem(image.location, f"cannot pin {image.name!r}: {image.lookup}: {why}"))
        elif found.digest == image.reference.digest:
            unchanged += 1
        else:
            changed.append((image, pinned_text(image, found.digest)))
    return PinResult(tuple(changed), unchanged, tuple(failed))


def pin(config: Path, *, update: bool = False, registry: Skopeo = Skopeo()) -> PinResult:
    """Resolve, then rewrite only the lines whose digest changes. Raises InvalidInventory if an image cannot be read."""
    inventory = load_inventory(config)
    if inventory.images is None:
        raise MirrorgenError(f"{config / IMAGES_FILE} does not exist: no images to pin")
    images, problems = parse_cki_images(inventory)
    candidates, untagged = pin_candidates(images, update)
    if problems or untagged:
        raise InvalidInventory(problems + untagged)
    result = plan_pins(candidates, registry.resolve_all(image.lookup for image in candidates))
    if result.changed:
        path = config / inventory.images.file
        text = path.read_bytes().decode("utf-8")
        replacements = {image.location.line: (image.text.strip(), new) for image, new in result.changed}
        # The inventory is a source file, not derived output: on disk before pin reports it rewritten.
        atomic_write(path, rewrite_lines(text, replacements).encode("utf-8"), durable=True)
    return result
