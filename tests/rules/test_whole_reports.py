"""Whole reports: for each inventory below, every problem validation finds, as `file:line: message`, and no other.

tests/rules/test_validation.py shows that each rule fires, by the start of its message. Here the whole list is
compared: the line each problem points at (a setting that is not the first key of its block, so that a wrong path
cannot fall back to the block's line and still look right), the whole wording, error or warning, and that no rule
fires where it must not. Each expected line was written from the inventory by hand: the line numbers are counted in
the files below, and the wording is what the person editing them needs to read (Prow's own rules, as DESIGN.md and
tests/test_conformance.py quote them, for jobs and labels).
"""

from __future__ import annotations

import textwrap

import pytest

from conftest import MINIMAL
from mirrorgen.errors import Severity
from mirrorgen.inventory.load import parse_inventory
from mirrorgen.plan import validate
from mirrorgen.rules.known_defects import DEFECT_CODES

# MINIMAL with its namespace's access acknowledged, so that a clean inventory gets no warning at all.
BASE = {**MINIMAL, "namespaces.yaml": MINIMAL["namespaces.yaml"].replace(
    "access: authenticated\n", "access: authenticated\n    acknowledged: every engineer of acme may pull its builds\n")}
# orgs/acme.yaml is 7 lines long: what a case appends starts at line 8.
ACME = MINIMAL["orgs/acme.yaml"]


def org(name: str) -> str:
    """Another org like acme, copying from acme-ci too."""
    return ACME.replace("quay.io/acme", f"quay.io/{name}").replace("mapping_acme", f"mapping_{name}")


ZETA = org("zeta")
LONG = "a" * 40


def report(changes: dict[str, str | None]) -> list[str]:
    """Every problem of BASE changed by `changes` (None removes a file), the way `mirrorgen validate` prints them."""
    files = {name: textwrap.dedent(text).encode() for name, text in {**BASE, **changes}.items() if text is not None}
    problems = validate(parse_inventory(files))
    assert all(problem.severity in (Severity.ERROR, Severity.WARNING) for problem in problems), problems
    # A code and a subject name a defect for the baseline (errors.Problem); other problems have neither.
    assert all(problem.code in DEFECT_CODES or (problem.code, problem.subject) == ("", "") for problem in problems), problems
    return [str(problem) for problem in problems]


def test_the_base_inventory_is_clean() -> None:
    assert report({}) == []


