"""Property tests: any string in any inventory field is rejected with a file:line message in a file the value was
written to, or rendered so that every output re-parses to exactly the intended structure.

"Intended" is computed from the inventory by the tests themselves (tests/oracle.py, from the seeds and the
README), never from another rendering: the hostile value must arrive exactly where the rules put it, and nothing
else in any output may change.
"""

from __future__ import annotations

from typing import Any, Callable

import yaml
from hypothesis import HealthCheck, assume, event, example, given, settings, strategies as st

from mirrorgen.errors import InvalidInventory, Severity
from mirrorgen.inventory.load import parse_inventory
from mirrorgen.plan import plan, validate
from oracle import expected_views, view
from rendered import oc_mapping_lines, reparse

SOURCE = "registry.ci.openshift.org/acme-ci/tools:latest"
LINE = f"{SOURCE} quay.io/acme/tools:latest quay.io/acme/tools:v1"


def base_tree() -> dict[str, dict[str, Any]]:
    return {
        "mirrorgen.yaml": {"header": True},
        "namespaces.yaml": {"namespaces": {"acme-ci": {
            "access": "authenticated", "display_name": "Acme CI", "description": "Acme images",
            "owners": {"approvers": ["alice"], "reviewers": ["bob"]},
        }}},
        "orgs/acme.yaml": {
            "destination": "quay.io/acme",
            "owners": {"approvers": ["alice"], "reviewers": ["bob"]},
            "mappings": {"mapping_acme_tools": f"# the tools\n{LINE}\n"},
        },
        "qci.yaml": {
            "groups": {"acme-team": {"owners": {"approvers": ["alice"]}}},
            "integrations": {"acme-robots": {"admins": "acme-admins", "display_name": "Acme robots",
                                             "description": "Automation for Acme", "owners": {"approvers": ["alice"]}}},
            "promotion_namespaces": ["acme-ci"],
        },
        "images.yaml": {
            "approved_registries": ["quay.io"],
            "mirror_prefix": "quay.io/cki/mirror",
            "schedule": {"description": "Mirror images", "branch": "production", "cron": "0 1 * * *", "timezone": "UTC"},
            "images": {"tools": f"quay.io/acme/tools:v1@sha256:{'1' * 64}",
                       "redis": f"quay.io/cki/mirror/docker.io/library/redis:7.4@sha256:{'2' * 64}"},
        },
    }


def _rename_key(file: str, *path: str) -> Callable[[dict, str], None]:
    def apply(tree: dict, value: str) -> None:
        node = tree[file]
        for key in path[:-1]:
            node = node[key]
        node[value] = node.pop(path[-1])
    return apply


def _set(file: str, *path: Any) -> Callable[[dict, str], None]:
    def apply(tree: dict, value: str) -> None:
        node = tree.setdefault(file, {})
        for key in path[:-1]:
            node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
        node[path[-1]] = value
    return apply


def _org_name(tree: dict, value: str) -> None:
    org = tree.pop("orgs/acme.yaml")
    org["job"] = {"mapping_prefix": "mapping_acme"}
    tree[f"orgs/{value}.yaml"] = org


def _mapping_name(tree: dict, value: str) -> None:
    mappings = tree["orgs/acme.yaml"]["mappings"]
    mappings[value] = mappings.pop("mapping_acme_tools")


def _mapping_prefix(tree: dict, value: str) -> None:
    org = tree["orgs/acme.yaml"]
    org["job"] = {"mapping_prefix": value}
    org["mappings"] = {f"{value}_tools": org["mappings"]["mapping_acme_tools"]}


def _mapping_comment(tree: dict, value: str) -> None:
    # Between brackets: mirrorgen trims trailing spaces of a line, which is not the value's business.
    tree["orgs/acme.yaml"]["mappings"]["mapping_acme_tools"] = f"# <{value}>\n{LINE}  # <{value}>\n"


