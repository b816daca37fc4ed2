"""The name grammars and mapping-line messages of inventory/refs.py, at their edges.

Expected values come from the grammars' sources, not from refs.py: Kubernetes' k8s.io/apimachinery
pkg/util/validation/validation.go (DNS1123LabelMaxLength 63, DNS1123SubdomainMaxLength 253, IsQualifiedName's
prefix/name with qualifiedNameMaxLength 63, LabelValueMaxLength 63, IsConfigMapKey's `[-._a-zA-Z0-9]+` of at most
253) and oc's mapping-file syntax (openshift/oc pkg/cli/image/mirror/mappings.go: `SRC DST` or `SRC=DST`,
split on spaces, `#` starts a comment).
"""

from __future__ import annotations

import pytest

from mirrorgen.inventory.refs import (ReferenceError, dns1123_hint, dns1123_label_error, is_configmap_key,
                                      is_dns1123_label, is_dns1123_subdomain, is_label_key, is_label_value,
                                      mapping_pairs, split_mapping_line)

LABEL_63 = "a" * 63
SUBDOMAIN_253 = ".".join(["a" * 63] * 3 + ["a" * 61])


def test_the_subdomain_at_the_limit_is_253_characters() -> None:
    assert len(SUBDOMAIN_253) == 253


@pytest.mark.parametrize("name, valid", [
    ("a", True), ("a-b", True), ("0a", True), (LABEL_63, True), (LABEL_63 + "a", False), ("", False), ("-a", False),
    ("a-", False), ("A", False), ("a.b", False), ("a_b", False),
])
def test_dns1123_label(name: str, valid: bool) -> None:
    assert is_dns1123_label(name) is valid


@pytest.mark.parametrize("name, valid", [
    ("a.b", True), ("a-b.c", True), (SUBDOMAIN_253, True), (SUBDOMAIN_253 + "a", False), ("a..b", False),
    (".a", False), ("a.", False), ("A.b", False), ("", False),
])
def test_dns1123_subdomain(name: str, valid: bool) -> None:
    assert is_dns1123_subdomain(name) is valid


@pytest.mark.parametrize("key, valid", [
    ("app", True), ("a_b.c-D", True), (LABEL_63, True), (LABEL_63 + "a", False), ("example.com/app", True),
    (SUBDOMAIN_253 + "/" + LABEL_63, True), (SUBDOMAIN_253 + "a/app", False), ("example.com/" + LABEL_63 + "a", False),
    ("/app", False), ("Example.com/app", False), ("example.com/", False), ("a/b/c", False), ("app-", False),
    ("_app", False), ("", False),
])
def test_label_key(key: str, valid: bool) -> None:
    assert is_label_key(key) is valid


@pytest.mark.parametrize("value, valid", [
    ("", True), ("v1", True), ("a.b_c-D", True), (LABEL_63, True), (LABEL_63 + "a", False), ("-a", False),
    ("a-", False), ("a b", False), ("a/b", False),
])
def test_label_value(value: str, valid: bool) -> None:
    assert is_label_value(value) is valid


@pytest.mark.parametrize("key, valid", [
    ("mapping_acme_tools", True), ("a.B-c_d", True), ("a" * 253, True), ("a" * 254, False), ("", False),
    ("a/b", False), ("a b", False),
])
def test_configmap_key(key: str, valid: bool) -> None:
    assert is_configmap_key(key) is valid


@pytest.mark.parametrize("name, hint", [
    ("Foo_Bar", "foo-bar"), ("--x--", "x"), ("a..b", "a-b"), ("", "a-name"), ("___", "a-name"), ("a" * 70, LABEL_63),
    ("a" * 62 + "-b", "a" * 62),
])
def test_a_hint_is_a_valid_label_close_to_the_name(name: str, hint: str) -> None:
    assert dns1123_hint(name) == hint


def test_a_label_error_names_the_rule_and_a_hint() -> None:
    assert dns1123_label_error("namespace", "ci") is None
    assert dns1123_label_error("namespace", "My_NS") == (
        "namespace 'My_NS' is not a DNS-1123 label (at most 63 of a-z, 0-9 and '-', no dots, starting and ending"
        " alphanumeric); try 'my-ns'")


@pytest.mark.parametrize("tokens, message", [
    (("quay.io/a/b:1=quay.io/c/d:1", "quay.io/e/f:1"),
     "a line mixes SRC=DST tokens with plain tokens; oc silently ignores the plain ones: use one form"),
    (("=quay.io/c/d:1",), "'=quay.io/c/d:1' is not a valid SRC=DST mapping"),
    (("quay.io/a/b:1=",), "'quay.io/a/b:1=' is not a valid SRC=DST mapping"),
    # oc splits at the first `=`: the rest is the destination, which is then no reference.
    (("quay.io/a/b:1=quay.io/c/d:1=x",), "invalid tag '1=x' in 'quay.io/c/d:1=x' (tags are 1-128 of [A-Za-z0-9_.-], not starting with . or -)"),
    (("quay.io/a/b:1",), "'quay.io/a/b:1' has no destination: write `SRC DST [DST ...]`"),
])
def test_mapping_line_messages(tokens: tuple[str, ...], message: str) -> None:
    with pytest.raises(ReferenceError) as raised:
        mapping_pairs(tokens)
    assert str(raised.value) == message


@pytest.mark.parametrize("line, rendered", [
    ("a  b", "a b"), (" a b ", "a b"), ("a b  # note  ", "a b # note"), ("# only a note", "# only a note"),
    ("   # only a note", "# only a note"), ("", ""), ("a\tb", "a\tb"),
])
def test_a_line_renders_with_single_spaces_and_its_comment(line: str, rendered: str) -> None:
    assert split_mapping_line(line).render() == rendered


@pytest.mark.parametrize("line, tokens, comment, has_tab", [
    # oc reads the file with bufio.ScanLines, which drops one CR before the newline, not one at the start.
    ("a b\r", ("a", "b"), "", False),
    ("\ra b", ("\ra", "b"), "", False),
    ("a b # c\r", ("a", "b"), "# c", False),
    # After a TAB is read as a space, oc splits on the space character only: a no-break space stays in its token.
    ("a\tb\u00a0c # note", ("a", "b\u00a0c"), "# note", True),
    ("a\u00a0b c", ("a\u00a0b", "c"), "", False),
])
def test_a_line_splits_as_oc_splits_it(line: str, tokens: tuple[str, ...], comment: str, has_tab: bool) -> None:
    parsed = split_mapping_line(line)
    assert (parsed.tokens, parsed.comment, parsed.has_tab) == (tokens, comment, has_tab)
