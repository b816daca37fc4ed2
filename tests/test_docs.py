"""The documentation renders as written: code fences are closed, relative links lead to files, and the versions it
tells people to pin exist (issue 13, item 16)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("**/*.md"))]
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def fence_problems(text: str) -> list[str]:
    """CommonMark's rule: a fence closes with the same character, at least as long, and no info string after it."""
    problems, open_at, opener = [], 0, ""
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if not match:
            continue
        fence, info = match.groups()
        if not open_at:
            open_at, opener = number, fence
        elif fence[0] == opener[0] and len(fence) >= len(opener) and not info.strip():
            open_at = 0
        elif info.strip():
            # Inside a block this is text; written as an opening fence, it means the block above was never closed.
            problems.append(f"line {number}: {line.strip()!r} opens a block inside the one opened at line {open_at}")
    if open_at:
        problems.append(f"the block opened at line {open_at} is never closed")
    return problems


def outside_code_blocks(text: str) -> str:
    kept, inside = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            inside = not inside
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def outside_code(text: str) -> str:
    """The prose: outside fenced blocks, without code spans."""
    return re.sub(r"`[^`\n]*`", "", outside_code_blocks(text))


def test_fence_rule_finds_an_unclosed_block() -> None:
    assert fence_problems("```yaml\na: 1\n```\n") == []
    assert fence_problems("```yaml\na: 1\n\n## Next\n```sh\nx\n```\n") == [
        "line 5: '```sh' opens a block inside the one opened at line 1"]
    assert fence_problems("```\na\n") == ["the block opened at line 1 is never closed"]


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(REPO).as_posix() for d in DOCS])
def test_code_fences_are_balanced(doc: Path) -> None:
    assert fence_problems(doc.read_text()) == []


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(REPO).as_posix() for d in DOCS])
def test_relative_links_lead_to_files(doc: Path) -> None:
    for target in LINK.findall(outside_code(doc.read_text())):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a URL or an anchor of the same page
        path = (doc.parent / target.split("#")[0]).resolve()
        assert path.exists() and path.is_relative_to(REPO), f"{doc.name}: link to {target} leads nowhere"


def test_pinned_versions_exist() -> None:
    """A `rev:` or `@vX.Y.Z` the docs tell people to pin must be a tag of this repository."""
    tags = set(subprocess.run(["git", "tag", "--list"], cwd=REPO, capture_output=True, text=True).stdout.split())
    text = "\n".join(doc.read_text() for doc in DOCS)
    named = set(re.findall(r"rev: (v[0-9][^\s#]*)", text)) | set(re.findall(r"mirrorgen@(v[0-9][^\s#`]*)", text))
    assert named <= tags, f"the docs pin versions that are not tags: {sorted(named - tags)}"


# --- The docs as a whole: a front page, pages reachable from it, anchors that exist (issue 17, part 3) ---

README = REPO / "README.md"
PAGES = sorted((REPO / "docs").glob("*.md"))


def linked_pages(doc: Path) -> set[Path]:
    return {(doc.parent / target.split("#")[0]).resolve() for target in LINK.findall(outside_code(doc.read_text()))
            if target.split("#")[0].endswith(".md") and not re.match(r"[a-z][a-z0-9+.-]*:", target)}


def test_the_readme_is_a_front_page() -> None:
    text = README.read_text()
    assert len(text.splitlines()) < 250
    sections = re.findall(r"^## (.+)$", text, re.M)
    assert sections[:5] == ["Set up", "A five-minute tour", "The inventory", "Commands at a glance", "The library"]
    built = text.split("\n## How it is built\n", 1)[1].split("\n## ", 1)[0]
    assert "(docs/architecture.md)" in built and "concern" in built and "family" in built