def _namespace_name(tree: dict, value: str) -> None:
    namespaces = tree["namespaces.yaml"]["namespaces"]
    namespaces[value] = namespaces.pop("acme-ci")
    tree["qci.yaml"]["promotion_namespaces"] = [value]
    tree["orgs/acme.yaml"]["mappings"]["mapping_acme_tools"] = (
        f"registry.ci.openshift.org/{value}/tools:latest quay.io/acme/tools:latest\n")


def _mirror_only(tree: dict, value: str) -> None:
    tree["mirrorgen.yaml"]["jobs"] = {"service_account": value}
    tree["namespaces.yaml"]["namespaces"]["acme-ci"]["access"] = "mirror-only"


def _public(tree: dict, value: str) -> None:
    namespace = tree["namespaces.yaml"]["namespaces"]["acme-ci"]
    namespace["access"] = "public"
    namespace["public_acknowledged"] = value


def _job_namespace(tree: dict, value: str) -> None:
    """The ConfigMap and the push secret live where the job pods run: the two settings go together."""
    _set("mirrorgen.yaml", "configmap", "namespace")(tree, value)
    _set("mirrorgen.yaml", "vault", "target_namespace")(tree, value)


def _mirror_prefix(tree: dict, value: str) -> None:
    images = tree["images.yaml"]
    images["mirror_prefix"] = value
    images["images"]["redis"] = f"{value}/docker.io/library/redis:7.4@sha256:{'2' * 64}"


def _approved_registry(tree: dict, value: str) -> None:
    images = tree["images.yaml"]
    images["approved_registries"] = ["quay.io", value]
    images["images"]["own"] = f"{value}/acme/own:v1@sha256:{'5' * 64}"


def _list_item(file: str, *path: str) -> Callable[[dict, str], None]:
    def apply(tree: dict, value: str) -> None:
        node = tree[file]
        for key in path:
            node = node[key]
        node[0] = value
    return apply


