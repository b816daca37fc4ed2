"""The README's own examples, run as a reader would run them (issue 17, part 3).

The tour's shell blocks are taken from the README text itself, so the test breaks when the README changes: each
```sh block runs with bash (`set -e`) in a git copy of the sample inventory and its generated tree, with the real
`mirrorgen` command, and the ```text block after it is the output the README promises. In a promised output,
a line `...` stands for any number of lines; every other line must appear as written, in order, the first and last
at the very start and end of the output unless a `...` stands there. The library snippets are executed on a copy
of the sample inventory, once with a drifted tree and once with an invalid inventory.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli

README = REPO / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def section(text: str, title: str) -> str:
    """The text of the `## title` section (up to the next `## ` heading)."""
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def blocks(text: str) -> list[tuple[str, str]]:
    """(info string, content) of every fenced block, in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(text)]


def tour_steps(readme: str) -> list[tuple[str, list[str] | None]]:
    """(shell script, promised output lines or None) for each ```sh block of the tour."""
    found = blocks(section(readme, "A five-minute tour"))
    steps = []
    for index, (info, content) in enumerate(found):
        if info == "sh":
            after = found[index + 1] if index + 1 < len(found) else ("", "")
            steps.append((content, after[1].splitlines() if after[0] == "text" else None))
    return steps


def promise_problems(promised: list[str], output: str) -> str:
    """Why `output` does not keep the promise (empty when it does); see the module docstring for `...`."""
    lines = [line.rstrip() for line in output.splitlines()]
    chunks: list[list[str]] = [[]]
    for line in promised:
        if line == "...":
            chunks.append([])
        else:
            chunks[-1].append(line.rstrip())
    anchored_start, anchored_end = promised[0] != "...", promised[-1] != "..."
    position = 0
    for number, chunk in enumerate(chunks):
        if not chunk:
            continue
        first, last = number == 0, number == len(chunks) - 1
        candidates = [position] if first and anchored_start else range(position, len(lines) - len(chunk) + 1)
        if last and anchored_end:
            candidates = [i for i in candidates if i == len(lines) - len(chunk)]
        at = next((i for i in candidates if lines[i:i + len(chunk)] == chunk), None)
        if at is None:
            return f"not found in order: {chunk[0]!r} (…{len(chunk)} line(s))"
        position = at + len(chunk)
    return ""


