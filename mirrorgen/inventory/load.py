"""Load: inventory files → Inventory, or InvalidInventory listing every file:line problem at once."""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any, Mapping

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_mapping_structure_fn, override

from ..errors import InvalidInventory, Location, MirrorgenError, Problem, Severity
from .characters import file_name_problem
from .model import (
    Access, ImagesFile, Inventory, KnownDefects, MappingFile, MappingLine, NamespacesFile, Org, QciAccess, Settings,
    defect_severity,
)
from .refs import DNS1123_LABEL_RULE, dns1123_hint, is_dns1123_label
from .yamlsource import SourceMap, parse_yaml

SETTINGS_FILE = "mirrorgen.yaml"
NAMESPACES_FILE = "namespaces.yaml"
QCI_FILE = "qci.yaml"
ORGS_DIR = "orgs"
IMAGES_FILE = "images.yaml"
KNOWN_DEFECTS_FILE = "known-defects.yaml"
KNOWN_TOP_FILES = (SETTINGS_FILE, NAMESPACES_FILE, QCI_FILE, IMAGES_FILE, KNOWN_DEFECTS_FILE)


def _type_name(value: Any) -> str:
    return {str: "text", bool: "true/false", int: "a number", float: "a number", type(None): "nothing", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)


def _strict_str(value: Any, _: type) -> str:
    if isinstance(value, str):
        return value
    hint = "; put it in quotes" if isinstance(value, (int, float, bool)) else ""
    raise TypeError(f"expected text, got {_type_name(value)} ({value!r}){hint}")


def _strict_bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"expected true or false, got {value!r}")


def _strict_int(value: Any, _: type) -> int:
    # cattrs' own int hook calls int(), which takes "1000", 5.7 and true.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    hint = "; write it without quotes" if isinstance(value, str) and value.strip().isdigit() else ""
    raise TypeError(f"expected a whole number, got {_type_name(value)} ({value!r}){hint}")


def _strict_str_tuple(value: Any, _: type) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {_type_name(value)}; write one item per `- ` line")
    return tuple(_strict_str(item, str) for item in value)


def _str_or_str_tuple(value: Any, _: type) -> str | tuple[str, ...]:
    return _strict_str(value, str) if not isinstance(value, list) else _strict_str_tuple(value, tuple)


def _access(value: Any, _: type) -> Access:
    try:
        return Access(value)
    except ValueError:
        choices = ", ".join(a.value for a in Access)
        raise ValueError(f"access must be one of {choices}, not {value!r}") from None


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook_func(lambda t: t == tuple[str, ...], _strict_str_tuple)
    converter.register_structure_hook_func(lambda t: t == str | tuple[str, ...], _str_or_str_tuple)
    converter.register_structure_hook(Access, _access)

    def mapping_hook(tp: type) -> Any:
        structure = make_mapping_structure_fn(tp, converter)

        def structure_mapping(value: Any, tp: type) -> Any:
            if not isinstance(value, dict):
                raise TypeError(f"expected a mapping of names to settings, got {_type_name(value)}")
            return structure(value, tp)

        return structure_mapping

    converter.register_structure_hook_factory(lambda t: typing.get_origin(t) is dict, mapping_hook)

    def attrs_hook(cls: type) -> Any:
        omitted = {f.name: override(omit=True) for f in attrs.fields(cls) if f.metadata.get("by_loader")}
        structure = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True, **omitted)

        def structure_mapping(value: Any, tp: type) -> Any:
            # Without this, a list or an empty value where settings belong fails deep inside cattrs with
            # "'list' object has no attribute 'keys'".
            if not isinstance(value, dict):
                raise TypeError(f"expected a mapping of settings, got {_type_name(value)}; write `key: value` lines"
                                f" (`{{}}` for none)")
            return structure(value, tp)

        return structure_mapping

    converter.register_structure_hook_factory(attrs.has, attrs_hook)
    return converter


_converter = _make_converter()


def yaml_keys(cls: type) -> list[str]:
    """The keys a YAML mapping for `cls` may hold, those the loader reads itself (`mappings:`) included."""
    return [f.name for f in attrs.fields(cls) if not f.metadata.get("by_loader") or f.metadata.get("yaml_key")]


