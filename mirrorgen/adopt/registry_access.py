"""Import: who the hand-written registry-access folders of a release checkout let pull each namespace's images.

The manifests are read as the cluster gets them: applyconfig applies every `*.yaml` file of a folder whose name
does not start with `_`, in sub-folders too (except those starting with `_`), each document of it, and a
`kind: List` stands for its items (nested lists too). Every RoleBinding that lets subjects pull counts, whatever
its name, wherever it lies: `system:image-puller`, or a Role or ClusterRole the folders define whose rules allow
`get` on `imagestreams/layers`. The level is the widest such grant on the folder's namespace:
`system:unauthenticated` makes it public, `system:authenticated` authenticated, anything narrower (named service
accounts, groups, users) mirror-only. What cannot be read with certainty (a ClusterRoleBinding, an unknown kind, a
template, a role defined on the cluster bound to everyone, ...) is a problem at the file and line, never a guess.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional

import attrs
import yaml

from ..errors import Location, Problem

# Kinds that grant nothing by being applied (a role grants only through a binding, which is read).
_INERT_KINDS = frozenset({
    "Namespace", "Project", "ServiceAccount", "Group", "Role", "ClusterRole", "Secret", "ConfigMap", "CronJob", "Job",
    "Deployment", "ImageStream", "LimitRange", "ResourceQuota",
})
# The RBAC API, OpenShift's legacy one, and its older group-less form.
_RBAC_APIS = ("rbac.authorization.k8s.io/", "authorization.openshift.io/", "v1")
# Kinds whose name the reading uses; the API server refuses any object without one, so applyconfig fails on it.
_NAMED_KINDS = frozenset({"Namespace", "Project", "RoleBinding", "Role", "ClusterRole"})
PUBLIC, AUTHENTICATED, MIRROR_ONLY = "public", "authenticated", "mirror-only"
# Subjects that stand for everyone, and the level a pull grant to them makes.
_EVERYONE = {("Group", "system:unauthenticated"): PUBLIC, ("User", "system:anonymous"): PUBLIC,
             ("Group", "system:authenticated"): AUTHENTICATED}
# The legacy authorization.openshift.io kinds name the same subjects.
_SUBJECT_KINDS = {"Group": "Group", "SystemGroup": "Group", "User": "User", "SystemUser": "User",
                  "ServiceAccount": "ServiceAccount"}


class Uncertain(Exception):
    """The manifests cannot be read with certainty: the message says why and how to fix it."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@attrs.frozen
class _Object:
    file: str
    node: yaml.MappingNode

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def get(self, *path: str) -> Optional[yaml.Node]:
        node: Optional[yaml.Node] = self.node
        for key in path:
            node = _value(node, key)
        return node

    def text(self, *path: str) -> Optional[str]:
        """The text at `path` (None where it is absent); a templated value is uncertain."""
        node = self.get(*path)
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            raise Uncertain(node.start_mark.line + 1, f"{'.'.join(path)} must be a single value")
        if "${" in node.value or "{{" in node.value:
            raise Uncertain(node.start_mark.line + 1, f"{'.'.join(path)} {node.value!r} is a template parameter, filled"
                                                      f" in when applied: write the value out")
        return node.value


