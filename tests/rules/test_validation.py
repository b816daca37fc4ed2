"""Every validation rule: the inventory that breaks it, and the file:line message a person gets.

Each check of plan.CHECKS (the rules, and the check of the rendered ConfigMap's size), and each message it can
give, fires in a case below (or, for credentials, characters and people's names, in tests/hostile/);
test_every_rule_fires_at_its_file_and_line_in_some_case keeps it so for checks added later.
"""

from __future__ import annotations

import re

import pytest
import yaml

import mirrorgen
from conftest import MINIMAL, REPO, run_cli, write_tree
from mirrorgen.inventory.load import load_inventory
from mirrorgen.plan import CHECKS, load_and_validate
from test_hostile_corpus import CASES as HOSTILE, expected_lines, hostile_inventory

DIGEST = "sha256:" + "ab" * 32
SRC = "registry.ci.openshift.org/acme-ci"


def org_with(lines: str, job: str = "", name: str = "mapping_acme_tools") -> str:
    body = "".join(f"    {line}\n" for line in lines.splitlines())
    return f"destination: quay.io/acme\nowners:\n  approvers: [alice]\n{job}mappings:\n  {name}: |\n{body}"


def problems_of(config) -> list[str]:
    """Every error and warning, as `file:line: message`, the way the command line prints them."""
    try:
        _, warnings = load_and_validate(config)
    except mirrorgen.InvalidInventory as invalid:
        return [str(p) for p in invalid.problems]
    return [str(p) for p in warnings]