def test_every_docs_page_is_linked_from_the_readme() -> None:
    assert PAGES, "docs/ holds no page"
    assert set(PAGES) <= linked_pages(README), sorted(p.name for p in set(PAGES) - linked_pages(README))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_each_page_starts_by_saying_what_it_covers(page: Path) -> None:
    title, blank, first, *_ = page.read_text().splitlines()
    assert title.startswith("# ") and blank == "" and first.startswith("This page "), page.name


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped, spaces to `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_slug_is_githubs() -> None:
    assert slug("Defects and the baseline (`known-defects.yaml`)") == "defects-and-the-baseline-known-defectsyaml"
    assert slug("Registry access levels: the trade-off") == "registry-access-levels-the-trade-off"


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(REPO).as_posix() for d in DOCS])
def test_anchors_of_links_exist(doc: Path) -> None:
    for target in LINK.findall(outside_code(doc.read_text())):
        path, _, anchor = target.partition("#")
        if not anchor or re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue
        linked = (doc.parent / path).resolve() if path else doc
        headings = [line.lstrip("#") for line in outside_headings(linked.read_text())]
        assert anchor in {slug(h) for h in headings}, f"{doc.name}: link to {target}: no such heading"


def outside_headings(text: str) -> list[str]:
    kept, inside = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            inside = not inside
        elif not inside and line.startswith("#"):
            kept.append(line)
    return kept


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(info string, content) of every fenced block, in order."""
    found, current, kind = [], None, ""
    for line in text.splitlines():
        match = FENCE.match(line)
        if match and current is None:
            current, kind = [], match.group(2).strip()
        elif match:
            found.append((kind, "\n".join(current)))
            current = None
        elif current is not None:
            current.append(line)
    return found


def fenced(doc: Path, info: str) -> list[str]:
    return [content for kind, content in fenced_blocks(doc.read_text()) if kind == info]


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(REPO).as_posix() for d in DOCS])
def test_yaml_examples_parse(doc: Path) -> None:
    import yaml

    for block in fenced(doc, "yaml"):
        yaml.safe_load(block)


# --- The command reference names every command and option the command line has ---

COMMANDS_PAGE = REPO / "docs/commands.md"


def cli_commands() -> list[str]:
    from conftest import run_cli

    usage = run_cli("--help").stdout
    return re.findall(r"^    ([a-z]+)  ", usage, re.M)


def test_every_command_and_option_is_in_the_reference_and_on_the_front_page() -> None:
    from conftest import run_cli

    commands = cli_commands()
    assert "generate" in commands and "check" in commands
    synopsis = fenced(COMMANDS_PAGE, "")[0].splitlines()
    readme = README.read_text()
    for command in commands:
        line = next((s for s in synopsis if s.startswith(f"mirrorgen {command} ")), None)
        assert line, f"docs/commands.md: no synopsis line for `mirrorgen {command}`"
        usage = run_cli(command, "--help").stdout.split("\n\n")[0]
        options = set(re.findall(r"--[a-z][a-z-]*", usage)) - {"--help"}
        assert options <= set(re.findall(r"--[a-z][a-z-]*", line)), (command, options)
        assert f"| `mirrorgen {command}" in readme, f"README: `mirrorgen {command}` missing from the commands table"
        assert f"\n## {command}\n" in COMMANDS_PAGE.read_text(), f"docs/commands.md: no section for {command}"


# --- The errors-for-people table: every message is one mirrorgen prints ---

HOSTILE = REPO / "tests/hostile"


def table_messages(page: Path, title: str) -> list[tuple[str, str]]:
    """(bad input, message) rows of the table under `## title`; a row may name two messages ("`a` and `b`")."""
    text = page.read_text().split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in text.splitlines():
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 2 and cells[1].startswith("`"):
            for message in cells[1][1:-1].split("` and `"):
                rows.append((cells[0], message))
    return rows


def message_pattern(message: str) -> re.Pattern[str]:
    """The documented message with `…` standing for any text, optionally after the inventory folder's name."""
    return re.compile("(?:config/)?" + ".*".join(re.escape(part) for part in message.split("…")))


def corpus_lines() -> list[str]:
    return [line.removeprefix("CONFIG/") for expected in sorted(HOSTILE.glob("*/EXPECTED"))
            for line in expected.read_text(encoding="utf-8").splitlines()]


def _org(text: str) -> dict[str, str | None]:
    return {"orgs/acme.yaml": text}


