"""The low-level formats: go-yaml v2 layout, Prow's cron syntax, image references and oc mapping lines."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import yaml

from mirrorgen.artifacts import canonical_yaml
from mirrorgen.inventory.cron import cron_error, go_duration_seconds
from mirrorgen.inventory.refs import ReferenceError, mapping_pairs, parse_image_ref, split_mapping_line

# Written by hand in the form openshift/release's job sanitizer produces (keys sorted, sequences flush
# with their key, quoted look-alikes, '@' needing single quotes, a `|` block, and a long single-quoted
# string folded as libyaml does: at the first space once the line passes column 80).
SANITIZED = """\
periodics:
- agent: kubernetes
  cron: '@every 20m'
  decorate: true
  decoration_config:
    timeout: 5h0m0s
  labels:
    ci.openshift.io/area: acme
    pj-rehearse.openshift.io/can-be-rehearsed: "true"
  name: periodic-image-mirroring-acme
  reporter_config:
    slack:
      channel: '#acme-dev'
      job_states_to_report:
      - failure
      report_template: ' Job *{{.Spec.Job}}* ended with *{{.Status.State}}*. Look
        at the logs <{{.Status.URL}}|here> '
  spec:
    containers:
    - args:
      - -c
      - |
        set -o errexit
        for mapping in /etc/imagemirror/mapping_acme*; do
          oc image mirror -f="$mapping"
        done
      command:
      - /bin/bash
      env:
      - name: dry_run
        value: "false"
      - name: EMPTY
        value: ""
      name: ""
      resources: {}