# (files changed from MINIMAL, expected message: exact `file:line: text` prefix)
CASES = {
    "misspelt key": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"].replace("owners:", "ownres:")},
        "orgs/acme.yaml:2: unknown key 'ownres' (did you mean 'owners'?)",
    ),
    "unknown global key": (
        {"mirrorgen.yaml": "jobs:\n  crn: '@daily'\n"},
        "mirrorgen.yaml:2: unknown key 'crn' (did you mean 'cron'?)",
    ),
    "missing destination": (
        {"orgs/acme.yaml": "owners:\n  approvers: [alice]\n"},
        "orgs/acme.yaml:1: missing required key 'destination'",
    ),
    "wrong type": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  dry_run: maybe\n"},
        "orgs/acme.yaml:9: job.dry_run: expected true or false, got 'maybe'",
    ),
    "number where text is needed": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: 1.5\n"},
        "mirrorgen.yaml:2: jobs.cpu_request: expected text, got a number (1.5); put it in quotes",
    ),
    # cattrs' own int hook took all three, the last as a budget of 1 byte.
    "text where a number is needed": (
        {"mirrorgen.yaml": "configmap:\n  shard_budget: '1000'\n"},
        "mirrorgen.yaml:2: configmap.shard_budget: expected a whole number, got text ('1000'); write it without quotes",
    ),
    "a fraction where a whole number is needed": (
        {"mirrorgen.yaml": "configmap:\n  shard_budget: 5.7\n"},
        "mirrorgen.yaml:2: configmap.shard_budget: expected a whole number, got a number (5.7)",
    ),
    "true where a number is needed": (
        {"mirrorgen.yaml": "configmap:\n  shard_budget: true\n"},
        "mirrorgen.yaml:2: configmap.shard_budget: expected a whole number, got true/false (True)",
    ),
    "secret name not a DNS-1123 label": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1", job="job:\n  secret_name: push.quay.io-acme\n")},
        "orgs/acme.yaml:5: secret name 'push.quay.io-acme' is not a DNS-1123 label (at most 63 of a-z, 0-9 and '-', no"
        " dots), which a self-service Vault item's secretsync/target-name must be: if the secret is provisioned elsewhere"
        " (ci-secret-bootstrap's _config.yaml, say), set secret_source: external; if it is to be a new self-service item,"
        " name it 'push-quay-io-acme'",
    ),
    "external secret name that no Secret can have": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1",
                                    job="job:\n  secret_source: external\n  secret_name: Push_Secret\n")},
        "orgs/acme.yaml:6: secret name 'Push_Secret' is not a Kubernetes Secret name (a DNS-1123 subdomain: a-z, 0-9, '-'"
        " and '.'), so no such Secret can exist for the job to mount",
    ),
    "unknown secret source": (
        {"mirrorgen.yaml": "jobs:\n  secret_source: vault\n"},
        "mirrorgen.yaml:2: secret_source must be 'self-service' (a Vault item whose secretsync keys mirrorgen lists) or"
        " 'external' (provisioned elsewhere, such as by ci-secret-bootstrap's _config.yaml), not 'vault'",
    ),
    "one secret from two places": (
        {"orgs/zeta.yaml": org_with(f"{SRC}/z:1 quay.io/zeta/z:1", name="mapping_zeta_tools").replace("quay.io/acme\n", "quay.io/zeta\n", 1)
         .replace("owners:", "job:\n  secret_name: registry-push-credentials-quay-io-acme\n  secret_source: external\nowners:")},
        "orgs/zeta.yaml:4: secret 'registry-push-credentials-quay-io-acme' is external here but self-service for org 'acme'"
        " (set at mirrorgen.yaml:1): one Secret comes from one place; set the same secret_source for both",
    ),
    "org name not a DNS-1123 label": (
        {"orgs/acme.yaml": None, "orgs/Acme_Corp.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1", name="mapping_Acme_Corp_x")},
        "orgs/Acme_Corp.yaml: org name 'Acme_Corp' (the file name) is not a DNS-1123 label",
    ),
    "namespace not a DNS-1123 label": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    access: authenticated\n  Bad.NS:\n    access: authenticated\n"},
        "namespaces.yaml:4: namespace 'Bad.NS' is not a DNS-1123 label",
    ),
    "mapping file without prefix": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1", name="acme_tools")},
        "orgs/acme.yaml:5: mapping file 'acme_tools' lacks the 'mapping_' prefix, so it never reaches the ConfigMap",
    ),
    "mapping file not matching the job prefix": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1", name="mapping_tools")},
        "orgs/acme.yaml:5: mapping file 'mapping_tools' matches no job's MAPPING_FILE_PREFIX, so nothing ever mirrors it",
    ),
    "mapping file name used by another org": (
        {"orgs/zeta.yaml": org_with(f"{SRC}/z:1 quay.io/zeta/z:1", name="mapping_acme_tools").replace("quay.io/acme\n", "quay.io/zeta\n", 1)
         .replace("owners:", "job:\n  mapping_prefix: mapping_acme\nowners:")},
        "orgs/zeta.yaml:7: mapping file name 'mapping_acme_tools' is also used by org 'acme'",
    ),
    "source without tag or digest": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a quay.io/acme/a:1")},
        f"orgs/acme.yaml:6: source '{SRC}/a' needs a tag or a digest",
    ),
    "destination with a digest": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a@{DIGEST}")},
        f"orgs/acme.yaml:6: destination 'quay.io/acme/a@{DIGEST}' carries a digest",
    ),
    "malformed digest": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a@sha256:abc quay.io/acme/a:1")},
        "orgs/acme.yaml:6: malformed digest 'sha256:abc'",
    ),
    "wildcard with a tagged destination": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:* quay.io/acme/a:latest")},
        f"orgs/acme.yaml:6: source '{SRC}/a:*' has a wildcard tag, so the destination must be a bare repository",
    ),
    "wildcard in a destination": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:*")},
        "orgs/acme.yaml:6: invalid tag '*' in 'quay.io/acme/a:*' (a wildcard `*` is only allowed in a source tag)",
    ),
    # oc refuses a destination tag named twice in one `oc image mirror -f FILE` call (the jobs make one per file).
    "same destination tag twice in one file": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1\n{SRC}/b:1 quay.io/acme/a")},
        "orgs/acme.yaml:7: destination quay.io/acme/a:1 is named twice in mapping_acme_tools (first at line 6): oc"
        " refuses a destination tag named twice and fails that file's whole run",
    ),
    # Two files of one job: two oc calls, both succeed; the later file's copy is what the tag holds after a run.
    "same destination tag in two files of one job": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1").replace(
            "mappings:\n", f"mappings:\n  mapping_acme_zz: |\n    {SRC}/b:1 quay.io/acme/a:1\n")},
        f"orgs/acme.yaml:8: destination quay.io/acme/a:1 is also written by mapping_acme_zz (orgs/acme.yaml:6), from"
        f" {SRC}/b:1: periodic-image-mirroring-acme runs oc once per mapping file, in file name order, so every run"
        f" pushes both and the tag flips between two images, ending on the one in mapping_acme_zz: keep one",
    ),
    "same copy in two files of one job": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1").replace(
            "mappings:\n", f"mappings:\n  mapping_acme_zz: |\n    {SRC}/a:1 quay.io/acme/a:1\n")},
        "orgs/acme.yaml:8: destination quay.io/acme/a:1 is also written by mapping_acme_zz (orgs/acme.yaml:6), from the"
        " same source: periodic-image-mirroring-acme runs oc once per mapping file, so every run copies it twice",
    ),
    "source equal to destination": (
        {"orgs/acme.yaml": org_with("quay.io/acme/a:1 quay.io/acme/a:1")},
        "orgs/acme.yaml:6: source and destination are the same image (quay.io/acme/a:1)",
    ),
    "tab separator": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1\tquay.io/acme/a:1")},
        "orgs/acme.yaml:6: TAB between fields: oc splits on spaces only",
    ),
    "decommissioned registry": (
        {"orgs/acme.yaml": org_with("registry.svc.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1")},
        "orgs/acme.yaml:6: registry.svc.ci.openshift.org is decommissioned; use registry.ci.openshift.org instead",
    ),
    "source namespace without access decision": (
        {"orgs/acme.yaml": org_with("registry.ci.openshift.org/other/a:1 quay.io/acme/a:1")},
        "orgs/acme.yaml:6: source namespace 'other' has no access decision",
    ),
    "job name over 63 characters": (
        {"orgs/acme.yaml": None, f"orgs/{'a' * 40}.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1", name=f"mapping_{'a' * 40}")},
        f"orgs/{'a' * 40}.yaml:1: job name 'periodic-image-mirroring-{'a' * 40}' is 65 characters; Prow allows 63",
    ),
    "invalid cron": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cron: '@every 20 minutes'\n"},
        "orgs/acme.yaml:9: invalid cron '@every 20 minutes': `@every` needs a positive Go duration",
    ),
    "invalid cron field": (
        {"mirrorgen.yaml": "jobs:\n  cron: '0 25 * * *'\n"},
        "mirrorgen.yaml:2: invalid cron '0 25 * * *': hour field '25': 25 is outside 0-23",
    ),
    "public namespace without acknowledgement": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    access: public\n"},
        "namespaces.yaml:3: namespace 'acme-ci' would let anyone, even unauthenticated, pull its images",
    ),
    "unknown access level": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    access: everyone\n"},
        "namespaces.yaml:3: namespaces.acme-ci.access: access must be one of authenticated, mirror-only, public, not 'everyone'",
    ),
    "duplicate key": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "destination: quay.io/other\n"},
        "orgs/acme.yaml:8: duplicate key 'destination' (first at line 1)",
    ),
    "unknown inventory file": (
        {"namespace.yaml": "{}\n"},
        "namespace.yaml: unknown entry; did you mean namespaces.yaml?",
    ),
    # --- settings (check_settings) ---
    "defects neither error nor warning": (
        {"mirrorgen.yaml": "defects: fatal\n"},
        "mirrorgen.yaml:1: defects must be `error` or `warning`, not 'fatal'",
    ),
    "configmap namespace not a DNS-1123 label": (
        {"mirrorgen.yaml": "configmap:\n  namespace: CI\nvault:\n  target_namespace: CI\n"},
        "mirrorgen.yaml:2: configmap namespace 'CI' is not a DNS-1123 label",
    ),
    "configmap name not a Kubernetes name": (
        {"mirrorgen.yaml": "configmap:\n  name: Bad_Name\n"},
        "mirrorgen.yaml:2: configmap name 'Bad_Name' is not a valid Kubernetes name",
    ),
    "vault target namespace not a DNS-1123 label": (
        {"mirrorgen.yaml": "configmap:\n  namespace: ci.x\nvault:\n  target_namespace: ci.x\n"},
        "mirrorgen.yaml:4: vault target_namespace 'ci.x' is not a DNS-1123 label",
    ),
    "vault target cluster with a comma": (
        {"mirrorgen.yaml": "vault:\n  target_clusters: ['app.ci,build01']\n"},
        "mirrorgen.yaml:2: cluster name 'app.ci,build01' must be a cluster name like app.ci (letters, digits, '-', '.',"
        " '_'; no commas or spaces)",
    ),
    # ci-secret-bootstrap splits secretsync/target-clusters on `,` without trimming: " build01" is no cluster, and
    # vault-subpath-proxy does not refuse it.
    "vault target cluster with a space": (
        {"mirrorgen.yaml": "vault:\n  target_clusters: [app.ci, ' build01']\n"},
        "mirrorgen.yaml:2: cluster name ' build01' must be a cluster name like app.ci",
    ),
    "vault target cluster listed twice": (
        {"mirrorgen.yaml": "vault:\n  target_clusters: [app.ci, build01, app.ci]\n"},
        "mirrorgen.yaml:2: cluster 'app.ci' is listed twice in vault target_clusters: keep one",
    ),
    "vault mount with a slash": (
        {"mirrorgen.yaml": "vault:\n  mount: kv/selfservice\n"},
        "mirrorgen.yaml:2: vault mount 'kv/selfservice' must be the name of a KV version 2 mount such as kv",
    ),
    "job on a cluster its Vault item is not synced to": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cluster: build01\n"},
        "orgs/acme.yaml:9: the job runs on cluster 'build01', but its push secret's Vault item is synced only to app.ci",
    ),
    "configmap cluster not a cluster name": (
        {"mirrorgen.yaml": "configmap:\n  cluster: 'app ci'\n"},
        "mirrorgen.yaml:2: cluster 'app ci' is not a cluster name like app.ci",
    ),
    "configmap extra cluster not a cluster name": (
        {"mirrorgen.yaml": "configmap:\n  extra_clusters:\n    'api ci': [ci]\n"},
        "mirrorgen.yaml:3: cluster 'api ci' in configmap extra_clusters is not a cluster name like app.ci",
    ),
    "configmap extra cluster without a namespace": (
        {"mirrorgen.yaml": "configmap:\n  extra_clusters:\n    api.ci: []\n"},
        "mirrorgen.yaml:3: cluster 'api.ci' in configmap extra_clusters lists no namespace",
    ),
    "configmap extra cluster namespace not a label": (
        {"mirrorgen.yaml": "configmap:\n  extra_clusters:\n    api.ci: [CI]\n"},
        "mirrorgen.yaml:3: configmap extra_clusters namespace 'CI'",
    ),
    "vault item prefix with a leading slash": (
        {"mirrorgen.yaml": "vault:\n  item_prefix: /selfservice/image-mirroring\n"},
        "mirrorgen.yaml:2: vault item_prefix must be a path like selfservice/image-mirroring (segments of letters,"
        " digits, '-', '_', '.'; no leading or trailing /)",
    ),
    "source registry not a host": (
        {"mirrorgen.yaml": "source_registry: registry ci\n"},
        "mirrorgen.yaml:1: source_registry 'registry ci' must be a registry host such as registry.ci.openshift.org",
    ),
    "periodics in job_file_extra": (
        {"mirrorgen.yaml": "job_file_extra:\n  periodics: []\n"},
        "mirrorgen.yaml:2: job_file_extra cannot hold `periodics`: mirrorgen writes them from the orgs",
    ),
    "service account not a Kubernetes name": (
        {"mirrorgen.yaml": "jobs:\n  service_account: Image_Mirror\n"},
        "mirrorgen.yaml:2: service_account 'Image_Mirror' is not a valid ServiceAccount name (a DNS-1123 subdomain:"
        " lowercase letters, digits, '-' and '.')",
    ),
    "image stream registry neither app.ci nor qci": (
        {"mirrorgen.yaml": "image_stream_registry: quay\n"},
        "mirrorgen.yaml:1: image_stream_registry must be one of app.ci, qci, not 'quay'",
    ),
    "vault target namespace other than the configmap's": (
        {"mirrorgen.yaml": "configmap:\n  namespace: mirroring\nvault:\n  target_namespace: ci\n"},
        "mirrorgen.yaml:4: vault.target_namespace 'ci' differs from configmap.namespace 'mirroring': the job pods mount"
        " both the push secret and the ConfigMap, so they must be in the same namespace",
    ),
    # --- jobs (check_jobs) ---
    "job image without tag or digest": (
        {"mirrorgen.yaml": "jobs:\n  image: registry.ci.openshift.org/ci/image-mirror\n"},
        "mirrorgen.yaml:2: job image 'registry.ci.openshift.org/ci/image-mirror' needs a tag or digest",
    ),
    "org job image without tag or digest": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  image: quay.io/acme/mirror\n"},
        "orgs/acme.yaml:9: job image 'quay.io/acme/mirror' needs a tag or digest",
    ),
    "job image that is no reference": (
        {"mirrorgen.yaml": "jobs:\n  image: Registry/Image:1\n"},
        "mirrorgen.yaml:2: job image: invalid repository path 'Registry/Image'",
    ),
    "both cron and interval": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cron: '@daily'\n  interval: 24h\n"},
        "orgs/acme.yaml:10: set either job.cron or job.interval, not both (Prow accepts exactly one)",
    ),
    "a script named like the entrypoint": (
        {"mirrorgen.yaml": "scripts:\n  entrypoint: oc image mirror\n"},
        "mirrorgen.yaml:2: 'entrypoint' means the image's own entrypoint: give the script another name",
    ),
    "undefined script": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  script: loop\n"},
        "orgs/acme.yaml:9: script 'loop' is not defined under `scripts:` in mirrorgen.yaml (none defined)",
    ),
    "dry run of a script": (
        {"mirrorgen.yaml": "scripts:\n  loop: oc image mirror\n",
         "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  script: loop\n  dry_run: true\n"},
        "orgs/acme.yaml:10: warning: dry_run only reaches the image's entrypoint; a job running a script mirrors for real",
    ),
    "credentials key not a Secret key": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  credentials_key: docker/config.json\n"},
        "orgs/acme.yaml:9: credentials_key 'docker/config.json' is not a valid Secret key ([-._a-zA-Z0-9]+)",
    ),
    "job cluster not a cluster name": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cluster: 'app ci'\n"},
        "orgs/acme.yaml:9: cluster 'app ci' is not a cluster name like app.ci",
    ),
    "cpu request not a quantity": (
        {"mirrorgen.yaml": "jobs:\n  cpu_request: lots\n"},
        "mirrorgen.yaml:2: cpu_request 'lots' is not a Kubernetes CPU quantity such as 500m or 1",
    ),
    "mapping prefix without mapping_": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1", job="job:\n  mapping_prefix: acme_\n",
                                    name="acme_tools")},
        "orgs/acme.yaml:5: mapping_prefix 'acme_' must start with 'mapping_' and use only [-._a-zA-Z0-9]",
    ),
    "secret shared under two keys": (
        {"orgs/zeta.yaml": "destination: quay.io/zeta\nowners:\n  approvers: [alice]\njob:\n"
                           "  secret_name: registry-push-credentials-quay-io-acme\n  credentials_key: other.json\n"
                           f"mappings:\n  mapping_zeta_x: |\n    {SRC}/z:1 quay.io/zeta/z:1\n"},
        "orgs/zeta.yaml:6: secret 'registry-push-credentials-quay-io-acme' is shared with org 'acme', which mounts key"
        " 'config.json', not 'other.json': use the same credentials_key",
    ),
    # --- orgs (check_orgs) ---
    "tagged destination": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"].replace("destination: quay.io/acme", "destination: quay.io/acme:v1")},
        "orgs/acme.yaml:1: destination 'quay.io/acme:v1' must be a registry and organisation such as quay.io/acme, without tag",
    ),
    "destination without registry": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"].replace("destination: quay.io/acme", "destination: acme")},
        "orgs/acme.yaml:1: destination 'acme' must be a registry and organisation such as quay.io/acme, without tag",
    ),
    "destination that is no reference": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"].replace("destination: quay.io/acme", "destination: quay.io/Acme")},
        "orgs/acme.yaml:1: destination: invalid repository path 'Acme'",
    ),
    "verbatim owners beside approvers": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"].replace("owners:\n", "owners:\n  verbatim: 'approvers: [alice]'\n")},
        "orgs/acme.yaml:3: owners: set either `verbatim` or the approvers/reviewers lists, not both",
    ),
    "org without approvers": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"].replace("  approvers: [alice]\n", "")},
        # At the first line of the owners block (the value), as for every other setting.
        "orgs/acme.yaml:3: warning: no owners.approvers: nobody could approve changes to this org's mappings; list at"
        " least one GitHub user",
    ),
    "folder: false with mapping files": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "folder: false\n"},
        "orgs/acme.yaml:8: an org with `folder: false` has no folder to hold files: remove its mappings or set folder: true",
    ),
    "org without mapping files": (
        {"orgs/zeta.yaml": "destination: quay.io/zeta\nowners:\n  approvers: [alice]\nmappings: {}\n"},
        "orgs/zeta.yaml:4: warning: the org has no mapping files, so its job mirrors nothing",
    ),
    "unprefixed mapping file": (
        {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "unprefixed_mappings: [acme_nightly]\n"},
        "orgs/acme.yaml:8: acme/acme_nightly holds mapping lines but lacks the 'mapping_' prefix, so it never reaches the"
        " ConfigMap and nothing mirrors it: rename it to 'mapping_acme_nightly' (or delete it)",
    ),
    # --- mapping file names (check_mapping_files) ---
    "mapping file name no ConfigMap key": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1", name="mapping_acme_a b")},
        "orgs/acme.yaml:5: mapping file name 'mapping_acme_a b' is not a valid ConfigMap key (at most 253 of [-._a-zA-Z0-9])",
    ),
    "mapping file mirrored by another org's job": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1\n", name="mapping_acme_tools")
         + f"  mapping_zeta_extra: |\n    {SRC}/b:1 quay.io/acme/b:1\n",
         "orgs/zeta.yaml": org_with(f"{SRC}/z:1 quay.io/zeta/z:1", name="mapping_zeta_z").replace("quay.io/acme\n", "quay.io/zeta\n", 1)},
        "orgs/acme.yaml:7: mapping file 'mapping_zeta_extra' is mirrored by zeta's job, not by periodic-image-mirroring-acme"
        " (prefix 'mapping_acme'): rename it to start with 'mapping_acme'",
    ),
    "mapping file mirrored by two jobs": (
        {"orgs/zeta.yaml": org_with(f"{SRC}/z:1 quay.io/zeta/z:1", job="job:\n  mapping_prefix: mapping_acme_t\n",
                                    name="mapping_acme_tz").replace("quay.io/acme\n", "quay.io/zeta\n", 1)},
        "orgs/acme.yaml:6: mapping file 'mapping_acme_tools' is mirrored by the jobs of acme, zeta, each with its own"
        " credentials: rename it so one MAPPING_FILE_PREFIX matches",
    ),
    "job whose prefix matches no file": (
        {"orgs/zeta.yaml": "destination: quay.io/zeta\nowners:\n  approvers: [alice]\nmappings: {}\n"},
        "orgs/zeta.yaml:1: periodic-image-mirroring-zeta mirrors files starting with 'mapping_zeta', but no mapping file"
        " does: add one, fix the prefix, or remove the job (job.enabled: false)",
    ),
    # --- mapping lines (check_mapping_lines) ---
    "bare destination that is the source itself": (
        {"orgs/acme.yaml": org_with("quay.io/acme/a:1 quay.io/acme/a")},
        "orgs/acme.yaml:6: source and destination are the same image (quay.io/acme/a:1); oc refuses to copy onto itself",
    ),
    "destination outside the org": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/other/a:1")},
        "orgs/acme.yaml:6: warning: destination quay.io/other/a is outside this org's destination quay.io/acme; its push"
        " secret is unlikely to reach it",
    ),
    "namespace nothing copies from": (
        {"namespaces.yaml": MINIMAL["namespaces.yaml"] + "  idle-ci:\n    access: authenticated\n"},
        "namespaces.yaml:6: warning: namespace 'idle-ci' is declared but no mapping copies from it",
    ),
    # --- namespaces (check_namespaces, check_mirror_only_clusters) ---
    "mirror-only without a ServiceAccount": (
        {"namespaces.yaml": "namespaces:\n  acme-ci:\n    access: mirror-only\n"},
        "orgs/acme.yaml:7: namespace 'acme-ci' is mirror-only, but periodic-image-mirroring-acme, which reads from it"
        " here, runs as no named ServiceAccount for its image-puller binding to name: set job.service_account in"
        " orgs/acme.yaml (or jobs.service_account in mirrorgen.yaml for every job)",
    ),
    "authenticated namespace": (
        {},
        "namespaces.yaml:3: warning: namespace 'acme-ci': every authenticated user of the cluster can pull its images;"
        " use mirror-only if only the mirroring jobs need them",
    ),
    "mirror-only namespace read by a job on another cluster": (
        {"mirrorgen.yaml": "jobs:\n  service_account: image-mirror\n",
         "namespaces.yaml": "namespaces:\n  acme-ci:\n    access: mirror-only\n",
         "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cluster: build01\n"},
        "orgs/acme.yaml:7: namespace 'acme-ci' is mirror-only, so only ServiceAccounts on app.ci may pull from it, but"
        " periodic-image-mirroring-acme, which reads from it here, runs on 'build01' (set at orgs/acme.yaml:9): run the"
        " job on app.ci or choose another access level",
    ),
    "service account of a job on another cluster": (
        {"mirrorgen.yaml": "jobs:\n  service_account: image-mirror\n",
         "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cluster: build01\n"},
        "mirrorgen.yaml:2: warning: periodic-image-mirroring-acme runs on 'build01', where mirrorgen creates no"
        " ServiceAccount (it writes them for app.ci only): create 'image-mirror' in namespace 'ci' on 'build01'"
        " yourself, or run the job on app.ci",
    ),
    "unknown code in the defect baseline": (
        {"known-defects.yaml": "known_defects:\n- code: tab-separators\n  file: orgs/acme.yaml\n  subject: x\n"},
        "known-defects.yaml:2: unknown defect code 'tab-separators' (did you mean 'tab-separator'?)",
    ),
    # --- ConfigMap size (check_configmap_size) ---
    "shard budget of zero": (
        {"mirrorgen.yaml": "configmap:\n  shard_budget: 0\n"},
        "mirrorgen.yaml:2: configmap.shard_budget 0 must be between 1 and 1048576 bytes (etcd's object limit); the default"
        " 921600 leaves room for the object's metadata",
    ),
    "unsharded ConfigMap over its budget": (
        {"mirrorgen.yaml": "configmap:\n  shard: false\n  shard_budget: 100\n"},
        "mirrorgen.yaml:1: the image-mirror-mappings ConfigMap would hold",
    ),
    "one org over the budget of a shard": (
        {"mirrorgen.yaml": "configmap:\n  shard_budget: 100\n"},
        "orgs/acme.yaml:5: the mapping files of org 'acme' take",
    ),
    # --- config_updater entries (check_shard_folders) ---
    "org folder named with pattern syntax, once sharded": (
        {"mirrorgen.yaml": "defects: warning\nconfigmap:\n  shard_budget: 150\n",
         "orgs/b{c.yaml": MINIMAL["orgs/acme.yaml"].replace("quay.io/acme", "quay.io/bc").replace("mapping_acme", "mapping_bc")},
        "orgs/b{c.yaml:5: org 'b{c' is named with a character config-updater's patterns read as syntax ('{'), so its"
        " ConfigMap's config_updater entry cannot name its folder: rename the org file",
    ),
    # --- image names (check_image_names; tests/rules/test_image_names.py has the guidelines) ---
    "image name against the guidelines": (
        {"orgs/acme.yaml": org_with(f"{SRC}/a:1 quay.io/openshift/installer:1").replace("quay.io/acme\n", "quay.io/openshift\n", 1)},
        "orgs/acme.yaml:6: warning: image name: 'installer' names neither technology nor cloud provider: use"
        " $technology-$component (e.g. sriov-network-config-daemon), $cloudProvider-$component, cluster-*, kube-* or"
        " *-tests (core-services/image-mirroring/openshift/GUIDELINES.md)",
    ),
    # --- job order (check_job_order) ---
    "job order naming no org": (
        {"mirrorgen.yaml": "job_order: [nobody]\n"},
        "mirrorgen.yaml:1: job_order names 'nobody', which is no org with a job: remove it or add orgs/nobody.yaml",
    ),
    "job order naming an org twice": (
        {"mirrorgen.yaml": "job_order:\n- acme\n- acme\n"},
        "mirrorgen.yaml:3: job_order names 'acme' twice: keep one",
    ),
    # --- qci.yaml (check_qci_access; the others are in test_qci_access) ---
    "QCI group that is a built-in group": (
        {"qci.yaml": "groups:\n  system:authenticated:\n    owners: {approvers: [a]}\n"},
        "qci.yaml:2: group 'system:authenticated' is a built-in group of every cluster user or ServiceAccount, which would"
        " open QCI far beyond one team: name a Rover group",
    ),
    # --- images.yaml (check_images_settings, check_cki_images) ---
    "approved registry that is no host": (
        {"images.yaml": "approved_registries: ['quay io']\n"},
        "images.yaml:1: approved registry 'quay io' is not a registry host such as quay.io or registry.example.com:5000",
    ),
    "mirror prefix with a tag": (
        {"images.yaml": "mirror_prefix: quay.io/cki/mirror:v1\napproved_registries: [quay.io]\n"},
        "images.yaml:1: mirror_prefix 'quay.io/cki/mirror:v1' must be a registry and path such as quay.io/cki/mirror,"
        " without tag or digest",
    ),
    "mirror registry not approved": (
        {"images.yaml": "mirror_prefix: quay.io/cki/mirror\napproved_registries: [registry.redhat.io]\n"},
        "images.yaml:1: the mirror registry quay.io is not in approved_registries, so the clusters could not pull the"
        " mirrored images: approve it",
    ),
    "mirror prefix that is no reference": (
        {"images.yaml": "mirror_prefix: quay.io/CKI/mirror\napproved_registries: [quay.io]\n"},
        "images.yaml:1: mirror_prefix: invalid repository path 'CKI/mirror'",
    ),
    "img-mirror schedule with a bad cron": (
        {"images.yaml": "approved_registries: [quay.io]\nschedule:\n  cron: '0 1 * *'\n"},
        "images.yaml:3: invalid cron '0 1 * *': needs exactly 5 fields",
    ),
    "img-mirror schedule without branch": (
        {"images.yaml": "approved_registries: [quay.io]\nschedule:\n  branch: ' '\n"},
        "images.yaml:3: schedule.branch is empty: name the branch img-mirror runs on",
    ),
    "repository path outside the repository": (
        {"images.yaml": "approved_registries: [quay.io]\nrepository_path: ../images.yaml\n"},
        "images.yaml:2: repository_path '../images.yaml' must be this file's path relative to the repository root, such"
        " as config/images.yaml",
    ),
    "image name cki_variable cannot use": (
        {"images.yaml": f"approved_registries: [quay.io]\nimages:\n  2fast: quay.io/cki/tools:1@{DIGEST}\n"},
        "images.yaml:3: image name '2fast' cannot be used as cki_variable('IMAGES').<name>: use letters, digits and _"
        " (not starting with a digit)",
    ),
    "image that is no reference": (
        {"images.yaml": f"approved_registries: [quay.io]\nimages:\n  tools: quay.io/cki/Tools:1@{DIGEST}\n"},
        "images.yaml:3: image 'tools': invalid repository path 'cki/Tools'",
    ),
    "image pinned by a sha512 digest": (
        {"images.yaml": f"approved_registries: [quay.io]\nimages:\n  tools: quay.io/cki/tools:1@sha512:{'ab' * 64}\n"},
        f"images.yaml:3: image 'tools': digest 'sha512:{'ab' * 64}' must be sha256: and 64 lowercase hex digits",
    ),
    "one mirror tag with two digests": (
        {"images.yaml": "approved_registries: [quay.io]\nimages:\n"
                        f"  redis: quay.io/cki/mirror/docker.io/library/redis:7@{DIGEST}\n"
                        f"  redis2: quay.io/cki/mirror/docker.io/library/redis:7@sha256:{'cd' * 32}\n"},
        "images.yaml:4: image 'redis2' mirrors to quay.io/cki/mirror/docker.io/library/redis:7 like 'redis'"
        " (images.yaml:3) but with another digest; img-mirror cannot write one tag twice: use one digest",
    ),
    "image mirroring the mirror": (
        {"images.yaml": f"approved_registries: [quay.io]\nimages:\n  m: quay.io/cki/mirror/quay.io/cki/mirror/x:1@{DIGEST}\n"},
        "images.yaml:3: image 'm' mirrors the mirror itself: write the upstream after quay.io/cki/mirror/",
    ),
    "mirrored image from an approved registry": (
        {"images.yaml": f"approved_registries: [quay.io]\nimages:\n  t: quay.io/cki/mirror/quay.io/cki/tools:1@{DIGEST}\n"},
        "images.yaml:3: warning: image 't' comes from the approved registry quay.io: reference quay.io/cki/tools directly"
        " instead of mirroring it",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule(case: str, make_inventory) -> None:
    changes, expected = CASES[case]
    problems = problems_of(make_inventory(changes))
    assert any(p.startswith(expected) for p in problems), "\n".join(problems)


def test_every_rule_fires_at_its_file_and_line_in_some_case(tmp_path) -> None:
    """Each check of plan.CHECKS produces the exact message of a case above or of tests/hostile/ by itself."""
    cases = []
    for index, (changes, expected) in enumerate(CASES.values()):
        cases.append((write_tree(tmp_path / f"case{index}", {**MINIMAL, **changes}), [expected]))
    for case in HOSTILE:
        config = hostile_inventory(case, tmp_path / f"hostile-{case}")
        cases.append((config, [line.removeprefix(f"{config}/") for line in expected_lines(case, config)]))
    fired = set()
    for config, expected in cases:
        try:
            inventory = load_inventory(config)
        except mirrorgen.InvalidInventory:
            continue  # refused while loading, before any rule runs
        for rule in CHECKS:
            found = [str(problem) for problem in rule(inventory)]
            if any(message.startswith(prefix) for prefix in expected for message in found):
                fired.add(rule.__name__)
    assert sorted(rule.__name__ for rule in CHECKS if rule.__name__ not in fired) == []


@pytest.mark.parametrize("changes", [
    {"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cluster: build01\n  secret_source: external\n"},
    {"mirrorgen.yaml": "vault:\n  target_clusters: [app.ci, build01]\n",
     "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cluster: build01\n"},
    {"mirrorgen.yaml": "vault:\n  target_clusters: []\n", "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job:\n  cluster: build01\n"},
], ids=["an external secret", "the cluster listed", "no clusters listed: every cluster"])
def test_a_job_off_the_vault_clusters_is_fine_when_its_secret_gets_there(make_inventory, changes) -> None:
    """ci-secret-bootstrap syncs an item to every cluster when secretsync/target-clusters is empty (ci-tools
    pkg/api/vault TargetsCluster), and a secret provisioned elsewhere is not its business."""
    assert not [p for p in problems_of(make_inventory(changes)) if "synced only to" in p]


def test_configmap_over_one_mebibyte(make_inventory) -> None:
    lines = "\n".join(f"{SRC}/image-{i:05d}:v1.0.0 quay.io/acme/image-{i:05d}:v1.0.0 quay.io/acme/image-{i:05d}:latest"
                      for i in range(9000))
    problems = problems_of(make_inventory({"orgs/acme.yaml": org_with(lines)}))
    # One org cannot be sharded: its job mounts a single ConfigMap (issue 6).
    assert any("the mapping files of org 'acme' take" in p and "over the 921600-byte budget" in p and "split the files" in p
               for p in problems), problems


def test_all_problems_reported_at_once_and_nothing_written(make_inventory, tmp_path) -> None:
    config = make_inventory({
        "orgs/acme.yaml": org_with(f"{SRC}/a quay.io/acme/a:1\n{SRC}/b:1\tquay.io/acme/b:1", job="job:\n  cron: bad\n"),
        "orgs/typo.yaml": "destnation: quay.io/typo\n",
    })
    out = tmp_path / "out"
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if ": " in line and not line.startswith("mirrorgen:")]
    assert len(errors) >= 5, result.stderr
    assert all(line.startswith(str(config) + "/orgs/") for line in errors), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_warnings_do_not_block_but_strict_fails(make_inventory) -> None:
    config = make_inventory()
    relaxed = run_cli("validate", "--config", str(config))
    assert relaxed.returncode == 0
    assert "warning: namespace 'acme-ci': every authenticated user" in relaxed.stderr
    assert run_cli("validate", "--config", str(config), "--strict").returncode == 2


