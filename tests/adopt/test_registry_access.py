"""`mirrorgen import` records, for each registry-access folder, who its RoleBindings let pull the namespace's
images, read as the cluster gets them; where the manifests cannot be read with certainty it fails at file:line."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO

from mirrorgen.cli import main

FIXTURE = REPO / "tests/fixtures/release"
ACCESS = "clusters/app.ci/registry-access"


def _release(tmp_path: Path, folders: dict[str, dict[str, str | bytes]]) -> Path:
    release = tmp_path / "release"
    shutil.copytree(FIXTURE, release)
    for folder, files in folders.items():
        for name, text in files.items():
            path = release / ACCESS / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return release


def _import(release: Path, config: Path) -> tuple[int, str]:
    """`mirrorgen import` through the command line's own main, in this process: `make mutation` judges the access
    reading by these tests, and a mutant runs only in the test's own process (tests/adopt/test_import.py runs the
    command as a subprocess). Its exit code and what it printed to stderr."""
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        code = main(["import", "--release-repo", str(release), "--config", str(config)])
    return code, errors.getvalue()


def _levels(tmp_path: Path, folders: dict[str, dict[str, str]]) -> dict[str, str]:
    config = tmp_path / "config"
    code, errors = _import(_release(tmp_path, folders), config)
    assert code == 0, errors
    return {name: ns["access"] for name, ns in yaml.safe_load((config / "namespaces.yaml").read_text())["namespaces"].items()}


def _refused(tmp_path: Path, folders: dict[str, dict[str, str]]) -> list[str]:
    release, config = _release(tmp_path, folders), tmp_path / "config"
    code, errors = _import(release, config)
    assert code == 2, errors
    assert not config.exists() and "Traceback" not in errors
    return [line.replace(f"{release}/{ACCESS}/", "") for line in errors.splitlines()[:-1]]


NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n---\n"


def binding(namespace: str, role: str = "system:image-puller", *subjects: str, kind: str = "ClusterRole",
            name: str = "pullers") -> str:
    listed = "".join(f"- kind: {s.split(' ')[0]}\n  name: {s.split(' ')[1]}\n" for s in subjects)
    return (f"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {name}\n"
            f"  namespace: {namespace}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: {kind}\n"
            f"  name: {role}\nsubjects:\n{listed}")


def test_the_fixture_shapes_give_what_their_bindings_grant(tmp_path: Path) -> None:
    """kind: List with a nested List and a legacy binding not called image-puller (public); a binding for a service
    account placed in `ocp` beside a `_` file applyconfig skips (mirror-only); a folder whose namespace has another
    name, opened by a Role of its own (authenticated)."""
    levels = _levels(tmp_path, {})
    assert {k: levels[k] for k in ("kestrel-builds", "heron-qe", "owl-team")} == {
        "kestrel-builds": "public", "heron-qe": "mirror-only", "owl-team": "authenticated"}
    # A public namespace must say why (README, access levels): import records where the grant already is, under the
    # key the sample inventory uses, not its older spelling.
    namespaces = yaml.safe_load((tmp_path / "config/namespaces.yaml").read_text())["namespaces"]
    assert namespaces["kestrel-builds"]["acknowledged"].startswith("imported: clusters/app.ci/registry-access/kestrel-builds")
    assert "public_acknowledged" not in namespaces["kestrel-builds"]


def test_a_binding_in_one_folder_opens_the_namespace_another_folder_creates(tmp_path: Path) -> None:
    levels = _levels(tmp_path, {"swift": {"admin_swift.yaml": NAMESPACE.format(name="swift")},
                                "swift-extra": {"admin_extra.yaml": binding("swift", "system:image-puller",
                                                                           "User system:anonymous")},
                                # A second folder creating the same namespace (one renamed and left behind).
                                "swift-old": {"admin_swift.yaml": NAMESPACE.format(name="swift")}})
    assert levels["swift"] == levels["swift-old"] == "public" and levels["swift-extra"] == "mirror-only"


def test_a_role_defined_on_the_cluster_matters_only_where_it_could_open_the_namespace_wider(tmp_path: Path) -> None:
    # `view` for everyone beside a public puller binding: public whatever view allows.
    wide = NAMESPACE.format(name="lark") + binding("lark", "system:image-puller", "Group system:unauthenticated") + "---\n" + \
        binding("lark", "view", "Group system:authenticated", name="viewers")
    # `admin` for a named team: not who may pull.
    team = NAMESPACE.format(name="robin") + binding("robin", "admin", "Group robin-team")
    levels = _levels(tmp_path, {"lark": {"admin_lark.yaml": wide}, "robin": {"admin_robin.yaml": team}})
    assert levels["lark"] == "public" and levels["robin"] == "mirror-only"


CASES = {
    "admin for every authenticated user": (
        {"rook": {"admin_rook.yaml": NAMESPACE.format(name="rook") + binding("rook", "admin", "Group system:authenticated")}},
        "rook/admin_rook.yaml:6: RoleBinding 'pullers' binds ClusterRole admin, whose rules are not in these folders, to"
        " Group system:authenticated: mirrorgen cannot tell whether it lets them pull the images of 'rook'"),
    "a Role this folder does not define": (
        {"rook": {"admin_rook.yaml": NAMESPACE.format(name="rook")
                  + binding("rook", "system:image-puller", "Group system:unauthenticated", kind="Role")}},
        "rook/admin_rook.yaml:6: RoleBinding 'pullers' binds Role system:image-puller, whose rules are not in these"
        " folders, to Group system:unauthenticated"),
    "a ClusterRoleBinding": (
        {"rook": {"admin_rook.yaml": NAMESPACE.format(name="rook") + binding("rook", "system:image-puller",
                  "Group rook-team").replace("kind: RoleBinding", "kind: ClusterRoleBinding")}},
        "rook/admin_rook.yaml:6: ClusterRoleBinding 'pullers' grants its role in every namespace"),
    "an unknown kind, inside a List": (
        {"rook": {"admin_rook_list.yaml": "kind: List\napiVersion: v1\nitems:\n- kind: SecurityContextConstraints\n"
                                          "  apiVersion: security.openshift.io/v1\n  metadata:\n    name: rook\n"}},
        "rook/admin_rook_list.yaml:4: SecurityContextConstraints (security.openshift.io/v1) is no kind mirrorgen knows"
        " to grant nothing by being applied"),
    "a template parameter": (
        {"rook": {"admin_rook.yaml": binding("${NAMESPACE}", "system:image-puller", "Group system:authenticated")}},
        "rook/admin_rook.yaml:5: metadata.namespace '${NAMESPACE}' is a template parameter, filled in when applied"),
    "an OpenShift Template": (
        {"rook": {"admin_rook.yaml": "apiVersion: template.openshift.io/v1\nkind: Template\nobjects: []\n"}},
        "rook/admin_rook.yaml:1: an OpenShift Template, whose parameters applyconfig fills in"),
    "a binding without namespace": (
        {"rook": {"admin_rook.yaml": binding("x", "system:image-puller", "Group system:authenticated").replace(
            "  namespace: x\n", "")}},
        "rook/admin_rook.yaml:1: RoleBinding 'pullers' has no metadata.namespace"),
    "a set of users no level describes": (
        {"rook": {"admin_rook.yaml": NAMESPACE.format(name="rook")
                  + binding("rook", "system:image-puller", "Group system:serviceaccounts")}},
        "rook/admin_rook.yaml:16: Group 'system:serviceaccounts' is a set of users no access level describes"),
    "a role named by a list": (
        {"rook": {"admin_rook.yaml": NAMESPACE.format(name="rook")
                  + binding("rook", "[system:image-puller, admin]", "Group system:authenticated")}},
        "rook/admin_rook.yaml:14: roleRef.name must be a single value"),
    "a file that is not YAML": (
        {"rook": {"admin_rook.yaml": NAMESPACE.format(name="rook") + "kind: [RoleBinding\n"}},
        "rook/admin_rook.yaml:7: not YAML"),
    "a namespace without a name": (
        {"rook": {"admin_rook.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {}\n"}},
        "rook/admin_rook.yaml:1: a Namespace without metadata.name"),
    "two namespaces in one folder": (
        {"rook": {"a.yaml": NAMESPACE.format(name="rook"), "b.yaml": NAMESPACE.format(name="rook2")}},
        "rook/b.yaml:1: the folder creates namespaces 'rook' and 'rook2'"),
    "everyone let into a namespace without a folder": (
        {"rook": {"admin_rook.yaml": NAMESPACE.format(name="rook")
                  + binding("elsewhere", "system:image-puller", "Group system:authenticated")}},
        "rook/admin_rook.yaml:6: RoleBinding 'pullers' lets Group system:authenticated pull from namespace 'elsewhere',"
        " which no registry-access folder creates"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_what_cannot_be_read_with_certainty_fails_the_import_at_file_and_line(case: str, tmp_path: Path) -> None:
    folders, expected = CASES[case]
    lines = _refused(tmp_path, folders)
    assert any(line.startswith(expected) for line in lines), lines


def test_sub_folders_are_read_as_applyconfig_applies_them(tmp_path: Path) -> None:
    """A binding in a sub-folder counts (here to a ClusterRole the folder defines, which lets its subjects pull);
    one in a sub-folder whose name starts with `_` is never applied, so it does not."""
    reader = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: wagtail-layers\nrules:\n"
              "- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['get', 'list']\n---\n")
    levels = _levels(tmp_path, {
        "wagtail": {"admin_wagtail.yaml": NAMESPACE.format(name="wagtail"),
                    "more/admin_pullers.yaml": reader + binding("wagtail", "wagtail-layers", "Group system:authenticated"),
                    "_old/admin_public.yaml": binding("wagtail", "system:image-puller", "Group system:unauthenticated")}})
    assert levels["wagtail"] == "authenticated"


ROOK = NAMESPACE.format(name="rook")  # five lines: what follows starts at line 6
PUBLIC = binding("rook", "system:image-puller", "Group system:unauthenticated")
# Refusals checked whole, line and wording: each names where to look and what to write instead.
WHOLE_LINES = {
    "a document that is no object": (ROOK + "- a\n", "6: a document that is no Kubernetes object (a mapping with kind"
                                     " and metadata): mirrorgen cannot tell what applying it grants"),
    "a List without items": (ROOK + "apiVersion: v1\nkind: List\n",
                             "6: a List without a list of `items`: write its objects under `items:`"),
    "not UTF-8": (ROOK.encode() + b"\n\nkind: \xff\n",
                  "8: not UTF-8 text, which applyconfig cannot apply either: save it as UTF-8"),
    "an object without kind": (ROOK + "apiVersion: v1\nmetadata:\n  name: x\n",
                               "6: an object without `kind`: mirrorgen cannot tell what applying it grants"),
    "an unknown kind without apiVersion": (ROOK + "kind: Widget\nmetadata:\n  name: x\n",
                                           "6: Widget (no apiVersion) is no kind mirrorgen knows to grant nothing by"
                                           " being applied, so it cannot tell who may pull: move it out of the"
                                           " registry-access folder"),
    "a binding without roleRef.name": (ROOK + PUBLIC.replace("  name: system:image-puller\n", ""),
                                       "6: a RoleBinding without roleRef.name: write the role it binds"),
    "a roleRef of another kind": (ROOK + binding("rook", "x", "Group system:authenticated", kind="Group"),
                                  "6: roleRef.kind 'Group' is neither Role nor ClusterRole"),
    # subjects: is line 15, its first item line 16.
    "a subject without kind or name": (ROOK + PUBLIC.replace("- kind: Group\n  name: system:unauthenticated\n",
                                                             "- {}\n"),
                                       "16: a subject mirrorgen cannot read: give it a kind (Group, User,"
                                       " ServiceAccount) and a name"),
    "subjects that are no list": (ROOK + PUBLIC.replace("- kind: Group\n  name: system:unauthenticated\n",
                                                        "  kind: Group\n"), "16: subjects must be a list"),
    "a subject that is no mapping": (ROOK + PUBLIC.replace("- kind: Group\n  name: system:unauthenticated\n",
                                                           "- system:unauthenticated\n"),
                                     "16: a subject mirrorgen cannot read: give it a kind (Group, User,"
                                     " ServiceAccount) and a name"),
    "a subject without name": (ROOK + PUBLIC.replace("  name: system:unauthenticated\n", ""),
                               "16: a subject mirrorgen cannot read: give it a kind (Group, User, ServiceAccount)"
                               " and a name"),
    "a subject of a kind RBAC does not have": (ROOK + PUBLIC.replace("kind: Group", "kind: Team"),
                                               "16: a subject mirrorgen cannot read: give it a kind (Group, User,"
                                               " ServiceAccount) and a name"),
    "a document that is a plain text": (ROOK + "just some text\n",
                                        "6: a document that is no Kubernetes object (a mapping with kind and"
                                        " metadata): mirrorgen cannot tell what applying it grants"),
    # go-yaml, which applyconfig's `oc apply` reads with, refuses control characters as PyYAML does.
    "a control character": (ROOK + "\n\nkind: \x01\n",
                            "8: not YAML (character U+0001 is not allowed), which applyconfig cannot apply either:"
                            " fix the file"),
    "an OpenShift Template": (ROOK + "apiVersion: template.openshift.io/v1\nkind: Template\nobjects: []\n",
                              "6: an OpenShift Template, whose parameters applyconfig fills in when it applies it:"
                              " mirrorgen cannot tell who may pull; write the objects out"),
    "an unknown kind of the core API": (ROOK + "apiVersion: v1\nkind: Widget\nmetadata:\n  name: x\n",
                                        "6: Widget (v1) is no kind mirrorgen knows to grant nothing by being applied,"
                                        " so it cannot tell who may pull: move it out of the registry-access folder"),
    # The API server refuses an object without a name, so applyconfig fails on the folder.
    "a ClusterRole without name": (ROOK + "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {}\n",
                                   "6: a ClusterRole without metadata.name, which the API server refuses: write its"
                                   " name"),
    "a Project without name": (ROOK + "apiVersion: project.openshift.io/v1\nkind: Project\nmetadata: {}\n",
                               "6: a Project without metadata.name, which the API server refuses: write its name"),
    "a Role without name": (ROOK + "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  namespace: rook\n",
                            "6: a Role without metadata.name, which the API server refuses: write its name"),
    "a RoleBinding without name": (ROOK + PUBLIC.replace("  name: pullers\n", ""),
                                   "6: a RoleBinding without metadata.name, which the API server refuses: write its"
                                   " name"),
    # Go templates mark their parameters with {{ }}.
    "a role named by a Go template": (ROOK + binding("rook", "'{{ .Role }}'", "Group system:authenticated"),
                                      "14: roleRef.name '{{ .Role }}' is a template parameter, filled in when applied:"
                                      " write the value out"),
    "admin for every authenticated user": (ROOK + binding("rook", "admin", "Group system:authenticated", name="admins"),
                                           "6: RoleBinding 'admins' binds ClusterRole admin, whose rules are not in"
                                           " these folders, to Group system:authenticated: mirrorgen cannot tell"
                                           " whether it lets them pull the images of 'rook'; bind system:image-puller"
                                           " for that, or grant them nothing here"),
    # The role's nine lines come first: the binding starts at line 15.
    "a role the folder defines opening a namespace without folder": (
        ROOK + "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: rook-layers\nrules:\n"
        "- apiGroups: [image.openshift.io]\n  resources: [imagestreams/layers]\n  verbs: [get]\n---\n"
        + binding("elsewhere", "rook-layers", "Group system:authenticated", name="layer-readers"),
        "15: RoleBinding 'layer-readers' lets Group system:authenticated pull from namespace 'elsewhere', which no"
        " registry-access folder creates: mirrorgen records access per folder; move the binding into that"
        " namespace's folder"),
    # A List's item is reported in the List's file, at the item's line.
    "a binding inside a List opening a namespace without folder": (
        ROOK + "apiVersion: v1\nkind: List\nitems:\n- "
        + binding("elsewhere", "system:image-puller", "Group system:authenticated").replace("\n", "\n  "),
        "9: RoleBinding 'pullers' lets Group system:authenticated pull from namespace 'elsewhere', which no"
        " registry-access folder creates: mirrorgen records access per folder; move the binding into that"
        " namespace's folder"),
    # Of equally wide subjects the message names the first the binding lists.
    "two public subjects opening a namespace without folder": (
        ROOK + binding("elsewhere", "system:image-puller", "Group rook-team", "Group system:unauthenticated",
                       "User system:anonymous"),
        "6: RoleBinding 'pullers' lets Group system:unauthenticated pull from namespace 'elsewhere', which no"
        " registry-access folder creates: mirrorgen records access per folder; move the binding into that"
        " namespace's folder"),
}


@pytest.mark.parametrize("case", sorted(WHOLE_LINES))
def test_each_refusal_is_one_whole_line_at_its_line(case: str, tmp_path: Path) -> None:
    text, expected = WHOLE_LINES[case]
    assert f"rook/admin_rook.yaml:{expected}" in _refused(tmp_path, {"rook": {"admin_rook.yaml": text}})


def test_a_project_creates_its_namespace_and_empty_documents_are_skipped(tmp_path: Path) -> None:
    """applyconfig applies a Project as the Namespace it is (here with another name than the folder's), and skips
    an empty document (`---` twice, comments): the binding after them still opens the namespace."""
    project = "apiVersion: project.openshift.io/v1\nkind: Project\nmetadata:\n  name: rook-builds\n---\n"
    public = binding("rook-builds", "system:image-puller", "Group system:unauthenticated")
    levels = _levels(tmp_path, {"rook": {"admin_rook.yaml": project + "# nothing here\n---\n" + public}})
    assert levels["rook"] == "public"


def _reader_role(api_groups: str, resources: str, verbs: str) -> str:
    return ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: rook-layers\nrules:\n"
            f"- apiGroups: {api_groups}\n  resources: {resources}\n  verbs: {verbs}\n---\n")


# OpenShift's registry lets a user pull when RBAC allows `get` on `imagestreams/layers` in the image.openshift.io
# group (or the legacy "" group), as the system:image-puller ClusterRole grants; a wildcard covers each.
@pytest.mark.parametrize("api_groups, resources, verbs, level", [
    ("['']", "[imagestreams/layers]", "[get]", "authenticated"),
    ("[image.openshift.io]", "[imagestreams/layers]", "[get]", "authenticated"),
    ("['*']", "['*']", "['*']", "authenticated"),
    ("[apps]", "[imagestreams/layers]", "[get]", "mirror-only"),
    ("[image.openshift.io]", "[imagestreams]", "[get]", "mirror-only"),
    ("[image.openshift.io]", "[imagestreams/layers]", "[list]", "mirror-only"),
    # Not a list: the API server refuses such a role, so applying it grants nothing.
    ("image.openshift.io", "[imagestreams/layers]", "[get]", "mirror-only"),
])
def test_a_role_the_folder_defines_lets_pull_only_with_get_on_image_layers(tmp_path: Path, api_groups: str,
                                                                           resources: str, verbs: str,
                                                                           level: str) -> None:
    text = ROOK + _reader_role(api_groups, resources, verbs) + binding("rook", "rook-layers", "Group system:authenticated")
    assert _levels(tmp_path, {"rook": {"admin_rook.yaml": text}})["rook"] == level


def test_the_widest_of_several_everyone_subjects_counts(tmp_path: Path) -> None:
    wide = binding("rook", "system:image-puller", "Group system:authenticated", "User system:anonymous",
                   "Group rook-team")
    assert _levels(tmp_path, {"rook": {"admin_rook.yaml": ROOK + wide}})["rook"] == "public"
    elsewhere = binding("elsewhere", "system:image-puller", "Group system:authenticated", "Group system:unauthenticated")
    assert any("lets Group system:unauthenticated pull from namespace 'elsewhere'" in line
               for line in _refused(tmp_path / "2", {"rook": {"admin_rook.yaml": ROOK + elsewhere}}))


def test_only_folders_whose_own_name_starts_with_an_underscore_are_skipped(tmp_path: Path) -> None:
    """applyconfig skips a path with any part starting with `_` below the folder, however deep; the folder's own
    name (here ending with one) is not such a part."""
    wren = NAMESPACE.format(name="wren")
    levels = _levels(tmp_path, {"wren_": {
        "admin_wren.yaml": wren + binding("wren", "system:image-puller", "Group system:authenticated"),
        "more/_old/admin_public.yaml": binding("wren", "system:image-puller", "Group system:unauthenticated")}})
    assert levels["wren_"] == "authenticated"


@pytest.mark.parametrize("subjects", [("Group system:authenticated", "Group rook-team"),
                                      ("Group rook-team", "Group system:authenticated")])
def test_every_authenticated_user_is_wider_than_a_named_group_in_the_same_binding(tmp_path: Path,
                                                                                  subjects: tuple[str, ...]) -> None:
    text = ROOK + binding("rook", "system:image-puller", *subjects)
    assert _levels(tmp_path, {"rook": {"admin_rook.yaml": text}})["rook"] == "authenticated"


@pytest.mark.parametrize("subjects", ["", "subjects:\n", "subjects: null\n", "subjects: []\n"])
def test_a_binding_without_subjects_lets_nobody_pull(tmp_path: Path, subjects: str) -> None:
    """RBAC's subjects are optional (absent, null or empty); a binding without any grants its role to no one."""
    text = ROOK + binding("rook", "system:image-puller").replace("subjects:\n", subjects)
    assert _levels(tmp_path, {"rook": {"admin_rook.yaml": text}})["rook"] == "mirror-only"


def test_a_role_the_folder_defines_without_rules_lets_nobody_pull(tmp_path: Path) -> None:
    """`rules` is optional in RBAC (an aggregated ClusterRole has none of its own): such a role allows nothing."""
    role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: rook-layers\n---\n"
    text = ROOK + role + binding("rook", "rook-layers", "Group system:authenticated")
    assert _levels(tmp_path, {"rook": {"admin_rook.yaml": text}})["rook"] == "mirror-only"


def test_a_cluster_role_is_found_whatever_namespace_its_metadata_names(tmp_path: Path) -> None:
    """A ClusterRole is cluster-scoped: `oc apply` ignores a metadata.namespace on it, so a RoleBinding's roleRef
    still finds it by name alone."""
    role = _reader_role("[image.openshift.io]", "[imagestreams/layers]", "[get]").replace(
        "  name: rook-layers\n", "  name: rook-layers\n  namespace: rook\n")
    text = ROOK + role + binding("rook", "rook-layers", "Group system:authenticated")
    assert _levels(tmp_path, {"rook": {"admin_rook.yaml": text}})["rook"] == "authenticated"


def _legacy_binding(role_ref: str) -> str:
    return ("apiVersion: authorization.openshift.io/v1\nkind: RoleBinding\nmetadata:\n  name: pullers\n"
            f"  namespace: rook\nroleRef:\n{role_ref}subjects:\n- kind: SystemGroup\n  name: system:authenticated\n")


# The folder defines a Role and a ClusterRole of the same name; only the Role lets its subjects pull.
SAME_NAME_ROLES = (
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: rook-layers\n  namespace: rook\nrules:\n"
    "- apiGroups: [image.openshift.io]\n  resources: [imagestreams/layers]\n  verbs: [get]\n---\n"
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: rook-layers\nrules:\n"
    "- apiGroups: ['']\n  resources: [pods]\n  verbs: [get]\n---\n")


# OpenShift's legacy authorization.openshift.io RoleBinding has no roleRef.kind: its roleRef names the role's
# namespace for a Role of the binding's namespace, and none for a ClusterRole.
@pytest.mark.parametrize("role_ref, level", [
    ("  name: rook-layers\n  namespace: rook\n", "authenticated"),
    ("  name: rook-layers\n", "mirror-only"),
])
def test_a_legacy_binding_binds_the_role_its_roleref_namespace_says(tmp_path: Path, role_ref: str, level: str) -> None:
    text = ROOK + SAME_NAME_ROLES + _legacy_binding(role_ref)
    assert _levels(tmp_path, {"rook": {"admin_rook.yaml": text}})["rook"] == level


@pytest.mark.parametrize("kind, level", [("Role", "authenticated"), ("ClusterRole", "mirror-only")])
def test_a_binding_binds_the_role_of_the_kind_its_roleref_names(tmp_path: Path, kind: str, level: str) -> None:
    text = ROOK + SAME_NAME_ROLES + binding("rook", "rook-layers", "Group system:authenticated", kind=kind)
    assert _levels(tmp_path, {"rook": {"admin_rook.yaml": text}})["rook"] == level


def test_a_service_account_named_as_a_user_is_a_named_subject(tmp_path: Path) -> None:
    """`system:serviceaccount:<namespace>:<name>` is one service account's user name: mirror-only, unlike the
    `system:serviceaccounts` groups, which no level describes."""
    text = ROOK + binding("rook", "system:image-puller", "User system:serviceaccount:rook:image-puller")
    assert _levels(tmp_path, {"rook": {"admin_rook.yaml": text}})["rook"] == "mirror-only"
