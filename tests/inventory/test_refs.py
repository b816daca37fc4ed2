"""The name grammars and mapping-line messages of inventory/refs.py, at their edges.

Expected values come from the grammars' sources, not from refs.py: Kubernetes' k8s.io/apimachinery
pkg/util/validation/validation.go (DNS1123LabelMaxLength 63, DNS1123SubdomainMaxLength 253, IsQualifiedName's
prefix/name with qualifiedNameMaxLength 63, LabelValueMaxLength 63, IsConfigMapKey's `[-._a-zA-Z0-9]+` of at most
253) and oc's mapping-file syntax (openshift/oc pkg/cli/image/mirror/mappings.go: `SRC DST` or `SRC=DST`,
split on spaces, `#` starts a comment).
"""

from __future__ import annotations

import pytest

from mirrorgen.inventory.refs import (ImageRef, ReferenceError, dns1123_hint, dns1123_label_error,
                                      is_configmap_key, is_dns1123_label, is_dns1123_subdomain, is_label_key,
                                      is_label_value, is_registry_host, mapping_line_body, mapping_pairs,
                                      parse_image_ref, split_mapping_line)

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
    ("a" * 62 + "-b", "a" * 62), ("-" + "a" * 63, "a" * 63),
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
    # A line with a TAB keeps it (oc would read it differently without), only runs of spaces and the ends go.
    ("a\tb  c ", "a\tb c"), ("X\tY", "X\tY"),
    # oc trims the text before `#` with Go's strings.TrimSpace: TABs and other white space at either end go.
    ("\u00a0a\tb", "a\tb"), ("\ta b\t", "a b"), ("\t# a note", "# a note"), ("a b\t# note", "a b # note"),
])
def test_a_line_renders_with_single_spaces_and_its_comment(line: str, rendered: str) -> None:
    assert split_mapping_line(line).render() == rendered


@pytest.mark.parametrize("line, body", [
    # parseFile: cut at the first `#`, then strings.TrimSpace (Go's unicode.IsSpace, which U+001C is not).
    ("a b # c # d", "a b"), ("a#b", "a"), ("# only", ""), ("\t a  b \r", "a  b"), ("\x1ca b\x1c", "\x1ca b\x1c"),
    ("", ""), ("\u3000a\u00a0", "a"),
])
def test_what_oc_reads_of_a_line(line: str, body: str) -> None:
    assert mapping_line_body(line) == body


@pytest.mark.parametrize("line, tokens, comment, has_tab", [
    # oc reads the file with bufio.ScanLines, which drops one CR before the newline, not one at the start.
    ("a b\r", ("a", "b"), "", False),
    ("a b # c\r", ("a", "b"), "# c", False),
    # oc cuts the line at `#` and trims the rest with Go's strings.TrimSpace (unicode.IsSpace) before it splits on
    # spaces: white space at either end is no TAB between fields. U+001C is no space to Go (it is to Python).
    ("\ra b", ("a", "b"), "", False),
    ("\ta b\t", ("a", "b"), "", False),
    ("\t# a note", (), "# a note", False),
    ("\u00a0\u3000a b\u2028\x85 # c", ("a", "b"), "# c", False),
    ("\x1ca b\x1c", ("\x1ca", "b\x1c"), "", False),
    ("a\tb", ("a", "b"), "", True),
    # After a TAB is read as a space, oc splits on the space character only: a no-break space stays in its token.
    ("a\tb\u00a0c # note", ("a", "b\u00a0c"), "# note", True),
    ("a\u00a0b c", ("a\u00a0b", "c"), "", False),
])
def test_a_line_splits_as_oc_splits_it(line: str, tokens: tuple[str, ...], comment: str, has_tab: bool) -> None:
    parsed = split_mapping_line(line)
    assert (parsed.tokens, parsed.comment, parsed.has_tab) == (tokens, comment, has_tab)


# distribution/reference (reference.go, normalize.go): the first component names a registry when it holds a `.` or
# a `:`, or is `localhost`; an IPv6 host is written in brackets. Otherwise the whole name is a path.
@pytest.mark.parametrize("text, parsed", [
    ("quay.io/a/b:1", ImageRef("quay.io", "a/b", "1")),
    ("localhost/a:1", ImageRef("localhost", "a", "1")),
    ("localhost:5000/a/b", ImageRef("localhost:5000", "a/b")),
    ("host:5000/a:1", ImageRef("host:5000", "a", "1")),
    ("[::1]:5000/a:1", ImageRef("[::1]:5000", "a", "1")),
    ("[ab]/c:1", ImageRef("[ab]", "c", "1")),
    ("a/b:1", ImageRef("", "a/b", "1")),
    ("quay.io/a/b@sha256:" + "0" * 64, ImageRef("quay.io", "a/b", None, "sha256:" + "0" * 64)),
])
def test_a_reference_splits_into_registry_path_tag_digest(text: str, parsed: ImageRef) -> None:
    assert parse_image_ref(text) == parsed


@pytest.mark.parametrize("text, message", [
    ("", "empty image reference"),
    ("quay.io/a/b@sha256:abc", "malformed digest 'sha256:abc' in 'quay.io/a/b@sha256:abc' (expected sha256: and 64"
                               " lowercase hex digits)"),
    ("quay.io/a/b:v*", "invalid tag 'v*' in 'quay.io/a/b:v*' (a wildcard `*` is only allowed in a source tag)"),
    # The colon belongs to a tag only after the last `/`; here it is inside the path.
    ("quay.io/a:1/b", "invalid repository path 'a:1/b' (lowercase letters, digits and single separators . _ __ -"
                      " between them) in 'quay.io/a:1/b'"),
    ("LOCALHOST/a:1", "invalid repository path 'LOCALHOST/a' (lowercase letters, digits and single separators . _ __ -"
                      " between them) in 'LOCALHOST/a:1'"),
])
def test_a_bad_reference_says_which_part_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ReferenceError) as raised:
        parse_image_ref(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("name, valid", [("quay.io", True), ("localhost:5000", True), ("[::1]:5000", True),
                                         ("quay.io/a", False), ("-a.com", False), ("", False)])
def test_registry_host(name: str, valid: bool) -> None:
    assert is_registry_host(name) is valid


def test_a_wildcard_source_mirrors_to_a_bare_repository() -> None:
    (pair,) = mapping_pairs(("quay.io/a/b:v1.*", "quay.io/c/d"))
    assert (pair.source.tag, pair.destination.tag) == ("v1.*", None)


@pytest.mark.parametrize("tokens, message", [
    (("quay.io/a/b", "quay.io/c/d:1"), "source 'quay.io/a/b' needs a tag or a digest (oc cannot tell what to copy)"),
    (("quay.io/a/b:1", "quay.io/c/d@sha256:" + "0" * 64),
     f"destination 'quay.io/c/d@sha256:{'0' * 64}' carries a digest; registries assign digests: give a tag or none"),
    (("quay.io/a/b:v*", "quay.io/c/d:1"),
     "source 'quay.io/a/b:v*' has a wildcard tag, so the destination must be a bare repository, not 'quay.io/c/d:1'"),
])
def test_what_oc_cannot_mirror_is_refused_with_the_reason(tokens: tuple[str, ...], message: str) -> None:
    with pytest.raises(ReferenceError) as raised:
        mapping_pairs(tokens)
    assert str(raised.value) == message