# The rows no case of tests/hostile shows: the input that gets each message, made here and run through the CLI.
SITUATIONS: dict[str, tuple[dict[str, str | None], tuple[str, ...]]] = {
    "`orgs/` renamed `org/`": ({"orgs/acme.yaml": None, "org/acme.yaml": "destination: quay.io/acme\n"}, ("generate",)),
    "org file in capitals": ({"orgs/acme.yaml": None, "orgs/Acme.yaml": "destination: quay.io/acme\n"}, ("generate",)),
    "TAB indentation": (_org("destination: quay.io/acme\nowners:\n\tapprovers: [alice]\n"), ("generate",)),
    "a mapping line out of its `|` block": (_org(
        "destination: quay.io/acme\nmappings:\n  mapping_acme_tools: |\n"
        "    registry.ci.openshift.org/acme-ci/a:1 quay.io/acme/a:1\n  registry.ci.openshift.org/acme-ci/b:1 quay.io/acme/b:1\n"),
        ("generate",)),
    "`: ` in a plain value": ({"namespaces.yaml": "namespaces:\n  acme-ci:\n    access: authenticated\n"
                                                  "    description: Images: the public ones\n"}, ("generate",)),
    "output is a file": ({}, ("output-is-a-file",)),
    "`check` before any `generate`": ({}, ("check",)),
    "symlinked folder in the output": ({}, ("symlinked-folder",)),
}


def printed_for(situation: str, tmp_path: Path) -> list[str]:
    from conftest import MINIMAL, run_cli, write_tree

    changes, (action,) = SITUATIONS[situation]
    write_tree(tmp_path / "config", {**MINIMAL, **changes})
    if action == "output-is-a-file":
        (tmp_path / "out").write_text("")
    if action == "symlinked-folder":
        assert run_cli("generate", "--config", "config", "--output", "out", cwd=tmp_path).returncode == 0
        shutil.rmtree(tmp_path / "out/core-services/image-mirroring/acme")
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "out/core-services/image-mirroring/acme").symlink_to(tmp_path / "elsewhere")
    command = "check" if action == "check" else "generate"
    result = run_cli(command, "--config", "config", "--output", "out", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    return result.stderr.splitlines()


ERROR_ROWS = table_messages(COMMANDS_PAGE, "Errors for people")


@pytest.mark.parametrize("bad_input, message", ERROR_ROWS, ids=[f"{row}: {m[:30]}" for row, m in ERROR_ROWS])
def test_each_documented_message_is_printed_for_its_bad_input(bad_input: str, message: str, tmp_path: Path) -> None:
    pattern = message_pattern(message)
    if any(pattern.fullmatch(line) for line in corpus_lines()):
        return  # test_hostile_corpus.py runs that case and finds this line in what the command line prints
    assert bad_input in SITUATIONS, f"'{bad_input}': no hostile case prints {message!r}; add one, or fix the message"
    printed = printed_for(bad_input, tmp_path)
    assert any(pattern.fullmatch(line) for line in printed), printed


def test_the_error_table_is_found() -> None:
    assert len(ERROR_ROWS) >= 25


# --- Every part of mirrorgen the docs name exists: paths, dotted names, the layout (issue 17, part 3) ---

PACKAGE = REPO / "mirrorgen"
PARTS = sorted(p.stem for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists())
FOLDERS = [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()]
NOT_NAMES = ("yaml", "yml", "json", "md", "py", "txt", "j2")  # mirrorgen.yaml is a file of the inventory


def named_paths(text: str) -> set[str]:
    """Repository paths (`mirrorgen/…`, `tests/…`, `benchmarks/…`, `templates/…`) and paths inside the package
    written from one of its folders (`rules/__init__.py`), the latter returned under `mirrorgen/`."""
    found = {m.rstrip(".") for m in re.findall(r"(?<![\w./-])(?:mirrorgen|tests|benchmarks|templates)/[\w./-]*", text)}
    inside = re.findall(rf"(?<![\w./-])(?:{'|'.join(FOLDERS)})/[\w.]*(?![\w/<-])", text)
    return {p for p in found | {f"mirrorgen/{m.rstrip('.')}" for m in inside} if "<" not in p}


def named_objects(text: str) -> set[str]:
    """`mirrorgen.x.y` anywhere, and `part.name` in code spans (`plan.CHECKS`) read as `mirrorgen.part.name`.
    A span starting `registry.` is a host (registry.ci.openshift.org) more often than the registry/ folder, so
    the docs write that folder's names in full (`mirrorgen.registry.…`)."""
    names = set(re.findall(r"(?<![\w./-])mirrorgen(?:\.[A-Za-z_]\w*)+", text))
    parts = "|".join(p for p in PARTS if p != "registry")
    names |= {f"mirrorgen.{span}" for span in re.findall(r"`([^`\n]+)`", text)
              if re.fullmatch(rf"(?:{parts})(?:\.[A-Za-z_]\w*)+", span)}
    return {n for n in names if n.rsplit(".", 1)[1] not in NOT_NAMES}


def resolves(dotted: str) -> bool:
    """The name imports: the longest module prefix, then attributes (an old path warns, and still counts)."""
    import importlib
    import warnings

    parts = dotted.split(".")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for cut in range(len(parts), 0, -1):
            try:
                found = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for attribute in parts[cut:]:
                if not hasattr(found, attribute):
                    return False
                found = getattr(found, attribute)
            return True
    return False


def test_the_name_finders_find_what_the_docs_write() -> None:
    text = ("see `mirrorgen/rules/credentials.py`, `rules/__init__.py` and tests/rules/test_x.py. `plan.CHECKS`, "
            "`registry.ci.openshift.org`, mirrorgen.inventory.refs.ReferenceError and mirrorgen.yaml; "
            "`artifacts/<family>.py`, generated/ci-operator/x, config/orgs/")
    assert named_paths(text) == {"mirrorgen/rules/credentials.py", "mirrorgen/rules/__init__.py",
                                 "tests/rules/test_x.py"}
    assert named_objects(text) == {"mirrorgen.plan.CHECKS", "mirrorgen.inventory.refs.ReferenceError"}
    assert resolves("mirrorgen.plan.CHECKS") and resolves("mirrorgen.model")  # an old path, kept with a warning
    assert not resolves("mirrorgen.rules.CHECKS") and not resolves("mirrorgen.lint_names")


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(REPO).as_posix() for d in DOCS])
def test_every_path_and_name_the_docs_give_exists(doc: Path) -> None:
    text = doc.read_text()
    missing = [p for p in sorted(named_paths(text))
               if not (REPO / p).exists() and not (REPO / f"{p}.py").exists()]
    assert not missing, f"{doc.name} names paths that do not exist: {missing}"
    unknown = [n for n in sorted(named_objects(text)) if not resolves(n)]
    assert not unknown, f"{doc.name} names what mirrorgen does not have: {unknown}"


