"""Shared helpers: build inventories in temporary directories and run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable, Mapping

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed seed, so a submission's result does not depend on the draw; local runs
# keep exploring new examples (and remember failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]

# A small valid inventory: one org, one namespace. Tests copy it and change what they exercise.
_MINIMAL: dict[str, str] = {
    "mirrorgen.yaml": "{}\n",
    "namespaces.yaml": """\
        namespaces:
          acme-ci:
            access: authenticated
            owners:
              approvers: [alice]
        """,
    "orgs/acme.yaml": """\
        destination: quay.io/acme
        owners:
          approvers: [alice]
          reviewers: [bob]
        mappings:
          mapping_acme_tools: |
            registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest quay.io/acme/tools:v1
        """,
}
MINIMAL = {name: textwrap.dedent(text) for name, text in _MINIMAL.items()}


def write_tree(root: Path, files: Mapping[str, str | bytes | None]) -> Path:
    """Write `files` (relative path → text; None deletes) under `root`; text is dedented."""
    for relative, content in files.items():
        path = root / relative
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content))
    return root


@pytest.fixture
def make_inventory(tmp_path: Path) -> Callable[..., Path]:
    """make_inventory(changes) → a config dir holding MINIMAL updated with `changes` (None removes a file)."""

    def make(changes: Mapping[str, str | bytes | None] = {}, base: Mapping[str, str] = MINIMAL) -> Path:
        config = tmp_path / "config"
        write_tree(config, {**base, **changes})
        return config

    return make


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mirrorgen", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
