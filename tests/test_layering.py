"""The house rules of the package (issue 17): imports flow one way, from the inventory to the command line; no module
is over about 400 lines; the package holds at most a dozen files directly; every folder says its role in one line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "mirrorgen"
# The direction of data. A module may import its own part (folder or top-level module) and the parts of earlier
# layers. The parts of one layer are siblings, which never import each other, except in the base layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("mirrorgen._compat", "mirrorgen._fork", "mirrorgen.errors", "mirrorgen.manifest", "mirrorgen.output",
     "mirrorgen.provenance"),
    ("mirrorgen.inventory",),
    ("mirrorgen.rules", "mirrorgen.artifacts"),
    ("mirrorgen.plan",),
    ("mirrorgen.tree",),
    ("mirrorgen.review", "mirrorgen.registry", "mirrorgen.adopt"),
    ("mirrorgen.cli",),
    ("mirrorgen", "mirrorgen.__main__"),  # the public API (imported lazily) and `python -m mirrorgen`
)
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}
MAX_LINES = 400
MAX_TOP_FILES = 12


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_under(root: Path) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted((root / "mirrorgen").rglob("*.py"))}


MODULES = modules_under(REPO)


def part_of(module: str) -> str:
    """The folder or top-level module a module belongs to: mirrorgen.rules.jobs → mirrorgen.rules."""
    return ".".join(module.split(".")[:2])


def imports(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[int, str]]:
    """(line, module) of every mirrorgen import in the file, those inside functions included; `from X import name`
    counts as X.name where that is a module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            found += [(node.lineno, f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
                      for alias in node.names]
    return list(dict.fromkeys((line, name) for line, name in found if name.split(".")[0] == "mirrorgen"))


def wrong_way(module: str, imported: str) -> str | None:
    """Why `module` may not import `imported`, or None."""
    own, other = part_of(module), part_of(imported)
    if own == other:
        return None
    for part in (own, other):
        if part not in RANK:
            return f"{part} has no place in LAYERS (tests/test_layering.py): give it one"
    if RANK[other] < RANK[own] or RANK[own] == RANK[other] == 0:
        return None
    if RANK[other] == RANK[own]:
        return f"{own} and {other} are siblings, which never import each other"
    return f"{other} comes after {own} in the direction of data"


def import_problems(root: Path) -> list[str]:
    modules = modules_under(root)
    return [f"{path.relative_to(root)}:{line} imports {imported}: {why}"
            for module, path in modules.items() for line, imported in imports(module, path, modules)
            if (why := wrong_way(module, imported))]


def test_imports_flow_one_way() -> None:
    problems = import_problems(REPO)
    assert not problems, "imports against the direction of data:\n" + "\n".join(problems)


def test_a_wrong_way_import_is_named_even_inside_a_function(tmp_path: Path) -> None:
    """The check itself: an import from rules/ into its sibling artifacts/, and a lazy one of the command line."""
    planted = tmp_path / "mirrorgen/rules/planted.py"
    planted.parent.mkdir(parents=True)
    (tmp_path / "mirrorgen/artifacts").mkdir()
    (tmp_path / "mirrorgen/artifacts/rbac.py").write_text("")
    planted.write_text("from ..artifacts.rbac import RBAC_API\nfrom ..inventory import model\n\n\n"
                       "def f():\n    from mirrorgen.cli import main\n")
    assert import_problems(tmp_path) == [
        "mirrorgen/rules/planted.py:1 imports mirrorgen.artifacts.rbac: mirrorgen.rules and mirrorgen.artifacts are"
        " siblings, which never import each other",
        "mirrorgen/rules/planted.py:6 imports mirrorgen.cli: mirrorgen.cli comes after mirrorgen.rules in the"
        " direction of data",
    ]


def test_every_part_of_the_package_has_a_layer() -> None:
    assert sorted({part_of(module) for module in MODULES} - set(RANK)) == []


def test_no_module_is_over_400_lines() -> None:
    long = {str(path.relative_to(REPO)): count for path in MODULES.values()
            if (count := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}, f"split these modules (at most {MAX_LINES} lines each)"


def test_the_package_holds_at_most_a_dozen_files_directly() -> None:
    files = sorted(path.name for path in PACKAGE.iterdir() if path.is_file())
    assert len(files) <= MAX_TOP_FILES, files


@pytest.mark.parametrize("package", sorted(path.parent.relative_to(REPO).as_posix()
                                           for path in PACKAGE.rglob("__init__.py")))
def test_each_package_says_its_role_in_one_line(package: str) -> None:
    docstring = ast.get_docstring(ast.parse((REPO / package / "__init__.py").read_text())) or ""
    first, _, rest = docstring.partition("\n")
    assert first.strip() and len(first) <= 120, f"{package}: no one-line role: {first!r}"
    if package != "mirrorgen":  # the root's docstring goes on with an example of the public API
        assert not rest.strip(), f"{package}: the docstring says more than one line"
