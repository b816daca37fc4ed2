"""Shared helpers: build inventories in temporary directories and run the real CLI."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from lsp import LanguageServer
    from yamlls import Editor

# CI runs the property tests with a fixed seed, so a submission's result does not depend on the draw; local runs
# keep exploring new examples (and remember failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# `make mutation` (tests/mutation/run.py) runs every property test that covers a mutant that survives to the end of
# its examples; thousands of examples per survivor would make a module's run take hours on two cores. The runner
# caps them through this variable; a mutant that only a later example would catch then shows up as a survivor, to be
# killed by a direct test or listed in tests/mutation/equivalent.md.
MUTATION_MAX_EXAMPLES = int(os.environ.get("MIRRORGEN_MUTATION_MAX_EXAMPLES", "0"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not MUTATION_MAX_EXAMPLES:
        return
    for item in items:
        test = getattr(item, "obj", None)
        chosen = getattr(test, "_hypothesis_internal_use_settings", None)
        if chosen is not None and chosen.max_examples > MUTATION_MAX_EXAMPLES:
            test._hypothesis_internal_use_settings = settings(chosen, max_examples=MUTATION_MAX_EXAMPLES)
    # mutmut stops a mutant at its first failing test (-x): the single cases, milliseconds each, go before the
    # property tests, seconds each, so that most mutants die without running one.
    items.sort(key=lambda item: hasattr(getattr(item, "obj", None), "_hypothesis_internal_use_settings"))


REPO = Path(__file__).resolve().parents[1]
_MUTANT_CACHES_EMPTIED = False


@pytest.fixture(autouse=True)
def _the_mutant_runs_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under `make mutation`, mutmut switches a mutant on in the test process (MUTANT_UNDER_TEST).

    A test that runs `python -m mirrorgen` must get the same mutated copy of the package (which sits at REPO
    there), or every command-line test would judge the unmutated code. And mutmut forks each mutant's process from
    one that already ran the tests unmutated, so mirrorgen's functools caches (split_repository, the YAML scalar
    cache, ...) hold the unmutated answers: they are emptied once, or a mutant below a cache would never run."""
    global _MUTANT_CACHES_EMPTIED
    if not MUTATION_MAX_EXAMPLES or os.environ.get("MUTANT_UNDER_TEST", "") in ("", "stats", "fail"):
        return
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    if not _MUTANT_CACHES_EMPTIED:
        for name, module in list(sys.modules.items()):
            if name == "mirrorgen" or name.startswith("mirrorgen."):
                for value in list(vars(module).values()):
                    if callable(getattr(value, "cache_clear", None)):
                        value.cache_clear()
        _MUTANT_CACHES_EMPTIED = True


# The golden inventory and the output written for it by hand (tests/golden/README.md).
GOLDEN_CONFIG = REPO / "tests/golden/config"
GOLDEN_EXPECTED = REPO / "tests/golden/expected"
GOLDEN_UPDATE = ("if the change is meant, edit the expected file by hand and check it against the sources in"
                 " tests/golden/README.md; see mirrorgen's output with: mirrorgen generate --config tests/golden/config"
                 " --output /tmp/golden && diff -r tests/golden/expected /tmp/golden")


# The directories mirrorgen writes into (README, "What is generated"); each gets a manifest of its own files.
OWNED_DIRECTORIES = ("ci-operator/jobs", "clusters/app.ci/assets", "clusters/app.ci/ci-operator",
                     "clusters/app.ci/image-mirroring", "clusters/app.ci/registry-access", "core-services/image-mirroring",
                     "deployment-all", "vault")


def golden_files() -> dict[str, bytes]:
    """Every file generate must write for the golden inventory: the hand-written ones, and in each directory it
    writes into a manifest, which is `sha256sum` over that directory's files (README, "What is generated")."""
    files = {p.relative_to(GOLDEN_EXPECTED).as_posix(): p.read_bytes()
             for p in sorted(GOLDEN_EXPECTED.rglob("*")) if p.is_file()}
    manifests: dict[str, str] = {}
    for path, data in sorted(files.items()):
        directory = next(d for d in OWNED_DIRECTORIES if path.startswith(d + "/"))
        manifests[directory] = manifests.get(directory, "") + f"{hashlib.sha256(data).hexdigest()}  {path[len(directory) + 1:]}\n"
    return {**files, **{f"{d}/.mirrorgen-manifest": text.encode() for d, text in manifests.items()}}


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

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
def golden_tree(tmp_path: Path) -> Path:
    """A copy of the hand-written golden output, manifest included: the tree a correct generate leaves."""
    return write_tree(tmp_path / "golden", golden_files())


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


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    """What run_cli gives, from `cli.main` in the test process: the same code without a new interpreter, so that
    `make mutation` can credit the test with the code it runs (mutmut does not see into subprocesses)."""
    from mirrorgen.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(["mirrorgen", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def language_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator["LanguageServer"]:
    """One real yaml-language-server for the session (tests/yamlls.py); each test opens its documents under its own
    folder."""
    from yamlls import start_server

    server = start_server(tmp_path_factory.mktemp("lsp-root"))
    yield server
    server.shutdown()


@pytest.fixture
def editor(language_server: "LanguageServer", tmp_path: Path) -> "Editor":
    from yamlls import Editor

    return Editor(language_server, tmp_path)


@pytest.fixture
def schema_editor(editor: "Editor") -> "Editor":
    """An editor whose root is an inventory folder with the shipped schemas in .schemas/, as generate leaves it."""
    shutil.copytree(REPO / "mirrorgen/schemas/inventory", editor.root / ".schemas")
    (editor.root / "orgs").mkdir()
    return editor
