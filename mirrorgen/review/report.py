"""The drift report: per drifted file, what differs, why, and which inventory line governs it.

Pure: built from a Drift and the planned outputs, rendered as text for people, JSON for machines (see
schemas/check-report.schema.json) and GitHub Actions annotations. Paths are shown as the user passed them
(`--config`, `--output` joined in front).
"""

from __future__ import annotations

import difflib
import json
import os
from typing import Any, Optional

import attrs

from ..errors import Location, one_line
from ..output import Output
from ..tree.drift import Drift, FileDrift, is_manifest, unified_diff

# 2: a location without a line (a whole inventory file) has `"line": null`, no longer 0.
SCHEMA_VERSION = 2
_RED, _GREEN, _CYAN, _BOLD, _RESET = "\033[31m", "\033[32m", "\033[36m", "\033[1m", "\033[0m"


@attrs.frozen
class ChangeReport:
    object: str
    path: str
    kind: str
    before: Any
    after: Any
    source: Optional[Location]
    summary: str


@attrs.frozen
class FileReport:
    path: str  # relative to the output root
    status: str  # "changed", "missing" or "stale"
    hand_edited: bool
    source: Optional[Location]  # the entry that produces the whole file
    sources: tuple[Location, ...]  # the inventory lines behind the lines that differ
    changes: tuple[ChangeReport, ...]
    note: str  # why there is no semantic summary, when there could be one
    diff: str


@attrs.frozen
class Report:
    config: str
    output: str
    files: tuple[FileReport, ...]
    unmanaged: tuple[str, ...]
    planned: int

    @property
    def fix_command(self) -> str:
        import shlex

        return f"mirrorgen generate --config {shlex.quote(self.config)} --output {shlex.quote(self.output)}"


def _differing_sources(entry: FileDrift, output: Output) -> list[Location]:
    """The sources of the planned lines that differ from the file on disk. Lines only on disk (added by hand)
    come from no inventory line: they belong to the entry behind the whole file."""
    before = (entry.actual or "").splitlines()
    after = (entry.expected or "").splitlines()
    found: list[Location] = []
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag != "equal":
            found.extend([output.source_of(line) for line in range(j1 + 1, j2 + 1)] if j2 > j1 else [output.source])
    return found


def _semantic(entry: FileDrift, output: Output) -> tuple[list[ChangeReport], str]:
    from . import semantic

    if entry.status != "changed" or not semantic.is_structured(entry.path):
        return [], ""
    import yaml

    after = semantic.parse(entry.expected or "")
    try:
        before = semantic.parse(entry.actual or "")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        return [], f"the file on disk is not valid YAML any more{where}"
    except semantic.Unsummarised as why:
        return [], f"the file on disk cannot be summarised by field: {why}"
    return [ChangeReport(c.object, c.path, c.kind, c.before, c.after, output.source_of(c.line) if c.line else output.source,
                         str(c)) for c in semantic.changes(before, after)], ""


def build(drift: Drift, outputs: list[Output], config: str, output: str) -> Report:
    by_path = {o.path: o for o in outputs}
    files = []
    for entry in drift.files:
        planned = by_path.get(entry.path)
        if planned is None:
            files.append(FileReport(entry.path, entry.status, False, None, (), (), "", ""))
            continue
        if is_manifest(entry.path) and not all(map(is_manifest, (f.path for f in drift.files))):
            # A manifest lists the other files: its drift is theirs, already reported.
            files.append(FileReport(entry.path, entry.status, False, planned.source, (), (),
                                    "lists the generated files: it changes with the files above", ""))
            continue
        changes, note = _semantic(entry, planned)
        if changes:
            sources = [c.source for c in changes if c.source]
        elif entry.status == "missing":
            sources = [planned.source]
        else:
            sources = _differing_sources(entry, planned)
        diff = unified_diff(entry) if entry.status == "changed" else ""
        files.append(FileReport(entry.path, entry.status, entry.hand_edited, planned.source,
                                tuple(sorted(set(sources))), tuple(changes), note, diff))
    return Report(config, output, tuple(files), drift.unmanaged, len(outputs))


def _shown(report: Report, location: Location) -> str:
    return os.path.join(report.config, str(location))


def _colour_diff(diff: str) -> str:
    lines = []
    for line in diff.splitlines(keepends=True):
        colour = (_BOLD if line.startswith(("---", "+++")) else _CYAN if line.startswith("@@")
                  else _RED if line.startswith("-") else _GREEN if line.startswith("+") else "")
        lines.append(f"{colour}{line.rstrip(chr(10))}{_RESET}\n" if colour else line)
    return "".join(lines)