"""


def test_canonical_yaml_reproduces_sanitized_form() -> None:
    assert canonical_yaml.dump(yaml.safe_load(SANITIZED)) == SANITIZED


def test_a_trailing_keep_block_ends_the_document_without_a_marker() -> None:
    # An OWNERS file kept verbatim that ends with a blank line is the last value of an imported org file, which
    # then goes on with the `mappings:` blocks.
    value = {"owners": {"verbatim": "approvers:\n- alice\n\n"}}
    text = canonical_yaml.dump(value)
    assert not text.endswith("...\n")
    assert yaml.safe_load(text + "mappings: {}\n") == {**value, "mappings": {}}


@pytest.mark.parametrize("keys, expected", [
    (["b", "a10", "a9", "A"], ["A", "a9", "a10", "b"]),
    (["name", "labels", "cluster", "agent"], ["agent", "cluster", "labels", "name"]),
    (["image", "imagePullPolicy"], ["image", "imagePullPolicy"]),
    (["a_b", "ab", "a.b"], ["a.b", "a_b", "ab"]),
])
def test_go_yaml_key_order(keys, expected) -> None:
    assert canonical_yaml.sorted_keys(dict.fromkeys(keys)) == expected


@pytest.mark.parametrize("text", ["true", "False", "yes", "n", "1", "4.6", "1e3", "0x1F", "null", "~", "2024-01-02", "1:20"])
def test_look_alike_strings_are_double_quoted(text) -> None:
    assert canonical_yaml.dump({"v": text}) == f'v: "{text}"\n'
    assert yaml.safe_load(canonical_yaml.dump({"v": text})) == {"v": text}


# The last three are edges robfig/cron.v2 (Prow's parser) takes: a step of 1, a range of one value.
@pytest.mark.parametrize("cron", ["@hourly", "@daily", "@every 20m", "@every 1h30m", "0 1 * * *", "13 3 28 */12 *",
                                  "*/5 0-6 ? jan-mar mon,fri", "0 0 1,15 * sun",
                                  "*/1 * * * *", "5-5 * * * *", "0 0 1-31/1 * *"])
def test_valid_cron(cron) -> None:
    assert cron_error(cron) is None


@pytest.mark.parametrize("cron, message", [
    ("@every", "unknown descriptor"),
    ("@every 0s", "positive Go duration"),
    ("@every 5 minutes", "positive Go duration"),
    ("@fortnightly", "unknown descriptor"),
    ("0 1 * *", "exactly 5 fields"),
    ("0 1 * * * *", "exactly 5 fields"),
    ("60 * * * *", "60 is outside 0-59"),
    ("0 0 0 * *", "0 is outside 1-31"),
    ("0 0 * 13 *", "13 is outside 1-12"),
    ("0 0 * * 7", "7 is outside 0-6"),
    ("0 5-1 * * *", "runs backwards"),
    ("*/0 * * * *", "step '0'"),
    # Digits of other scripts: Python's int() reads them, Prow's parser (Go's strconv.Atoi) does not.
    ("\u0663 * * * *", "not a number"),
    ("*/\u0663 * * * *", "positive number"),
    ("TZ=UTC 0 1 * * *", "UTC"),
    ("", "empty"),
])
def test_invalid_cron(cron, message) -> None:
    assert message in cron_error(cron)


@pytest.mark.parametrize("cron, message", [
    ("TZ=UTC 0 1 * * *", "Prow schedules in UTC; remove the time-zone prefix"),
    ("CRON_TZ=Europe/Prague 0 1 * * *", "Prow schedules in UTC; remove the time-zone prefix"),
    ("@every -5m", "`@every` needs a positive Go duration such as `20m` or `1h30m`"),
    ("", "must not be empty or have surrounding spaces"),
    (" 0 * * * *", "must not be empty or have surrounding spaces"),
    ("*,99 * * * *", "minute field '*,99': 99 is outside 0-59"),
])
def test_invalid_cron_whole_message(cron, message) -> None:
    assert cron_error(cron) == message


@pytest.mark.parametrize("text, seconds", [
    # Go's time.ParseDuration: units add up, a fraction scales its unit, a sign applies to the whole.
    ("1h30m", 5400), ("1.5h", 5400), ("90m30s", 5430), ("300ms", 0.3), ("2us", 2e-6), ("-1h", -3600),
    ("-1m30s", -90), ("+1h", 3600), ("0", 0),
    # time.Duration(1<<63 - 1).String(): the longest duration Go has.
    ("2562047h47m16.854775807s", (2**63 - 1) / 1e9),
])
def test_go_duration_seconds(text, seconds) -> None:
    assert go_duration_seconds(text) == pytest.approx(seconds, rel=1e-12)


@pytest.mark.parametrize("text", ["2562048h", "1 h", "1d", "h", "-", ""])
def test_what_go_refuses_as_a_duration(text) -> None:
    assert go_duration_seconds(text) is None


@pytest.mark.parametrize("text, registry, path, tag, digest", [
    ("registry.ci.openshift.org/ocp/4.6:cli", "registry.ci.openshift.org", "ocp/4.6", "cli", None),
    ("localhost:5000/a/b/c:v1.2_3-RC", "localhost:5000", "a/b/c", "v1.2_3-RC", None),
    ("docker.io/library/busybox@sha256:" + "0" * 64, "docker.io", "library/busybox", None, "sha256:" + "0" * 64),
    ("busybox:latest", "", "busybox", "latest", None),
    ("quay.io/a/b:1@sha256:" + "f" * 64, "quay.io", "a/b", "1", "sha256:" + "f" * 64),
])
def test_parse_image_ref(text, registry, path, tag, digest) -> None:
    ref = parse_image_ref(text)
    assert (ref.registry, ref.path, ref.tag, ref.digest) == (registry, path, tag, digest)
    assert str(ref) == text


@pytest.mark.parametrize("text", ["quay.io/A/b:1", "quay.io/a//b:1", "quay.io/a/b:-x", "quay.io/a/b@sha256:12", "", "quay.io/a/b:" + "x" * 129])
def test_bad_image_refs(text) -> None:
    with pytest.raises(ReferenceError):
        parse_image_ref(text)


def test_mapping_line_forms() -> None:
    line = split_mapping_line("  a.io/x/y:1   b.io/x/y   b.io/x/y:2  # keep me ")
    assert line.tokens == ("a.io/x/y:1", "b.io/x/y", "b.io/x/y:2") and line.comment == "# keep me"
    assert line.render() == "a.io/x/y:1 b.io/x/y b.io/x/y:2 # keep me"
    pairs = mapping_pairs(line.tokens)
    assert [p.destination_key for p in pairs] == ["b.io/x/y:1", "b.io/x/y:2"]
    assert [p.destination_key for p in mapping_pairs(("a.io/x/y:1=b.io/z:3", "a.io/x/w:2=b.io/z"))] == ["b.io/z:3", "b.io/z:2"]
    with pytest.raises(ReferenceError, match="mixes SRC=DST"):
        mapping_pairs(("a.io/x/y:1=b.io/z:3", "c.io/q:1"))
    with pytest.raises(ReferenceError, match="has no destination"):
        mapping_pairs(("a.io/x/y:1",))


def test_go_key_order_with_non_ascii_digits() -> None:
    # '²' is no decimal digit for Go (category No): against the digit run "1" it counts as the number 0, so it
    # sorts first (keyList.Less: an=0 < bn=1); '٣' is a digit (category Nd) worth ord('٣') - ord('0').
    assert canonical_yaml.sorted_keys(dict.fromkeys(["a²", "a1", "b"])) == ["a²", "a1", "b"]
    assert canonical_yaml.sorted_keys(dict.fromkeys(["x٣", "x2"])) == ["x2", "x٣"]


_REF_ALPHABET = "abcAB019.-_:/@*[]" + "é"


@settings(max_examples=3000, deadline=None)
@given(
    text=st.one_of(
        st.text(alphabet=_REF_ALPHABET, max_size=30),
        st.builds(lambda a, b, c: a + b + c,
                  st.sampled_from(["", "quay.io/", "localhost:5000/", "a/", "Ab/", "[::1]:5000/", "host:1/"]),
                  st.text(alphabet=_REF_ALPHABET, max_size=20),
                  st.sampled_from(["", "@sha256:" + "a" * 64, "@sha256:abc"])),
    ),
    wildcard=st.booleans(),
)
def test_reference_parse_agrees_with_the_whole_grammar(text, wildcard) -> None:
    """The step-by-step parse (which names what is wrong) accepts exactly what distribution/reference's grammar,
    written as one regex, accepts, and splits it the same way."""
    from mirrorgen.inventory.refs import _DIGEST, _DOMAIN, _SOURCE_TAG, _COMPONENT, ImageRef, names_registry

    path_re = rf"{_COMPONENT}(?:/{_COMPONENT})*"
    match = re.fullmatch(rf"(?:(?P<registry>{_DOMAIN})/)?(?P<path>{path_re})(?::(?P<tag>{_SOURCE_TAG}))?"
                         rf"(?:@(?P<digest>{_DIGEST}))?", text, re.ASCII)
    expected = None
    if match and (wildcard or "*" not in (match["tag"] or "")):
        registry, path = match["registry"] or "", match["path"]
        if registry and not names_registry(registry):  # a first path component, not a host
            registry, path = "", f"{registry}/{path}"
        if re.fullmatch(path_re, path):
            expected = ImageRef(registry, path, match["tag"], match["digest"])
    try:
        got = parse_image_ref(text, allow_wildcard=wildcard)
    except ReferenceError:
        got = None
    assert got == expected


# go-yaml v2's resolve table (gopkg.in/yaml.v2 resolve.go, resolveMapList), which Prow and the job sanitizer read
# and write with: each of these plain scalars reads back as a bool, null, float or merge key, never as a string,
# so go-yaml itself writes them double-quoted, and so must we.
GO_YAML_V2_RESOLVE_MAP = [
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
    "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
    "-.inf", "-.Inf", "-.INF", "<<",
]
# Plain scalars go-yaml v2 resolves to numbers or timestamps (strconv.ParseInt(s, 0, 64) after dropping `_`,
# ParseUint, the yamlStyleFloat regexp, `0b` binary, parseTimestamp's YYYY- formats).
GO_YAML_V2_NUMBERS = ["0", "-1", "+7", "012", "0x1F", "0X1F", "0o17", "0O17", "-0o17", "0b101", "0B101", "-0b1", "1_000",
                      "0_x1F", "1e1_0", "18446744073709551615", "1.5", "-.5", "+1.", "1e3", "6.02E+23", "2001-12-14",
                      "2001-1-2", "2001-12-14T21:59:43.10Z", "2001-1-2T3:4:5Z", "2001-12-14 1:2:3.5",
                      "2001-12-14t21:59:43,5+05:00"]


@pytest.mark.parametrize("text", GO_YAML_V2_RESOLVE_MAP + GO_YAML_V2_NUMBERS)
def test_every_go_yaml_v2_look_alike_is_double_quoted(text) -> None:
    assert canonical_yaml.dump({"v": text}) == f'v: "{text}"\n'
    assert canonical_yaml.dump([text]) == f'- "{text}"\n'


@pytest.mark.parametrize("text", ["yes please", "Nope", "nn", "YN", "a", "onion", "1.2.3", "0x", "v1", "2001-12", "1e",
                                  "hello world", "Ÿ"])
def test_strings_go_yaml_v2_reads_as_strings_stay_plain(text) -> None:
    assert canonical_yaml.dump({"v": text}) == f"v: {text}\n"


# robfig/cron v3 ("Predefined schedules" in its package documentation), which Prow parses `cron:` with.
@pytest.mark.parametrize("cron", ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
                                  "@every 1s", "@every 90m", "@every 1.5h", "@every 2h45m30s"])
def test_every_robfig_descriptor_is_valid(cron) -> None:
    assert cron_error(cron) is None


@pytest.mark.parametrize("cron", ["@Weekly", "@week", "@weekly ", " @daily", "@every 5", "@every 1d"])
def test_near_misses_of_descriptors_are_invalid(cron) -> None:
    assert cron_error(cron) is not None


# openshift/oc pkg/cli/image/mirror/mappings.go parseArgs: a destination without a tag gets the source's tag
# (`copied.Ref.Tag = src.Ref.Tag`), and oc refuses to copy an image onto itself.
@pytest.mark.parametrize("tokens", [
    ("quay.io/acme/a:1", "quay.io/acme/a"),
    ("quay.io/acme/a:1", "quay.io/acme/a:1"),
    ("quay.io/acme/a:1", "quay.io/acme/b:1", "quay.io/acme/a"),
    ("quay.io/acme/a:1=quay.io/acme/a",),
])
def test_a_destination_that_is_the_source_itself_is_refused(tokens) -> None:
    with pytest.raises(ReferenceError, match="source and destination are the same image"):
        mapping_pairs(tokens)


@pytest.mark.parametrize("tokens, keys", [
    (("quay.io/acme/a:1", "quay.io/acme/a:2"), ["quay.io/acme/a:2"]),
    (("quay.io/acme/a:1", "quay.io/acme/b"), ["quay.io/acme/b:1"]),
    (("quay.io/acme/a:1", "quay.io/other/a"), ["quay.io/other/a:1"]),
    (("quay.io/acme/a:1", "docker.io/acme/a"), ["docker.io/acme/a:1"]),
    ((f"quay.io/acme/a@sha256:{'c' * 64}", "quay.io/acme/a:1"), ["quay.io/acme/a:1"]),
])
def test_other_destinations_are_accepted_with_the_tag_they_get(tokens, keys) -> None:
    assert [pair.destination_key for pair in mapping_pairs(tokens)] == keys


# distribution/reference (regexp.go), which oc, skopeo and Quay share: a path component is lowercase alphanumerics
# joined by one period, one or two underscores, or any number of dashes.
@pytest.mark.parametrize("path", ["a", "0/1", "foo.bar", "foo_bar", "foo__bar", "foo-bar", "a--b", "a-----b/c", "a/b/c.d_e"])
def test_repository_paths_the_distribution_grammar_accepts(path) -> None:
    assert parse_image_ref(f"quay.io/{path}:1").path == path


@pytest.mark.parametrize("path", ["A", "a___b", "a..b", "a._b", "a-.b", "-a", "a-", "_a", "a_", ".a", "a.", "a//b", "a/",
                                  "a b", "é"])
def test_repository_paths_the_distribution_grammar_refuses(path) -> None:
    with pytest.raises(ReferenceError):
        parse_image_ref(f"quay.io/{path}:1")


# robfig/cron v3: "Month and Day-of-week field values are case insensitive. SUN, Sun, and sun are equally accepted."
@pytest.mark.parametrize("cron", ["0 0 * JAN-MAR MON,Fri", "0 0 1 Dec *", "0 0 * * SUN", "0 0 * jUn sat"])
def test_month_and_day_names_in_any_case(cron) -> None:
    assert cron_error(cron) is None