def test_the_promise_rule_finds_what_is_missing_or_out_of_place() -> None:
    assert promise_problems(["a", "...", "c"], "a\nb\nc\n") == ""
    assert promise_problems(["...", "b", "..."], "a\nb\nc\n") == ""
    assert promise_problems(["a", "c"], "a\nb\nc\n")  # without `...`, lines are consecutive
    assert promise_problems(["b", "..."], "a\nb\n")  # the first line must be the output's first
    assert promise_problems(["...", "b"], "b\nc\n")  # and the last the output's last
    assert promise_problems(["c", "...", "a"], "a\nb\nc\n")  # in order


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A git repository holding a copy of the sample inventory and its generated tree, committed, with `.venv`
    leading to the environment that runs the tests (the README's `. .venv/bin/activate`)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for folder in ("config", "generated"):
        shutil.copytree(REPO / folder, repo / folder, symlinks=True)
    environment = Path(sys.prefix)
    if (environment / "bin" / "activate").exists():
        (repo / ".venv").symlink_to(environment)
    else:  # not a virtual environment: an activate script that finds this interpreter's commands all the same
        (repo / ".venv" / "bin").mkdir(parents=True)
        (repo / ".venv" / "bin" / "activate").write_text(f'PATH="{Path(sys.executable).parent}:$PATH"\n')
    (repo / ".gitignore").write_text(".venv\n")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "sample"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    return repo


def shell_env() -> dict[str, str]:
    """The reader's shell after `. .venv/bin/activate`: the command on PATH; no CI runner's annotations."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "PYTHONPATH")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_the_readme_tour_runs_as_written(sample: Path) -> None:
    steps = tour_steps(README.read_text())
    assert len(steps) >= 5, "the tour has lost its steps"
    for script, promised in steps:
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=sample, env=shell_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        assert done.returncode == 0, f"the tour step\n{script}\nfailed ({done.returncode}):\n{done.stdout}"
        if promised is not None:
            problem = promise_problems(promised, done.stdout)
            assert not problem, f"the tour step\n{script}\nprinted what the README does not say: {problem}\n{done.stdout}"
    # Its last step puts the sample back as it was.
    status = subprocess.run(["git", "status", "--porcelain"], cwd=sample, capture_output=True, text=True, check=True)
    assert status.stdout == ""
    assert run_cli("check", "--config", str(sample / "config"), "--output", str(sample / "generated")).returncode == 0


def python_block(document: Path, title: str) -> str:
    """The first ```python block of the document's `## title` section (of the whole document without a title)."""
    text = document.read_text()
    found = [content for info, content in blocks(section(text, title) if title else text) if info == "python"]
    assert found, f"{document.name}: no python block under '{title}'"
    return found[0]


# The README's library snippet, and the fuller one that opens docs/library.md.
SNIPPETS = {"README": (README, "The library"), "docs/library.md": (REPO / "docs/library.md", "")}


@pytest.mark.parametrize("name", SNIPPETS)
def test_the_library_snippet_repairs_a_drifted_tree(name: str, sample: Path, monkeypatch, capsys) -> None:
    code = python_block(*SNIPPETS[name])
    drifted = sample / "generated/core-services/image-mirroring/knative/OWNERS"
    drifted.write_text("approvers: [mallory]\n")
    monkeypatch.chdir(sample)
    exec(compile(code, name, "exec"), {})
    printed = capsys.readouterr().out
    assert drifted.read_text().startswith("# Generated by mirrorgen"), "the snippet did not write the tree"
    if name == "README":
        assert printed.splitlines()[-2:] == ["1 written, 0 removed", "quay.io/openshift/ci:ci_ci-operator_latest"]
    assert run_cli("check", "--config", str(sample / "config"), "--output", str(sample / "generated")).returncode == 0


@pytest.mark.parametrize("name", SNIPPETS)
def test_the_library_snippet_prints_each_problem_of_an_invalid_inventory(name: str, sample: Path, monkeypatch,
                                                                         capsys) -> None:
    code = python_block(*SNIPPETS[name])
    org = sample / "config/orgs/knative.yaml"
    org.write_text("destination: quay.io/a\n" + org.read_text())
    monkeypatch.chdir(sample)
    with pytest.raises(SystemExit) as exit_:
        exec(compile(code, name, "exec"), {})
    assert exit_.value.code == 2
    first = org.read_text().splitlines().index("destination: quay.io/openshift-knative") + 1
    assert capsys.readouterr().out.splitlines() == [
        f"orgs/knative.yaml:{first}: duplicate key 'destination' (first at line 1); YAML would silently keep only the"
        f" last one: merge the two entries"]


def test_qci_reference_examples_give_what_their_comments_say() -> None:
    """docs/qci.md's example: each `call  # 'value'` line returns that value."""
    import mirrorgen

    code = python_block(REPO / "docs/qci.md", "Library: `qci_reference`")
    checked = 0
    for line in code.splitlines():
        call, _, comment = line.partition("  # ")
        if comment.startswith("'"):
            assert eval(call, {"qci_reference": mirrorgen.qci_reference}) == comment.strip("'"), line
            checked += 1
    assert checked >= 2


CONSOLE_PAGES = sorted((REPO / "docs").glob("*.md"))


def console_sessions(page: Path) -> list[tuple[str, list[str]]]:
    """(command, promised output lines) of each `$ ` line of the page's ```console blocks."""
    sessions: list[tuple[str, list[str]]] = []
    for info, content in blocks(page.read_text()):
        if info == "console":
            for line in content.splitlines():
                if line.startswith("$ "):
                    sessions.append((line[2:], []))
                else:
                    sessions[-1][1].append(line)
    return sessions


@pytest.mark.parametrize("page", [p for p in CONSOLE_PAGES if console_sessions(p)], ids=lambda p: p.name)
def test_console_examples_print_what_the_docs_show(page: Path, sample: Path) -> None:
    """A ```console block's commands run on the sample inventory; a promised line ending in `…` is a prefix."""
    for command, promised in console_sessions(page):
        done = subprocess.run(["bash", "-e", "-c", command], cwd=sample, env=shell_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=600)
        printed = done.stdout.splitlines()
        assert done.returncode == 0 and len(printed) == len(promised), f"{page.name}: {command}\n{done.stdout}"
        for want, got in zip(promised, printed):
            assert got.startswith(want[:-1]) if want.endswith("…") else got == want, f"{page.name}: {got!r}"


def test_the_readme_parse_inventory_call_builds_an_inventory_in_memory(tmp_path: Path, monkeypatch) -> None:
    import mirrorgen

    call = re.search(r"`(mirrorgen\.parse_inventory\(.*?\))`", section(README.read_text(), "The library"), re.S)
    monkeypatch.chdir(tmp_path)  # an empty folder: nothing on disk to read
    inventory = eval(call.group(1).replace("\n", " "), {"mirrorgen": mirrorgen})
    assert isinstance(inventory, mirrorgen.Inventory) and [org.name for org in inventory.orgs] == ["acme"]