# Every string field of the inventory: how to put a value there, and a harmless value that is valid there.
SLOTS: dict[str, tuple[Any, ...]] = {
    # A job's push secret must be synced to the cluster it runs on: the Vault items go there too.
    "jobs.cluster": (lambda tree, value: (_set("mirrorgen.yaml", "jobs", "cluster")(tree, value),
                                          _set("mirrorgen.yaml", "vault", "target_clusters")(tree, [value])), "qqq.ci"),
    "jobs.cron": (_set("mirrorgen.yaml", "jobs", "cron"), "@every 37m"),
    "jobs.image": (_set("mirrorgen.yaml", "jobs", "image"), "registry.example.com/qqq/image:v1"),
    "jobs.secret_name": (_set("mirrorgen.yaml", "jobs", "secret_name"), "qqq-secret"),
    "jobs.credentials_key": (_set("mirrorgen.yaml", "jobs", "credentials_key"), "qqq.json"),
    "jobs.cpu_request": (_set("mirrorgen.yaml", "jobs", "cpu_request"), "777m"),
    "jobs.service_account": (_mirror_only, "qqq-sa"),
    "configmap.name": (_set("mirrorgen.yaml", "configmap", "name"), "qqq-mappings"),
    "job namespace": (_job_namespace, "qqq-job-ns"),
    "configmap.cluster": (_set("mirrorgen.yaml", "configmap", "cluster"), "qqq.cluster"),
    "vault.item_prefix": (_set("mirrorgen.yaml", "vault", "item_prefix"), "qqq/prefix"),
    "vault.target_clusters": (lambda tree, value: _set("mirrorgen.yaml", "vault", "target_clusters")(
        tree, ["app.ci", value]), "qqq.sync"),  # app.ci: where the jobs run
    "source_registry": (_set("mirrorgen.yaml", "source_registry"), "qqq.registry.example.com"),
    "org name": (_org_name, "qqqorg"),
    "org destination": (_set("orgs/acme.yaml", "destination"), "quay.io/qqqdest"),
    "org approver": (_list_item("orgs/acme.yaml", "owners", "approvers"), "qqq-approver"),
    "org reviewer": (_list_item("orgs/acme.yaml", "owners", "reviewers"), "qqq-reviewer"),
    "org job.cron": (_set("orgs/acme.yaml", "job", "cron"), "@every 41m"),
    "org job.image": (_set("orgs/acme.yaml", "job", "image"), "quay.io/qqq/own-image:v2"),
    "org job.secret_name": (_set("orgs/acme.yaml", "job", "secret_name"), "qqq-own-secret"),
    "mapping_prefix": (_mapping_prefix, "mapping_qqq"),
    "mapping file name": (_mapping_name, "mapping_acme_qqq"),
    "mapping comment": (_mapping_comment, "qqq comment"),
    "namespace name": (_namespace_name, "qqq-ns"),
    "namespace display_name": (_set("namespaces.yaml", "namespaces", "acme-ci", "display_name"), "QQQ display"),
    "namespace description": (_set("namespaces.yaml", "namespaces", "acme-ci", "description"), "qqq description"),
    "namespace public_acknowledged": (_public, "qqq agreed"),
    "namespace approver": (_list_item("namespaces.yaml", "namespaces", "acme-ci", "owners", "approvers"), "qqq-ns-approver"),
    "qci group name": (_rename_key("qci.yaml", "groups", "acme-team"), "qqq-group"),
    "qci group approver": (_list_item("qci.yaml", "groups", "acme-team", "owners", "approvers"), "qqq-group-approver"),
    "qci integration name": (_rename_key("qci.yaml", "integrations", "acme-robots"), "qqq-integration"),
    "qci integration admins": (_set("qci.yaml", "integrations", "acme-robots", "admins"), "qqq-admins"),
    "qci integration display_name": (_set("qci.yaml", "integrations", "acme-robots", "display_name"), "QQQ robots"),
    "qci integration description": (_set("qci.yaml", "integrations", "acme-robots", "description"), "qqq automation"),
    "image name": (_rename_key("images.yaml", "images", "tools"), "qqq_tools"),
    "image reference": (_set("images.yaml", "images", "tools"), f"quay.io/qqq/tools:v1@sha256:{'3' * 64}"),
    "mirrored image reference": (_set("images.yaml", "images", "redis"),
                                 f"quay.io/cki/mirror/docker.io/qqq/redis:7.4@sha256:{'4' * 64}"),
    "images mirror_prefix": (_mirror_prefix, "quay.io/qqq/mirror"),
    "images approved registry": (_approved_registry, "qqq.example.com"),
    "images repository_path": (_set("images.yaml", "repository_path"), "config/qqq.yaml"),
    "schedule description": (_set("images.yaml", "schedule", "description"), "qqq nightly"),
    "schedule branch": (_set("images.yaml", "schedule", "branch"), "qqq-branch"),
    "schedule cron": (_set("images.yaml", "schedule", "cron"), "7 3 * * *"),
    "schedule timezone": (_set("images.yaml", "schedule", "timezone"), "Europe/Prague"),
}

SPECIALS = [
    "", " ", "-", "- x", "-x", "--", "---", "...", "#", "# c", "a #b", "a: b", ": ", "? x", "&anchor x", "*alias",
    "!!python/object/apply:os.system ['id']", "!tag x", "%YAML 1.2", "@hourly", "`x`", "{{ 7*7 }}", "{{ header }}",
    "{% if true %}x{% endif %}", "{# c #}", "${X}", "$(id)", "'", '"', "\\", "|", ">", "[a]", "{a: b}", "null", "~",
    "yes", "no", "on", "off", "y", "n", "true", "False", "0x1F", "0o17", "1e3", ".inf", ".nan", "012", "1_000",
    "2001-12-14", "=", "a=b", "\t", "\n", "\r", "\r\n", "x\n- y: z", "\x85", "\u2028", "\u2029", "\ufeff",
    "\u202e", "\x00", "\x1b[31m", "é", "😀", "   lead", "trail   ", "a\n\nb", "a\n #b", "  \n", "a b  c",
]
_PIECES = st.sampled_from(["-", "#", ":", " ", "{{", "}}", "{%", "%}", "&", "*", "!", "|", ">", "'", '"', "\n", "\t",
                           "@", "/", "=", "~", ",", "[", "]", "{", "}", "?", "a", "b1", "acme", "quay.io", "--- "])