def layout_listed(page: Path) -> dict[str, str]:
    """The files and folders the layout block of architecture.md lists (the block whose first line is
    `mirrorgen/`), as paths from the repository root, each with what its line says of it. A line lists names
    (`x.py`, `x/`, several on one line) before a run of two spaces; a line that starts otherwise continues the
    description above it. A line of several names says something of all of them together: their description is
    left empty."""
    block = next(b for b in fenced(page, "") if b.startswith("mirrorgen/"))
    listed, folders = {}, []
    for line in block.splitlines():
        depth = (len(line) - len(line.lstrip())) // 2
        names, _, description = line.strip().partition("  ")
        names = names.split(" ")
        if not all(re.fullmatch(r"[\w.]+\.py|[\w.]+/", name) for name in names):
            continue
        del folders[depth:]
        for name in names:
            listed["/".join([*folders, name.rstrip("/")])] = description.strip() if len(names) == 1 else ""
        if names[-1].endswith("/"):
            folders.append(names[-1].rstrip("/"))
    return listed


# What reads as a Python name in a description: CamelCase, snake_case, CONSTANT_CASE, or `name()`; and the
# CamelCase words that are the trade's, not Python's.
CODE_NAME = re.compile(r"\b(?:[A-Z][a-z]+[A-Z]\w*|[a-z]+_[a-z_]*[a-z]|[A-Z]+_[A-Z_]*[A-Z])\b|\b\w+(?=\(\))")
PROSE_WORDS = {"ConfigMap", "ConfigMaps", "GitHub", "RoleBinding", "ServiceAccount", "ServiceAccounts", "OpenShift"}


