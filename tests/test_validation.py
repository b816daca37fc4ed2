"""Every validation rule: the inventory that breaks it, and the file:line message a person gets."""

from __future__ import annotations

import re

import pytest
import yaml

import mirrorgen
from conftest import MINIMAL, REPO, run_cli
from mirrorgen.load import load_and_validate

DIGEST = "sha256:" + "ab" * 32
SRC = "registry.ci.openshift.org/acme-ci"


def org_with(lines: str, job: str = "", name: str = "mapping_acme_tools") -> str:
    body = "".join(f"    {line}\n" for line in lines.splitlines())
    return f"destination: quay.io/acme\nowners:\n  approvers: [alice]\n{job}mappings:\n  {name}: |\n{body}"


def problems_of(config) -> list[str]:
    with pytest.raises(mirrorgen.InvalidInventory) as caught:
        load_and_validate(config)
    return [str(p) for p in caught.value.problems]


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
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule(case: str, make_inventory) -> None:
    changes, expected = CASES[case]
    problems = problems_of(make_inventory(changes))
    assert any(p.startswith(expected) for p in problems), "\n".join(problems)


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
