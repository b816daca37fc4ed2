"""Rules for mapping lines as oc reads them: each line, the destinations each job names, and the namespaces the
sources come from; plain lines (refs.PLAIN_LINES) are read from one match."""

from __future__ import annotations

import functools
from typing import Iterator, Optional

import attrs

from ..errors import Location, Problem, Severity
from ..inventory.model import Inventory, MappingFile, MappingLine
from ..inventory.qci import image_stream_namespace, resolve_source
from ..inventory.readers import enabled_jobs, mirrored_by
from ..inventory.refs import DECOMMISSIONED_REGISTRIES, PLAIN_COMPONENT, PLAIN_LINES, ReferenceError, mapping_line_body
from .known_defects import defect


def check_mapping_lines(inventory: Inventory) -> Iterator[Problem]:
    """Every line as oc reads it, the destinations each job names, and the namespaces the sources come from."""
    declared = {ns.name for ns in inventory.namespaces}
    used_namespaces: set[str] = set()
    source_registry = inventory.settings.source_registry
    jobs = enabled_jobs(inventory)
    # Per job: every destination the files it mirrors name (they may lie in other orgs' folders).
    seen_by_job: dict[str, _Seen] = {job.name: {} for job in jobs.values()}
    image_streams = inventory.settings.image_stream_registry
    decommissioned = sorted(DECOMMISSIONED_REGISTRIES)
    for org in inventory.orgs:
        insides = _insides(org.destinations)
        # One finding per namespace and org: a namespace without a decision is one fix, however many lines use it.
        undeclared: set[str] = set()
        for mapping in org.mappings:
            seen_by_mirroring_jobs = [(seen_by_job[jobs[other].name], jobs[other].name)
                                      for other in mirrored_by(inventory, mapping.name)]
            plain = (insides, seen_by_mirroring_jobs, declared, used_namespaces, source_registry)
            if _took_plain([line.text for line in mapping.lines if not _holds_nothing(line.text)],
                           _NamedIn(org.file, mapping), *plain):
                continue
            for line in mapping.lines:
                if _took_plain([line.text], _NamedIn(org.file, mapping, line), *plain):
                    continue
                parsed = line.parsed
                if not parsed.tokens:
                    continue
                where = Location(org.file, line.number)
                text = line.text.removesuffix("\r")
                if parsed.has_tab:
                    yield Problem(where, "TAB between fields: oc splits on spaces only and misreads the line; use single spaces",
                                  defect(inventory), "tab-separator", text)
                pairs, unreadable = line.read()
                try:
                    for pair in pairs:
                        if not pair.source.registry:  # an image-stream source: its QCI tag must be valid too
                            resolve_source(pair.source, image_streams, source_registry)
                except ReferenceError as exc:
                    unreadable = str(exc)
                if unreadable is not None:
                    # Only this file's run of oc fails: an adopted repository still generates the rest.
                    yield Problem(where, unreadable, defect(inventory), "invalid-mapping-line", text)
                    continue
                for registry in decommissioned:
                    if registry in line.text and any(ref.registry == registry for pair in pairs
                                                     for ref in (pair.source, pair.destination)):
                        yield Problem(where, f"{registry} is decommissioned; use {DECOMMISSIONED_REGISTRIES[registry]}"
                                             f" instead", defect(inventory), "decommissioned-registry", text)
                for pair in pairs:
                    key, repository = pair.destination_key, pair.destination.repository
                    for seen, name in seen_by_mirroring_jobs:
                        if key in seen:
                            yield _named_again(inventory, where, _NamedIn(org.file, mapping, line), seen[key], key, name)
                        else:
                            seen[key] = _NamedIn(org.file, mapping, line)
                    if not repository.startswith(insides):
                        yield Problem(where, f"destination {repository} is outside this org's"
                                             f" {_destinations_named(org.destinations)}; its push secret is unlikely to"
                                             f" reach it (if it does, add the organisation to `destination`)",
                                      Severity.WARNING)
                    namespace = image_stream_namespace(pair.source, source_registry)
                    if namespace is not None:
                        used_namespaces.add(namespace)
                        if namespace not in declared and namespace not in undeclared:
                            undeclared.add(namespace)
                            yield Problem(where, f"source namespace {namespace!r} has no access decision (first use in"
                                                 f" {mapping.name}): add it to namespaces.yaml with `access: authenticated`"
                                                 f" (or mirror-only / public)", defect(inventory), "undeclared-namespace",
                                          namespace)
    for ns in inventory.namespaces:
        if ns.name not in used_namespaces and ns.render_manifests:
            yield Problem(inventory.locate(ns.file, "namespaces", ns.name, key=True),
                          f"namespace {ns.name!r} is declared but no mapping copies from it", Severity.WARNING)