def test_defects_are_warnings_in_an_adopted_inventory(make_inventory) -> None:
    """`defects: warning` (what `mirrorgen import` writes) lets a repository with real-world defects generate."""
    config = make_inventory({
        "mirrorgen.yaml": "defects: warning\n",
        "orgs/acme.yaml": org_with(f"registry.svc.ci.openshift.org/acme-ci/a:1\tquay.io/acme/a:1\n{SRC}/b:1 quay.io/acme/a:1"),
    })
    _, warnings = load_and_validate(config)
    messages = [str(w) for w in warnings]
    assert any(m.startswith("orgs/acme.yaml:6: warning: TAB between fields") for m in messages), messages
    assert any(m.startswith("orgs/acme.yaml:6: warning: registry.svc.ci.openshift.org is decommissioned") for m in messages)
    assert any(m.startswith("orgs/acme.yaml:7: warning: destination quay.io/acme/a:1 is named twice") for m in messages)
    assert run_cli("validate", "--config", str(config), "--strict").returncode == 2


def test_an_org_may_name_several_destinations(make_inventory) -> None:
    """`destination` takes a list: lines writing inside any of them draw no warning, others name them all, and the
    push secret's Vault item lists every organisation it must reach."""
    lines = f"{SRC}/a:1 quay.io/acme/a:1\n{SRC}/b:1 quay.io/acme-partner/b:1\n{SRC}/c:1 quay.io/elsewhere/c:1"
    config = make_inventory({"orgs/acme.yaml": org_with(lines).replace("destination: quay.io/acme\n",
                                                                       "destination: [quay.io/acme, quay.io/acme-partner]\n")})
    inventory, warnings = load_and_validate(config)
    outside = [str(w) for w in warnings if "outside" in w.message]
    assert outside == ["orgs/acme.yaml:8: warning: destination quay.io/elsewhere/c is outside this org's destinations"
                       " quay.io/acme, quay.io/acme-partner; its push secret is unlikely to reach it (if it does, add the"
                       " organisation to `destination`)"]
    items = [item for output in mirrorgen.plan(inventory) if output.path.startswith("vault/")
             for item in yaml.safe_load_all(output.text)]
    assert items[0]["push_to"] == ["quay.io/acme", "quay.io/acme-partner"]
    single = make_inventory({"orgs/acme.yaml": org_with(lines)})
    assert sum("is outside this org's destination quay.io/acme;" in str(w) for w in load_and_validate(single)[1]) == 2


