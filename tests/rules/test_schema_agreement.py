"""The loader and the editor agree (issue 16, item 2), over generated inventory files of every kind.

Every file the loader accepts opens in the real yaml-language-server without a diagnostic; every structural mistake
(an unknown key, a wrong type, a missing required key, a value outside a fixed set) is refused by both, and for all
but the missing key, both point at the same line. Documents are drawn from the model's types, with the values of
keys that have a grammar drawn from what the rules accept (README, Prow's and Kubernetes' formats); a key whose
schema grows a pattern this table does not know about makes the test fail, which is how it should learn of it.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from mirrorgen.artifacts import canonical_yaml
from mirrorgen.errors import InvalidInventory, Severity
from mirrorgen.inventory import model
from mirrorgen.inventory.cron import CRON_SHAPE, GO_DURATION_RE, cron_error, go_duration_seconds
from mirrorgen.inventory.load import load_inventory, parse_inventory
from mirrorgen.inventory.refs import (
    CONFIGMAP_KEY_RE, DNS1123_LABEL_RE, DNS1123_SUBDOMAIN_RE, LABEL_PART_RE, is_configmap_key, is_dns1123_label,
    is_dns1123_subdomain, is_label_value,
)
from mirrorgen.plan import validate
from mirrorgen.rules.jobs import CPU_QUANTITY_RE, JOB_NAME_RE
from mirrorgen.rules.known_defects import DEFECT_CODES
from mirrorgen.rules.names import CLUSTER
from mirrorgen.rules.schema import SCHEMAS, modeline
from yamlls import Editor

# Plain text of no YAML 1.1 type: PyYAML and the server then read it alike (docs/editors.md has the few scalars they
# read differently).
TEXT = st.text("abcdefghijklmnopqrstuvwxyz0123456789-/", min_size=1, max_size=8).map(lambda s: "t" + s)
DNS_LABEL = st.from_regex(r"\A[a-z]([-a-z0-9]{0,8}[a-z0-9])?\Z")
JOB = {"cron": ["@hourly", "@every 1h30m", "0 1 * * *", "*/5 0-6 ? jan-mar mon,fri"], "cluster": ["app.ci", "build01"],
       "timeout": ["2h0m0s", "90m"], "interval": ["12h"], "cpu_request": ["500m", "1", "0.5"],
       "credentials_key": ["config.json", ".dockerconfigjson"], "service_account": ["image-mirroring", "sa.x"],
       "role": ["image-mirroring", ""], "area": ["acme", ""], "name": ["periodic-image-mirroring-acme", "a_b.c"],
       "mapping_prefix": ["mapping_acme", "mapping_acme_x"], "secret_source": ["self-service", "external"]}
# Values the rules accept, by (class, key).
VALUES: dict[tuple[type, str], list[Any]] = {
    **{(model.JobDefaults, key): values for key, values in JOB.items()},
    **{(model.JobOverrides, key): values for key, values in JOB.items()},
    (model.Settings, "defects"): ["error", "warning"],
    (model.Settings, "image_stream_registry"): ["app.ci", "qci"],
    (model.ConfigMapSettings, "name"): ["image-mirror-mappings", "maps.x"],
    (model.ConfigMapSettings, "namespace"): ["ci"],
    (model.ConfigMapSettings, "cluster"): ["app.ci"],
    (model.VaultSettings, "target_namespace"): ["ci", "test-credentials"],
    (model.VaultSettings, "target_clusters"): [["app.ci"], ["app.ci", "build01"], []],
    (model.QciAccess, "promotion_namespaces"): [["ocp"], []],
    (model.KnownDefect, "code"): list(DEFECT_CODES),
}
# Names of free mappings' entries, by (class, key).
NAMES: dict[tuple[type, str], st.SearchStrategy[str]] = {
    (model.NamespacesFile, "namespaces"): DNS_LABEL,
    (model.QciAccess, "integrations"): DNS_LABEL,
    (model.ImagesFile, "images"): st.from_regex(r"\A[a-z_][a-z0-9_]{0,8}\Z"),
    (model.JobOverrides, "labels"): st.sampled_from(["team", "example.com/tier"]),
    (model.Org, "mappings"): st.from_regex(r"\Amapping_acme_[a-z0-9._-]{0,8}\Z"),
}
LABEL_VALUES = st.sampled_from(["", "a1", "x.y-z"])


def yaml_fields(cls: type) -> list[attrs.Attribute]:
    return [f for f in attrs.fields(cls) if not f.metadata.get("by_loader") or f.metadata.get("yaml_key")]


def value(cls: type, name: str, tp: Any) -> st.SearchStrategy[Any]:
    if (cls, name) in VALUES:
        return st.sampled_from(VALUES[cls, name])
    if name == "mappings":
        return st.dictionaries(NAMES[cls, name], st.just("quay.io/a/b:1 quay.io/acme/b:1\n"), max_size=2)
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        if type(None) in args:
            return st.none() | value(cls, name, next(a for a in args if a is not type(None)))
        return TEXT | st.lists(TEXT, min_size=1, max_size=2)
    if tp is str:
        return TEXT
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(0, 10**7)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from([member.value for member in tp])
    if attrs.has(tp):
        return document(tp)
    if typing.get_origin(tp) is tuple:
        return st.lists(value(cls, name, args[0]), max_size=2)
    if args[1] is Any:
        return st.dictionaries(TEXT, TEXT, max_size=2)
    values = LABEL_VALUES if name == "labels" else value(cls, name, args[1])
    return st.dictionaries(NAMES.get((cls, name), TEXT), values, max_size=2)


def document(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    hints = typing.get_type_hints(cls, vars(model))
    fields = yaml_fields(cls)
    return st.fixed_dictionaries({f.name: value(cls, f.name, hints[f.name]) for f in fields if f.default is attrs.NOTHING},
                                 optional={f.name: value(cls, f.name, hints[f.name]) for f in fields
                                           if f.default is not attrs.NOTHING})


def sites(cls: type, data: dict[str, Any], path: tuple = ()) -> list[tuple[tuple, type, Any]]:
    """(path, class, type) of every settings mapping (type None) and every key present in `data`, below too."""
    hints = typing.get_type_hints(cls, vars(model))
    found = [(path, cls, None)]
    for name, item in data.items():
        tp = hints[name]
        found.append((path + (name,), cls, tp))
        if attrs.fields_dict(cls)[name].metadata.get("yaml_key"):
            continue  # `mappings:`, read by the loader itself
        # An object here, or null (Optional): not the values of a dict, nor the items of a tuple.
        union = typing.get_origin(tp) in (typing.Union, types.UnionType)
        inner = next((t for t in (tp, *(typing.get_args(tp) if union else ())) if attrs.has(t)), None)
        if inner and isinstance(item, dict):
            found += sites(inner, item, path + (name,))
        elif typing.get_origin(tp) is dict and attrs.has(typing.get_args(tp)[1]):
            for key, entry in item.items():
                found += sites(typing.get_args(tp)[1], entry, path + (name, key))
        elif typing.get_origin(tp) is tuple and attrs.has(typing.get_args(tp)[0]):
            for index, entry in enumerate(item):
                found += sites(typing.get_args(tp)[0], entry, path + (name, index))
    return found


# A value of another type than each scalar type takes (None is no mistake: most keys may be null).
WRONG = {str: [True, 5, ["x"]], bool: ["tx", 1, ["x"]], int: ["tx", True, 1.5], "list": ["tx", 5, {"a": "b"}],
         "mapping": ["tx", 5, ["x"]]}


def mistakes(cls: type, data: dict[str, Any]) -> list[tuple[str, tuple, Any]]:
    """(kind, path, new value) of every mistake one edit can make in `data`; a None value deletes the key."""
    found = []
    for path, owner, tp in sites(cls, data):
        if tp is None:
            found.append(("unknown key", path + ("tzz",), "tx"))
            continue
        name = path[-1]
        field = attrs.fields_dict(owner)[name]
        if field.default is attrs.NOTHING:
            found.append(("missing key", path, None))
        if field.metadata.get("yaml_key"):
            continue
        args = [a for a in (tp, *typing.get_args(tp)) if a is not type(None)]
        shape = ("mapping" if any(attrs.has(a) or typing.get_origin(a) is dict for a in args) else
                 "list" if any(typing.get_origin(a) is tuple for a in args) else
                 next((a for a in args if a in (str, bool, int)), None))
        if shape is not None and not (tp == str | tuple[str, ...]):
            found += [("wrong type", path, wrong) for wrong in WRONG[shape]]
        if model.Access in args:  # the fixed sets rules check are test_a_value_a_rule_refuses_is_flagged_on_its_line
            found.append(("value outside the set", path, "bogus"))
    return found


def edited(data: dict[str, Any], path: tuple, new: Any) -> dict[str, Any]:
    if len(path) == 1:
        changed = dict(data)
        if new is None:
            del changed[path[0]]
        else:
            changed[path[0]] = new
        return changed
    head = path[0]
    if isinstance(data[head], list):
        items = list(data[head])
        items[path[1]] = edited(items[path[1]], path[2:], new)
        return {**data, head: items}
    return {**data, head: edited(data[head], path[1:], new)}


# Per document: the server validates many documents opened together about as fast as one.
MISTAKES = 8
KINDS = [(file.replace("<org>", "acme"), cls) for file, cls, _ in SCHEMAS]
BASE = {"mirrorgen.yaml": b"{}\n", "orgs/base.yaml": b"destination: quay.io/base\n"}


def loader_lines(file: str, text: str) -> list[int]:
    """0-based lines of the loader's problems in `file`, in an inventory that holds it; [] when it loads."""
    try:
        parse_inventory({**BASE, file: text.encode()})
    except InvalidInventory as invalid:
        return sorted({p.location.line - 1 for p in invalid.problems if p.location.file == file})
    return []


