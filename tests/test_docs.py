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


def outside_code(text: str) -> str:
    kept, inside = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            inside = not inside
            continue
        kept.append("" if inside else re.sub(r"`[^`]*`", "", line))
    return "\n".join(kept)


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
    assert len(README.read_text().splitlines()) < 250


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


def fenced(doc: Path, info: str) -> list[str]:
    found, current, kind = [], None, ""
    for line in doc.read_text().splitlines():
        match = FENCE.match(line)
        if match and current is None:
            current, kind = [], match.group(2).strip()
        elif match:
            if kind == info:
                found.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return found


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