@pytest.mark.parametrize("value, message", [
    ("[]", "orgs/acme.yaml:1: destination is an empty list: name at least one registry and organisation"),
    ("[quay.io/acme, quay.io/b:1]", "orgs/acme.yaml:1: destination 'quay.io/b:1' must be a registry and organisation"),
    ("{a: b}", "orgs/acme.yaml:1: destination: expected text, got a mapping"),
])
def test_a_list_of_destinations_is_checked_entry_by_entry(make_inventory, value: str, message: str) -> None:
    config = make_inventory({"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"].replace("quay.io/acme\n", value + "\n", 1)})
    assert any(p.startswith(message) for p in problems_of(config)), problems_of(config)


# Keys directly under these name things (namespaces, mapping files, images, ...): a misspelt one is another name.
NAMED_ENTRIES = ("namespaces", "mappings", "images", "groups", "integrations", "scripts", "labels")


def _written_keys(text: str) -> list[tuple[int, str]]:
    """(line, key) of every schema key written in a YAML file, found by reading its text (not by mirrorgen)."""
    found, parents = [], []  # parents: (indent, key) of the mappings that enclose the current line
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"( *)([a-z_]+):(?: |$)", line)
        if not match:
            continue
        indent, key = len(match.group(1)), match.group(2)
        parents = [(i, k) for i, k in parents if i < indent]
        if not (parents and parents[-1][1] in NAMED_ENTRIES):
            found.append((number, key))
        parents.append((indent, key))
    return found