@st.composite
def cases(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """(file, kind of mistake or "", text): a document of every kind, and copies of it with one mistake each."""
    found = []
    for file, cls in KINDS:
        data = draw(document(cls))
        found.append((file, "", modeline(file) + canonical_yaml.dump(data)))
        for kind, path, new in draw(st.lists(st.sampled_from(mistakes(cls, data)), max_size=MISTAKES)):
            found.append((file, kind, modeline(file) + canonical_yaml.dump(edited(data, path, new))))
    return found



@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents=cases())
def test_the_loader_and_the_editor_agree(schema_editor: Editor, documents: list[tuple[str, str, str]]) -> None:
    diagnostics = schema_editor.diagnose_all([(file, text) for file, _, text in documents])
    for (file, kind, text), found in zip(documents, diagnostics):
        editor_lines = sorted({d["range"]["start"]["line"] for d in found})
        loader = loader_lines(file, text)
        assert bool(editor_lines) == bool(loader) == bool(kind), (kind, text, found, loader)
        if kind != "missing key":
            assert editor_lines == loader, (kind, text, found)


# Keys whose values have a grammar: (file, YAML above the value, the predicate the rule calls, whether the schema
# says exactly what the predicate does; else it is looser, and leaves the rest to validate).
SHAPED = {
    "jobs.cron": ("mirrorgen.yaml", "jobs:\n  cron: ", lambda v: cron_error(v) is None, False),
    "jobs.timeout": ("mirrorgen.yaml", "jobs:\n  timeout: ", lambda v: go_duration_seconds(v) is not None, False),
    "jobs.cluster": ("mirrorgen.yaml", "jobs:\n  cluster: ", CLUSTER.fullmatch, True),
    "jobs.cpu_request": ("mirrorgen.yaml", "jobs:\n  cpu_request: ", CPU_QUANTITY_RE.fullmatch, True),
    "jobs.service_account": ("mirrorgen.yaml", "jobs:\n  service_account: ", is_dns1123_subdomain, True),
    "jobs.credentials_key": ("mirrorgen.yaml", "jobs:\n  credentials_key: ", is_configmap_key, True),
    "jobs.role": ("mirrorgen.yaml", "jobs:\n  role: ", is_label_value, True),
    "configmap.namespace": ("mirrorgen.yaml", "configmap:\n  namespace: ", is_dns1123_label, True),
    "configmap.name": ("mirrorgen.yaml", "configmap:\n  name: ", is_dns1123_subdomain, True),
    "job.name": ("orgs/acme.yaml", "destination: quay.io/acme\njob:\n  name: ", JOB_NAME_RE.fullmatch, True),
}
# Text of every printable ASCII character, a few other scripts' digits and spaces, and the rule's own grammar.
NEAR_MISSES = st.text(st.characters(codec="ascii", exclude_categories=["Cc"]) | st.sampled_from("\u0663\u00a0é"),
                      max_size=12)