def test_architecture_lists_the_package_as_it_is() -> None:
    page = REPO / "docs/architecture.md"
    listed = layout_listed(page)
    actual = {p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    actual |= {p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"}
    # A folder's line is its __init__'s role; its __init__.py is listed only when it holds more (RULES, COMMANDS).
    unlisted = {p for p in actual - set(listed)
                if not (p.endswith("/__init__.py") and p.rsplit("/", 1)[0] in listed)}
    assert not unlisted, f"docs/architecture.md: the layout leaves out {sorted(unlisted)}"
    gone = {p for p in set(listed) - actual if not (REPO / p).exists()}
    assert not gone, f"docs/architecture.md: the layout lists what does not exist: {sorted(gone)}"
    assert "templates" in listed


def test_the_names_the_layout_gives_each_module_are_in_it() -> None:
    import builtins
    import importlib

    checked = 0
    for path, description in layout_listed(REPO / "docs/architecture.md").items():
        if not path.endswith(".py") or not description or path.endswith("__main__.py"):  # __main__ runs the CLI
            continue
        module = importlib.import_module(path.removesuffix(".py").removesuffix("/__init__").replace("/", "."))
        for name in set(CODE_NAME.findall(description)) - set(dir(builtins)) - PROSE_WORDS:  # DeprecationWarning is Python's
            assert hasattr(module, name), f"docs/architecture.md: {path} has no {name}"
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(REPO).as_posix() for d in DOCS])
def test_a_name_placed_in_a_module_is_there(doc: Path) -> None:
    """`NAME` in `rules/__init__.py`, `NAME` (`mirrorgen/review/change_plan.py`): the module defines NAME."""
    import importlib

    import importlib.util

    for name, path in re.findall(r"`(\w+)(?:\([^`]*\))?`\s+(?:in\s+|\()`((?:mirrorgen/|tests/)?[\w/]+\.py)`", doc.read_text()):
        if path.startswith("tests/"):  # a test tool, such as tests/mutation/run.py
            spec = importlib.util.spec_from_file_location(path.replace("/", "_").removesuffix(".py"), REPO / path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            dotted = path.removeprefix("mirrorgen/").removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            module = importlib.import_module(f"mirrorgen.{dotted}")
        assert hasattr(module, name), f"{doc.name}: {path} has no {name}"


# --- Every command, option, choice, make target and exit code the docs state is the command line's own ---

def cli_parser():
    import argparse

    from mirrorgen.cli import _parser

    parser = _parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return parser, commands.choices


def options_of(parser) -> dict[str, object]:
    return {option: action for action in parser._actions for option in action.option_strings}


def code_pieces(text: str) -> list[str]:
    """The code of a page, as a reader would type it: code spans and the lines of fenced blocks, each without its
    `#` comment (a header says "Generated by mirrorgen from …")."""
    pieces = re.findall(r"`([^`\n]+)`", outside_code_blocks(text))
    pieces += [line for _, block in fenced_blocks(text) for line in block.splitlines()]
    return [re.split(r"(?:^|\s)#", piece, maxsplit=1)[0] for piece in pieces]


# An invocation: `mirrorgen`, the global options, the command, then its arguments up to the end of the shell
# command (a pipe, `||`, `&&`, `;`, a redirection, `}` or a comment).
INVOCATION = re.compile(r"(?:^|(?<=[\s{(;|&]))mirrorgen(?=\s|$)((?: --[a-z-]+)*)(?: ([A-Za-z][\w-]*))?(.*)")
END_OF_COMMAND = re.compile(r"\s(?:\|\|?|&&|>>?|\})(?:\s|$)|;")


def invocations(text: str) -> list[tuple[str, str, str]]:
    """(global options, command, arguments) of every `mirrorgen …` command line in the code of a page."""
    found = []
    for piece in code_pieces(text):
        for match in INVOCATION.finditer(piece):
            arguments = END_OF_COMMAND.split(match.group(3), maxsplit=1)[0]
            found.append((match.group(1), match.group(2) or "", arguments))
    return found


def test_the_invocation_finder_reads_shell_lines() -> None:
    text = ("Run `mirrorgen check --format json` or `mirrorgen --debug COMMAND ...`; mirrorgen is a tool, "
            "`mirrorgen.yaml` a file, `# Generated by mirrorgen from x` a header.\n```sh\n"
            "mirrorgen validate --config config || echo \"exit $?\"   # then\n"
            "x || { mirrorgen check --output g; exit 1; }\n# Generated by mirrorgen from config\n```\n")
    assert invocations(text) == [("", "check", " --format json"), (" --debug", "COMMAND", " ..."),
                                 ("", "validate", " --config config"), ("", "check", " --output g")]


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(REPO).as_posix() for d in DOCS])
def test_every_command_option_and_choice_the_docs_write_exists(doc: Path) -> None:
    parser, commands = cli_parser()
    top = options_of(parser)
    for global_options, command, arguments in invocations(doc.read_text()):
        where = f"{doc.name}: `mirrorgen{global_options} {command}{arguments}`"
        assert set(global_options.split()) <= set(top), where
        if command in ("COMMAND", ""):
            continue  # the synopsis of the global options, or the program named (`python -m mirrorgen`)
        assert command in commands, f"{where}: no command {command!r}"
        options = options_of(commands[command])
        for option, value in re.findall(r"(--[a-z][a-z-]*)(?:[ =]([a-z]+(?:\|[a-z]+)*)\b)?", arguments):
            assert option in options, f"{where}: `mirrorgen {command}` has no option {option}"
            choices = options[option].choices
            if choices and value:  # `--format json` is one of them; `--format text|json` all of them
                named = set(value.split("|"))
                assert named == set(choices) if len(named) > 1 else named <= set(choices), f"{where}: {choices}"


