"""`mirrorgen verify`: does every destination hold what its source holds? (Has img-mirror run since the change?)

Which lines to check and how to judge them are pure; `verify()` only adds the registry lookups.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import attrs

from ..errors import Location, MirrorgenError
from ..inventory.images import parse_cki_images
from ..inventory.model import Inventory
from ..inventory.qci import resolve_source
from ..inventory.refs import ImageRef, ReferenceError
from .skopeo import Resolution, Skopeo

OK, MISSING, STALE, ERROR, SKIPPED = "ok", "missing", "stale", "error", "skipped"
SOURCE_MISSING = "source-missing"
# A line's status is its worst destination's.
_SEVERITY = {OK: 0, SKIPPED: 0, STALE: 1, MISSING: 2, SOURCE_MISSING: 3, ERROR: 4}


@attrs.frozen
class Check:
    """One inventory line to verify: a source (its digest known when pinned) and the destinations it is copied to."""

    location: Location
    source: str
    destinations: tuple[str, ...]
    source_digest: Optional[str] = None
    skip_reason: Optional[str] = None

    @property
    def lookups(self) -> list[str]:
        if self.skip_reason:
            return []
        return ([] if self.source_digest else [self.source]) + list(self.destinations)


@attrs.frozen
class Destination:
    reference: str
    digest: Optional[str]
    status: str
    reason: str = ""


@attrs.frozen
class LineReport:
    location: Location
    source: str
    source_digest: Optional[str]
    status: str
    destinations: tuple[Destination, ...]
    reason: str = ""


def cki_checks(inventory: Inventory) -> list[Check]:
    """Each mirrored image: the pinned digest must be what the mirror's tag serves."""
    images, _ = parse_cki_images(inventory)
    return [
        Check(image.location, str(image.upstream), (f"{image.reference.repository}:{image.reference.tag}",),
              source_digest=image.reference.digest)
        for image in images
        if image.mirrored and image.reference.tag and image.reference.digest
    ]


def mapping_checks(inventory: Inventory, org_name: Optional[str] = None) -> list[Check]:
    settings = inventory.settings
    streams = settings.image_stream_registry
    checks = []
    for org in inventory.orgs:
        if org_name is not None and org.name != org_name:
            continue
        for mapping in org.mappings:
            for line in mapping.lines:
                tokens = line.parsed.tokens
                if not tokens:
                    continue
                where = Location(org.file, line.number)
                pairs, unreadable = line.read()
                try:
                    # An image-stream source (`ns/name:tag`) is pulled from the registry the settings choose.
                    sources = [resolve_source(pair.source, streams, settings.source_registry) for pair in pairs]
                except ReferenceError as exc:
                    unreadable = str(exc)
                if unreadable is not None:
                    checks.append(Check(where, " ".join(tokens), (), skip_reason=f"not a valid mapping line: {unreadable}"))
                    continue
                groups: dict[str, tuple[ImageRef, list[str]]] = {}
                for pair, src in zip(pairs, sources):
                    dst = pair.destination
                    # The tag a destination without one gets is the one written in the line (rendering writes an
                    # image-stream tag out for QCI).
                    tag = dst.tag or pair.source.tag
                    groups.setdefault(str(src), (src, []))[1].append(
                        f"{dst.repository}:{tag}" if tag else f"{dst.repository}@{src.digest}")
                for src, destinations in groups.values():
                    skip = "a wildcard tag stands for many images" if src.is_wildcard else None
                    # A source with a digest copies that digest: no need to ask the registry.
                    checks.append(Check(where, str(src), tuple(destinations), source_digest=src.digest, skip_reason=skip))
    return checks


def judge(check: Check, resolved: Mapping[str, Resolution]) -> LineReport:
    """Pure: the report for one line, given what the registries answered for its lookups."""
    if check.skip_reason:
        return LineReport(check.location, check.source, None, SKIPPED, (), check.skip_reason)
    expected = check.source_digest
    if expected is None:
        answer = resolved[check.source]
        if answer.error:
            return LineReport(check.location, check.source, None, ERROR, (), answer.error)
        if answer.digest is None:
            return LineReport(check.location, check.source, None, SOURCE_MISSING, (), "the source registry has no such image")
        expected = answer.digest
    destinations = []
    for reference in check.destinations:
        answer = resolved[reference]
        if answer.error:
            destinations.append(Destination(reference, None, ERROR, answer.error))
        elif answer.digest is None:
            destinations.append(Destination(reference, None, MISSING, "not at the destination: the mirror job has not copied it"))
        elif answer.digest != expected:
            destinations.append(Destination(reference, answer.digest, STALE, f"holds {answer.digest}, the source {expected}:"
                                                                              f" the mirror job has not run since the change"))
        else:
            destinations.append(Destination(reference, answer.digest, OK))
    status = max((d.status for d in destinations), key=_SEVERITY.__getitem__, default=OK)
    return LineReport(check.location, check.source, expected, status, tuple(destinations))


def verify(inventory: Inventory, *, org: Optional[str] = None, registry: Skopeo = Skopeo()) -> list[LineReport]:
    """Every mirrored CKI image and every mapping line (only the org's lines when `org` is given), judged."""
    if org is not None and org not in {o.name for o in inventory.orgs}:
        raise MirrorgenError(f"no org {org!r} in the inventory (orgs: {', '.join(o.name for o in inventory.orgs)})")
    checks = (cki_checks(inventory) if org is None else []) + mapping_checks(inventory, org)
    resolved = registry.resolve_all(reference for check in checks for reference in check.lookups)
    return [judge(check, resolved) for check in checks]


def failed(reports: list[LineReport]) -> bool:
    return any(_SEVERITY[report.status] > 0 for report in reports)


def as_json(reports: list[LineReport], config: str) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.status] = counts.get(report.status, 0) + 1
    return {
        "lines": [
            {
                "file": f"{config}/{report.location.file}",
                "line": report.location.line,
                "status": report.status,
                "source": report.source,
                "source_digest": report.source_digest,
                "reason": report.reason,
                "destinations": [attrs.asdict(d) for d in report.destinations],
            }
            for report in reports
        ],
        "summary": dict(sorted(counts.items())),
    }


def as_text(reports: list[LineReport], config: str) -> list[str]:
    out = []
    for report in reports:
        where = f"{config}/{report.location}"
        if not report.destinations:
            out.append(f"{where}: {report.status}: {report.source}: {report.reason}")
        for dest in report.destinations:
            detail = f" ({dest.reason})" if dest.reason else ""
            out.append(f"{where}: {dest.status}: {report.source} -> {dest.reference}{detail}")
    return out
