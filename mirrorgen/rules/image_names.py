"""Names of images mirrored to quay.io/openshift/ against core-services/image-mirroring/openshift/GUIDELINES.md.

The guidelines are advice that approvers apply by eye, so these are warnings: segment order
`$cloudProvider-$component-$modifier` or `$technology-$component-$modifier`, `cluster-*` only for CVO-managed
operators, `kube-*` for upstream components, `*-tests` for test images, and acronyms expanded.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..errors import Location, Problem, Severity
from ..inventory.model import Inventory
from ..inventory.qci import QCI_REPOSITORY

OPENSHIFT_PREFIX = "quay.io/openshift/"
# Listed in the guidelines as names that came in before the rules: existing, not to be copied.
KNOWN_VIOLATIONS = frozenset({"cluster-capi-operator", "cluster-capi-controllers", "cluster-api-actuator-pkg"})
# OpenShift initialisms that are not common Kubernetes vocabulary (csi, dns, api, cni, ... are, and pass).
ACRONYMS = {
    "capi": "cluster-api",
    "mapi": "machine-api",
    "ccm": "cloud-controller-manager",
    "cco": "cloud-credential-operator",
    "cno": "cluster-network-operator",
    "cvo": "cluster-version-operator",
    "hcp": "hosted-control-plane",
    "kas": "kube-apiserver",
    "kcm": "kube-controller-manager",
    "lso": "local-storage-operator",
    "mcd": "machine-config-daemon",
    "mco": "machine-config-operator",
    "nto": "node-tuning-operator",
    "oas": "openshift-apiserver",
}
_SEGMENTS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def image_name_problems(name: str) -> list[str]:
    """What in `name` goes against the naming guidelines, as advice; empty when it follows them."""
    if name in KNOWN_VIOLATIONS:
        return []
    if not _SEGMENTS.fullmatch(name):
        return [f"separate the segments of {name!r} with single '-' (no dots, underscores or nested paths)"]
    segments = name.split("-")
    found = []
    if len(segments) == 1:
        found.append(f"{name!r} names neither technology nor cloud provider: use $technology-$component (e.g."
                     f" sriov-network-config-daemon), $cloudProvider-$component, cluster-*, kube-* or *-tests")
    if segments[0] == "cluster" and segments[-1] not in ("operator", "tests"):
        found.append(f"'cluster-*' is for CVO-managed operators (e.g. cluster-storage-operator), and {name!r} does not"
                     f" end in -operator (or -tests): use $technology-$component")
    if segments[-1] == "test" or (("test" in segments or "tests" in segments) and segments[-1] != "tests"):
        found.append(f"images of tests end in '-tests' (e.g. {'-'.join(s for s in segments if s not in ('test', 'tests'))}-tests)")
    for segment in segments:
        if segment in ACRONYMS:
            found.append(f"expand the acronym {segment!r} in {name!r} (to {ACRONYMS[segment]!r})")
    return found


def check_image_names(inventory: Inventory) -> Iterator[Problem]:
    """Each quay.io/openshift/ repository once, at the first line that mirrors to it."""
    seen: set[str] = set()
    for org in inventory.orgs:
        for mapping in org.mappings:
            for line in mapping.lines:
                if OPENSHIFT_PREFIX not in line.text:
                    continue  # cheap: most lines push elsewhere, and parsing every one again is not
                for pair in line.pairs:
                    repository = pair.destination.repository
                    if not repository.startswith(OPENSHIFT_PREFIX) or repository == QCI_REPOSITORY or repository in seen:
                        continue
                    seen.add(repository)
                    for advice in image_name_problems(repository[len(OPENSHIFT_PREFIX):]):
                        yield Problem(Location(org.file, line.number), f"image name: {advice}"
                                                                       f" (core-services/image-mirroring/openshift/GUIDELINES.md)",
                                      Severity.WARNING)