# name -> (files changed from BASE, every problem expected, in the order validate sorts them: by file and line)
CASES: dict[str, tuple[dict[str, str | None], list[str]]] = {
    # --- mirrorgen.yaml (check_settings, check_job_order) ---
    "defects neither error nor warning": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\ndefects: fatal\n"},
        ["mirrorgen.yaml:3: defects must be `error` or `warning`, not 'fatal'"],
    ),
    "a ConfigMap namespace, Vault's too, that is no DNS-1123 label": (
        {"mirrorgen.yaml": "configmap:\n  cluster: app.ci\n  namespace: CI\nvault:\n  mount: kv\n  target_namespace: CI\n"},
        ["mirrorgen.yaml:3: configmap namespace 'CI' is not a DNS-1123 label (at most 63 of a-z, 0-9 and '-', no dots,"
         " starting and ending alphanumeric); try 'ci'",
         "mirrorgen.yaml:6: vault target_namespace 'CI' is not a DNS-1123 label (at most 63 of a-z, 0-9 and '-', no dots,"
         " starting and ending alphanumeric); try 'ci'"],
    ),
    "a ConfigMap name that is no Kubernetes name": (
        {"mirrorgen.yaml": "configmap:\n  cluster: app.ci\n  name: Bad_Name\n"},
        ["mirrorgen.yaml:3: configmap name 'Bad_Name' is not a valid Kubernetes name"],
    ),
    "Vault target clusters with a comma, a space, and one twice": (
        {"mirrorgen.yaml": "vault:\n  mount: kv\n  target_clusters:\n  - app.ci,build01\n  - ' build01'\n  - app.ci\n"
                           "  - build01\n  - app.ci\n"},
        # All at the list (one line per problem, in the order of their messages); app.ci is reported once.
        ["mirrorgen.yaml:4: cluster 'app.ci' is listed twice in vault target_clusters: keep one",
         "mirrorgen.yaml:4: cluster name ' build01' must be a cluster name like app.ci (letters, digits, '-', '.', '_';"
         " no commas or spaces)",
         "mirrorgen.yaml:4: cluster name 'app.ci,build01' must be a cluster name like app.ci (letters, digits, '-', '.',"
         " '_'; no commas or spaces)"],
    ),
    "a Vault mount that is no mount name": (
        {"mirrorgen.yaml": "vault:\n  target_namespace: ci\n  mount: ..\n"},
        ["mirrorgen.yaml:3: vault mount '..' must be the name of a KV version 2 mount such as kv (letters, digits, '-',"
         " '_', '.'; no /)"],
    ),
    "a Vault mount named `.`": (
        {"mirrorgen.yaml": "vault:\n  target_namespace: ci\n  mount: .\n"},
        ["mirrorgen.yaml:3: vault mount '.' must be the name of a KV version 2 mount such as kv (letters, digits, '-',"
         " '_', '.'; no /)"],
    ),
    "a ConfigMap cluster that is empty": (
        {"mirrorgen.yaml": "configmap:\n  namespace: ci\n  cluster: ''\n"},
        ["mirrorgen.yaml:3: cluster '' is not a cluster name like app.ci"],
    ),
    "extra ConfigMap clusters: no cluster name, no namespace, a namespace that is no label": (
        {"mirrorgen.yaml": "configmap:\n  namespace: ci\n  extra_clusters:\n    build01: [ci]\n    'api ci': [ci]\n"
                           "    build02: []\n    build03:\n    - ci\n    - CI\n"},
        ["mirrorgen.yaml:5: cluster 'api ci' in configmap extra_clusters is not a cluster name like app.ci",
         "mirrorgen.yaml:6: cluster 'build02' in configmap extra_clusters lists no namespace: list the namespaces"
         " config-updater applies the ConfigMap to there, or remove the cluster",
         "mirrorgen.yaml:8: configmap extra_clusters namespace 'CI' is not a DNS-1123 label (at most 63 of a-z, 0-9 and"
         " '-', no dots, starting and ending alphanumeric); try 'ci'"],
    ),
    "a Vault item prefix with a `.` segment": (
        {"mirrorgen.yaml": "vault:\n  mount: kv\n  item_prefix: selfservice/./image-mirroring\n"},
        ["mirrorgen.yaml:3: vault item_prefix must be a path like selfservice/image-mirroring (segments of letters,"
         " digits, '-', '_', '.'; no leading or trailing /)"],
    ),
    "Vault item prefixes that are no path": (
        {"mirrorgen.yaml": "vault:\n  mount: kv\n  item_prefix: selfservice/../image-mirroring\n"},
        ["mirrorgen.yaml:3: vault item_prefix must be a path like selfservice/image-mirroring (segments of letters,"
         " digits, '-', '_', '.'; no leading or trailing /)"],
    ),
    "a source registry that is no host": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\nsource_registry: registry ci\n"},
        ["mirrorgen.yaml:3: source_registry 'registry ci' must be a registry host such as registry.ci.openshift.org",
         # The sources are on registry.ci.openshift.org, no longer the source registry.
         "namespaces.yaml:2: warning: namespace 'acme-ci' is declared but no mapping copies from it"],
    ),
    "periodics in job_file_extra": (
        {"mirrorgen.yaml": "job_file_extra:\n  periodics:\n  - name: by-hand\n"},
        ["mirrorgen.yaml:2: job_file_extra cannot hold `periodics`: mirrorgen writes them from the orgs"],
    ),
    "presubmits in job_file_extra": (
        {"mirrorgen.yaml": "job_file_extra:\n  presubmits: {}\n"},
        [],
    ),
    "a job order naming no org, an org twice, and a disabled org": (
        {"mirrorgen.yaml": "job_order:\n- zeta\n- acme\n- nobody\n- zeta\n- acme\n",
         "orgs/zeta.yaml": ZETA + "job:\n  enabled: false\n"},
        ["mirrorgen.yaml:2: job_order names 'zeta', which is no org with a job: remove it or add orgs/zeta.yaml",
         "mirrorgen.yaml:4: job_order names 'nobody', which is no org with a job: remove it or add orgs/nobody.yaml",
         "mirrorgen.yaml:5: job_order names 'zeta', which is no org with a job: remove it or add orgs/zeta.yaml",
         "mirrorgen.yaml:6: job_order names 'acme' twice: keep one",
         "orgs/zeta.yaml:6: mapping file 'mapping_zeta_tools' matches no job's MAPPING_FILE_PREFIX, so nothing ever"
         " mirrors it; rename it to start with 'mapping_zeta' or delete it"],
    ),
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
    # Prow: `name: must match regex "^[A-Za-z0-9-._]+$"`.
    "a job name with spaces": (
        {"orgs/acme.yaml": ACME + "job:\n  cron: '@daily'\n  name: periodic image mirroring\n"},
        ["orgs/acme.yaml:10: job name 'periodic image mirroring' may hold only letters, digits, '-', '.' and '_' (Prow"
         " refuses the job file otherwise)"],
    ),
    "a cron Prow cannot parse, beside other settings": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  cron: '0 25 * * *'\n"},
        ["orgs/acme.yaml:10: invalid cron '0 25 * * *': hour field '25': 25 is outside 0-23"],
    ),
    "a script nobody defined": (
        {"mirrorgen.yaml": "scripts:\n  loop: oc image mirror\n",
         "orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  script: lopo\n"},
        ["orgs/acme.yaml:10: script 'lopo' is not defined under `scripts:` in mirrorgen.yaml (loop)"],
    ),
    "a script nobody defined, where two are": (
        {"mirrorgen.yaml": "scripts:\n  loop: oc image mirror\n  sync: oc image mirror\n",
         "orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  script: lopo\n"},
        ["orgs/acme.yaml:10: script 'lopo' is not defined under `scripts:` in mirrorgen.yaml (loop, sync)"],
    ),
    # An adopted repository (`defects: warning`) with an org file named in capitals: every defect that follows from
    # the name is a warning, the name's own included.
    "an org named in capitals, in an adopted inventory": (
        {"mirrorgen.yaml": "defects: warning\n", "orgs/acme.yaml": None, "orgs/Acme.yaml": ACME},
        ["mirrorgen.yaml:1: warning: secret name 'registry-push-credentials-quay-io-Acme' is not a DNS-1123 label (at"
         " most 63 of a-z, 0-9 and '-', no dots), which a self-service Vault item's secretsync/target-name must be: if"
         " the secret is provisioned elsewhere (ci-secret-bootstrap's _config.yaml, say), set secret_source: external;"
         " if it is to be a new self-service item, name it 'registry-push-credentials-quay-io-acme'",
         "orgs/Acme.yaml:1: warning: org name (the file name) 'Acme' is not a DNS-1123 label (at most 63 of a-z, 0-9 and"
         " '-', no dots, starting and ending alphanumeric); try 'acme'",
         "orgs/Acme.yaml:1: warning: periodic-image-mirroring-Acme mirrors files starting with 'mapping_Acme', but no"
         " mapping file does: add one, fix the prefix, or remove the job (job.enabled: false)",
         "orgs/Acme.yaml:6: warning: mapping file 'mapping_acme_tools' matches no job's MAPPING_FILE_PREFIX, so nothing"
         " ever mirrors it; rename it to start with 'mapping_Acme' or delete it"],
    ),
    # Both schedules: the one fix is to drop one of them, so the cron is not judged as well.
    "a cron Prow cannot parse beside an interval": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  cron: '0 25 * * *'\n  interval: 24h\n"},
        ["orgs/acme.yaml:11: set either job.cron or job.interval, not both (Prow accepts exactly one)"],
    ),
    # A job run at an interval uses no cron: the default it would inherit is not its problem.
    "a job at an interval, under a default cron Prow cannot parse": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\n  cron: '0 25 * * *'\n",
         "orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  interval: 24h\n"},
        [],
    ),
    # The role label written under `labels` is judged there, not at the `role` setting (here: not set at all).
    "the role label set under labels, to a value that is no label value": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  labels:\n    team: mirror\n    ci.openshift.io/role: not valid\n"},
        ["orgs/acme.yaml:11: label ci.openshift.io/role: value 'not valid' is not a Kubernetes label value (at most 63 of"
         " [-._a-zA-Z0-9], starting and ending alphanumeric, or empty)"],
    ),
    "a dry run of a script": (
        {"mirrorgen.yaml": "scripts:\n  loop: oc image mirror\n",
         "orgs/acme.yaml": ACME + "job:\n  script: loop\n  dry_run: true\n"},
        ["orgs/acme.yaml:10: warning: dry_run only reaches the image's entrypoint; a job running a script mirrors for"
         " real"],
    ),
    # The image's entrypoint, chosen in the org over a script for every job, knows dry runs.
    "a dry run of the entrypoint under a default script": (
        {"mirrorgen.yaml": "scripts:\n  loop: oc image mirror\njobs:\n  cpu_request: 500m\n  script: loop\n",
         "orgs/acme.yaml": ACME + "job:\n  script: entrypoint\n  dry_run: true\n"},
        [],
    ),
    "a credentials key that is no Secret key": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  credentials_key: docker/config.json\n"},
        ["orgs/acme.yaml:10: credentials_key 'docker/config.json' is not a valid Secret key ([-._a-zA-Z0-9]+)"],
    ),
    "a cluster that is no cluster name": (
        {"mirrorgen.yaml": "vault:\n  target_clusters: []\n",
         "orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  cluster: app ci\n"},
        ["orgs/acme.yaml:10: cluster 'app ci' is not a cluster name like app.ci"],
    ),
    "a job image without tag or digest": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  image: quay.io/acme/mirror\n"},
        ["orgs/acme.yaml:10: job image 'quay.io/acme/mirror' needs a tag or digest"],
    ),
    "a job image that is no reference": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  image: quay.io/Acme/mirror:1\n"},
        ["orgs/acme.yaml:10: job image: invalid repository path 'Acme/mirror' (lowercase letters, digits and single"
         " separators . _ __ - between them) in 'quay.io/Acme/mirror:1'"],
    ),
    "a ServiceAccount name that is no Kubernetes name": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  service_account: Image_Mirror\n"},
        ["orgs/acme.yaml:10: service_account 'Image_Mirror' is not a valid ServiceAccount name (a DNS-1123 subdomain:"
         " lowercase letters, digits, '-' and '.')"],
    ),
    # Whatever the org writes, its job mirrors the files starting with mapping_prefix: it is blamed in the org.
    "a mapping prefix that is no ConfigMap key": (
        {"orgs/acme.yaml": ACME.replace("mapping_acme_tools", "mapping_acme tools")
         + "job:\n  dry_run: false\n  mapping_prefix: 'mapping_acme '\n"},
        ["orgs/acme.yaml:6: mapping file name 'mapping_acme tools' is not a valid ConfigMap key (at most 253 of"
         " [-._a-zA-Z0-9])",
         "orgs/acme.yaml:10: mapping_prefix 'mapping_acme ' must start with 'mapping_' and use only [-._a-zA-Z0-9]"],
    ),
    # --- push secrets (check_push_secrets) ---
    "a secret source neither self-service nor external": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  secret_source: vault\n"},
        ["orgs/acme.yaml:10: secret_source must be 'self-service' (a Vault item whose secretsync keys mirrorgen lists) or"
         " 'external' (provisioned elsewhere, such as by ci-secret-bootstrap's _config.yaml), not 'vault'"],
    ),
    "a self-service secret name that is no DNS-1123 label": (
        {"orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  secret_name: push.quay.io-acme\n"},
        ["orgs/acme.yaml:10: secret name 'push.quay.io-acme' is not a DNS-1123 label (at most 63 of a-z, 0-9 and '-', no"
         " dots), which a self-service Vault item's secretsync/target-name must be: if the secret is provisioned"
         " elsewhere (ci-secret-bootstrap's _config.yaml, say), set secret_source: external; if it is to be a new"
         " self-service item, name it 'push-quay-io-acme'"],
    ),
    # Dots are fine in a Secret's name; only Vault's secretsync needs a label.
    "an external secret name with dots": (
        {"orgs/acme.yaml": ACME + "job:\n  secret_source: external\n  secret_name: push.quay.io-acme\n"},
        [],
    ),
    "an external secret name that no Secret can have": (
        {"orgs/acme.yaml": ACME + "job:\n  secret_source: external\n  secret_name: Push_Acme\n"},
        ["orgs/acme.yaml:10: secret name 'Push_Acme' is not a Kubernetes Secret name (a DNS-1123 subdomain: a-z, 0-9,"
         " '-' and '.'), so no such Secret can exist for the job to mount: name the Secret its provider creates"],
    ),
    "a job on a cluster its Vault item is not synced to": (
        {"mirrorgen.yaml": "vault:\n  mount: kv\n  target_clusters: [app.ci, build02]\n",
         "orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  cluster: build01\n"},
        ["orgs/acme.yaml:10: the job runs on cluster 'build01', but its push secret's Vault item is synced only to"
         " app.ci, build02 (vault target_clusters in mirrorgen.yaml), so the job finds no secret there: add 'build01'"
         " to vault target_clusters, or run the job on one of those"],
    ),
    # One secret for two orgs, mounted alike: nothing to say. Three orgs: each later one is compared with the first.
    "one secret shared alike by three orgs": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\n  secret_name: push-shared\n",
         "orgs/beta.yaml": org("beta"), "orgs/zeta.yaml": ZETA},
        [],
    ),
    # acme writes its secret_source below another setting: "set at" names that line.
    "one secret from two places, each written in its org": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\n  secret_name: push-shared\n",
         "orgs/acme.yaml": ACME + "job:\n  dry_run: false\n  secret_source: self-service\n",
         "orgs/zeta.yaml": ZETA + "job:\n  dry_run: false\n  secret_source: external\n"},
        ["orgs/zeta.yaml:10: secret 'push-shared' is external here but self-service for org 'acme' (set at"
         " orgs/acme.yaml:10): one Secret comes from one place; set the same secret_source for both"],
    ),
    # acme's secret_source is the default: "set at" the `jobs` block, where it would be written.
    "one secret from two places, and under two keys": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\n  secret_name: push-shared\n",
         "orgs/beta.yaml": org("beta"),
         "orgs/zeta.yaml": ZETA + "job:\n  dry_run: false\n  secret_source: external\n  credentials_key: other.json\n"},
        ["orgs/zeta.yaml:10: secret 'push-shared' is external here but self-service for org 'acme' (set at"
         " mirrorgen.yaml:2): one Secret comes from one place; set the same secret_source for both",
         "orgs/zeta.yaml:11: secret 'push-shared' is shared with org 'acme', which mounts key 'config.json', not"
         " 'other.json': use the same credentials_key"],
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
    # --- namespaces.yaml (check_namespaces) ---
    "a namespace that is no DNS-1123 label": (
        {"namespaces.yaml": BASE["namespaces.yaml"] + "  Acme.Tools:\n    access: authenticated\n    acknowledged: agreed by alice\n"},
        ["namespaces.yaml:7: warning: namespace 'Acme.Tools' is declared but no mapping copies from it",
         "namespaces.yaml:7: namespace 'Acme.Tools' is not a DNS-1123 label (at most 63 of a-z, 0-9 and '-', no dots,"
         " starting and ending alphanumeric); try 'acme-tools'"],
    ),
    # Its folder's manifests are written by hand: they, not mirrorgen, give the name and access.
    "a namespace whose manifests are written by hand": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    render_manifests: false\n    access: public\n"},
        [],
    ),
    # At the older spelling's key, whose text may start on the next line.
    "both spellings of the acknowledgement": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    access: public\n    acknowledged: release images, agreed by alice\n"
                            "    public_acknowledged:\n      release images\n"},
        ["namespaces.yaml:5: namespace 'acme-ci' sets both acknowledged and public_acknowledged, its older spelling:"
         " keep acknowledged"],
    ),
    # (aa-kept-ci sorts first, however the namespaces are ordered.)
    "a namespace after one whose manifests are written by hand": (
        {"namespaces.yaml": "namespaces:\n  aa-kept-ci:\n    render_manifests: false\n    access: authenticated\n"
                            "  acme-ci:\n    access: public\n"},
        ["namespaces.yaml:6: namespace 'acme-ci' would let anyone, even unauthenticated, pull its images; state why and"
         " who agreed in `acknowledged`, or choose authenticated / mirror-only"],
    ),
    "a public namespace without acknowledgement": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    owners:\n      approvers: [alice]\n    access: public\n"
                            "    acknowledged: ' '\n"},
        ["namespaces.yaml:5: namespace 'acme-ci' would let anyone, even unauthenticated, pull its images; state why and"
         " who agreed in `acknowledged`, or choose authenticated / mirror-only"],
    ),
    "public namespaces acknowledged in either spelling": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    access: public\n    public_acknowledged: release images\n"
                            "  zeta-ci:\n    access: public\n    acknowledged: release images\n",
         "orgs/zeta.yaml": ZETA.replace("acme-ci", "zeta-ci")},
        [],
    ),
    "an authenticated namespace without acknowledgement": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    owners:\n      approvers: [alice]\n    access: authenticated\n"},
        ["namespaces.yaml:5: warning: namespace 'acme-ci': every authenticated user of the cluster can pull its images;"
         " use mirror-only if only the mirroring jobs need them, or say why they may not and who agreed in"
         " `acknowledged`"],
    ),
    # --- mirror-only namespaces (check_mirror_only_readers) ---
    "a mirror-only namespace read by jobs with a ServiceAccount on app.ci": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 500m\n  service_account: image-mirror\n",
         "namespaces.yaml": "namespaces:\n  acme-ci:\n    access: mirror-only\n", "orgs/zeta.yaml": ZETA},
        [],
    ),
    # The binding is written by hand, so mirrorgen needs no ServiceAccount name for it.
    "a mirror-only namespace with hand-written manifests, read by a job without a ServiceAccount": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    access: mirror-only\n    render_manifests: false\n"},
        [],
    ),
    # Each job that reads, once, at the first line it reads from the namespace (zeta's job mirrors acme's files too).
    "a mirror-only namespace read by jobs without a ServiceAccount, or on another cluster": (
        {"mirrorgen.yaml": "vault:\n  target_clusters: []\n",
         "namespaces.yaml": "namespaces:\n  acme-ci:\n    access: mirror-only\n",
         "orgs/acme.yaml": ACME.replace("mappings:\n", "mappings:\n  mapping_acme_a: |\n    quay.io/acme/a:1 quay.io/acme/b:1\n"),
         "orgs/zeta.yaml": ZETA + "job:\n  dry_run: false\n  cluster: build01\n  mapping_prefix: mapping_\n"},
        ["orgs/acme.yaml:6: mapping file 'mapping_acme_a' is mirrored by the jobs of acme, zeta, each with its own"
         " credentials: rename it so one MAPPING_FILE_PREFIX matches",
         "orgs/acme.yaml:8: mapping file 'mapping_acme_tools' is mirrored by the jobs of acme, zeta, each with its own"
         " credentials: rename it so one MAPPING_FILE_PREFIX matches",
         "orgs/acme.yaml:9: namespace 'acme-ci' is mirror-only, but periodic-image-mirroring-acme, which reads from it"
         " here, runs as no named ServiceAccount for its image-puller binding to name: set job.service_account in"
         " orgs/acme.yaml (or jobs.service_account in mirrorgen.yaml for every job)",
         "orgs/acme.yaml:9: namespace 'acme-ci' is mirror-only, so only ServiceAccounts on app.ci may pull from it, but"
         " periodic-image-mirroring-zeta, which reads from it here, runs on 'build01' (set at orgs/zeta.yaml:10): run"
         " the job on app.ci or choose another access level"],
    ),
    # --- org files (check_orgs) ---
    "an empty list of destinations": (
        # No mapping lines, whose every destination would be outside the org's none; zeta copies from acme-ci.
        {"orgs/acme.yaml": "owners:\n  approvers: [alice]\ndestination: []\nmappings: {}\njob:\n  enabled: false\n",
         "orgs/zeta.yaml": ZETA},
        ["orgs/acme.yaml:3: destination is an empty list: name at least one registry and organisation, such as"
         " quay.io/acme"],
    ),
    "destinations that are no registry and organisation": (
        {"orgs/acme.yaml": ACME.replace("destination: quay.io/acme\n", "destination:\n- quay.io/acme\n- quay.io/acme:v1\n"
                                        "- acme\n- quay.io/Acme\n")},
        ["orgs/acme.yaml:3: destination 'quay.io/acme:v1' must be a registry and organisation such as quay.io/acme,"
         " without tag",
         "orgs/acme.yaml:4: destination 'acme' must be a registry and organisation such as quay.io/acme, without tag",
         "orgs/acme.yaml:5: destination: invalid repository path 'Acme' (lowercase letters, digits and single separators"
         " . _ __ - between them) in 'quay.io/Acme'"],
    ),
    "verbatim owners beside reviewers": (
        {"orgs/acme.yaml": ACME.replace("  approvers: [alice]\n", "").replace("[bob]\n", "[bob]\n  verbatim: 'approvers: [alice]'\n")},
        ["orgs/acme.yaml:4: owners: set either `verbatim` or the approvers/reviewers lists, not both"],
    ),
    "no approvers": (
        {"orgs/acme.yaml": ACME.replace("  approvers: [alice]\n", "")},
        ["orgs/acme.yaml:3: warning: no owners.approvers: nobody could approve changes to this org's mappings; list at"
         " least one GitHub user"],
    ),
    # No OWNERS file written, or one written verbatim: no list of approvers to miss.
    "no approvers and no OWNERS file, or verbatim owners": (
        {"orgs/acme.yaml": ACME.replace("  approvers: [alice]\n  reviewers: [bob]\n", "  write: false\n"),
         "orgs/zeta.yaml": ZETA.replace("  approvers: [alice]\n  reviewers: [bob]\n", "  verbatim: 'approvers: [alice]'\n")},
        [],
    ),
    "folder: false with other files or unprefixed mapping files": (
        {"orgs/acme.yaml": ACME + "folder: false\n",
         "orgs/beta.yaml": "destination: quay.io/beta\nowners:\n  approvers: [alice]\nfolder: false\nmappings: {}\n"
                           "other_files: [README.md]\n",
         "orgs/zeta.yaml": "destination: quay.io/zeta\nowners:\n  approvers: [alice]\nfolder: false\nmappings: {}\n"
                           "unprefixed_mappings: [zeta_nightly]\n"},
        ["orgs/acme.yaml:8: an org with `folder: false` has no folder to hold files: remove its mappings or set folder:"
         " true",
         "orgs/beta.yaml:1: periodic-image-mirroring-beta mirrors files starting with 'mapping_beta', but no mapping file"
         " does: add one, fix the prefix, or remove the job (job.enabled: false)",
         "orgs/beta.yaml:4: an org with `folder: false` has no folder to hold files: remove its mappings or set folder:"
         " true",
         "orgs/zeta.yaml:1: periodic-image-mirroring-zeta mirrors files starting with 'mapping_zeta', but no mapping file"
         " does: add one, fix the prefix, or remove the job (job.enabled: false)",
         "orgs/zeta.yaml:4: an org with `folder: false` has no folder to hold files: remove its mappings or set folder:"
         " true",
         "orgs/zeta.yaml:6: zeta/zeta_nightly holds mapping lines but lacks the 'mapping_' prefix, so it never reaches"
         " the ConfigMap and nothing mirrors it: rename it to 'mapping_zeta_nightly' (or delete it)"],
    ),
    "no mapping files": (
        {"orgs/zeta.yaml": "destination: quay.io/zeta\nowners:\n  approvers: [alice]\nfolder: true\nmappings: {}\n"},
        ["orgs/zeta.yaml:1: periodic-image-mirroring-zeta mirrors files starting with 'mapping_zeta', but no mapping file"
         " does: add one, fix the prefix, or remove the job (job.enabled: false)",
         "orgs/zeta.yaml:5: warning: the org has no mapping files, so its job mirrors nothing"],
    ),
    # No job to mirror nothing, or no folder to hold files: an org that only owns, say, an OWNERS file.
    "no mapping files, without a job or without a folder": (
        {"orgs/beta.yaml": "destination: quay.io/beta\nowners:\n  approvers: [alice]\nfolder: false\nmappings: {}\n"
                           "job:\n  enabled: false\n",
         "orgs/zeta.yaml": "destination: quay.io/zeta\nowners:\n  approvers: [alice]\nmappings: {}\njob:\n  enabled: false\n"},
        [],
    ),
    "unprefixed mapping files": (
        {"orgs/acme.yaml": ACME + "unprefixed_mappings:\n- acme_nightly\n- nightly\n"},
        ["orgs/acme.yaml:9: acme/acme_nightly holds mapping lines but lacks the 'mapping_' prefix, so it never reaches"
         " the ConfigMap and nothing mirrors it: rename it to 'mapping_acme_nightly' (or delete it)",
         "orgs/acme.yaml:10: acme/nightly holds mapping lines but lacks the 'mapping_' prefix, so it never reaches the"
         " ConfigMap and nothing mirrors it: rename it to 'mapping_acme_nightly' (or delete it)"],
    ),
    # --- mapping file names (check_orgs, check_mapping_files) ---
    # A prefix may end in `_`: the new name has one `_` between prefix and file name.
    "a file without the mapping_ prefix under a prefix ending in '_'": (
        {"orgs/acme.yaml": ACME.replace("mapping_acme_tools", "mapping_acme_X_tools")
         + "job:\n  mapping_prefix: mapping_acme_X_\nunprefixed_mappings: [nightly]\n"},
        ["orgs/acme.yaml:10: acme/nightly holds mapping lines but lacks the 'mapping_' prefix, so it never reaches the"
         " ConfigMap and nothing mirrors it: rename it to 'mapping_acme_X_nightly' (or delete it)"],
    ),
    "a file without the mapping_ prefix": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_a: |
                registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1
              acme_tools: |
                registry.ci.openshift.org/acme-ci/tools:1 quay.io/acme/tools:1
            """},
        ["orgs/acme.yaml:7: mapping file 'acme_tools' lacks the 'mapping_' prefix, so it never reaches the ConfigMap;"
         " rename it to 'mapping_acme_tools'"],
    ),
    # zeta's file is mirrored by acme's job too (its prefix is `mapping_`), and acme's named like one of zeta's.
    "mapping files of other jobs, several jobs, no job, and one name in two orgs": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            job:
              dry_run: false
              mapping_prefix: mapping_
            mappings:
              mapping_acme_tools: |
                registry.ci.openshift.org/acme-ci/tools:1 quay.io/acme/tools:1
              mapping_zeta_extra: |
                registry.ci.openshift.org/acme-ci/extra:1 quay.io/acme/extra:1
            """,
         "orgs/zeta.yaml": """\
            destination: quay.io/zeta
            owners:
              approvers: [alice]
            mappings:
              mapping_zeta_tools: |
                registry.ci.openshift.org/acme-ci/tools:1 quay.io/zeta/tools:1
              mapping_zeta_extra: |
                registry.ci.openshift.org/acme-ci/extra:1 quay.io/zeta/extra:1
              other_tools: |
                registry.ci.openshift.org/acme-ci/other:1 quay.io/zeta/other:1
            """},
        ["orgs/acme.yaml:10: mapping file 'mapping_zeta_extra' is mirrored by the jobs of acme, zeta, each with its own"
         " credentials: rename it so one MAPPING_FILE_PREFIX matches",
         "orgs/zeta.yaml:5: mapping file 'mapping_zeta_tools' is mirrored by the jobs of acme, zeta, each with its own"
         " credentials: rename it so one MAPPING_FILE_PREFIX matches",
         "orgs/zeta.yaml:7: mapping file 'mapping_zeta_extra' is mirrored by the jobs of acme, zeta, each with its own"
         " credentials: rename it so one MAPPING_FILE_PREFIX matches",
         "orgs/zeta.yaml:7: mapping file name 'mapping_zeta_extra' is also used by org 'acme'; ConfigMap keys are base"
         " names, so one overwrites the other: rename one",
         "orgs/zeta.yaml:9: mapping file 'other_tools' lacks the 'mapping_' prefix, so it never reaches the ConfigMap;"
         " rename it to 'mapping_zeta_other_tools'"],
    ),
    "a mapping file of another org's job": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_tools: |
                registry.ci.openshift.org/acme-ci/tools:1 quay.io/acme/tools:1
              mapping_zeta_extra: |
                registry.ci.openshift.org/acme-ci/extra:1 quay.io/acme/extra:1
            """,
         "orgs/zeta.yaml": ZETA},
        ["orgs/acme.yaml:7: mapping file 'mapping_zeta_extra' is mirrored by zeta's job, not by"
         " periodic-image-mirroring-acme (prefix 'mapping_acme'): rename it to start with 'mapping_acme'"],
    ),
    "a mapping file of two other orgs' jobs": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_tools: |
                registry.ci.openshift.org/acme-ci/tools:1 quay.io/acme/tools:1
              mapping_zeta_extra: |
                registry.ci.openshift.org/acme-ci/extra:1 quay.io/acme/extra:1
            """,
         "orgs/beta.yaml": org("beta") + "job:\n  dry_run: false\n  mapping_prefix: mapping_\n",
         "orgs/zeta.yaml": ZETA},
        # beta's prefix `mapping_` matches every file: acme's and zeta's are mirrored twice.
        ["orgs/acme.yaml:5: mapping file 'mapping_acme_tools' is mirrored by the jobs of acme, beta, each with its own"
         " credentials: rename it so one MAPPING_FILE_PREFIX matches",
         "orgs/acme.yaml:7: mapping file 'mapping_zeta_extra' is mirrored by beta, zeta's job, not by"
         " periodic-image-mirroring-acme (prefix 'mapping_acme'): rename it to start with 'mapping_acme'",
         "orgs/zeta.yaml:6: mapping file 'mapping_zeta_tools' is mirrored by the jobs of beta, zeta, each with its own"
         " credentials: rename it so one MAPPING_FILE_PREFIX matches"],
    ),
    # An org without a job of its own may hold files other jobs mirror.
    "an org without a job holding another org's file": (
        {"orgs/acme.yaml": ACME.replace("mapping_acme_tools", "mapping_zeta_acme") + "job:\n  enabled: false\n",
         "orgs/zeta.yaml": ZETA},
        [],
    ),
    "a file no job mirrors": (
        {"orgs/acme.yaml": ACME.replace("mappings:\n", "mappings:\n  mapping_other: |\n    quay.io/acme/a:1 quay.io/acme/b:1\n")},
        ["orgs/acme.yaml:6: mapping file 'mapping_other' matches no job's MAPPING_FILE_PREFIX, so nothing ever mirrors"
         " it; rename it to start with 'mapping_acme' or delete it"],
    ),
    # --- mapping lines (check_mapping_lines) ---
    "lines oc cannot read, with TABs, on the decommissioned registry": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_tools: |
                # comments and blank lines are fine
                registry.ci.openshift.org/acme-ci/tools:1 quay.io/acme/tools:1

                registry.ci.openshift.org/acme-ci/a\tquay.io/acme/a:1
                registry.svc.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1
                registry.ci.openshift.org/acme-ci/c:1\tquay.io/acme/c:1
            """},
        ["orgs/acme.yaml:9: TAB between fields: oc splits on spaces only and misreads the line; use single spaces",
         "orgs/acme.yaml:9: source 'registry.ci.openshift.org/acme-ci/a' needs a tag or a digest (oc cannot tell what to"
         " copy)",
         "orgs/acme.yaml:10: registry.svc.ci.openshift.org is decommissioned; use registry.ci.openshift.org instead",
         "orgs/acme.yaml:11: TAB between fields: oc splits on spaces only and misreads the line; use single spaces"],
    ),
    "one destination tag twice in a file": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_tools: |
                registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1
                registry.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1
                registry.ci.openshift.org/acme-ci/c:1 quay.io/acme/a:1
            """},
        ["orgs/acme.yaml:8: destination quay.io/acme/a:1 is named twice in mapping_acme_tools (first at line 6): oc"
         " refuses a destination tag named twice and fails that file's whole run, so nothing in it is mirrored: keep one"],
    ),
    # The files are read in the order written; the later name is the one whose copy the tag ends on. A destination
    # without a tag takes the source's. The comment makes mapping_acme_z no file of plain lines only, so that each
    # of its lines is read by itself.
    "one destination tag in two files of a job": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_z: |
                # the nightly builds
                registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a
                registry.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1
              mapping_acme_a: |
                registry.ci.openshift.org/acme-ci/c:1 quay.io/acme/a
                registry.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1
            """},
        ["orgs/acme.yaml:10: destination quay.io/acme/a:1 is also written by mapping_acme_z (orgs/acme.yaml:7), from"
         " registry.ci.openshift.org/acme-ci/a:1: periodic-image-mirroring-acme runs oc once per mapping file, in file"
         " name order, so every run pushes both and the tag flips between two images, ending on the one in"
         " mapping_acme_z: keep one",
         "orgs/acme.yaml:11: destination quay.io/acme/b:1 is also written by mapping_acme_z (orgs/acme.yaml:8), from the"
         " same source: periodic-image-mirroring-acme runs oc once per mapping file, so every run copies it twice:"
         " keep one"],
    ),
    # Each line of a file read whole (no comment) names its own sources: the first file's line 6 is the first.
    "one destination tag in two files read whole": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_z: |
                registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1
                registry.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1
              mapping_acme_a: |
                registry.ci.openshift.org/acme-ci/c:1 quay.io/acme/x:1 quay.io/acme/a:1
            """},
        ["orgs/acme.yaml:9: destination quay.io/acme/a:1 is also written by mapping_acme_z (orgs/acme.yaml:6), from"
         " registry.ci.openshift.org/acme-ci/a:1: periodic-image-mirroring-acme runs oc once per mapping file, in file"
         " name order, so every run pushes both and the tag flips between two images, ending on the one in"
         " mapping_acme_z: keep one"],
    ),
    # A reference on the decommissioned registry, not the name in a comment.
    "the decommissioned registry named in a comment": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_tools: |
                registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1 # was registry.svc.ci.openshift.org/acme-ci/a:1
                registry.svc.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1
            """},
        ["orgs/acme.yaml:7: registry.svc.ci.openshift.org is decommissioned; use registry.ci.openshift.org instead"],
    ),
    # A source a job copies from is no destination of it, even when another file copies the same tag in.
    "an image copied onward, and in": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_b: |
                quay.io/acme/base:1 quay.io/acme/x:1 quay.io/acme/y:1
              mapping_acme_a: |
                registry.ci.openshift.org/acme-ci/base:1 quay.io/acme/base:1
            """},
        [],
    ),
    "a stray word among plain lines": (
        {"orgs/acme.yaml": ACME.replace("mappings:\n  mapping_acme_tools: |\n",
                                        "mappings:\n  mapping_acme_tools: |\n    X\n")},
        ["orgs/acme.yaml:7: 'X' has no destination: write `SRC DST [DST ...]`"],
    ),
    # No line comes from a source registry that is no host, so every declared namespace goes unused; the lines are
    # still read.
    "a source registry with a path": (
        {"mirrorgen.yaml": "source_registry: registry.ci.openshift.org/acme-ci\n",
         "namespaces.yaml": BASE["namespaces.yaml"] + "  tools:\n    access: authenticated\n    acknowledged: agreed\n",
         "orgs/acme.yaml": ACME + "  mapping_acme_more: |\n    registry.ci.openshift.org/acme-ci/a quay.io/acme/a:1\n"},
        ["mirrorgen.yaml:1: source_registry 'registry.ci.openshift.org/acme-ci' must be a registry host such as"
         " registry.ci.openshift.org",
         "namespaces.yaml:2: warning: namespace 'acme-ci' is declared but no mapping copies from it",
         "namespaces.yaml:7: warning: namespace 'tools' is declared but no mapping copies from it",
         "orgs/acme.yaml:9: source 'registry.ci.openshift.org/acme-ci/a' needs a tag or a digest (oc cannot tell what to"
         " copy)"],
    ),
    # A registry whose name only ends like the org's is another one: the destination is outside.
    "a destination on a registry named like the org's with a prefix": (
        {"orgs/acme.yaml": ACME.replace("registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest"
                                        " quay.io/acme/tools:v1", "registry.ci.openshift.org/acme-ci/a:XX XXquay.io/acme/a:1")},
        ["orgs/acme.yaml:7: warning: destination XXquay.io/acme/a is outside this org's destination quay.io/acme; its"
         " push secret is unlikely to reach it (if it does, add the organisation to `destination`)"],
    ),
    # The namespace of registry.ci.openshift.org/acme-ci/tools is acme-ci, not the registry's name.
    "a namespace named like the source registry": (
        {"namespaces.yaml": BASE["namespaces.yaml"] + "  registry.ci.openshift.org:\n    access: authenticated\n"
                            "    acknowledged: agreed\n"},
        ["namespaces.yaml:7: warning: namespace 'registry.ci.openshift.org' is declared but no mapping copies from it",
         "namespaces.yaml:7: namespace 'registry.ci.openshift.org' is not a DNS-1123 label (at most 63 of a-z, 0-9 and"
         " '-', no dots, starting and ending alphanumeric); try 'registry-ci-openshift-org'"],
    ),
    # Image-stream sources `ns/name:tag`: pulled from app.ci they may have a wildcard tag, from QCI they may not.
    "an image-stream source with a wildcard tag, from app.ci": (
        {"orgs/acme.yaml": ACME.replace("registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest"
                                        " quay.io/acme/tools:v1", "acme-ci/tools:* quay.io/acme/tools")},
        [],
    ),
    "an image-stream source with a wildcard tag, from QCI": (
        {"mirrorgen.yaml": "image_stream_registry: qci\n",
         "orgs/acme.yaml": ACME.replace("registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest"
                                        " quay.io/acme/tools:v1", "acme-ci/tools:* quay.io/acme/tools")},
        # The line copies nothing until fixed, so nothing copies from acme-ci yet.
        ["namespaces.yaml:2: warning: namespace 'acme-ci' is declared but no mapping copies from it",
         "orgs/acme.yaml:7: acme-ci/tools:* has a wildcard tag; QCI holds one tag per image-stream tag, so a wildcard"
         " would also match other streams: list the tags, or pull from app.ci"],
    ),
    # One CR ends a line when oc reads it (bufio.ScanLines); the baseline names the line without it.
    "a TAB defect on a line ending in CR, in the baseline": (
        {"orgs/acme.yaml": 'destination: quay.io/acme\nowners:\n  approvers: [alice]\nmappings:\n  mapping_acme_tools:'
                           ' "registry.ci.openshift.org/acme-ci/a:1\\tquay.io/acme/a:1\\r\\n"\n',
         "known-defects.yaml": "known_defects:\n- code: tab-separator\n  file: orgs/acme.yaml\n"
                               "  subject: \"registry.ci.openshift.org/acme-ci/a:1\\tquay.io/acme/a:1\"\n"},
        ["orgs/acme.yaml:5: warning: TAB between fields: oc splits on spaces only and misreads the line; use single"
         " spaces"],
    ),
    # A destination that is no reference is reported; the lines are still judged against it as written.
    "a destination with a trailing slash": (
        {"orgs/acme.yaml": ACME.replace("destination: quay.io/acme\n", "destination: quay.io/acme/\n")},
        ["orgs/acme.yaml:1: destination: invalid repository path 'acme/' (lowercase letters, digits and single"
         " separators . _ __ - between them) in 'quay.io/acme/'"],
    ),
    "a destination in capitals": (
        {"orgs/acme.yaml": ACME.replace("destination: quay.io/acme\n", "destination: quay.io/acmeX\n")},
        ["orgs/acme.yaml:1: destination: invalid repository path 'acmeX' (lowercase letters, digits and single"
         " separators . _ __ - between them) in 'quay.io/acmeX'",
         "orgs/acme.yaml:7: warning: destination quay.io/acme/tools is outside this org's destination quay.io/acmeX; its"
         " push secret is unlikely to reach it (if it does, add the organisation to `destination`)"],
    ),
    "destinations outside the org's": (
        {"orgs/acme.yaml": """\
            destination: [quay.io/acme, quay.io/acme-partner]
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_tools: |
                registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1 quay.io/acme-partner/a:1 quay.io/acmex/a:1
            """,
         "orgs/zeta.yaml": ZETA.replace("quay.io/zeta/tools:v1", "quay.io/acme/tools:v1")},
        ["orgs/acme.yaml:6: warning: destination quay.io/acmex/a is outside this org's destinations quay.io/acme,"
         " quay.io/acme-partner; its push secret is unlikely to reach it (if it does, add the organisation to"
         " `destination`)",
         "orgs/zeta.yaml:7: warning: destination quay.io/acme/tools is outside this org's destination quay.io/zeta; its"
         " push secret is unlikely to reach it (if it does, add the organisation to `destination`)"],
    ),
    # Once per org and namespace, at its first use; a namespace nobody declared is not "declared but unused".
    "source namespaces without an access decision": (
        {"orgs/acme.yaml": """\
            destination: quay.io/acme
            owners:
              approvers: [alice]
            mappings:
              mapping_acme_tools: |
                registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1
                registry.ci.openshift.org/other/b:1 quay.io/acme/b:1
              mapping_acme_zz: |
                registry.ci.openshift.org/other/c:1 quay.io/acme/c:1
                quay.io/other/d:1 quay.io/acme/d:1
            """,
         "orgs/zeta.yaml": ZETA.replace("acme-ci/tools", "other/tools")},
        ["orgs/acme.yaml:7: source namespace 'other' has no access decision (first use in mapping_acme_tools): add it to"
         " namespaces.yaml with `access: authenticated` (or mirror-only / public)",
         "orgs/zeta.yaml:7: source namespace 'other' has no access decision (first use in mapping_zeta_tools): add it to"
         " namespaces.yaml with `access: authenticated` (or mirror-only / public)"],
    ),
    # A namespace whose manifests are written by hand is declared for its OWNERS file, not only for the mappings.
    "declared namespaces nothing copies from": (
        {"namespaces.yaml": BASE["namespaces.yaml"] + "  idle-ci:\n    access: authenticated\n    acknowledged: agreed\n"
                            "  kept-ci:\n    render_manifests: false\n    access: authenticated\n"},
        ["namespaces.yaml:7: warning: namespace 'idle-ci' is declared but no mapping copies from it"],
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


def test_a_line_of_a_tab_alone_does_not_stop_the_reading_of_its_file() -> None:
    """oc skips a line that is blank once trimmed (pkg/cli/image/mirror/mappings.go, parseFile: cut at `#`,
    strings.TrimSpace, skip if empty): nothing is said of it, and the lines after it are read."""
    problems = report({"orgs/acme.yaml": ACME.replace("mappings:\n  mapping_acme_tools: |\n",
                                                      "mappings:\n  mapping_acme_tools: |\n    \t# note\n"
                                                      "    registry.ci.openshift.org/acme-ci/a quay.io/acme/a:1\n")})
    assert problems == ["orgs/acme.yaml:8: source 'registry.ci.openshift.org/acme-ci/a' needs a tag or a digest (oc"
                        " cannot tell what to copy)"]


def test_white_space_oc_trims_at_either_end_of_a_line_is_no_tab_between_fields() -> None:
    """oc cuts a line at `#` and trims it with Go's strings.TrimSpace before splitting it on spaces: a TAB or a
    no-break space before the first field, after the last or before a comment changes nothing it reads."""
    lines = ["\tregistry.ci.openshift.org/acme-ci/tools:1 quay.io/acme/tools:1\t",
             "\t# a note indented with a TAB",
             "registry.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1\t# a note after a TAB",
             "\u00a0registry.ci.openshift.org/acme-ci/c:1 quay.io/acme/c:1"]
    body = "".join(f"    {line}\n" for line in lines)
    assert report({"orgs/acme.yaml": ACME.split("  mapping_acme_tools: |\n")[0] + "  mapping_acme_tools: |\n" + body}) == []
