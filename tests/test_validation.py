"""Every validation rule: the inventory that breaks it, and the file:line message a person gets."""

from __future__ import annotations

import pytest
import yaml

import mirrorgen
from conftest import MINIMAL, run_cli
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
        "orgs/acme.yaml:5: secret name (Vault's secretsync would reject it) 'push.quay.io-acme' is not a DNS-1123 label",
    ),
    "org name not a DNS-1123 label": (
        {"orgs/acme.yaml": None, "orgs/Acme_Corp.yaml": org_with(f"{SRC}/a:1 quay.io/acme/a:1", name="mapping_Acme_Corp_x")},
        "orgs/Acme_Corp.yaml:1: org name (the file name) 'Acme_Corp' is not a DNS-1123 label",
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
        "namespace.yaml: unknown inventory file (did you mean namespaces.yaml?)",
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
