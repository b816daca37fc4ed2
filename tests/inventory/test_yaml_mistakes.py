"""YAML mistakes people make in the inventory, written by hand, each with the line a person would point at and
what the message must say (issue 13, item 13). The parser's own words ("expected <block end>, but found
'<block mapping start>'") say neither what is wrong nor how to fix it, and for a line without its `:` or a line
out of a `|` block they come one line late."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mirrorgen
from conftest import run_cli
from mirrorgen.inventory import yamlsource

# name → (file text, the line with the mistake, the message there)
MISTAKES = {
    "TAB indentation": (
        "destination: quay.io/acme\nowners:\n\tapprovers: [alice]\n",
        3, "a TAB in the indentation: YAML allows only spaces there; replace the TAB with spaces"),
    "TAB indentation deeper down": (
        "destination: quay.io/acme\nowners:\n  approvers: [alice]\n  \treviewers: [bob]\n",
        4, "a TAB in the indentation: YAML allows only spaces there; replace the TAB with spaces"),
    "key indented too little": (
        "destination: quay.io/acme\nowners:\n  approvers: [alice]\n reviewers: [bob]\n",
        4, "this line is indented 1 space, which lines it up with no line above: indent it 2 spaces to put it beside"
           " `approvers` (line 3), or 0 spaces beside `owners` (line 2)"),
    "key indented too little, deeper down": (
        "namespaces:\n  acme-ci:\n    access: authenticated\n   owners:\n      approvers: [alice]\n",
        4, "this line is indented 3 spaces, which lines it up with no line above: indent it 4 spaces to put it beside"
           " `access` (line 3), or 2 spaces beside `acme-ci` (line 2)"),
    "key indented too much": (
        "destination: quay.io/acme\nowners:\n  approvers: [alice]\n    reviewers: [bob]\n",
        4, "this line is indented 4 spaces, more than `approvers` (line 3), which already has its value: indent it 2"
           " spaces to put it beside `approvers`"),
    "list item indented too little": (
        "promotion_namespaces:\n  - openshift-kni\n - acme-ci\n",
        3, "this line is indented 1 space, which lines it up with no line above: indent it 2 spaces to put it beside"
           " `- openshift-kni` (line 2), or 0 spaces beside `promotion_namespaces` (line 1)"),
    "mapping line out of its | block, last in the file": (
        "destination: quay.io/acme\nmappings:\n  mapping_acme_tools: |\n    registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1\n"
        "  registry.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1\n",
        5, "this line is indented less than the `|` block of `mapping_acme_tools` (line 3) above it, so it ends the block"
           " and YAML reads it as a key without `:`: indent it 4 spaces like the block's other lines"),
    "mapping line out of its | block, another file after it": (
        "destination: quay.io/acme\nmappings:\n  mapping_acme_tools: |\n    registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1\n"
        "  registry.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1\n  mapping_acme_more: |\n    x y\n",
        5, "this line is indented less than the `|` block of `mapping_acme_tools` (line 3) above it, so it ends the block"
           " and YAML reads it as a key without `:`: indent it 4 spaces like the block's other lines"),
    "mapping line one space short": (
        "destination: quay.io/acme\nmappings:\n  mapping_acme_tools: |\n    registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1\n"
        "   registry.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1\n",
        5, "this line is indented less than the `|` block of `mapping_acme_tools` (line 3) above it, so it ends the block"
           " and YAML reads it as a key without `:`: indent it 4 spaces like the block's other lines"),
    "unclosed double quote": (
        'destination: "quay.io/acme\nowners:\n  approvers: [alice]\n',
        1, 'the " opened on this line is never closed: end the value with " on this line'),
    "unclosed single quote in the middle": (
        "destination: quay.io/acme\nowners:\n  approvers: ['alice]\n  reviewers: [bob]\n",
        3, "the ' opened on this line is never closed: end the value with ' on this line"),
    "text after the closing quote": (
        'destination: quay.io/acme\njob:\n  cron: "@hourly" at night\n',
        3, "text after the closing quote: put the whole value inside the quotes"),
    "`: ` inside a plain value": (
        "namespaces:\n  acme-ci:\n    access: authenticated\n    description: Images: the public ones\n",
        4, 'the value of `description` holds `: `, which YAML reads as the start of another key: put the value in'
           ' quotes: description: "Images: the public ones"'),
    "missing `:` after a key": (
        "destination quay.io/acme\nowners:\n  approvers: [alice]\n",
        1, "`destination quay.io/acme` has no `:` after its key: write `destination: quay.io/acme`"),
    "missing `:` after a nested key": (
        "destination: quay.io/acme\nowners:\n  approvers [alice]\n  reviewers: [bob]\n",
        3, "`approvers [alice]` has no `:` after its key: write `approvers: [alice]`"),
    "missing `:` after a key that holds a mapping": (
        "destination: quay.io/acme\nowners\n  approvers: [alice]\n",
        2, "`owners` has no `:` after its key: write `owners:`"),
    "missing `:` on the last line": (
        "destination: quay.io/acme\nowners\n",
        2, "`owners` has no `:` after its key: write `owners:`"),
    "missing space after `:`": (
        "destination:quay.io/acme\nowners:\n  approvers: [alice]\n",
        1, "`destination:quay.io/acme` has no space after its `:`, so YAML reads it all as text: write"
           " `destination: quay.io/acme`"),
    "unclosed list": (
        "destination: quay.io/acme\nowners:\n  approvers: [alice, bob\n  reviewers: [carol]\n",
        3, "the [ opened on this line is not closed before line 4: end it with ] on this line"),
    "unclosed list, last in the file": (
        "destination: quay.io/acme\nowners:\n  approvers: [\n",
        3, "the [ opened on this line is not closed before line 4: end it with ] on this line"),
    "unclosed mapping": (
        "destination: quay.io/acme\njob: {cron: '@daily'\nmappings:\n  mapping_acme_x: |\n    a b\n",
        2, "the { opened on this line is not closed before line 3: end it with } on this line"),
    "unquoted @hourly": (
        "destination: quay.io/acme\njob:\n  cron: @hourly\n",
        3, 'a value cannot start with @ in YAML: put it in quotes: cron: "@hourly"'),
    "backslash in double quotes": (
        'destination: quay.io/acme\nowners:\n  approvers: [alice]\njob:\n  cron: "\\d"\n',
        5, "in double quotes a backslash starts an escape such as \\n: write \\\\ for a backslash, or put the value in"
           " single quotes"),
    "a list item among keys": (
        "destination: quay.io/acme\n- owners\n",
        2, "a list item (`- `) where the keys of a mapping are: write `key: value`, or indent the item under the key"
           " whose list it belongs to"),
    "two documents": (
        "destination: quay.io/acme\n---\nowners: {}\n",
        2, "a second YAML document (after a `---` line): an inventory file holds one; merge the two"),
    "an anchor defined twice": (
        "destination: quay.io/acme\nowners:\n  approvers: &people [alice]\n  reviewers: &people [bob]\n",
        4, "the anchor &people is defined twice (first on line 3): rename one"),
    "value starting with *": (
        "destination: quay.io/acme\njob:\n  cron: *hourly\n",
        3, "a value starting with * is a YAML alias: put it in quotes if it is text"),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_mistake_is_named_at_its_line(name: str) -> None:
    text, line, message = MISTAKES[name]
    with pytest.raises(mirrorgen.InvalidInventory) as raised:
        yamlsource.parse_yaml(text.encode(), "orgs/acme.yaml")
    assert [str(p) for p in raised.value.problems] == [f"orgs/acme.yaml:{line}: {message}"]


def test_the_command_line_says_the_same(make_inventory, tmp_path) -> None:
    text, line, message = MISTAKES["mapping line out of its | block, last in the file"]
    config = make_inventory({"orgs/acme.yaml": text})
    result = run_cli("generate", "--config", str(config), "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == f"{config}/orgs/acme.yaml:{line}: {message}"


def test_a_mistake_nothing_recognises_keeps_the_parsers_words() -> None:
    with pytest.raises(mirrorgen.InvalidInventory) as raised:
        yamlsource.parse_yaml(b"a: 1\n%TAG ! tag:example.com,2000:\n", "x.yaml")
    assert [str(p) for p in raised.value.problems] == [
        "x.yaml:3: YAML syntax error: expected '<document start>', but found '<stream end>'"]


yamlish = st.lists(st.sampled_from(["a", "key", ":", ": ", " ", "  ", "\t", "\n", "\n  ", "- ", "|", ">", "'", '"', "[",
                                    "]", "{", "}", ",", "#", "@", "*", "&", "!", "\\", "---", "%", "?"]),
                   max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=yamlish)
def test_any_text_is_read_or_refused_at_a_line_of_the_file(text: str) -> None:
    """Wording a mistake reads the text around it: whatever the text, the answer is a problem at one of its lines
    (or the line after the last), never a crash."""
    try:
        yamlsource.parse_yaml(text.encode(), "x.yaml")
    except mirrorgen.InvalidInventory as invalid:
        for problem in invalid.problems:
            assert 1 <= problem.location.line <= text.count("\n") + 2, (text, str(problem))
