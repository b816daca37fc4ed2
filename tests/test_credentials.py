"""No credentials in the inventory: found in any key or value of any file, reported without being repeated."""

from __future__ import annotations

import base64

import pytest

from conftest import REPO, run_cli
from mirrorgen.credentials import find_credential
from mirrorgen.load import load_inventory
from mirrorgen.yamlsource import parse_yaml

DIGEST = "sha256:" + "0123456789abcdef" * 4
AUTH = base64.b64encode(b"openshift+mirror:Z9XQ2LKM4P").decode()


@pytest.mark.parametrize("text, kind", [
    (AUTH, "a base64 user:password"),
    ('{"auths": {"quay.io": {"auth": "x"}}}', "a docker config.json with credentials"),
    ("{'auths': {}}", "a docker config.json with credentials"),
    ("https://robot:s3cret@quay.io/acme", "a password in a URL"),
    ("docker://user:pw@registry.example.com/x:1", "a password in a URL"),
    ("ghp_" + "A1b2C3d4E5" * 4, "a GitHub token"),
    ("github_pat_" + "11ABCDEFG0" * 3, "a GitHub token"),
    ("glpat-" + "xY9_-" * 5, "a GitLab token"),
    ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2ln", "a JSON Web Token"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----", "a PEM private key"),
    ("-----BEGIN PRIVATE KEY-----", "a PEM private key"),
    ("QWERTY1234567890" * 4, "a Quay robot token"),
    ("robot/" + "QWERTY1234567890" * 4 + "+x", "a Quay robot token"),  # inside a longer run of base64 characters
    (f"auth={AUTH}", "a base64 user:password"),
    ("AKIAIOSFODNN7EXAMPLE", "an AWS access key"),
    ("xoxb-123456789012-abcdef", "a Slack token"),
])
def test_credentials_are_recognised(text: str, kind: str) -> None:
    found = find_credential(f"note: {text} end")
    assert found is not None and found[0].startswith(kind)


@pytest.mark.parametrize("text", [
    DIGEST, f"quay.io/acme/tools@{DIGEST}", "registry.ci.openshift.org/ci/image-mirror:oc-415",
    "selfservice/image-mirroring", "registry-push-credentials-quay-io-openshift", "config.json", ".dockerconfigjson",
    "openshift/origin-cli", "smarterclayton", "https://quay.io/repository/acme/tools", "@every 20m",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKL", "0123456789" * 7,
    "-----BEGIN CERTIFICATE-----", "aGVsbG8gd29ybGQ=",  # base64 of "hello world": no user:password
])
def test_ordinary_values_are_not_mistaken_for_credentials(text: str) -> None:
    assert find_credential(text) is None


def test_the_shipped_inventory_holds_no_credentials() -> None:
    from mirrorgen.credentials import check_credentials

    assert list(check_credentials(load_inventory(REPO / "config"))) == []


def test_every_string_of_every_file_is_scanned_with_its_line() -> None:
    """The rule works on the parsed YAML, not on the model: keys, lists and files of any schema are covered."""
    from mirrorgen.credentials import check_credentials
    from mirrorgen.model import Inventory, Settings

    text = ("a:\n  b:\n    - fine\n    - " + AUTH + "\n  c: |\n    line one\n    https://u:p@example.com/\n"
            "token: x\n")
    _, source = parse_yaml(text, "future/file.yaml")
    found = [str(p) for p in check_credentials(Inventory(Settings(), (), (), {"future/file.yaml": source}))]
    assert [line.split(" looks like")[0].split(" would hold")[0] for line in found] == [
        "future/file.yaml:4: a.b.1", "future/file.yaml:7: a.c", "future/file.yaml:8: key 'token'"]
    assert all("store them in Vault through the self-service portal" in line for line in found)


def test_the_credential_is_not_repeated_in_any_message(make_inventory, tmp_path) -> None:
    org = ("destination: https://robot:s3cretpw@quay.io/acme\nowners:\n  approvers: [alice]\nmappings:\n"
           "  mapping_acme_tools: |\n    registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest\n")
    result = run_cli("generate", "--config", str(make_inventory({"orgs/acme.yaml": org})), "--output", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "orgs/acme.yaml:1: destination looks like it holds a password in a URL" in result.stderr
    assert "s3cretpw" not in result.stderr + result.stdout
