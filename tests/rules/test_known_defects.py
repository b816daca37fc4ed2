"""The defect baseline (config/known-defects.yaml): every defect rule names its finding with a stable code and
subject; import records the defects it finds; those stay warnings, any other defect is an error, and a fixed one
makes validate say that its entry can go."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL, REPO, run_cli
from mirrorgen.inventory.load import KNOWN_TOP_FILES, parse_inventory
from mirrorgen.plan import validate
from mirrorgen.rules.known_defects import DEFECT_CODES

FIXTURE = REPO / "tests/fixtures/release"
SRC = "registry.ci.openshift.org/acme-ci"
LONG = "a" * 40


def _org(lines: str, *, name: str = "mapping_acme_tools", head: str = "destination: quay.io/acme\n") -> str:
    body = "".join(f"    {line}\n" for line in lines.splitlines())
    return f"{head}owners:\n  approvers: [alice]\nmappings:\n  {name}: |\n{body}"


# code → (inventory files changed from MINIMAL, the file the defect is reported in, its subject). The subjects are
# what a person would call the finding: the name or tag it is about, or the line as written.
CODES = {
    "configmap-over-budget": ({"mirrorgen.yaml": "configmap: {shard: false, shard_budget: 100}\n"}, "mirrorgen.yaml",
                              "image-mirror-mappings"),
    "decommissioned-registry": ({"orgs/acme.yaml": _org("registry.svc.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1")},
                                "orgs/acme.yaml", "registry.svc.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1"),
    "destination-in-two-files": ({"orgs/acme.yaml": _org(f"{SRC}/a:1 quay.io/acme/a:1").replace(
        "mappings:\n", f"mappings:\n  mapping_acme_b: |\n    {SRC}/b:1 quay.io/acme/a:1\n")},
        "orgs/acme.yaml", "quay.io/acme/a:1 in mapping_acme_b and mapping_acme_tools"),
    "duplicate-destination": ({"orgs/acme.yaml": _org(f"{SRC}/a:1 quay.io/acme/a:1\n{SRC}/b:1 quay.io/acme/a:1")},
                              "orgs/acme.yaml", "mapping_acme_tools: quay.io/acme/a:1"),
    "duplicate-mapping-file-name": ({"orgs/zeta.yaml": _org(f"{SRC}/z:1 quay.io/zeta/z:1", head="destination: quay.io/zeta\n"
                                                            "job: {mapping_prefix: mapping_acme}\n")},
                                    "orgs/zeta.yaml", "mapping_acme_tools"),
    "invalid-mapping-line": ({"orgs/acme.yaml": _org(f"{SRC}/a quay.io/acme/a:1")}, "orgs/acme.yaml",
                             f"{SRC}/a quay.io/acme/a:1"),
    "long-job-name": ({"orgs/acme.yaml": None, f"orgs/{LONG}.yaml": _org(f"{SRC}/a:1 quay.io/acme/a:1", name=f"mapping_{LONG}")},
                      f"orgs/{LONG}.yaml", f"periodic-image-mirroring-{LONG}"),
    "mapping-file-of-another-job": ({"orgs/beta.yaml": _org(f"{SRC}/b:1 quay.io/beta/b:1", name="mapping_acme_beta",
                                                            head="destination: quay.io/beta\n")},
                                    "orgs/beta.yaml", "mapping_acme_beta"),
    "mapping-file-of-several-jobs": ({"orgs/beta.yaml": _org(f"{SRC}/b:1 quay.io/beta/b:1", name="mapping_beta_b",
                                                             head="destination: quay.io/beta\n"),
                                      "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job: {mapping_prefix: mapping_}\n"},
                                     "orgs/beta.yaml", "mapping_beta_b"),
    # While defects are errors such an org file is refused as it loads, unless the baseline lists it.
    "org-name-not-dns1123": ({"orgs/acme.yaml": None, "orgs/Acme.yaml": _org(f"{SRC}/a:1 quay.io/acme/a:1", name="mapping_Acme_x"),
                              "known-defects.yaml": "known_defects:\n- {code: org-name-not-dns1123, file: orgs/Acme.yaml,"
                                                    " subject: Acme}\n"},
                             "orgs/Acme.yaml", "Acme"),
    "secret-key-mismatch": ({"orgs/beta.yaml": _org(f"{SRC}/b:1 quay.io/beta/b:1", name="mapping_beta_b",
                                                    head="destination: quay.io/beta\njob: {secret_name: shared, credentials_key: x}\n"),
                             "orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job: {secret_name: shared}\n"},
                            "orgs/beta.yaml", "shared"),
    "secret-name-not-dns1123": ({"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job: {secret_name: push.quay.io-acme}\n"},
                                "orgs/acme.yaml", "push.quay.io-acme"),
    "secret-name-not-kubernetes": ({"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"]
                                    + "job: {secret_name: Push_Acme, secret_source: external}\n"},
                                   "orgs/acme.yaml", "Push_Acme"),
    "tab-separator": ({"orgs/acme.yaml": _org(f"{SRC}/a:1\tquay.io/acme/a:1")}, "orgs/acme.yaml", f"{SRC}/a:1\tquay.io/acme/a:1"),
    "undeclared-namespace": ({"orgs/acme.yaml": _org("registry.ci.openshift.org/other/a:1 quay.io/acme/a:1")},
                             "orgs/acme.yaml", "other"),
    "unmatched-mapping-prefix": ({"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "job: {mapping_prefix: mapping_acme_x}\n"},
                                 "orgs/acme.yaml", "mapping_acme_x"),
    "unmirrored-mapping-file": ({"orgs/acme.yaml": _org(f"{SRC}/a:1 quay.io/acme/a:1", name="mapping_other")},
                                "orgs/acme.yaml", "mapping_other"),
    "unprefixed-mapping-file": ({"orgs/acme.yaml": MINIMAL["orgs/acme.yaml"] + "unprefixed_mappings: [acme_nightly]\n"},
                                "orgs/acme.yaml", "acme_nightly"),
}


def test_every_defect_code_is_exercised_and_documented() -> None:
    assert sorted(CODES) == sorted(DEFECT_CODES)
    reference = (REPO / "docs/inventory.md").read_text()
    section = reference.split("## Defects and the baseline", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M)
    assert sorted(documented) == sorted(DEFECT_CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_defect_rule_gives_its_code_and_subject(code: str) -> None:
    changes, file, subject = CODES[code]
    files = {name: text for name, text in {**MINIMAL, **changes}.items() if text is not None}
    found = [(p.code, p.location.file, p.subject) for p in validate(parse_inventory({k: v.encode() for k, v in files.items()}))
             if p.code]
    assert (code, file, subject) in found, found


def test_the_baseline_is_a_known_inventory_file() -> None:
    assert "known-defects.yaml" in KNOWN_TOP_FILES


@pytest.fixture
def adopted(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    result = run_cli("import", "--release-repo", str(FIXTURE), "--config", str(config))
    assert result.returncode == 0, result.stderr
    return config


def test_import_records_the_defects_it_found_instead_of_making_every_defect_a_warning(adopted: Path) -> None:
    assert "defects" not in yaml.safe_load((adopted / "mirrorgen.yaml").read_text())
    entries = yaml.safe_load((adopted / "known-defects.yaml").read_text())["known_defects"]
    assert {"code": "tab-separator", "file": "orgs/anvil.yaml",
            "subject": "registry.ci.openshift.org/forge/hammer:latest\tquay.io/anvil/hammer:latest"} in entries
    assert {"code": "unprefixed-mapping-file", "file": "orgs/anvil.yaml", "subject": "anvil_nightly"} in entries
    result = run_cli("validate", "--config", str(adopted))
    assert result.returncode == 0, result.stderr
    # Every defect the import found is a warning, one per entry.
    assert sum(": warning: " in line for line in result.stderr.splitlines()) >= len(entries)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_new_defect_is_an_error_while_the_known_ones_stay_warnings(adopted: Path) -> None:
    # A second TAB line, in the file that already has one: the same rule, but not the same defect.
    _edit(adopted / "orgs/anvil.yaml", "    registry.ci.openshift.org/forge/tongs:latest",
          "    registry.ci.openshift.org/forge/anvil:latest\tquay.io/anvil/anvil:latest\n"
          "    registry.ci.openshift.org/forge/tongs:latest")
    result = run_cli("validate", "--config", str(adopted))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    org = (adopted / "orgs/anvil.yaml").read_text().splitlines()
    new, known = (org.index(f"    registry.ci.openshift.org/forge/{name}:latest\tquay.io/anvil/{name}:latest") + 1
                  for name in ("anvil", "hammer"))
    errors = [line for line in lines if "TAB between fields" in line and ": warning: " not in line]
    assert len(errors) == 1 and errors[0].startswith(f"{adopted}/orgs/anvil.yaml:{new}: TAB between fields"), lines
    assert any(f"orgs/anvil.yaml:{known}: warning: TAB between fields" in line for line in lines)
    # generate refuses to write anything while the new defect is there.
    assert run_cli("generate", "--config", str(adopted), "--output", str(adopted.parent / "out")).returncode == 2


def test_unrelated_edits_keep_known_defects_known(adopted: Path) -> None:
    """Lines added above a known defect and mapping files reordered: the baseline still matches, nothing is stale."""
    org = adopted / "orgs/acme.yaml"
    data = yaml.safe_load(org.read_text())
    names = list(data["mappings"])
    text = org.read_text()
    head, _, rest = text.partition("\nmappings:\n")
    blocks = re.split(r"(?m)^(?=  \S)", rest)
    org.write_text(head + "\nmappings:\n" + "".join(reversed([b for b in blocks if b])))
    assert list(yaml.safe_load(org.read_text())["mappings"]) == list(reversed(names))
    # A new file, and a line above the known TAB defect of the next one.
    _edit(adopted / "orgs/anvil.yaml", "\nmappings:\n", "\nmappings:\n  mapping_anvil_builder_aaa: |\n"
          "    registry.ci.openshift.org/forge/new:latest quay.io/anvil/new:latest\n")
    _edit(adopted / "orgs/anvil.yaml", "  mapping_anvil_builder_tools: |\n", "  mapping_anvil_builder_tools: |\n"
          "    registry.ci.openshift.org/forge/old:latest quay.io/anvil/old:latest\n")
    result = run_cli("validate", "--config", str(adopted))
    assert result.returncode == 0, result.stderr
    assert "no longer found" not in result.stderr


def test_fixing_a_known_defect_says_its_entry_can_be_deleted(adopted: Path) -> None:
    _edit(adopted / "orgs/anvil.yaml", "hammer:latest\tquay.io", "hammer:latest quay.io")
    result = run_cli("validate", "--config", str(adopted))
    assert result.returncode == 0, result.stderr
    baseline = (adopted / "known-defects.yaml").read_text().splitlines()
    line = baseline.index("- code: tab-separator") + 1
    assert (f"{adopted}/known-defects.yaml:{line}: warning: known defect tab-separator in orgs/anvil.yaml"
            f" (registry.ci.openshift.org/forge/hammer:latest\\tquay.io/anvil/hammer:latest) is no longer found:"
            f" delete this entry") in result.stderr.splitlines()
    assert run_cli("validate", "--strict", "--config", str(adopted)).returncode == 2


def test_an_unknown_code_in_the_baseline_is_an_error(adopted: Path) -> None:
    _edit(adopted / "known-defects.yaml", "- code: tab-separator", "- code: tab-seperator")
    result = run_cli("validate", "--config", str(adopted))
    assert result.returncode == 2
    assert "unknown defect code 'tab-seperator' (did you mean 'tab-separator'?)" in result.stderr


def test_defects_warning_still_makes_every_defect_a_warning(adopted: Path) -> None:
    (adopted / "known-defects.yaml").unlink()
    assert run_cli("validate", "--config", str(adopted)).returncode == 2
    _edit(adopted / "mirrorgen.yaml", "header: false\n", "header: false\ndefects: warning\n")
    assert run_cli("validate", "--config", str(adopted)).returncode == 0
