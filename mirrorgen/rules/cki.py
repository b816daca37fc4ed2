"""Rules for the CKI image inventory (config/images.yaml): its settings, and each image pinned, named and mirrored
so that img-mirror and Renovate can work with it."""

from __future__ import annotations

import re
from typing import Iterator

import attrs

from ..errors import Location, Problem, Severity
from ..inventory.cron import cron_error
from ..inventory.images import CkiImage, mirror_repository, parse_cki_images
from ..inventory.model import ImagesFile, Inventory
from ..inventory.refs import ReferenceError, parse_image_ref
from ..output import is_plain_relative_path

SHA256_RE = re.compile(r"sha256:[a-f0-9]{64}")
# cki-tools renders `cki_variable('IMAGES').<name>`: a name must be usable as an attribute.
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Docker Hub's aliases, all served as docker.io; its one-component names live under library/.
DOCKER_HUB = "docker.io"
DOCKER_HUB_ALIASES = {"index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}


def _approved(spec: ImagesFile, registry: str) -> bool:
    return registry in spec.approved_registries


def check_images_settings(inventory: Inventory) -> Iterator[Problem]:
    spec = inventory.images
    if spec is None:
        return
    where = lambda *path: inventory.locate(spec.file, *path)  # noqa: E731
    for index, registry in enumerate(spec.approved_registries):
        try:
            ref = parse_image_ref(f"{registry}/x")
            valid = ref.registry == registry
        except ReferenceError:
            valid = False
        if not valid:
            yield Problem(where("approved_registries", index), f"approved registry {registry!r} is not a registry host"
                                                               f" such as quay.io or registry.example.com:5000")
    try:
        prefix = parse_image_ref(spec.mirror_prefix)
        if not prefix.registry or prefix.tag or prefix.digest:
            yield Problem(where("mirror_prefix"), f"mirror_prefix {spec.mirror_prefix!r} must be a registry and path such as"
                                                  f" quay.io/cki/mirror, without tag or digest")
        elif not _approved(spec, prefix.registry):
            yield Problem(where("mirror_prefix"), f"the mirror registry {prefix.registry} is not in approved_registries, so"
                                                  f" the clusters could not pull the mirrored images: approve it")
    except ReferenceError as exc:
        yield Problem(where("mirror_prefix"), f"mirror_prefix: {exc}")
    problem = cron_error(spec.schedule.cron)
    if problem:
        yield Problem(where("schedule", "cron"), f"invalid cron {spec.schedule.cron!r}: {problem}")
    if not spec.schedule.branch.strip():
        yield Problem(where("schedule", "branch"), "schedule.branch is empty: name the branch img-mirror runs on")
    path = spec.repository_path
    if not is_plain_relative_path(path) or any(char.isspace() for char in path):
        yield Problem(where("repository_path"), f"repository_path {path!r} must be this file's path relative to the"
                                                f" repository root, such as config/images.yaml")


def _line_problems(inventory: Inventory, spec: ImagesFile) -> Iterator[Problem]:
    """One image per line: Renovate's regex and `mirrorgen pin` both work on single lines."""
    source = inventory.sources.get(spec.file)
    if source is None:
        return
    for name in spec.images:
        key_line = source.key_lines.get(("images", name))
        value_line = source.value_lines.get(("images", name))
        if key_line != value_line:
            yield Problem(Location(spec.file, key_line or 0), f"image {name!r}: write the reference on the same line as"
                                                              f" its name (Renovate and mirrorgen pin edit single lines)")


def check_cki_images(inventory: Inventory) -> Iterator[Problem]:
    spec = inventory.images
    if spec is None:
        return
    yield from _line_problems(inventory, spec)
    images, problems = parse_cki_images(inventory)
    yield from problems
    destinations: dict[str, CkiImage] = {}
    for image in images:
        where, name, ref, up = image.location, image.name, image.reference, image.upstream
        if not NAME_RE.fullmatch(name):
            yield Problem(where, f"image name {name!r} cannot be used as cki_variable('IMAGES').<name>: use letters, digits"
                                 f" and _ (not starting with a digit)")
        if ref.tag is None:
            yield Problem(where, f"image {name!r} has no tag: write <image>:<tag> (Renovate bumps the tag), then run"
                                 f" mirrorgen pin for the digest")
        if ref.digest is None:
            yield Problem(where, f"image {name!r} is not pinned to a digest: run `mirrorgen pin` (it writes"
                                 f" @sha256:... as `skopeo inspect --format '{{{{.Digest}}}}'` reports it)")
        elif not SHA256_RE.fullmatch(ref.digest):
            yield Problem(where, f"image {name!r}: digest {ref.digest!r} must be sha256: and 64 lowercase hex digits")
        if not up.registry:
            what = f"the mirror path {ref.repository} does not match its upstream: after {spec.mirror_prefix}/ n" if image.mirrored else "n"
            yield Problem(where, f"image {name!r}: {what}ame the registry ({DOCKER_HUB}/library/{up.path} for a Docker Hub"
                                 f" image), so the lookup and the mirror path are unambiguous")
            continue
        if not image.mirrored:
            if not _approved(spec, up.registry):
                suggestion = mirror_repository(spec.mirror_prefix, up)
                yield Problem(where, f"image {name!r} is neither in an approved registry nor mirrored: write"
                                     f" {suggestion}:{ref.tag or '<tag>'}@<digest> so img-mirror copies it, or add"
                                     f" {up.registry} to approved_registries if the Managed Platform approves it")
            continue
        yield from _mirror_problems(spec, image)
        if ref.tag is not None:
            key = f"{ref.repository}:{ref.tag}"
            first = destinations.setdefault(key, image)
            if first is not image and first.reference.digest != ref.digest:
                yield Problem(where, f"image {name!r} mirrors to {key} like {first.name!r} ({first.location}) but with"
                                     f" another digest; img-mirror cannot write one tag twice: use one digest")


def _mirror_problems(spec: ImagesFile, image: CkiImage) -> Iterator[Problem]:
    where, up = image.location, image.upstream
    canonical = up
    if up.registry in DOCKER_HUB_ALIASES:
        canonical = attrs.evolve(canonical, registry=DOCKER_HUB)
    if canonical.registry == DOCKER_HUB and "/" not in up.path:
        canonical = attrs.evolve(canonical, path=f"library/{up.path}")
    if canonical != up:
        yield Problem(where, f"image {image.name!r}: the mirror path {image.reference.repository} does not match its upstream"
                             f" {canonical.repository}: write {mirror_repository(spec.mirror_prefix, canonical)}")
    elif up.repository.startswith(spec.mirror_prefix.rstrip("/") + "/"):
        yield Problem(where, f"image {image.name!r} mirrors the mirror itself: write the upstream after {spec.mirror_prefix}/")
    elif _approved(spec, up.registry):
        yield Problem(where, f"image {image.name!r} comes from the approved registry {up.registry}: reference"
                             f" {up.repository} directly instead of mirroring it", Severity.WARNING)