def _value(node: Optional[yaml.Node], key: str) -> Optional[yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for k, value in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


@attrs.frozen
class _Grant:
    """A RoleBinding that lets its subjects pull a namespace's images, or (`certain` false) binds a role defined
    on the cluster, which may or may not let them."""

    file: str
    line: int
    name: str
    namespace: str
    # (kind, name) of each subject, the legacy kinds made Group / User.
    subjects: tuple[tuple[str, str], ...]
    role: str = "ClusterRole system:image-puller"
    certain: bool = True

    def level(self) -> str:
        return max((_EVERYONE.get(subject, MIRROR_ONLY) for subject in self.subjects), key=_WIDTH.index, default=MIRROR_ONLY)


_WIDTH = [MIRROR_ONLY, AUTHENTICATED, PUBLIC]


def applied_files(files: Mapping[str, bytes], folder: str) -> list[str]:
    """The files of `folder` applyconfig applies: `*.yaml`, not starting with `_`, nor in a folder that does."""
    found = []
    for path in files:
        if path.startswith(folder + "/") and path.endswith(".yaml"):
            parts = path[len(folder) + 1:].split("/")
            if not any(part.startswith("_") for part in parts):
                found.append(path)
    return sorted(found)


_NOT_APPLIED = "which applyconfig cannot apply either: fix the file"


def _objects(file: str, data: bytes) -> Iterator[_Object]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Uncertain(data[: exc.start].count(b"\n") + 1, "not UTF-8 text, which applyconfig cannot apply either:"
                                                            " save it as UTF-8") from None
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.reader.ReaderError as exc:  # a control character, which go-yaml refuses too
        raise Uncertain(text[: exc.position].count("\n") + 1, f"not YAML (character U+{exc.character:04X} is not"
                                                               f" allowed), {_NOT_APPLIED}") from None
    except yaml.MarkedYAMLError as exc:  # PyYAML's scanner, parser and composer always give the problem's place
        raise Uncertain(exc.problem_mark.line + 1, f"not YAML ({exc.problem}), {_NOT_APPLIED}") from None
    for document in documents:
        if document is None or (isinstance(document, yaml.ScalarNode) and document.value == ""):
            continue  # an empty document: `---` twice, or a file of comments
        yield from _items(file, document)


def _items(file: str, node: yaml.Node) -> Iterator[_Object]:
    """The objects `node` stands for: itself, or a List's items (lists nest)."""
    if not isinstance(node, yaml.MappingNode):
        raise Uncertain(node.start_mark.line + 1, "a document that is no Kubernetes object (a mapping with kind and"
                                                  " metadata): mirrorgen cannot tell what applying it grants")
    obj = _Object(file, node)
    if obj.text("kind") != "List":
        yield obj
        return
    items = obj.get("items")
    if not isinstance(items, yaml.SequenceNode):
        raise Uncertain(obj.line, "a List without a list of `items`: write its objects under `items:`")
    for item in items.value:
        yield from _items(file, item)


def _grants_pull(rules: Optional[yaml.Node]) -> bool:
    """Whether a role's rules allow `get` on `imagestreams/layers`, what the registry asks of a puller."""
    for rule in rules.value if isinstance(rules, yaml.SequenceNode) else ():
        def listed(key: str, wanted: tuple[str, ...]) -> bool:
            values = _value(rule, key)
            return isinstance(values, yaml.SequenceNode) and any(
                isinstance(v, yaml.ScalarNode) and v.value in wanted for v in values.value)

        if (listed("apiGroups", ("", "image.openshift.io", "*")) and listed("resources", ("imagestreams/layers", "*"))
                and listed("verbs", ("get", "*"))):
            return True
    return False


class _Reading:
    """Every object of every registry-access folder, read once."""

    def __init__(self) -> None:
        self.namespaces: dict[str, list[tuple[str, _Object]]] = {}  # folder → its Namespace objects
        self.roles: dict[tuple[str, str, str], _Object] = {}  # (kind, namespace or "", name) → the role
        self.bindings: list[tuple[str, _Object]] = []  # (folder, binding)

    def add(self, folder: str, obj: _Object) -> None:
        kind, api = obj.text("kind"), obj.text("apiVersion") or ""
        if kind is None:
            raise Uncertain(obj.line, "an object without `kind`: mirrorgen cannot tell what applying it grants")
        if kind in _NAMED_KINDS and not obj.text("metadata", "name"):
            raise Uncertain(obj.line, f"a {kind} without metadata.name, which the API server refuses: write its name")
        if kind in ("Namespace", "Project"):
            self.namespaces.setdefault(folder, []).append((obj.text("metadata", "name"), obj))
        elif kind == "ClusterRoleBinding":
            raise Uncertain(obj.line, f"ClusterRoleBinding {obj.text('metadata', 'name')!r} grants its role in every"
                                      f" namespace, so mirrorgen cannot tell what it opens to whom here: grant it with a"
                                      f" RoleBinding in the namespace, or keep it out of the registry-access folders")
        elif kind == "Template":
            raise Uncertain(obj.line, "an OpenShift Template, whose parameters applyconfig fills in when it applies it:"
                                      " mirrorgen cannot tell who may pull; write the objects out")
        elif kind == "RoleBinding" and api.startswith(_RBAC_APIS):
            self.bindings.append((folder, obj))
        elif kind in ("Role", "ClusterRole") and api.startswith(_RBAC_APIS):
            namespace = obj.text("metadata", "namespace") if kind == "Role" else ""
            self.roles[(kind, namespace or "", obj.text("metadata", "name"))] = obj
        elif kind not in _INERT_KINDS:
            raise Uncertain(obj.line, f"{kind} ({api or 'no apiVersion'}) is no kind mirrorgen knows to grant nothing by"
                                      f" being applied, so it cannot tell who may pull: move it out of the"
                                      f" registry-access folder")

    def grant(self, binding: _Object) -> Optional[_Grant]:
        """The image-pull grant a RoleBinding makes, or None when it lets nobody pull."""
        name = binding.text("metadata", "name")  # never empty: add refused such a binding
        namespace = binding.text("metadata", "namespace")
        if not namespace:
            raise Uncertain(binding.line, f"RoleBinding {name!r} has no metadata.namespace, so it lands in whatever"
                                          f" namespace applyconfig's context has: write the namespace")
        subjects = tuple(self._subject(binding, index) for index in range(len(self._subject_nodes(binding))))
        role_kind, role_name = self._role(binding)
        if (role_kind, role_name) == ("ClusterRole", "system:image-puller"):
            return _Grant(binding.file, binding.line, name, namespace, subjects)
        role = self.roles.get((role_kind, namespace if role_kind == "Role" else "", role_name))
        if role is not None:
            return _Grant(binding.file, binding.line, name, namespace, subjects) if _grants_pull(role.get("rules")) else None
        # A role defined on the cluster (admin, view, ...): it matters only if it might open the namespace wider
        # than the certain grants do; a named team's or service account's role is not who may pull its images.
        return _Grant(binding.file, binding.line, name, namespace, subjects, f"{role_kind} {role_name}", certain=False)

    @staticmethod
    def _role(binding: _Object) -> tuple[str, str]:
        name = binding.text("roleRef", "name")
        if not name:
            raise Uncertain(binding.line, "a RoleBinding without roleRef.name: write the role it binds")
        kind = binding.text("roleRef", "kind")
        if kind is None:  # authorization.openshift.io: a role with a namespace is a Role there, else a ClusterRole
            kind = "Role" if binding.text("roleRef", "namespace") else "ClusterRole"
        if kind not in ("Role", "ClusterRole"):
            raise Uncertain(binding.line, f"roleRef.kind {kind!r} is neither Role nor ClusterRole")
        return kind, name

    @staticmethod
    def _subject_nodes(binding: _Object) -> list[yaml.Node]:
        subjects = binding.get("subjects")
        if subjects is None or subjects.tag == "tag:yaml.org,2002:null":  # `subjects:` alone is null: none, as absent
            return []
        if not isinstance(subjects, yaml.SequenceNode):
            raise Uncertain(subjects.start_mark.line + 1, "subjects must be a list")
        return subjects.value

    def _subject(self, binding: _Object, index: int) -> tuple[str, str]:
        node = self._subject_nodes(binding)[index]
        subject = _Object(binding.file, node) if isinstance(node, yaml.MappingNode) else None
        kind = _SUBJECT_KINDS.get(subject.text("kind") or "") if subject else None
        name = subject.text("name") if subject else None
        if kind is None or not name:
            raise Uncertain(node.start_mark.line + 1, "a subject mirrorgen cannot read: give it a kind (Group, User,"
                                                      " ServiceAccount) and a name")
        if (kind, name) not in _EVERYONE and name.startswith("system:") and not name.startswith("system:serviceaccount:"):
            raise Uncertain(node.start_mark.line + 1, f"{kind} {name!r} is a set of users no access level describes"
                                                      f" (public: system:unauthenticated, authenticated:"
                                                      f" system:authenticated, mirror-only: named subjects): bind one"
                                                      f" of those instead")
        return kind, name


def folder_access(files: Mapping[str, bytes], top: str, folders: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """folder → the access level its namespace's image-pull grants make, for the folders read with certainty;
    and a problem (file:line) for each folder that was not."""
    reading, problems, failed = _Reading(), [], set()

    def attempt(folder: str, file: str, step: Any, *args: Any) -> Any:
        try:
            return step(*args)
        except Uncertain as uncertain:
            problems.append(Problem(Location(file, uncertain.line), str(uncertain)))
            failed.add(folder)
            return None

    for folder in folders:
        for file in applied_files(files, f"{top}/{folder}"):
            objects = attempt(folder, file, lambda: list(_objects(file, files[file])))
            for obj in objects or ():
                attempt(folder, file, reading.add, folder, obj)
    namespace_of: dict[str, str] = {}
    for folder in folders:
        names = list(dict.fromkeys(name for name, _ in reading.namespaces.get(folder, [])))
        if len(names) > 1:
            second = next(obj for name, obj in reading.namespaces[folder] if name == names[1])
            problems.append(Problem(Location(second.file, second.line),
                                    f"the folder creates namespaces {names[0]!r} and {names[1]!r}, and mirrorgen records"
                                    f" one access level per folder: give each namespace its own folder"))
            failed.add(folder)
        namespace_of[folder] = names[0] if names else folder
    # Folders may create the same namespace (a renamed folder left behind): each records its level.
    folders_of: dict[str, list[str]] = {}
    for folder, namespace in namespace_of.items():
        folders_of.setdefault(namespace, []).append(folder)
    known = {namespace: MIRROR_ONLY for namespace in folders_of}
    grants = [(folder, grant) for folder, binding in reading.bindings
              if (grant := attempt(folder, binding.file, reading.grant, binding)) is not None]
    for folder, grant in grants:
        if grant.certain and grant.namespace in known:
            known[grant.namespace] = max(known[grant.namespace], grant.level(), key=_WIDTH.index)
    for folder, grant in grants:
        if _WIDTH.index(grant.level()) <= _WIDTH.index(known.get(grant.namespace, MIRROR_ONLY)):
            continue  # opens the namespace no wider than it is known to be
        if not grant.certain:
            problems.append(Problem(Location(grant.file, grant.line),
                                    f"RoleBinding {grant.name!r} binds {grant.role}, whose rules are not in these folders,"
                                    f" to {_everyone_in(grant)}: mirrorgen cannot tell whether it lets them pull the"
                                    f" images of {grant.namespace!r}; bind system:image-puller for that, or grant them"
                                    f" nothing here"))
        else:
            problems.append(Problem(Location(grant.file, grant.line),
                                    f"RoleBinding {grant.name!r} lets {_everyone_in(grant)} pull from namespace"
                                    f" {grant.namespace!r}, which no registry-access folder creates: mirrorgen records"
                                    f" access per folder; move the binding into that namespace's folder"))
        failed.update([folder, *folders_of.get(grant.namespace, ())])
    return {folder: known[namespace_of[folder]] for folder in folders if folder not in failed}, problems


def _everyone_in(grant: _Grant) -> str:
    kind, name = max((s for s in grant.subjects if s in _EVERYONE), key=lambda s: _WIDTH.index(_EVERYONE[s]))
    return f"{kind} {name}"