hostile = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(),
    st.lists(_PIECES, max_size=12).map("".join),
    st.lists(st.one_of(st.sampled_from(SPECIALS), st.text(max_size=5)), max_size=6).map("".join),
    st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.integers(100, 1500)),
)


def inventory_files(slot: str, value: str) -> tuple[dict[str, dict[str, Any]], dict[str, bytes]] | None:
    """The inventory with `value` in `slot`: its data, and the bytes of its files; None if YAML cannot carry the
    value."""
    tree = base_tree()
    SLOTS[slot][0](tree, value)
    files = {}
    for name, data in tree.items():
        text = yaml.safe_dump(data, allow_unicode=False, sort_keys=False)
        try:
            # PyYAML can emit what it cannot read back (an escaped key past the 1024-character simple-key limit).
            if yaml.safe_load(text) != data:
                return None
        except yaml.YAMLError:
            return None
        files[name] = text.encode()
    return tree, files


def render(files: dict[str, bytes]) -> dict[str, str]:
    inventory = parse_inventory(files)
    errors = [p for p in validate(inventory) if p.severity is Severity.ERROR]
    if errors:
        raise InvalidInventory(errors)
    return {output.path: output.text for output in plan(inventory)}


_BASE_FILES = {name: yaml.safe_dump(data, allow_unicode=False, sort_keys=False).encode() for name, data in base_tree().items()}


def assert_rejected_clearly(invalid: InvalidInventory, files: dict[str, bytes]) -> None:
    assert invalid.problems
    for problem in invalid.problems:
        assert problem.location.file in files, problem
        # A whole-file location is only for problems with the file itself (its name).
        assert problem.location.line >= 1 or problem.location.file.startswith("orgs/"), problem
        assert problem.message and "\n" not in problem.message and "\r" not in problem.message, problem
    # Refused for the value: at least one error is in a file the value went into.
    changed = {name for name, data in files.items() if _BASE_FILES.get(name) != data}
    assert any(problem.location.file in changed for problem in invalid.problems), invalid.problems


def assert_rendered_as_intended(tree: dict[str, dict[str, Any]], files: dict[str, bytes], outputs: dict[str, str]) -> None:
    expected = expected_views(tree)
    assert sorted(outputs) == sorted(expected)
    for path, text in outputs.items():
        # The text is UTF-8 to the byte (surrogates or the like would fail here).
        text.encode("utf-8")
        assert view(path, text, files) == expected[path], f"{path} does not re-parse to the intended structure"


def check_field(slot: str, value: str) -> None:
    assume(value != SLOTS[slot][1])
    # `{org}` in a secret name is a placeholder the user may use on purpose, not data.
    assume(not (slot.endswith("secret_name") and "{org}" in value))
    # A newline in a comment starts a new mapping line: whole blocks are the business of the oc test below.
    assume(not (slot == "mapping comment" and "\n" in value))
    made = inventory_files(slot, value)
    assume(made is not None)
    tree, files = made
    try:
        outputs = render(files)
    except InvalidInventory as invalid:
        event(f"{slot}: rejected")
        assert_rejected_clearly(invalid, files)
        return
    event(f"{slot}: rendered")
    assert_rendered_as_intended(tree, files, outputs)


def test_every_slot_renders_its_harmless_value_as_intended() -> None:
    for slot, (_, harmless) in SLOTS.items():
        tree, files = inventory_files(slot, harmless)
        try:
            outputs = render(files)
        except InvalidInventory as invalid:
            raise AssertionError(f"{slot}: {invalid}") from None
        assert_rendered_as_intended(tree, files, outputs)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slot=st.sampled_from(sorted(SLOTS)), value=hostile)