def _problems(exc: BaseException, path: tuple, cls: type, source: SourceMap) -> list[Problem]:
    """Turn a cattrs error tree into one problem per leaf, each at the line of the value at fault."""
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = yaml_keys(exc.cl)
        found = []
        for key in sorted(exc.extra_fields):
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"allowed keys: {', '.join(allowed)}"
            found.append(Problem(source.locate(path + (key,), key=True), f"unknown key '{key}' ({hint})"))
        return found
    if isinstance(exc, BaseExceptionGroup):
        found = []
        for sub in exc.exceptions:
            sub_path, sub_cls = path, cls
            for note in getattr(sub, "__notes__", []):
                if isinstance(note, IterableValidationNote):
                    sub_path = path + (note.index,)
                    sub_cls = _attrs_class_in(note.type)
                elif hasattr(note, "name"):
                    sub_path = path + (note.name,)
                    field_type = attrs.fields_dict(cls).get(note.name).type if attrs.has(cls) else None
                    sub_cls = _attrs_class_in(field_type)
            found.extend(_problems(sub, sub_path, sub_cls, source))
        return found
    if isinstance(exc, KeyError):
        name = path[-1] if path else exc.args[0]
        # At the key that owns the mapping (`acme-ci:`), not at the mapping's first line, which may be any other key.
        return [Problem(source.locate(path[:-1], key=True), f"missing required key '{name}'")]
    return [Problem(source.locate(path), f"{'.'.join(map(str, path)) or 'value'}: {exc}")]


def _attrs_class_in(tp: Any) -> Any:
    """The attrs class a field holds directly or as dictionary values (for naming allowed keys)."""
    if isinstance(tp, type) and attrs.has(tp):
        return tp
    for arg in typing.get_args(tp):
        found = _attrs_class_in(arg)
        if found is not None:
            return found
    return None


def _structure(data: Any, cls: type, source: SourceMap) -> Any:
    try:
        return _converter.structure(data, cls)
    except Exception as exc:  # cattrs raises many kinds; every one becomes a file:line problem
        raise InvalidInventory(_problems(exc, (), cls, source)) from None


def _mapping_files(raw: Any, source: SourceMap) -> tuple[tuple[MappingFile, ...], list[Problem]]:
    if raw is None:
        return (), []
    if not isinstance(raw, dict):
        return (), [Problem(source.locate(("mappings",)), "mappings must map each file name to a `|` text block of lines")]
    files, problems = [], []
    for name, text in raw.items():
        path = ("mappings", name)
        if not isinstance(text, str):
            problems.append(Problem(source.locate(path), f"mapping file '{name}' must be a `|` text block of `SRC DST [DST ...]` lines"))
            continue
        pieces = text.split("\n") if text else []
        if text.endswith("\n"):
            pieces.pop()
        first = source.content_lines.get(path)
        # A text whose lines are not the file's lines one for one: each line is at least in the value that starts here.
        numbers = range(first, first + len(pieces)) if first is not None else [source.value_lines[path]] * len(pieces)
        lines = tuple(MappingLine(number, line) for number, line in zip(numbers, pieces))
        files.append(MappingFile(name, lines, source.locate(path, key=True), text))
    return tuple(files), problems


def parse_org(name: str, file: str, content: bytes, sources: dict[str, SourceMap] | None = None) -> tuple[Org, SourceMap]:
    """The org in `file`; its SourceMap also goes into `sources` as soon as the YAML parses, so that rules over
    raw values (credentials, control characters) still see a file whose structure is wrong."""
    data, source = parse_yaml(content, file)
    if sources is not None:
        sources[file] = source
    data = dict(data)  # source.data keeps the mappings that are taken out here
    files, problems = _mapping_files(data.pop("mappings", None), source)
    try:
        org = _structure(data, Org, source)
    except InvalidInventory as invalid:
        raise InvalidInventory(problems + invalid.problems) from None
    if problems:
        raise InvalidInventory(problems)
    return attrs.evolve(org, mappings=files, name=name, file=file), source


