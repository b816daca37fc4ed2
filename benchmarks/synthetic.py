"""Synthetic inventories shaped like openshift/release's image mirroring: many orgs, uneven mapping files.

Deterministic (seeded), so two runs of the benchmark measure the same input. Lines look like the real ones:
a `registry.ci.openshift.org/<namespace>/<stream>:<tag>` source and two to four quay.io destinations, about
200 bytes a line, with a comment line now and then.
"""

from __future__ import annotations

import random
from pathlib import Path

LINES_PER_ORG = 100
STREAMS = ("release", "ocp", "operator", "tools", "builder", "must-gather", "console-plugin", "bundle", "index")
TAG_WORDS = ("rhel-9-release-golang-1.22-openshift-4.17", "latest", "master", "v4.16", "release-1.15",
             "nightly", "stable-4.18", "ocp-build-data-4.19", "golang-1.23")


def org_name(index: int) -> str:
    return f"org-{index:05d}"


def org_document(index: int, lines: int, rng: random.Random) -> str:
    org = org_name(index)
    namespace = f"{org}-ci"
    # Uneven files: the real tree holds one-liners next to files of thousands of lines.
    cuts = sorted(rng.sample(range(1, lines), k=min(lines - 1, rng.randint(0, 7))))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [lines])]
    out = [f"destination: quay.io/{org}", "owners:", "  approvers: [alice, bob]", "  reviewers: [carol]", "mappings:"]
    line_no = 0
    for file_index, size in enumerate(sizes):
        stream = STREAMS[(index + file_index) % len(STREAMS)]
        out.append(f"  mapping_{org}_{stream}_{file_index}: |")
        if rng.random() < 0.5:
            out.append(f"    # {stream} images promoted by CI, mirrored for {org} consumers")
        for _ in range(size):
            word = rng.choice(TAG_WORDS)
            image = f"{stream}-{rng.choice(('controller', 'webhook', 'operator', 'cli', 'agent'))}-{line_no}"
            source = f"registry.ci.openshift.org/{namespace}/{stream}-{file_index}:{image}"
            repo = f"quay.io/{org}/{image}"
            destinations = [f"{repo}:{word}", f"{repo}:{word}-{line_no}"]
            destinations += [f"{repo}:v4.{n}.{line_no}" for n in range(rng.randint(0, 2))]
            out.append("    " + " ".join([source] + destinations))
            line_no += 1
    return "\n".join(out) + "\n"


def write_inventory(root: Path, lines: int, *, seed: int = 6) -> Path:
    """Write `lines` mapping lines over lines/100 orgs under `root` (the --config directory)."""
    rng = random.Random(seed)
    orgs = max(1, lines // LINES_PER_ORG)
    (root / "orgs").mkdir(parents=True, exist_ok=True)
    (root / "mirrorgen.yaml").write_text("{}\n")
    namespaces = ["namespaces:"]
    for index in range(orgs):
        namespaces += [f"  {org_name(index)}-ci:", "    access: authenticated", "    owners:", "      approvers: [alice]"]
        share = lines // orgs + (1 if index < lines % orgs else 0)
        (root / "orgs" / f"{org_name(index)}.yaml").write_text(org_document(index, share, rng))
    (root / "namespaces.yaml").write_text("\n".join(namespaces) + "\n")
    return root
