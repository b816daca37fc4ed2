"""The defect baseline: the codes of the defect rules, their severity, and known-defects.yaml matched against
what the rules find."""

from __future__ import annotations

import difflib
from typing import Iterator

import attrs

from ..errors import Problem, Severity, sort_problems
from ..inventory.model import Inventory, defect_severity


def defect(inventory: Inventory) -> Severity:
    """The severity of a defect that breaks a mirroring run but not the loading of the files (see Settings.defects).
    Every defect Problem carries one of DEFECT_CODES, so that a baseline (known-defects.yaml) can name it."""
    return defect_severity(inventory.settings)


# The code of every defect rule (Problem.code): what known-defects.yaml entries match on, with the file and subject.
# configmap-over-budget is given by a check on the rendered ConfigMap (artifacts.mappings.check_configmap_size).
DEFECT_CODES = (
    "configmap-over-budget", "decommissioned-registry", "destination-in-two-files", "duplicate-destination",
    "duplicate-mapping-file-name", "invalid-mapping-line", "long-job-name", "mapping-file-of-another-job",
    "mapping-file-of-several-jobs", "org-name-not-dns1123", "secret-key-mismatch", "secret-name-not-dns1123",
    "secret-name-not-kubernetes",
    "tab-separator", "undeclared-namespace", "unmatched-mapping-prefix", "unmirrored-mapping-file",
    "unprefixed-mapping-file",
)


def check_known_defects(inventory: Inventory) -> Iterator[Problem]:
    known = inventory.known_defects
    for index, entry in enumerate(known.known_defects if known else ()):
        if entry.code not in DEFECT_CODES:
            near = difflib.get_close_matches(entry.code, DEFECT_CODES, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"known codes: {', '.join(DEFECT_CODES)}"
            yield Problem(inventory.locate(known.file, "known_defects", index, "code"),
                          f"unknown defect code {entry.code!r} ({hint})")


def against_baseline(inventory: Inventory, problems: list[Problem]) -> list[Problem]:
    """Defects the baseline lists become warnings, each entry matching one problem; entries that match none are
    reported, so that the baseline shrinks as defects are fixed. Other defects keep their severity."""
    known = inventory.known_defects
    if known is None:
        return problems
    unmatched: dict[tuple[str, str, str], list[int]] = {}
    for index, entry in enumerate(known.known_defects):
        unmatched.setdefault((entry.code, entry.file, entry.subject), []).append(index)
    found = []
    for problem in sort_problems(problems):
        entries = unmatched.get((problem.code, problem.location.file, problem.subject)) if problem.code else None
        if entries:
            entries.pop(0)
            problem = attrs.evolve(problem, severity=Severity.WARNING)
        found.append(problem)
    for (code, file, subject), indexes in unmatched.items():
        for index in indexes:
            found.append(Problem(inventory.locate(known.file, "known_defects", index),
                                 f"known defect {code} in {file} ({subject}) is no longer found: delete this entry",
                                 Severity.WARNING))
    return found