def parse_inventory(files: Mapping[str, bytes]) -> Inventory:
    """Build the Inventory from file contents keyed by path relative to the inventory root (pure)."""
    problems: list[Problem] = []
    sources: dict[str, SourceMap] = {}

    def attempt(parse: Any, *args: Any) -> Any:
        try:
            return parse(*args)
        except InvalidInventory as invalid:
            problems.extend(invalid.problems)
            return None

    def read_top(name: str, cls: type) -> Any:
        if name not in files:
            return None
        data, source = parse_yaml(files[name], name)
        sources[name] = source
        return _structure(data, cls, source)

    if SETTINGS_FILE not in files:
        raise InvalidInventory([Problem(Location(SETTINGS_FILE), "no global settings file: is --config the inventory directory? (create mirrorgen.yaml, `{}` for defaults)")])
    settings = attempt(read_top, SETTINGS_FILE, Settings) or Settings()
    namespaces_file = attempt(read_top, NAMESPACES_FILE, NamespacesFile) or NamespacesFile()
    namespaces = tuple(attrs.evolve(ns, name=name) for name, ns in sorted(namespaces_file.namespaces.items()))
    qci = attempt(read_top, QCI_FILE, QciAccess)
    if qci is not None:
        qci = attrs.evolve(
            qci,
            groups={name: attrs.evolve(g, name=name) for name, g in qci.groups.items()},
            integrations={name: attrs.evolve(i, name=name) for name, i in qci.integrations.items()},
        )

    known_defects = attempt(read_top, KNOWN_DEFECTS_FILE, KnownDefects)
    orgs = []
    unknown: set[str] = set()
    for path in sorted(files):
        bad_name = file_name_problem(path)
        if bad_name:
            problems.append(Problem(Location(path), bad_name))
            continue
        top, slash, below = path.partition("/")
        if top.startswith("."):
            continue  # hidden: version control and tools keep their files there
        if top == ORGS_DIR and slash:
            org = _org_file(path, below, files[path], settings, known_defects, sources, problems)
            if org is not None:
                orgs.append(org)
        elif top == ORGS_DIR:
            problems.append(Problem(Location(path), f"{ORGS_DIR} must be a folder holding one <org>.yaml per organisation;"
                                                    f" move the file aside and make {ORGS_DIR}/ a folder"))
        elif top not in KNOWN_TOP_FILES or slash:
            unknown.add(top + slash)
    problems.extend(_unknown_entry(entry) for entry in sorted(unknown))
    if not any(path == ORGS_DIR or path.startswith(ORGS_DIR + "/") for path in files):
        # Every generated file comes from an org: generating without any would remove them all.
        problems.append(Problem(Location(ORGS_DIR + "/"), f"the inventory declares no org: add {ORGS_DIR}/<org>.yaml, one"
                                                          f" per destination organisation (is --config the inventory"
                                                          f" directory?)"))
    images = attempt(read_top, IMAGES_FILE, ImagesFile)
    inventory = Inventory(settings, tuple(orgs), namespaces, sources, qci=qci, images=images, known_defects=known_defects)
    if problems:
        raise InvalidInventory(problems, partial=inventory)
    return inventory


def _org_file(path: str, filename: str, content: bytes, settings: Settings, known_defects: KnownDefects | None,
              sources: dict[str, SourceMap], problems: list[Problem]) -> Org | None:
    """The org in orgs/<filename>, or None with the reasons in `problems`."""
    if "/" in filename:
        problems.append(Problem(Location(path), f"org files go directly in {ORGS_DIR}/ (one <org>.yaml each), not in"
                                                f" sub-folders; move it up or remove it"))
        return None
    stem, dot, ext = filename.rpartition(".")
    if ext != "yaml" or not dot:
        problems.append(Problem(Location(path), f"files in {ORGS_DIR}/ must be <org>.yaml (one per organisation); rename"
                                                f" or remove it"))
        return None
    try:
        org, _ = parse_org(stem, path, content, sources)
    except InvalidInventory as invalid:
        problems.extend(invalid.problems)
        return None
    known = known_defects.known_defects if known_defects else ()
    if (not is_dns1123_label(stem) and defect_severity(settings) is Severity.ERROR
            and not any((d.code, d.file, d.subject) == ("org-name-not-dns1123", path, stem) for d in known)):
        # The org name becomes the job name, the secret name and the file prefix: left in, every one of them
        # would be reported too, the first at the global default in mirrorgen.yaml.
        problems.append(Problem(Location(path), f"org name {stem!r} (the file name) is not a DNS-1123 label"
                                                f" ({DNS1123_LABEL_RULE}): rename the file to"
                                                f" {ORGS_DIR}/{dns1123_hint(stem)}.yaml"))
        return None
    return org


def _unknown_entry(entry: str) -> Problem:
    """An entry of the inventory directory that is none of its files or folders (`entry` ends in / for a folder)."""
    known = [*KNOWN_TOP_FILES, ORGS_DIR + "/"]
    near = difflib.get_close_matches(entry, known, n=1)
    hint = (f"did you mean {near[0]}?" if near else
            f"the inventory holds only {', '.join(known)}, and ignores names starting with '.': move it elsewhere or"
            f" rename it")
    return Problem(Location(entry), f"unknown entry; {hint}")


def empty_inventory() -> Inventory:
    """The inventory of a repository that has none yet (the base of `plan` when adopting mirrorgen): it declares
    nothing, which parse_inventory refuses."""
    return Inventory(Settings(), (), (), {})


def read_inventory_files(config_dir: Path) -> dict[str, bytes]:
    """Shell side of loading: every regular file under the inventory directory, by relative path."""
    if not config_dir.is_dir():
        raise MirrorgenError(f"{config_dir}: no such inventory directory (pass --config DIR)")
    found = {}
    for path in sorted(config_dir.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(config_dir).parts):
            found[path.relative_to(config_dir).as_posix()] = path.read_bytes()
    return found


def load_inventory(config_dir: str | Path = "config") -> Inventory:
    """Read and structure the inventory under `config_dir`. Raises InvalidInventory (file:line problems)."""
    return parse_inventory(read_inventory_files(Path(config_dir)))