def _headline(report: Report, entry: FileReport) -> str:
    # Paths found on disk (a stale file) or given on the command line may hold anything.
    return one_line(_headline_text(report, entry))


def _headline_text(report: Report, entry: FileReport) -> str:
    shown = os.path.join(report.output, entry.path)
    governed = ", ".join(_shown(report, s) for s in entry.sources)
    if entry.status == "stale":
        return f"stale: {shown} was generated by mirrorgen but the inventory no longer produces it"
    if not governed:
        return f"{entry.status}: {shown}"
    if entry.status == "missing":
        return f"missing: {shown} (from {governed})"
    if entry.hand_edited:
        return f"edited by hand: {shown}; generate will undo the edit: change {governed} instead"
    return f"changed: {shown} is out of date with {governed}"


# A release checkout keeps hand-written files beside generated ones; naming each would bury the drift itself.
UNMANAGED_SHOWN = 10


def to_text(report: Report, colour: bool = False) -> str:
    """The human report; its last line is the command that fixes the drift."""
    out = [one_line(f"note: {os.path.join(report.output, path)} was not generated by mirrorgen; left alone") + "\n"
           for path in report.unmanaged[:UNMANAGED_SHOWN]]
    if len(report.unmanaged) > UNMANAGED_SHOWN:
        out.append(f"note: {len(report.unmanaged) - UNMANAGED_SHOWN} more files in mirrorgen's folders were not generated"
                   f" by mirrorgen; left alone (check --format json lists every one)\n")
    if not report.files:
        out.append(f"mirrorgen: {report.output} matches the inventory ({report.planned} files)\n")
        return "".join(out)
    bold = (lambda text: f"{_BOLD}{text}{_RESET}") if colour else (lambda text: text)
    for entry in report.files:
        out.append(bold(_headline(report, entry)) + "\n")
        for change in entry.changes:
            where = f"  ({_shown(report, change.source)})" if change.source else ""
            out.append(f"  {change.summary}{where}\n")
        if entry.note:
            out.append(f"  {entry.note}\n")
        if entry.diff:
            out.append(_colour_diff(entry.diff) if colour else entry.diff)
    out.append(f"mirrorgen: {len(report.files)} file(s) drifted from the inventory; fix with:\n")
    out.append(report.fix_command + "\n")
    return "".join(out)


def _location_json(report: Report, location: Optional[Location]) -> Optional[dict[str, Any]]:
    # Line 0 is how a Location says "the whole file"; written as 0 it read as a line number.
    return None if location is None else {"file": os.path.join(report.config, location.file), "line": location.line or None}


def to_json(report: Report) -> str:
    """The machine report; schemas/check-report.schema.json describes it."""
    document = {
        "version": SCHEMA_VERSION,
        "clean": not report.files,
        "config": report.config,
        "output": report.output,
        "files": [
            {
                "path": os.path.join(report.output, entry.path),
                "status": entry.status,
                "hand_edited": entry.hand_edited,
                "source": _location_json(report, entry.source),
                "sources": [_location_json(report, s) for s in entry.sources],
                "changes": [
                    {"object": c.object, "path": c.path, "kind": c.kind, "before": c.before, "after": c.after,
                     "source": _location_json(report, c.source), "summary": c.summary}
                    for c in entry.changes
                ],
                "note": entry.note or None,
                "diff": entry.diff,
            }
            for entry in report.files
        ],
        "unmanaged": [os.path.join(report.output, path) for path in report.unmanaged],
        "fix": report.fix_command if report.files else None,
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(report: Report) -> str:
    """`::error file=…,line=…::` workflow commands, one per inventory line that a drifted file points at."""
    out = []
    for entry in report.files:
        shown = os.path.join(report.output, entry.path)
        if is_manifest(entry.path) and not all(map(is_manifest, (f.path for f in report.files))):
            continue
        if entry.status == "stale" or not entry.sources:
            out.append(f"::error file={_escape_property(shown)}::{_escape_data(_headline(report, entry))}\n")
            continue
        what = ("was edited by hand; make the change here instead" if entry.hand_edited
                else "is missing" if entry.status == "missing" else "is out of date with this line")
        for source in entry.sources:
            place = f"file={_escape_property(os.path.join(report.config, source.file))}"
            if source.line:
                place += f",line={source.line}"
            message = f"{shown} {what}; fix with: {report.fix_command}"
            out.append(f"::error {place}::{_escape_data(message)}\n")
    return "".join(out)