def _insides(destinations: tuple[str, ...]) -> tuple[str, ...]:
    """What the repositories inside an org's destinations start with, none inside another (so that counting
    them in a text counts each repository once)."""
    prefixes = {destination.rstrip("/") + "/" for destination in destinations}
    return tuple(sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)))


def _destinations_named(destinations: tuple[str, ...]) -> str:
    return f"destination {destinations[0]}" if len(destinations) == 1 else f"destinations {', '.join(destinations)}"


@attrs.frozen
class _NamedIn:
    """Where a job first names a destination: one line, or a file read whole, whose line is looked up when
    another names the destination again."""

    file: str
    mapping: MappingFile
    line: Optional[MappingLine] = None

    # Built once, on the first repeat: a copied file repeats every destination of the original.
    @functools.cached_property
    def _line_of(self) -> dict[str, MappingLine]:
        return {destination: line for line in self.mapping.lines if not _holds_nothing(line.text)
                for destination in line.text.split(" ")[1:]}

    def line_naming(self, destination: str) -> MappingLine:
        return self.line if self.line is not None else self._line_of[destination]


# A job's destinations so far, each with where it is first written.
_Seen = dict[str, _NamedIn]


def _named_again(inventory: Inventory, where: Location, again: _NamedIn, first: _NamedIn, key: str, job: str) -> Problem:
    """A destination tag a job names a second time. Jobs run `oc image mirror -f` once per mapping file: within one
    file oc refuses the repeat and mirrors nothing of that file; across files both copies run, one after the other."""
    first_line = first.line_naming(key)
    if first.mapping is again.mapping:
        return Problem(where, f"destination {key} is named twice in {again.mapping.name} (first at line {first_line.number}):"
                              f" oc refuses a destination tag named twice and fails that file's whole run, so nothing in"
                              f" it is mirrored: keep one", defect(inventory), "duplicate-destination",
                       f"{again.mapping.name}: {key}")
    sources = [next(str(pair.source) for pair in line.pairs if pair.destination_key == key)
               for line in (first_line, again.line_naming(key))]
    names = sorted((first.mapping.name, again.mapping.name))
    if sources[0] == sources[1]:
        what = f"from the same source: {job} runs oc once per mapping file, so every run copies it twice"
    else:
        what = (f"from {sources[0]}: {job} runs oc once per mapping file, in file name order, so every run pushes"
                f" both and the tag flips between two images, ending on the one in {names[1]}")
    return Problem(where, f"destination {key} is also written by {first.mapping.name}"
                          f" ({Location(first.file, first_line.number)}), {what}: keep one", defect(inventory),
                   "destination-in-two-files", f"{key} in {names[0]} and {names[1]}")


def _holds_nothing(line: str) -> bool:
    """A blank line or a comment, whatever white space surrounds it: oc reads nothing in it, and neither does
    check_mapping_lines."""
    return not mapping_line_body(line)


def _took_plain(lines: list[str], at: _NamedIn, insides: tuple[str, ...], seen_by_mirroring_jobs: list[tuple[_Seen, str]],
                declared: set[str], used_namespaces: set[str], source_registry: str) -> bool:
    """Record what `lines` (a whole file's, or one) name, written at `at`, and return True when they are plain
    (refs.PLAIN_LINES) and check_mapping_lines would find nothing in them. Otherwise record nothing and return
    False: the lines are then read reference by reference, and their findings come in the usual order. Each test
    runs on the whole text at once."""
    if "/" in source_registry:  # not a host (check_settings says so): leave the namespaces to the full reading
        return False
    text = "\n".join(lines)
    if not PLAIN_LINES.fullmatch(text) or any(registry in text for registry in DECOMMISSIONED_REGISTRIES):
        return False
    tokens = text.split()
    distinct = set(tokens)
    sources = [line[: line.index(" ")] for line in lines]
    # No reference written twice (so no destination repeats, and no source is also a destination), no source
    # whose digest is all that tells it from a destination (the same image), and every destination inside the
    # org's: single spaces separate the tokens, so there is one before each destination (and no repository is
    # inside two of `insides`).
    if (len(distinct) != len(tokens) or not distinct.isdisjoint(source.partition("@")[0] for source in sources if "@" in source)
            or sum(text.count(" " + inside) for inside in insides) != text.count(" ")):
        return False
    if not all(seen.keys().isdisjoint(tokens) for seen, _ in seen_by_mirroring_jobs):
        return False
    prefix = source_registry + "/"
    namespaces = {PLAIN_COMPONENT.match(source, len(prefix)).group() for source in sources if source.startswith(prefix)}
    if not namespaces <= declared:
        return False
    used_namespaces |= namespaces
    destinations = dict.fromkeys(distinct.difference(sources), at)
    for seen, _ in seen_by_mirroring_jobs:
        seen.update(destinations)
    return True