GRAMMARS = {"jobs.cron": CRON_SHAPE, "jobs.timeout": GO_DURATION_RE, "jobs.cluster": CLUSTER,
            "jobs.cpu_request": CPU_QUANTITY_RE, "jobs.service_account": DNS1123_SUBDOMAIN_RE,
            "jobs.credentials_key": CONFIGMAP_KEY_RE, "jobs.role": LABEL_PART_RE,
            "configmap.namespace": DNS1123_LABEL_RE, "configmap.name": DNS1123_SUBDOMAIN_RE, "job.name": JOB_NAME_RE}


def shaped_text(key: str, value: str) -> str:
    """The value double-quoted: the property is about the schema's shapes, and the plain scalars the editor types
    otherwise than PyYAML (E0, 1e3, y, ...) have their own test in test_schema_in_editor.py."""
    file, above, _, _ = SHAPED[key]
    return modeline(file) + above + yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10**6).removesuffix("...\n")


@st.composite
def shaped_values(draw: st.DrawFn) -> list[tuple[str, str]]:
    return [(key, value) for key in SHAPED
            for value in draw(st.lists(st.from_regex(GRAMMARS[key], fullmatch=True) | NEAR_MISSES, min_size=4,
                                       max_size=4))]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(values=shaped_values())
def test_what_a_rule_accepts_the_editor_accepts(schema_editor: Editor, values: list[tuple[str, str]]) -> None:
    """And for the exact shapes, what the rule refuses the editor flags."""
    diagnostics = schema_editor.diagnose_all([(SHAPED[key][0], shaped_text(key, value)) for key, value in values])
    for (key, value), found in zip(values, diagnostics):
        _, _, accepts, exact = SHAPED[key]
        if accepts(value):
            assert found == [], (key, value)
        elif exact:
            assert found, (key, value)


@pytest.mark.parametrize("key, value", [
    ("jobs.cron", "0 1 * *"), ("jobs.timeout", "2 hours"), ("jobs.cluster", "app ci"), ("jobs.cpu_request", "half"),
    ("jobs.service_account", "Image_Mirroring"), ("jobs.credentials_key", "config json"), ("jobs.role", "-x"),
    ("configmap.namespace", "ci.x"), ("configmap.name", "Maps"),
])
def test_a_value_a_rule_refuses_is_flagged_on_its_line(schema_editor: Editor, make_inventory, key: str, value: str) -> None:
    """End to end: `validate` on a real inventory and the editor on the same file name the value's line (the last)."""
    file, text = SHAPED[key][0], shaped_text(key, value)
    line = text.count("\n") - 1
    errors = [p for p in validate(load_inventory(make_inventory({file: text}))) if p.severity is Severity.ERROR]
    assert (file, line + 1) in [(p.location.file, p.location.line) for p in errors]
    found, = schema_editor.diagnose_all([(file, text)])
    assert [d["range"]["start"]["line"] for d in found] == [line]
