"""Plain mapping lines (refs.PLAIN_LINES) are read from one match instead of being parsed reference by reference:
what validation finds and what rendering writes must not depend on that shortcut."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mirrorgen.artifacts import mappings
from mirrorgen.inventory.load import parse_inventory
from mirrorgen.inventory.model import Settings
from mirrorgen.inventory.refs import PLAIN_COMPONENT, PLAIN_LINE, ReferenceError, mapping_pairs, split_mapping_line
import importlib

mapping_line_rules = importlib.import_module("mirrorgen.rules.mapping_lines")

# Most references are made of the parts real lines are made of; the others may also take parts that are valid
# outside the plain form, or wrong: lines land on both sides of the regex and of the grammar, and repeat.
_USUAL = {"registry": ["quay.io", "registry.ci.openshift.org", "registry.svc.ci.openshift.org"],
          "namespace": ["acme-ci", "acme", "beta"], "component": ["tools", "cli"], "tag": ["latest", "v1"],
          "digest": ["sha256:" + "a" * 64]}
_ODD = {"registry": ["localhost:5000", "Quay.IO", "reg--1.example.com:443", "bad_host.io", "-x.io", "x..io", "localhost", "q.io:"],
        "namespace": ["a.b", "a__b", "a--b"],
        "component": ["a.b", "a__b", "a--b", "A", "-a", "a-", "x_", "a..b"],
        "tag": ["_x", ".x", "-x", "x*", "*", "a" * 128, "a" * 129, ""],
        "digest": ["sha256:" + "A" * 64, "sha512:" + "b" * 128, "sha256:abc"]}


# Clean lines come mostly from sources the namespaces file declares and go mostly inside acme's destination, so
# that whole files pass or fail on one finding (a repeated destination, an undeclared namespace, ...).
_CLEAN_SOURCE = {**_USUAL, "registry": ["quay.io", "registry.ci.openshift.org", "registry.ci.openshift.org",
                                        "registry.svc.ci.openshift.org"], "namespace": ["acme-ci"] * 4 + ["acme"]}
_CLEAN_DESTINATION = {**_USUAL, "registry": ["quay.io"], "namespace": ["acme"] * 4 + ["beta"]}


@st.composite
def _references(draw, destination: bool, clean: bool = False) -> str:
    odd = not clean and not draw(st.integers(0, 5))
    if clean and draw(st.integers(0, 2)):
        usual = _CLEAN_DESTINATION if destination else _CLEAN_SOURCE
    else:
        usual = {**_USUAL, "registry": ["quay.io"], "namespace": ["acme", "beta"]} if destination else _USUAL
    part = {kind: st.sampled_from(usual[kind] + (_ODD[kind] if odd else [])) for kind in usual}
    path = "/".join([draw(part["namespace"])] + draw(st.lists(part["component"], min_size=1 if draw(st.integers(0, 5)) else 0, max_size=2)))
    text = f"{draw(part['registry'])}/{path}" if not odd or draw(st.integers(0, 5)) else path
    if not odd or draw(st.integers(0, 5)):
        text += ":" + draw(part["tag"])
    if (not destination or odd) and not draw(st.integers(0, 5)):
        text += "@" + draw(part["digest"])
    return text


@st.composite
def _lines(draw, clean: bool = False) -> str:
    """A line; a `clean` one is made of the usual parts only, single-spaced, as most of a real file is."""
    refs = [draw(_references(False, clean))] + draw(st.lists(_references(True, clean), min_size=1 if clean else 0, max_size=3))
    if len(refs) > 1 and not draw(st.integers(0, 9 if clean else 5)):
        refs.append(draw(st.sampled_from(refs)))  # a destination named twice, or the source again
    if clean:
        return " ".join(refs)
    if not draw(st.integers(0, 9)):
        refs = [f"{refs[0]}={ref}" for ref in refs[1:]] or refs
    text = (" " if draw(st.integers(0, 9)) else draw(st.sampled_from(["  ", "\t"]))).join(refs)
    if not draw(st.integers(0, 9)):
        text = draw(st.sampled_from([" ", "", "# note"])) + text + draw(st.sampled_from([" ", " # why", ""]))
    return text


@settings(max_examples=1500, deadline=None)
@given(_lines())
def test_a_plain_line_reads_as_mapping_pairs_reads_it(text: str) -> None:
    if not PLAIN_LINE.fullmatch(text):
        return
    tokens = split_mapping_line(text).tokens
    if tokens[0].partition("@")[0] in tokens[1:]:
        # The one refusal the form does not exclude; check_mapping_lines tests it before taking the line.
        with pytest.raises(ReferenceError, match="same image"):
            mapping_pairs(tokens)
        return
    pairs = mapping_pairs(tokens)  # raises if the regex admitted a line oc would refuse
    # What check_mapping_lines reads from the text: the source is the first token and starts with its registry
    # and a `/`, its first path component follows, and each other token is a destination key.
    assert tokens == tuple(text.split(" "))
    assert all(tokens[0].startswith(pair.source.registry + "/") for pair in pairs)
    assert all(PLAIN_COMPONENT.match(tokens[0], len(pair.source.registry) + 1).group() == pair.source.path.split("/")[0]
               for pair in pairs)
    assert [pair.destination_key for pair in pairs] == list(tokens[1:])
    assert not any(pair.source.is_wildcard or pair.destination.digest for pair in pairs)


def test_real_lines_are_plain() -> None:
    # The forms of openshift/release's mapping files: several destinations, a digest source, a port.
    for text in ("registry.ci.openshift.org/ocp/4.17:cli quay.io/openshift/origin-cli:4.17 quay.io/openshift/origin-cli:latest",
                 "quay.io/a/b@sha256:" + "0" * 64 + " quay.io/c/d:v1",
                 "registry.ci.openshift.org/ci/a:b registry.example.com:5000/x/y:z"):
        assert PLAIN_LINE.fullmatch(text), text
    for text in ("ci/a:b quay.io/x/y:z",  # an image-stream source
                 "quay.io/a/b:* quay.io/x/y",  # a wildcard
                 "quay.io/a/b:v1 quay.io/x/y",  # a destination without a tag takes the source's
                 "quay.io/a/b:v1  quay.io/x/y:v1",
                 "quay.io/a/b:v1 quay.io/x/y:v1 # why"):
        assert not PLAIN_LINE.fullmatch(text), text


_NEVER = re.compile(r"(?!)")


@st.composite
def _inventories(draw) -> dict[str, bytes]:
    pool = draw(st.lists(_lines(), min_size=1, max_size=8))
    # Lines repeat within and across files, which is how destinations get named twice; whole files of clean lines
    # are read at once.
    body = st.one_of(st.lists(st.one_of(st.sampled_from(pool), _lines()), max_size=6),
                     st.lists(_lines(clean=True), min_size=1, max_size=6)).map(lambda ls: "\n".join(ls) + "\n")
    mappings_of = {
        "acme": {"mapping_acme_a": draw(body), "mapping_acme_b": draw(body)},
        "beta": {"mapping_beta_a": draw(body), "mapping_acme_c": draw(body)},  # mirrored by acme's job
    }
    files = {
        "mirrorgen.yaml": yaml.safe_dump({"defects": draw(st.sampled_from(["error", "warning"]))}),
        "namespaces.yaml": yaml.safe_dump({"namespaces": {"acme-ci": {"access": "authenticated", "owners": {"approvers": ["alice"]}}}}),
    }
    for org, files_of_org in mappings_of.items():
        # One organisation, or several (the second one inside the first, or not).
        destination = draw(st.sampled_from([f"quay.io/{org}", [f"quay.io/{org}", "quay.io/beta"],
                                            [f"quay.io/{org}", "quay.io/acme/tools", "quay.io/acme"]]))
        files[f"orgs/{org}.yaml"] = yaml.safe_dump({"destination": destination, "owners": {"approvers": ["alice"]},
                                                    "mappings": files_of_org}, width=10_000)
    return {name: text.encode() for name, text in files.items()}


_SAME_IMAGE_BY_DIGEST = {  # the source carries a digest, the destination is the same repository and tag
    "mirrorgen.yaml": b"{}\n",
    "orgs/acme.yaml": (b"destination: quay.io/acme\nowners:\n  approvers: [alice]\nmappings:\n  mapping_acme_a: |\n"
                       b"    quay.io/acme/x:v1@sha256:" + b"a" * 64 + b" quay.io/acme/x:v1\n"),
}


@settings(max_examples=500, deadline=None)
@given(_inventories())
@example(_SAME_IMAGE_BY_DIGEST)
def test_validation_finds_the_same_with_and_without_the_shortcuts(files: dict[str, bytes]) -> None:
    inventory = parse_inventory(files)
    found = [str(problem) for problem in mapping_line_rules.check_mapping_lines(inventory)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mapping_line_rules, "PLAIN_LINES", PLAIN_LINE)  # one line at a time only
        assert [str(problem) for problem in mapping_line_rules.check_mapping_lines(inventory)] == found
        patch.setattr(mapping_line_rules, "PLAIN_LINES", _NEVER)
        assert [str(problem) for problem in mapping_line_rules.check_mapping_lines(inventory)] == found


@settings(max_examples=1500, deadline=None)
@given(_lines(), st.sampled_from(["app.ci", "qci"]))
def test_a_line_written_as_it_is_names_no_image_stream_source(text: str, registry: str) -> None:
    """Rendering keeps a line whose sources it reads (from the first token, unparsed) as naming their registry;
    parsing it and writing its image-stream sources out must change nothing either."""
    if mappings._names_registries(text):
        assert mappings._with_sources_written_out(Settings(image_stream_registry=registry), text) == text


def test_a_destination_repeated_from_a_file_read_whole_names_its_line() -> None:
    """The first file is read whole; the repeat in the second names the line that writes the destination, not a
    comment that mentions it, for every one of many repeats (a copied file)."""
    copied = "\n".join(f"quay.io/a/b:v{i} quay.io/acme/b:v{i}" for i in range(300))
    original = "# moved: quay.io/a/b:v7 quay.io/acme/b:v7\n" + copied + "\n"
    def block(text: str) -> str:
        return "".join(f"    {line}\n" for line in text.splitlines())

    org = ("destination: quay.io/acme\nowners:\n  approvers: [alice]\nmappings:\n"
           f"  mapping_acme_a: |\n{block(original)}  mapping_acme_b: |\n{block(copied)}")
    files = {"mirrorgen.yaml": b"{}\n", "orgs/acme.yaml": org.encode()}
    found = [str(p) for p in mapping_line_rules.check_mapping_lines(parse_inventory(files))]
    assert len(found) == 300
    assert "quay.io/acme/b:v7 is also written by mapping_acme_a (orgs/acme.yaml:" in found[7]
    written_at = int(found[7].split("(orgs/acme.yaml:")[1].split(")")[0])
    text = files["orgs/acme.yaml"].decode().splitlines()
    assert text[written_at - 1].strip() == "quay.io/a/b:v7 quay.io/acme/b:v7"