def test_every_command_takes_config_and_the_readers_of_the_tree_output() -> None:
    """The README: every command takes `--config DIR` (default `config`), those that read the output tree
    `--output DIR` (default `generated`); `schema --output` is where it writes the schemas (docs/editors.md)."""
    _, commands = cli_parser()
    for name, command in commands.items():
        options = options_of(command)
        assert options["--config"].default == "config", name
        if "--output" in options and name != "schema":
            assert options["--output"].default == "generated", name
    assert {n for n, c in commands.items() if "--output" in options_of(c)} == {"generate", "check", "explain", "schema"}


def test_every_make_target_the_docs_name_exists() -> None:
    targets = set(re.findall(r"^([a-z][\w-]*):", (REPO / "Makefile").read_text(), re.M))
    targets.add("jobs")  # openshift/release's `make jobs`, which generated-files.md names as theirs
    named = {match.group(1) for doc in DOCS for piece in code_pieces(doc.read_text())
             if (match := re.match(r"\s*(?:\$ )?make ([a-z][\w-]*)", piece))}
    assert {"generate", "test", "check"} <= named <= targets, sorted(named - targets)


def returned_codes(function) -> set[int]:
    """The exit codes a function of the command line returns: its `return` statements, read with `ast`."""
    import ast
    import inspect
    import textwrap

    from mirrorgen.cli import common

    codes = set()
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(function)))):
        if isinstance(node, ast.Return) and node.value is not None:
            values = [node.value.body, node.value.orelse] if isinstance(node.value, ast.IfExp) else [node.value]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, int):
                    codes.add(value.value)
                elif isinstance(value, ast.Name) and value.id.startswith("EXIT_"):
                    codes.add(getattr(common, value.id))
    return codes


def documented_codes() -> dict[str, set[int]]:
    """The README's commands table: command → the exit codes of its last column."""
    rows = re.findall(r"^\| `mirrorgen ([a-z]+)[^|]*\|[^|]*\|([^|]*)\|$", README.read_text(), re.M)
    return {command: {int(n) for n in re.findall(r"\b\d+\b", codes)} for command, codes in rows}


def test_the_exit_codes_the_docs_state_are_the_command_lines() -> None:
    import mirrorgen.cli as cli

    everywhere = returned_codes(cli.main)  # invalid input (2), internal error (3), interrupted (130)
    assert cli.EXIT_INVALID in everywhere and cli.EXIT_INTERNAL in everywhere
    by_command = {module.__name__.rsplit(".", 1)[1]: returned_codes(module.run) for module in cli.COMMANDS}
    by_command["import"] = by_command.pop("adopt")
    documented = documented_codes()
    assert set(documented) == set(by_command)
    for command, codes in by_command.items():
        # The README's column gives each command's own codes; 2 (invalid input) is every command's, 3 and 130
        # are said once below the table.
        assert documented[command] == codes | {cli.EXIT_INVALID}, command
    table = COMMANDS_PAGE.read_text().split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| (\d+) \| (.*) \|$", table, re.M))
    assert {int(code) for code in rows} == everywhere | set().union(*by_command.values())
    drifting = {command for command, codes in by_command.items() if cli.EXIT_DRIFT in codes}
    assert set(re.findall(r"\((\w+)", rows[str(cli.EXIT_DRIFT)])) == drifting


# --- docs/library.md names the public API as it is ---

LIBRARY_PAGE = REPO / "docs/library.md"


