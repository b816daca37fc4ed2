"""Every message is one line of printable text, whatever any inventory field holds (issue 13, item 14).

Messages quote inventory values. `mirror_prefix: "quay.io/cki/mirror\\n"` with an image outside the approved
registries gave a message that spanned two lines (found by a Hypothesis run without derandomisation): the command
line escaped it, str() of the library's InvalidInventory did not. The fields are read from the model, so a field
added later is covered without a change here.
"""

from __future__ import annotations

import copy
import types
import typing
from typing import Any, Iterator

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

import mirrorgen
from mirrorgen.errors import InvalidInventory
from mirrorgen.inventory.load import parse_inventory
from mirrorgen.inventory.model import ImagesFile, NamespacesFile, Org, QciAccess, Settings
from mirrorgen.plan import validate

FILES = {"mirrorgen.yaml": Settings, "namespaces.yaml": NamespacesFile, "orgs/acme.yaml": Org, "images.yaml": ImagesFile,
         "qci.yaml": QciAccess}
KEY = object()  # in a path: the hostile text is the key of a mapping of names (a namespace, a mapping file, ...)

BASE = {
    "mirrorgen.yaml": {"jobs": {"cron": "@hourly"}},
    "namespaces.yaml": {"namespaces": {"acme-ci": {"access": "authenticated", "owners": {"approvers": ["alice"]}}}},
    "orgs/acme.yaml": {"destination": "quay.io/acme", "owners": {"approvers": ["alice"]},
                       "mappings": {"mapping_acme_tools": "registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:v1\n"}},
    "images.yaml": {"approved_registries": ["quay.io"], "mirror_prefix": "quay.io/cki/mirror",
                    # Not approved: its message names the mirror path, with mirror_prefix in it.
                    "images": {"redis": f"docker.io/library/redis:7@sha256:{'2' * 64}"}},
    "qci.yaml": {"groups": {"acme-team": {"owners": {"approvers": ["alice"]}}}, "promotion_namespaces": ["acme-ci"]},
}


def _field_paths(cls: type, prefix: tuple = ()) -> Iterator[tuple]:
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        if field.metadata.get("by_loader") and not field.metadata.get("yaml_key"):
            continue  # the file name or a key, not a YAML value
        if cls is Org and field.name == "mappings":  # written as file name → `|` block
            yield prefix + ("mappings", KEY)
            yield prefix + ("mappings", "mapping_acme_tools")
            continue
        yield from _type_paths(hints[field.name], prefix + (field.name,))


def _type_paths(tp: Any, path: tuple) -> Iterator[tuple]:
    args = [arg for arg in typing.get_args(tp) if arg is not type(None)]
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 1:
        yield from _type_paths(args[0], path)
    elif attrs.has(tp):
        yield from _field_paths(tp, path)
    elif typing.get_origin(tp) is dict:
        yield path + (KEY,)
        yield from _type_paths(args[1], path + ("name",))
    elif typing.get_origin(tp) is tuple:
        yield from _type_paths(args[0], path + (0,))
    else:
        yield path


FIELDS = sorted({(file,) + path for file, cls in FILES.items() for path in _field_paths(cls)}, key=repr)


def _with_value(file: str, path: tuple, text: str) -> dict[str, bytes]:
    tree = copy.deepcopy(BASE)
    node = tree[file]
    for key in path[:-1]:
        if isinstance(key, int):
            while len(node) <= key:
                node.append(None)
            node[key] = node[key] if isinstance(node[key], (dict, list)) else {}
        else:
            following = path[path.index(key) + 1]
            empty: Any = [] if isinstance(following, int) else {}
            if not isinstance(node.get(key), type(empty)):
                node[key] = empty
        node = node[key]
    last = path[-1]
    if last is KEY:
        node[text] = {} if node else "x"
    elif isinstance(last, int):
        node[:] = [text]
    else:
        node[last] = text
    return {name: yaml.safe_dump(data, allow_unicode=True).encode() for name, data in tree.items()}


def _problems(files: dict[str, bytes]) -> list[mirrorgen.Problem]:
    try:
        inventory = parse_inventory(files)
    except InvalidInventory as invalid:
        return invalid.problems + (validate(invalid.partial) if invalid.partial is not None else [])
    return validate(inventory)


def _assert_one_line(problems: list[mirrorgen.Problem]) -> None:
    for problem in problems:
        for text in (str(problem), problem.message):
            assert text.isprintable(), text
    if problems:
        assert str(InvalidInventory(problems)).count("\n") == len(problems) - 1


def test_the_fields_come_from_the_model() -> None:
    names = {path[1:] for path in FIELDS}
    assert ("mirror_prefix",) in names and ("jobs", "service_account") in names and ("mappings", KEY) in names
    assert len(FIELDS) > 60


def test_the_message_hypothesis_found() -> None:
    files = _with_value("images.yaml", ("mirror_prefix",), "quay.io/cki/mirror\n")
    problems = _problems(files)
    assert any("mirror\\n/docker.io/library/redis" in p.message for p in problems), problems
    _assert_one_line(problems)


BREAKS = ["\n", "\r", "\r\n", "\x1b[2J", "\x85", "\u2028", "\x00", "\t", "\x7f"]
hostile = st.tuples(st.text(max_size=12), st.sampled_from(BREAKS), st.text(max_size=12)).map("".join)


@pytest.mark.parametrize("field", FIELDS, ids=[":".join("KEY" if p is KEY else str(p) for p in f) for f in FIELDS])
def test_a_line_break_in_any_field_gives_one_line_messages(field: tuple) -> None:
    _assert_one_line(_problems(_with_value(field[0], field[1:], "quay.io/acme\n  privileged: true")))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), text=hostile)
def test_any_text_in_any_field_gives_one_line_messages(field: tuple, text: str) -> None:
    _assert_one_line(_problems(_with_value(field[0], field[1:], text)))
