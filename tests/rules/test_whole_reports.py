"""Whole reports: for each inventory below, every problem validation finds, as `file:line: message`, and no other.

tests/rules/test_validation.py shows that each rule fires, by the start of its message. Here the whole list is
compared: the line each problem points at (a setting that is not the first key of its block, so that a wrong path
cannot fall back to the block's line and still look right), the whole wording, error or warning, and that no rule
fires where it must not. Each expected line was written from the inventory by hand: the line numbers are counted in
the files below, and the wording is what the person editing them needs to read (Prow's own rules, as DESIGN.md and
tests/test_conformance.py quote them, for jobs and labels).
"""

from __future__ import annotations

import pytest

from conftest import MINIMAL
from mirrorgen.errors import Severity
from mirrorgen.inventory.load import parse_inventory
from mirrorgen.plan import validate

# MINIMAL with its namespace's access acknowledged, so that a clean inventory gets no warning at all.
BASE = {**MINIMAL, "namespaces.yaml": MINIMAL["namespaces.yaml"].replace(
    "access: authenticated\n", "access: authenticated\n    acknowledged: every engineer of acme may pull its builds\n")}
# orgs/acme.yaml is 7 lines long: what a case appends starts at line 8.
ACME = MINIMAL["orgs/acme.yaml"]
ZETA = ACME.replace("quay.io/acme", "quay.io/zeta").replace("mapping_acme", "mapping_zeta")
LONG = "a" * 40


def report(changes: dict[str, str | None]) -> list[str]:
    """Every problem of BASE changed by `changes` (None removes a file), the way `mirrorgen validate` prints them."""
    files = {name: text.encode() for name, text in {**BASE, **changes}.items() if text is not None}
    problems = validate(parse_inventory(files))
    assert all(problem.severity in (Severity.ERROR, Severity.WARNING) for problem in problems), problems
    return [str(problem) for problem in problems]


def test_the_base_inventory_is_clean() -> None:
    assert report({}) == []


