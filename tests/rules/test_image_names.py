"""quay.io/openshift/ image names against core-services/image-mirroring/openshift/GUIDELINES.md (warnings)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from conftest import MINIMAL, run_cli
from mirrorgen.rules.image_names import image_name_problems


# The guideline's own examples of each segment ordering, and its grandfathered "known violations".
@pytest.mark.parametrize("name", [
    "aws-ebs-csi-driver-operator",
    "sriov-network-config-daemon",
    "cluster-storage-operator",
    "kube-state-metrics",
    "machine-api-actuators-tests",
    "cluster-capi-operator",
    "cluster-api-actuator-pkg",
    "origin-cli",
    "cluster-version-operator-tests",
])
def test_names_that_follow_the_guidelines(name: str) -> None:
    assert image_name_problems(name) == []


@pytest.mark.parametrize(("name", "advice"), [
    ("installer", "'installer' names neither technology nor cloud provider"),
    ("cluster-dns", "'cluster-*' is for CVO-managed operators"),
    ("cluster-version-controller", "'cluster-*' is for CVO-managed operators"),
    ("etcd-operator-test", "images of tests end in '-tests' (e.g. etcd-operator-tests)"),
    ("tests-etcd", "images of tests end in '-tests' (e.g. etcd-tests)"),
    ("cluster-mco-operator", "expand the acronym 'mco' in 'cluster-mco-operator' (to 'machine-config-operator')"),
    ("capi-controllers", "expand the acronym 'capi'"),
    ("origin_cli", "separate the segments of 'origin_cli' with single '-'"),
    ("origin.cli", "separate the segments"),
    ("origin--cli", "separate the segments"),
    ("openshift/cli", "separate the segments"),
])
def test_names_against_the_guidelines(name: str, advice: str) -> None:
    assert any(advice in problem for problem in image_name_problems(name)), image_name_problems(name)


def test_long_names_are_judged_by_segments_not_length() -> None:
    assert image_name_problems("-".join(["vsphere"] + ["segment"] * 30)) == []


ORG = """\
    destination: quay.io/openshift
    owners:
      approvers: [alice]
    mappings:
      mapping_acme_tools: |
        registry.ci.openshift.org/acme-ci/tools:a quay.io/openshift/installer:a
        registry.ci.openshift.org/acme-ci/tools:b quay.io/openshift/installer:b
        registry.ci.openshift.org/acme-ci/tools:c quay.io/openshift/ci:acme_tools_c quay.io/openshift/aws-ebs-csi-driver:c
        registry.ci.openshift.org/acme-ci/tools:d quay.io/openshift-kni/installer:d
    """


def test_warnings_once_per_repository_at_its_first_line(make_inventory: Callable[..., Path]) -> None:
    config = make_inventory({"orgs/acme.yaml": ORG})
    result = run_cli("validate", "--config", str(config))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "image name:" in line]
    assert warnings == [
        f"{config}/orgs/acme.yaml:6: warning: image name: 'installer' names neither technology nor cloud provider: use"
        f" $technology-$component (e.g. sriov-network-config-daemon), $cloudProvider-$component, cluster-*, kube-* or"
        f" *-tests (core-services/image-mirroring/openshift/GUIDELINES.md)"
    ]
    strict = run_cli("validate", "--strict", "--config", str(config))
    assert strict.returncode == 2


def test_minimal_inventory_has_no_naming_warnings(make_inventory: Callable[..., Path]) -> None:
    config = make_inventory(MINIMAL)
    result = run_cli("validate", "--config", str(config))
    # validate ran to the end (a crash would print no warning either), and its only warning is not about names.
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"mirrorgen: inventory {config} is valid (1 warning(s))"
    assert [line.split(": warning: ")[1].split(":")[0] for line in result.stderr.splitlines()] == ["namespace 'acme-ci'"]
