"""The documentation renders as written: code fences are closed, relative links lead to files, and the versions it
tells people to pin exist (issue 13, item 16)."""

from __future__ import annotations

import re
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
    """A `rev:` or `@vX.Y.Z` the README tells people to pin must be a tag of this repository."""
    tags = set(subprocess.run(["git", "tag", "--list"], cwd=REPO, capture_output=True, text=True).stdout.split())
    text = (REPO / "README.md").read_text()
    named = set(re.findall(r"rev: (v[0-9][^\s#]*)", text)) | set(re.findall(r"mirrorgen@(v[0-9][^\s#`]*)", text))
    assert named <= tags, f"the README pins versions that are not tags: {sorted(named - tags)}"