# name -> (files changed from BASE, every problem expected, in the order validate sorts them: by file and line)
CASES: dict[str, tuple[dict[str, str | None], list[str]]] = {
    # --- jobs (check_jobs) ---
    "valid schedules, timeouts and labels": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\n  timeout: 2h0m0s\n",
         "orgs/acme.yaml": ACME + "job:\n  cron: '@daily'\n  labels:\n    example.com/team: ''\n"
                                  f"    team: {'a' * 62}z\n",
         "orgs/zeta.yaml": ZETA + "job:\n  dry_run: false\n  interval: 90m30s\n  timeout: '0'\n"},
        [],
    ),
    "a disabled job does not stop the checks of the orgs after it": (
        {"orgs/acme.yaml": ACME + "job:\n  enabled: false\n",
         "orgs/zeta.yaml": ZETA + "job:\n  dry_run: false\n  cpu_request: lots\n"},
        ["orgs/acme.yaml:6: mapping file 'mapping_acme_tools' matches no job's MAPPING_FILE_PREFIX, so nothing ever"
         " mirrors it; rename it to start with 'mapping_acme' or delete it",
         "orgs/zeta.yaml:10: cpu_request 'lots' is not a Kubernetes CPU quantity such as 500m or 1"],
    ),
    # Prow: "duplicated periodic job".
    "two jobs of one name": (
        {"orgs/zeta.yaml": ZETA + "job:\n  cron: '@daily'\n  name: periodic-image-mirroring-acme\n"},
        ["orgs/zeta.yaml:10: job name 'periodic-image-mirroring-acme' is also the name of org 'acme''s job; Prow refuses"
         " a job file with two periodics of one name: set a different job.name"],
    ),
    # Prow: `time: unknown unit " hours" in duration "3 hours"`.
    "a timeout that is no Go duration, set in the org": (
        {"orgs/acme.yaml": ACME + "job:\n  cron: '@daily'\n  timeout: 3 hours\n"},
        ["orgs/acme.yaml:10: timeout '3 hours' is not a Go duration such as 2h0m0s or 90m (Prow refuses the job file"
         " otherwise)"],
    ),
    "a timeout that is no Go duration, set for every job": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\n  timeout: 3 hours\n"},
        ["mirrorgen.yaml:3: timeout '3 hours' is not a Go duration such as 2h0m0s or 90m (Prow refuses the job file"
         " otherwise)"],
    ),
    "an interval that is no Go duration": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  interval: 1 day\n"},
        ["orgs/acme.yaml:10: interval '1 day' is not a Go duration such as 2h0m0s or 90m (Prow refuses the job file"
         " otherwise)"],
    ),
    # The error is at the script's name, not at its command on the next line.
    "a script named like the entrypoint": (
        {"mirrorgen.yaml": "scripts:\n  entrypoint:\n    oc image mirror\n"},
        ["mirrorgen.yaml:2: 'entrypoint' means the image's own entrypoint: give the script another name"],
    ),
    # --- labels (check_jobs): Prow checks every label of the job as Kubernetes does ---
    "an area that is no label value": (
        {"orgs/acme.yaml": ACME + "job:\n  cron: '@daily'\n  area: acme tools\n"},
        ["orgs/acme.yaml:10: label ci.openshift.io/area: value 'acme tools' is not a Kubernetes label value (at most 63"
         " of [-._a-zA-Z0-9], starting and ending alphanumeric, or empty)"],
    ),
    "a role for every job that is no label value": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\n  role: -mirroring\n"},
        ["mirrorgen.yaml:3: label ci.openshift.io/role: value '-mirroring' is not a Kubernetes label value (at most 63"
         " of [-._a-zA-Z0-9], starting and ending alphanumeric, or empty)"],
    ),
    # Set under `labels`, the area label is blamed there (the block's first line), not on job.area.
    "an area label under labels": (
        {"orgs/acme.yaml": ACME + "job:\n  cron: '@daily'\n  labels:\n    team: mirror\n    ci.openshift.io/area: acme tools\n"},
        ["orgs/acme.yaml:11: label ci.openshift.io/area: value 'acme tools' is not a Kubernetes label value (at most 63"
         " of [-._a-zA-Z0-9], starting and ending alphanumeric, or empty)"],
    ),
    "a role label under labels": (
        {"orgs/acme.yaml": ACME + "job:\n  cron: '@daily'\n  labels:\n    team: mirror\n    ci.openshift.io/role: ''\n"},
        [],
    ),
    # Prow: "label prow.k8s.io/type is reserved for decoration".
    "a label Prow sets itself": (
        {"orgs/acme.yaml": ACME + "job:\n  cron: '@daily'\n  labels:\n    team: mirror\n    prow.k8s.io/type: periodic\n"},
        ["orgs/acme.yaml:11: label 'prow.k8s.io/type' is set by Prow on every job's pods; a job may not set it: remove it"],
    ),
    # Prow: "invalid label team name: [name part must consist of alphanumeric characters ...".
    "a label key that is no label name": (
        {"orgs/acme.yaml": ACME + "job:\n  cron: '@daily'\n  labels:\n    team name: mirror\n"},
        ["orgs/acme.yaml:11: label key 'team name' is not a Kubernetes label name (an optional DNS subdomain and '/',"
         " then at most 63 of [-._a-zA-Z0-9], starting and ending alphanumeric)"],
    ),
    # Prow: "label team has invalid value mirror team: [a valid label must be an empty string or consist of ...".
    "a label value that is no label value": (
        {"orgs/acme.yaml": ACME + "job:\n  cron: '@daily'\n  labels:\n    team: mirror team\n"},
        ["orgs/acme.yaml:11: label team: value 'mirror team' is not a Kubernetes label value (at most 63 of"
         " [-._a-zA-Z0-9], starting and ending alphanumeric, or empty)"],
    ),
    # --- access (check_job_namespace, check_service_account_clusters) ---
    "a Vault target namespace other than the ConfigMap's": (
        {"mirrorgen.yaml": "configmap:\n  namespace: mirroring\nvault:\n  mount: kv\n  target_namespace: ci\n"},
        ["mirrorgen.yaml:5: vault.target_namespace 'ci' differs from configmap.namespace 'mirroring': the job pods mount"
         " both the push secret and the ConfigMap, so they must be in the same namespace"],
    ),
    # With no ServiceAccount the job runs as the namespace's default one, which every cluster has.
    "a job on another cluster without a ServiceAccount": (
        {"mirrorgen.yaml": "vault:\n  target_clusters: []\n", "orgs/acme.yaml": ACME + "job:\n  cluster: build01\n"},
        [],
    ),
    "a job on another cluster with its own ServiceAccount": (
        {"mirrorgen.yaml": "vault:\n  target_clusters: []\n",
         "orgs/acme.yaml": ACME + "job:\n  cluster: build01\n  service_account: image-mirror\n"},
        ["orgs/acme.yaml:10: warning: periodic-image-mirroring-acme runs on 'build01', where mirrorgen creates no"
         " ServiceAccount (it writes them for app.ci only): create 'image-mirror' in namespace 'ci' on 'build01'"
         " yourself, or run the job on app.ci"],
    ),
    # --- mapping file names (check_orgs, check_mapping_files) ---
    # A prefix may end in `_`: the new name has one `_` between prefix and file name.
    "a file without the mapping_ prefix under a prefix ending in '_'": (
        {"orgs/acme.yaml": ACME.replace("mapping_acme_tools", "mapping_acme_X_tools")
         + "job:\n  mapping_prefix: mapping_acme_X_\nunprefixed_mappings: [nightly]\n"},
        ["orgs/acme.yaml:10: acme/nightly holds mapping lines but lacks the 'mapping_' prefix, so it never reaches the"
         " ConfigMap and nothing mirrors it: rename it to 'mapping_acme_X_nightly' (or delete it)"],
    ),
    # --- the baseline (known-defects.yaml): a listed defect is a warning, named by its code, file and subject ---
    "a long job name in the baseline": (
        {"orgs/acme.yaml": None,
         # Its own secret: the default one, named after the org, would be too long as well.
         f"orgs/{LONG}.yaml": ACME.replace("mapping_acme", f"mapping_{LONG}") + "job:\n  secret_name: push-long\n",
         "known-defects.yaml": f"known_defects:\n- code: long-job-name\n  file: orgs/{LONG}.yaml\n"
                               f"  subject: periodic-image-mirroring-{LONG}\n"},
        [f"orgs/{LONG}.yaml:1: warning: job name 'periodic-image-mirroring-{LONG}' is 65 characters; Prow allows 63 (it"
         f" becomes a label): shorten the org name, or set a shorter job.name"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_an_inventory_gets_exactly_these_problems(case: str) -> None:
    changes, expected = CASES[case]
    assert report(changes) == expected