@example(slot="namespace description", value="x\n- y: z")
@example(slot="org approver", value="yes")
@example(slot="mapping comment", value="\x85 registry.ci.openshift.org/acme-ci/x:1 quay.io/evil/x:1")
@example(slot="namespace display_name", value="{{ 7*7 }}")
@example(slot="images approved registry", value="[a]")  # an IPv6 host literal, as the reference grammar allows
def test_any_value_in_any_field_is_rejected_or_rendered_exactly(slot: str, value: str) -> None:
    check_field(slot, value)


_VISIBLE = st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))
visible_text = st.one_of(
    st.sampled_from([v for v in SPECIALS if v.isprintable() and v.strip()]),
    st.text(_VISIBLE, min_size=1),
    st.lists(st.one_of(_PIECES.filter(lambda p: p.isprintable()), st.text(_VISIBLE, max_size=3)), min_size=1).map("".join),
    st.builds(lambda piece, times: piece * times, st.text(_VISIBLE, min_size=1, max_size=4), st.integers(100, 1500)),
).filter(lambda v: v.strip())


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slot=st.sampled_from(["namespace display_name", "namespace description", "mapping comment",
                             "namespace public_acknowledged", "qci integration display_name",
                             "qci integration description", "schedule description"]), value=visible_text)
def test_visible_one_line_text_is_rendered_exactly_never_rejected(slot: str, value: str) -> None:
    """Free text (display names, descriptions, comments) is data: anything a person can see and type renders."""
    assume(value != SLOTS[slot][1])
    made = inventory_files(slot, value)
    assume(made is not None)
    tree, files = made
    assert_rendered_as_intended(tree, files, render(files))


# Whole mapping blocks: what oc reads from the rendered file is what it would read from the inventory's text.
_TOKENS = st.sampled_from([
    SOURCE, "quay.io/acme/tools:latest", "quay.io/acme/tools:v2", "quay.io/acme/other",
    f"{SOURCE}=quay.io/acme/x:1", "#", "# note", " ", "  ", "\t", "-", "a: b", "{{ x }}", "=", "é", "\r", "\u00a0",
])
mapping_blocks = st.lists(st.lists(_TOKENS, max_size=6).map(" ".join), max_size=6).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(block=mapping_blocks)
def test_mapping_files_tell_oc_what_the_inventory_says(block: str) -> None:
    tree = base_tree()
    tree["orgs/acme.yaml"]["mappings"]["mapping_acme_tools"] = block
    files = {name: yaml.safe_dump(data, allow_unicode=False).encode() for name, data in tree.items()}
    try:
        outputs = render(files)
    except InvalidInventory as invalid:
        assert_rejected_clearly(invalid, files)
        return
    path = "core-services/image-mirroring/acme/mapping_acme_tools"
    assert oc_mapping_lines(outputs[path]) == oc_mapping_lines(block)
    configmap = reparse("x.yaml", outputs["core-services/image-mirroring/_image-mirror-mappings.yaml"])[0]
    assert configmap["data"]["mapping_acme_tools"] == outputs[path]


def test_inventory_values_are_never_compiled_as_templates() -> None:
    _, files = inventory_files("namespace description", "{{ 7*7 }} {% raw %}")
    outputs = render(files)
    manifest = reparse("m.yaml", outputs["clusters/app.ci/registry-access/acme-ci/admin_manifest.yaml"])
    assert manifest[0]["metadata"]["annotations"]["openshift.io/description"] == "{{ 7*7 }} {% raw %}"


def test_yaml_specials_in_owners_stay_strings() -> None:
    for name in ("yes", "no", "on", "y", "null", "true", "1e3", "0x1F", "012"):
        outputs = render(inventory_files("org approver", name)[1])
        owners = reparse("OWNERS", outputs["core-services/image-mirroring/acme/OWNERS"])[0]
        assert owners["approvers"] == [name], name