def test_the_library_page_gives_each_public_name_its_real_signature() -> None:
    import ast
    import inspect

    import mirrorgen

    text = LIBRARY_PAGE.read_text()
    documented = set(re.findall(r"^\| `(\w+)", text, re.M))
    assert set(mirrorgen.__all__) - {"MirrorgenError", "InvalidInventory"} <= documented, \
        sorted(set(mirrorgen.__all__) - documented)
    for name, params, returns in re.findall(r"^\| `(\w+)\(([^)]*)\) -> (\w+(?:\[\w+\])?)`", text, re.M):
        signature = inspect.signature(getattr(mirrorgen, name))
        assert signature.return_annotation == returns, name
        keyword_only = False
        for param in (p.strip() for p in params.split(",") if p.strip()):
            if param == "*":
                keyword_only = True
                continue
            param_name, _, default = param.partition("=")
            real = signature.parameters[param_name]
            assert (real.kind is real.KEYWORD_ONLY) == keyword_only, (name, param_name)
            assert real.default == (ast.literal_eval(default) if default else real.empty), (name, param_name)
    for error in ("MirrorgenError", "InvalidInventory"):
        assert f"`{error}" in text


# --- docs/inventory.md's settings tables are the model's ---

INVENTORY_PAGE = REPO / "docs/inventory.md"


def table_rows(page: Path, title: str) -> list[list[str]]:
    text = page.read_text().split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()
            if line.startswith("| `")]


def documented_default(cell: str):
    import yaml

    return None if cell == "none" else yaml.safe_load(cell.strip("`"))


def test_the_job_settings_table_is_every_job_key_with_its_default() -> None:
    import attr

    from mirrorgen.inventory.model import JobDefaults, JobOverrides

    defaults = {a.name: a.default for a in attr.fields(JobDefaults)}
    rows = {key.strip("`").removesuffix("` (org only)"): (key.endswith("(org only)"), default)
            for key, default, _ in table_rows(INVENTORY_PAGE, "Job settings")}
    assert set(rows) == {a.name for a in attr.fields(JobOverrides)}
    for key, (org_only, default) in rows.items():
        assert org_only == (key not in defaults), key
        if not org_only:
            assert documented_default(default) == defaults[key], key


def test_the_global_settings_table_gives_the_real_defaults() -> None:
    import attr

    from mirrorgen.inventory.model import Settings

    defaults = {a.name: a.default for a in attr.fields(Settings)}
    rows = {key.strip("`"): default for key, default, _ in table_rows(INVENTORY_PAGE, "Other global settings")}
    assert set(rows) == set(defaults) - {"jobs", "file"}  # jobs: the table above; file: where it was read from
    for key, default in rows.items():
        real = defaults[key]
        if attr.has(type(real)):  # `name: image-mirror-mappings`, `namespace: ci`, ...: the fields it names
            for name, value in re.findall(r"`(\w+): ([^`]+)`", default):
                field_default = getattr(real, name)
                if isinstance(field_default, tuple):
                    field_default = list(field_default)  # as YAML writes it: [app.ci]
                assert documented_default(value) == field_default, (key, name)
        elif default != "none":
            assert documented_default(default) == real, key
        else:
            assert not real, key


def test_architecture_gives_the_layers_test_layering_enforces() -> None:
    from test_layering import LAYERS

    block = next(b for b in fenced(REPO / "docs/architecture.md", "") if b.startswith("0 base:"))
    documented = []
    for line in block.splitlines():
        parts = re.sub(r"\([^)]*\)", "", line.split(None, 1)[1].removeprefix("base:"))
        names = {name.strip().removesuffix("/").removesuffix(".py") for name in re.split(r"[|,]", parts)}
        documented.append({"mirrorgen" if n == "mirrorgen/__init__" else f"mirrorgen.{n}" for n in names if n})
    assert documented == [set(layer) for layer in LAYERS]


@pytest.mark.parametrize("doc", [README, INVENTORY_PAGE], ids=["README.md", "docs/inventory.md"])
def test_the_inventory_files_listed_are_those_the_loader_reads(doc: Path) -> None:
    from mirrorgen.inventory.load import KNOWN_TOP_FILES, ORGS_DIR

    block = next(b for b in fenced(doc, "") if b.startswith("config/"))
    listed = {line.split()[0] for line in block.splitlines()[1:]}
    assert listed == {*KNOWN_TOP_FILES, f"{ORGS_DIR}/<org>.yaml"}
