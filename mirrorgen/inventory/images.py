"""The CKI image inventory (config/images.yaml) parsed: which images are mirrored, and where from.

An IMAGES entry is one reference on one line. An image in an approved registry is written as is; any other
as `<mirror_prefix>/<upstream registry>/<upstream path>:<tag>@sha256:<digest>`, so the mirror path names
where the image really lives (that is where Renovate looks it up and where img-mirror copies it from).
"""

from __future__ import annotations

from typing import Optional

import attrs

from ..errors import Location, Problem
from .model import Inventory
from .refs import ImageRef, ReferenceError, parse_image_ref


@attrs.frozen
class CkiImage:
    """One IMAGES entry, parsed."""

    name: str
    text: str  # the reference as written
    location: Location
    reference: ImageRef  # what the clusters pull
    upstream: ImageRef  # where the image really lives (the reference itself unless mirrored)

    @property
    def mirrored(self) -> bool:
        return self.reference != self.upstream

    @property
    def lookup(self) -> str:
        """What a registry client resolves to pin this image: the upstream repository and tag."""
        return f"{self.upstream.repository}:{self.upstream.tag}"


def mirror_repository(prefix: str, upstream: ImageRef) -> str:
    return f"{prefix.rstrip('/')}/{upstream.registry}/{upstream.path}"


def _upstream(prefix: str, reference: ImageRef) -> Optional[ImageRef]:
    """The image a mirror reference copies, or None when `reference` is not under the mirror prefix."""
    mirror = prefix.rstrip("/") + "/"
    if not reference.repository.startswith(mirror):
        return None
    rest = parse_image_ref(reference.repository[len(mirror):])
    return ImageRef(rest.registry, rest.path, reference.tag, reference.digest)


def parse_cki_images(inventory: Inventory) -> tuple[list[CkiImage], list[Problem]]:
    """Every entry that parses, and a problem for every entry that does not (pure)."""
    spec = inventory.images
    if spec is None:
        return [], []
    images, problems = [], []
    for name, text in spec.images.items():
        where = inventory.locate(spec.file, "images", name)
        try:
            reference = parse_image_ref(text.strip())
            upstream = _upstream(spec.mirror_prefix, reference) or reference
        except ReferenceError as exc:
            problems.append(Problem(where, f"image {name!r}: {exc}"))
            continue
        images.append(CkiImage(name, text, where, reference, upstream))
    return images, problems
