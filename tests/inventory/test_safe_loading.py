"""Loading hostile YAML: every file is either read exactly or refused with file:line, never half-read."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli
from mirrorgen.errors import InvalidInventory
from mirrorgen.inventory.yamlsource import MAX_ALIAS_EXPANSION, parse_yaml


def problems_of(text: str | bytes, file: str = "orgs/acme.yaml") -> list[str]:
    with pytest.raises(InvalidInventory) as raised:
        parse_yaml(text, file)
    return [str(p) for p in raised.value.problems]


def test_duplicate_key_names_both_lines() -> None:
    text = "destination: quay.io/a\nowners:\n  approvers: [x]\ndestination: quay.io/b\n"
    assert problems_of(text) == [
        "orgs/acme.yaml:4: duplicate key 'destination' (first at line 1); YAML would silently keep only the last one:"
        " merge the two entries"
    ]


def test_duplicate_keys_are_found_at_any_depth_and_all_reported() -> None:
    text = "namespaces:\n  a:\n    access: public\n    access: authenticated\n  a:\n    access: public\n"
    found = problems_of(text, "namespaces.yaml")
    assert "namespaces.yaml:4: duplicate key 'access' (first at line 3)" in found[0]
    assert "namespaces.yaml:5: duplicate key 'a' (first at line 2)" in found[1]


def test_duplicate_mapping_file_names_are_not_merged_silently() -> None:
    text = "mappings:\n  mapping_a_x: |\n    a b\n  mapping_a_x: |\n    c d\n"
    assert "orgs/acme.yaml:4: duplicate key 'mapping_a_x' (first at line 2)" in problems_of(text)[0]


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_fails_fast_at_the_line_of_the_expansion() -> None:
    found = problems_of(billion_laughs(), "mirrorgen.yaml")
    assert len(found) == 1
    assert found[0].startswith("mirrorgen.yaml:")
    assert f"aliases expand to more than {MAX_ALIAS_EXPANSION} extra values" in found[0]


def test_billion_laughs_through_the_cli_exits_2_and_writes_nothing(make_inventory, tmp_path: Path) -> None:
    config = make_inventory({"mirrorgen.yaml": billion_laughs(12)})
    out = tmp_path / "out"
    # 10^12 values if expanded: the timeout only guards against a hang, it is not a speed target.
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 2, result.stderr
    assert f"{config}/mirrorgen.yaml:" in result.stderr and "aliases expand" in result.stderr
    assert not out.exists()


def test_small_aliases_are_still_allowed() -> None:
    data, _ = parse_yaml("a: &x [alice, bob]\nb: *x\n", "f.yaml")
    assert data == {"a": ["alice", "bob"], "b": ["alice", "bob"]}


def test_self_referencing_alias_is_refused() -> None:
    found = problems_of("a: &x [*x]\n", "f.yaml")
    assert found and found[0].startswith("f.yaml:")


@pytest.mark.parametrize("content, line, message", [
    (b"destination: quay.io/acme\nowners: \xff\xfe\n", 2, "not UTF-8 text (byte 0xff); save the file as UTF-8"),
    (b"destination: quay.io/\xe9acme\n", 1, "not UTF-8 text (byte 0xe9)"),
    (b"", 1, "file is empty: it must hold a mapping of settings (`{}` for none)"),
    (b"# only a comment\n", 1, "file is empty"),
    (b"- a\n- b\n", 1, "the top level must be a mapping of keys to values, not a list"),
    (b"\n\njust text\n", 3, "the top level must be a mapping of keys to values, not a single value"),
    (b"a: 1\n---\nb: 2\n", 2, "a second YAML document (after a `---` line): an inventory file holds one"),
    (b"a: !!python/object/apply:os.system [id]\n", 1, "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    (b"a: !vault secret/x\n", 1, "YAML tag '!vault' is not allowed"),
    (b"a: !!binary aGVsbG8=\n", 1, "is not allowed in the inventory"),
    (b"base: &b {x: 1}\nother:\n  <<: *b\n", 3, "only plain keys are allowed here (no merge keys `<<`"),
    (b"? [a, b]\n: c\n", 1, "only plain keys are allowed here"),
    (b'a: "x\\ud800y"\n', 1, "half of a UTF-16 pair"),
    (b'"k\\udc00": 1\n', 1, "half of a UTF-16 pair"),
    # Written into the file instead of escaped, a surrogate is no UTF-8, whatever the scalar's style.
    (b"a: 'x\xed\xa0\x80'\n", 1, "not UTF-8 text (byte 0xed)"),
    (b"a: |\n  x\xed\xa0\x80\n", 2, "not UTF-8 text (byte 0xed)"),
    (b"a: [[[[" + b"[" * 2000 + b"]" * 2004 + b"\n", 1, "values nest more than 50 levels deep"),
])
def test_unreadable_files_get_a_clear_message(content: bytes, line: int, message: str) -> None:
    found = problems_of(content, "orgs/acme.yaml")
    assert found[0].startswith(f"orgs/acme.yaml:{line}: "), found
    assert message in found[0]


@pytest.mark.parametrize("file, content, expected", [
    ("namespaces.yaml", b"\xff\n", "namespaces.yaml:1: not UTF-8 text"),
    ("mirrorgen.yaml", b"", "mirrorgen.yaml:1: file is empty"),
    ("orgs/acme.yaml", b"[]\n", "orgs/acme.yaml:1: the top level must be a mapping"),
    ("orgs/acme.yaml", b"destination: quay.io/acme\ndestination: quay.io/acme\n", "orgs/acme.yaml:2: duplicate key"),
])
def test_cli_refuses_unreadable_files_with_exit_2(make_inventory, tmp_path: Path, file, content, expected) -> None:
    config = make_inventory({file: content})
    out = tmp_path / "out"
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 2
    assert f"{config}/{expected}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_timestamps_stay_the_text_that_was_written() -> None:
    data, _ = parse_yaml("a: 2001-12-14\n", "f.yaml")
    assert data == {"a": "2001-12-14"}


def _shape(node, seen=None):
    """A node graph as plain data (tags, values, styles, marks), an alias as the number of the node it repeats."""
    seen = {} if seen is None else seen
    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, marks)
    if isinstance(node, yaml.SequenceNode):
        return ("sequence", node.tag, node.flow_style, marks, [_shape(item, seen) for item in node.value])
    return ("mapping", node.tag, node.flow_style, marks, [(_shape(k, seen), _shape(v, seen)) for k, v in node.value])


def _outcome(compose):
    try:
        node = compose()
    except yaml.YAMLError as error:
        return "error", type(error).__name__, str(error)
    return "composed", None if node is None else _shape(node)


_shared = st.lists(st.integers(0, 3), max_size=2)
_data = st.recursive(st.one_of(st.text(max_size=6), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)),
                     lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
                     max_leaves=20)
_hand_written = st.sampled_from([
    "", "# only a comment\n", "---\na: 1\n...\n", "a: !!str 1\nb: !custom x\nc: ! y\n", "a: &x 1\nb: *x\n",
    "a: &x [1, 2]\nb: *x\nc: *x\n", "a: &x [*x]\n", "? [a, b]\n: c\n", "a: |\n  x\n  y\nb: >-\n  z\n",
    "a: *nowhere\n", "a: &x 1\nb: &x 2\n", "a: 1\n---\nb: 2\n", "- [a, {b: c}]\n- {d: [e]}\n", "a: [1, 2\n",
    "a: b: c\n", "{a: 1, a: 2}\n", "&top {x: *top}\n",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(_hand_written, st.builds(lambda value, style: yaml.dump({"v": value, "w": [value, value]},
                                                                         default_flow_style=style),
                                          _data, st.sampled_from([False, True, None]))))
def test_composing_from_events_builds_what_pyyaml_composes(text: str) -> None:
    """yamlsource composes the node graph from the parser's events itself (once, without recursion); PyYAML's
    composer is the reference: the same nodes, marks and aliases, or the same error."""
    from mirrorgen.inventory.yamlsource import _compose

    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        expected = _outcome(lambda: yaml.compose(text, Loader=loader))
        found = _outcome(lambda: _compose(yaml.parse(text, Loader=loader), "f.yaml"))
        if loader is yaml.SafeLoader or expected[0] == "composed":
            assert found == expected, loader
        else:  # libyaml's composer words some errors more tersely; an error is worded by the Python parser anyway
            assert found[:2] == expected[:2]
