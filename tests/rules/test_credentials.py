"""No credentials in the inventory: found in any key or value of any file, reported without being repeated."""

from __future__ import annotations

import base64
import itertools
import json
import re
import string

import pytest
from hypothesis import given, settings, strategies as st

from conftest import REPO, run_cli
from mirrorgen.rules.credentials import _BASE64_RUN, _GROUP, _PATTERNS, _QUAY_TOKEN, _is_base64_user_password, find_credential
from mirrorgen.inventory.load import load_inventory
from mirrorgen.inventory.yamlsource import parse_yaml

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
    from mirrorgen.rules.credentials import check_credentials

    assert list(check_credentials(load_inventory(REPO / "config"))) == []


def test_every_string_of_every_file_is_scanned_with_its_line() -> None:
    """The rule works on the parsed YAML, not on the model: keys, lists and files of any schema are covered."""
    from mirrorgen.rules.credentials import check_credentials
    from mirrorgen.inventory.model import Inventory, Settings

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


# The RE2 gates in front of find_credential only save time: with them or without, the same credentials are found.

def reference_find_credential(text: str):
    """find_credential without its gates: every pattern, then every base64 run, all read by Python re."""
    for kind, _, pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            return kind, match.start(), match.end()
    for run in _BASE64_RUN.finditer(text):
        quay = _QUAY_TOKEN.search(run.group()) if len(run.group()) >= 64 else None
        if quay:
            return "a Quay robot token", run.start() + quay.start(), run.start() + quay.end()
        if _is_base64_user_password(run.group()):
            return "a base64 user:password, the `auth` of a docker config.json", *run.span()
    return None


B64 = string.ascii_letters + string.digits + "+/"
PRINTABLE = "".join(map(chr, range(0x21, 0x7f)))
LITERALS = [literal for _, literals, _ in _PATTERNS for literal in literals]


def _b64(data: bytes, cut: int) -> str:
    """The base64 of `data`, its padding cut short by `cut` characters (a run that is no longer whole)."""
    encoded = base64.b64encode(data).decode()
    return encoded[: len(encoded) - cut]


pieces = st.one_of(
    st.text(B64, min_size=1, max_size=80),
    st.builds(lambda u, p, cut: _b64(f"{u}:{p}".encode(), cut),
              st.text(PRINTABLE.replace(":", ""), min_size=1, max_size=20), st.text(PRINTABLE, min_size=1, max_size=30),
              st.sampled_from([0, 0, 0, 1, 2])),
    st.builds(lambda data: _b64(data, 0), st.binary(min_size=9, max_size=40)),
    st.text(string.ascii_uppercase + string.digits, min_size=60, max_size=68),
    st.builds(lambda literal, tail: literal + tail, st.sampled_from(LITERALS), st.text(B64 + "_-.:@/ ", max_size=40)),
    st.sampled_from([DIGEST, f"quay.io/acme/tools@{DIGEST}", "registry.ci.openshift.org/ci/image-mirror:oc-415",
                     "https://quay.io/repository/acme/tools", "eyJhbGciOiJSUzI1NiJ9", "-----BEGIN RSA ", '"auths": ',
                     "https://robot:s3cret@quay.io/acme", "ghp_" + "A1b2C3d4E5" * 4]),
    st.text(" \n\t=:/-.@\"'_é\ud800", min_size=1, max_size=3),
)
texts = st.lists(pieces, max_size=12).map("".join)


@settings(max_examples=2000, deadline=None)
@given(texts)
def test_find_credential_finds_what_the_ungated_patterns_find(text: str) -> None:
    assert find_credential(text) == reference_find_credential(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts.filter(lambda text: "\ud800" not in text), min_size=1, max_size=8))  # the loader refuses it
def test_one_pass_over_a_file_misses_none_of_its_strings(values: list[str]) -> None:
    from mirrorgen.rules.credentials import check_credentials
    from mirrorgen.inventory.model import Inventory, Settings

    _, source = parse_yaml(json.dumps({"values": values}), "file.yaml")
    found = list(check_credentials(Inventory(Settings(), (), (), {"file.yaml": source})))
    assert len(found) == sum(reference_find_credential(value) is not None for value in values)


def test_every_printable_user_password_encodes_to_the_groups_the_gate_looks_for() -> None:
    """All 94³ three-byte groups of printable ASCII, encoded at once: each is one group of the gate's pattern."""
    printable = bytes(range(0x21, 0x7f))
    encoded = base64.b64encode(bytes(itertools.chain.from_iterable(itertools.product(printable, repeat=3)))).decode()
    assert re.fullmatch(f"(?:{_GROUP})+", encoded)


@pytest.mark.parametrize("text", [
    "A" * 1_000_000, "Aa/+" * 250_000, "A1" * 500_000, ("QWERTY1234567890" * 4 + "/") * 15_000,
    "A" * 1_000_000 + " " + AUTH, "Aa/+" * 250_000 + "=" * 3 + "xoxb-123456789012-abcdef", "ghp_" * 250_000,
])
def test_megabytes_of_one_shape_are_read_like_any_text(text: str) -> None:
    assert find_credential(text) == reference_find_credential(text)