def _misspelt(key: str) -> str:
    return key[: len(key) // 2] + key[len(key) // 2 + 1:]  # a letter left out: `mapings`


SAMPLE_KEYS = [(path.relative_to(REPO / "config").as_posix(), number, key)
               for path in sorted((REPO / "config").rglob("*.yaml"))
               for number, key in _written_keys(path.read_text())]


def test_the_sample_writes_the_keys_checked_below() -> None:
    keys = {key for _, _, key in SAMPLE_KEYS}
    assert {"mappings", "destination", "owners", "approvers", "job", "access", "jobs", "mirror_prefix"} <= keys


@pytest.mark.parametrize("file, number, key", SAMPLE_KEYS, ids=[f"{f}:{n}:{k}" for f, n, k in SAMPLE_KEYS])
def test_every_key_misspelt_gets_a_suggestion(file: str, number: int, key: str) -> None:
    """Also the keys the loader reads itself, outside cattrs: `mapings:` used to get no suggestion at all."""
    files = {path.relative_to(REPO / "config").as_posix(): path.read_bytes() for path in (REPO / "config").rglob("*.yaml")}
    lines = files[file].decode().splitlines(keepends=True)
    lines[number - 1] = lines[number - 1].replace(f"{key}:", f"{_misspelt(key)}:", 1)
    files[file] = "".join(lines).encode()
    with pytest.raises(mirrorgen.InvalidInventory) as raised:
        mirrorgen.parse_inventory(files)
    assert f"{file}:{number}: unknown key '{_misspelt(key)}' (did you mean '{key}'?)" in map(str, raised.value.problems)


def test_allowed_keys_name_every_key_of_an_org(make_inventory) -> None:
    problems = problems_of(make_inventory({"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "xyzzy: 1\n"}))
    listed = next(p for p in problems if "unknown key 'xyzzy'" in p).split("allowed keys: ")[1].rstrip(")").split(", ")
    assert {"destination", "owners", "job", "mappings", "folder", "other_files", "unprefixed_mappings"} == set(listed)


def test_an_org_file_name_in_capitals_is_one_error_at_the_file(make_inventory) -> None:
    """The name became the secret, the job prefix and the file names' expected prefix: four errors, the first at
    mirrorgen.yaml's secret_name default. One is the cause."""
    config = make_inventory({"orgs/acme.yaml": None, "orgs/Acme.yaml": MINIMAL["orgs/acme.yaml"]})
    assert problems_of(config) == [
        "orgs/Acme.yaml: org name 'Acme' (the file name) is not a DNS-1123 label (at most 63 of a-z, 0-9 and '-', no"
        " dots, starting and ending alphanumeric): rename the file to orgs/acme.yaml"]


def test_an_adopted_org_folder_name_in_capitals_still_generates(make_inventory) -> None:
    """A folder of a release repository keeps its name; lint says what it breaks."""
    config = make_inventory({"mirrorgen.yaml": "defects: warning\n", "orgs/acme.yaml": None,
                             "orgs/Acme.yaml": MINIMAL["orgs/acme.yaml"].replace("mapping_acme", "mapping_Acme")})
    inventory, warnings = load_and_validate(config)
    assert [org.name for org in inventory.orgs] == ["Acme"]
    assert "orgs/Acme.yaml:1: warning: org name (the file name) 'Acme' is not a DNS-1123 label" in "\n".join(map(str, warnings))


def test_job_images_with_a_tag_or_a_digest_are_valid(make_inventory) -> None:
    """The other side of the job-image rule: a tag, a digest, or both, as Kubernetes takes an image."""
    for image in ("quay.io/acme/mirror:v1", f"quay.io/acme/mirror@{DIGEST}", f"quay.io/acme/mirror:v1@{DIGEST}"):
        config = make_inventory({"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + f"job:\n  image: {image}\n"})
        assert not [p for p in problems_of(config) if "job image" in p], image


def test_job_names_up_to_63_characters_pass(make_inventory) -> None:
    """Prow copies the job name into a label value: at most 63 characters (DESIGN.md, "Prow periodics").
    `periodic-image-mirroring-` is 25 of them."""
    for org, too_long in (("a" * 38, False), ("a" * 39, True)):
        config = make_inventory({"orgs/acme.yaml": None,
                                 f"orgs/{org}.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1", name=f"mapping_{org}")})
        name = f"periodic-image-mirroring-{org}"
        assert len(name) == 63 + too_long
        flagged = [p for p in problems_of(config) if p.startswith(f"orgs/{org}.yaml:1: job name")]
        assert flagged == ([f"orgs/{org}.yaml:1: job name {name!r} is 64 characters; Prow allows 63 (it becomes a label):"
                            f" shorten the org name, or set a shorter job.name"] if too_long else [])


def test_a_long_job_name_set_by_job_name_is_blamed_on_job_name(make_inventory) -> None:
    """When the org sets job.name, the org's own name is not what to shorten."""
    name = "x" * 64
    config = make_inventory({"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + f"job:\n  name: {name}\n"})
    line = (config / "orgs/acme.yaml").read_text().splitlines().index(f"  name: {name}") + 1
    assert [p for p in problems_of(config) if "characters; Prow allows" in p] == [
        f"orgs/acme.yaml:{line}: job name {name!r} is 64 characters; Prow allows 63 (it becomes a label): shorten job.name"]
