"""`make mutation`: mutmut over the core modules, one module at a time, each with the tests that judge it.

Why mutmut (3.x): it forks one process per mutant from a pytest session that has already imported everything, and
runs only the tests that cover the mutated function, so the two cores of a developer's machine get through a module
in minutes; cosmic-ray starts a new test process per mutant (about a second of imports each before any test runs).
mutmut works on a copy of the code (`mutants/`), never on the working tree, so an interrupted run leaves nothing
mutated behind.

Each module is run in a fresh copy of the repository under .cache/mutation/<module>/, so the runs cannot disturb
each other or the working tree. Subprocesses the tests start (`python -m mirrorgen`) import the mutated copy too
(tests/conftest.py sets their PYTHONPATH while a mutant is on). Property tests are capped at MAX_EXAMPLES examples (tests/conftest.py says why).

The score of a module is killed / (mutants - listed as equivalent). A mutant no test covers counts as a survivor.
Every survivor must be killed by a test or listed, with the reason, in tests/mutation/equivalent.md.

    make mutation                      # every module
    make mutation MODULES="refs cron"  # some
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / ".cache/mutation"
EQUIVALENT = REPO / "tests/mutation/equivalent.md"
# Go's module and build caches of the repository (Makefile GO_CACHE): the copies build the oracle without downloading.
GO_CACHE = REPO / ".cache/go"
MAX_EXAMPLES = 50
AIM = 0.85
ALSO_COPY = ["config", "generated", "templates", "README.md", "docs", "benchmarks", "Makefile", ".ci"]

# module -> (files mutmut mutates, the tests that judge them). The tests are the ones whose subject is that code,
# chosen so that a module's run takes minutes; the rest of the suite still runs in `make test`.
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "refs": (["mirrorgen/inventory/refs.py"],
             ["tests/inventory/test_refs.py", "tests/inventory/test_formats.py", "tests/rules/test_plain_lines.py"]),
    # Of tests/test_go_yaml_oracle.py only go-yaml's key order: its other tests start the Go oracle for every
    # example, minutes per surviving mutant here. Of tests/test_fast_paths.py the comparisons of dump's fast paths
    # with PyYAML's representers and pure-Python emitter, not its generate/check runs.
    "canonical_yaml": (["mirrorgen/artifacts/canonical_yaml.py"],
                       ["tests/inventory/test_formats.py", "tests/test_golden.py", "tests/artifacts/test_artifacts.py",
                        *(f"tests/test_fast_paths.py::{test}" for test in (
                            "test_c_emitter_writes_the_same_bytes_where_it_is_used",
                            "test_any_document_dumps_as_the_python_emitter_does",
                            "test_event_fast_path_writes_what_the_representer_and_python_emitter_write",
                            "test_every_string_reads_back_as_a_string_in_yaml_1_1_and_go_yaml_v2",
                            "test_keys_up_to_128_bytes_are_simple_as_go_yaml_writes_them",
                            "test_values_the_fast_path_leaves_to_the_representers",
                            "test_mapping_keys_must_be_exact_strings_on_both_paths",
                            "test_key_order_is_cached_per_key_tuple_without_changing_it",
                            "test_long_blocks_are_written_as_the_emitters_write_them",
                            "test_documents_libyaml_writes_alike_go_through_it",
                            "test_other_documents_go_through_the_python_emitter",
                            "test_a_long_block_is_indented_under_its_key",
                            "test_a_long_block_whose_first_line_starts_with_a_space_says_its_indentation")),
                        "tests/test_go_yaml_oracle.py::test_keys_are_written_in_the_order_go_yaml_writes_them",
                        "tests/test_go_yaml_oracle.py::test_generated_keys_are_ordered_as_go_yaml_orders_them"]),
    "cron": (["mirrorgen/inventory/cron.py"], ["tests/inventory/test_formats.py", "tests/test_go_yaml_oracle.py"]),
    "rules": (["mirrorgen/rules/__init__.py", "mirrorgen/rules/settings.py", "mirrorgen/rules/jobs.py",
               "mirrorgen/rules/orgs.py", "mirrorgen/rules/mapping_files.py", "mirrorgen/rules/mapping_lines.py",
               "mirrorgen/rules/namespaces.py", "mirrorgen/rules/access.py", "mirrorgen/rules/names.py"],
              ["tests/rules/test_validation.py", "tests/rules/test_plain_lines.py", "tests/rules/test_whole_reports.py",
               "tests/rules/test_known_defects.py::test_each_defect_rule_gives_its_code_and_subject"]),
    "access_detection": (["mirrorgen/adopt/registry_access.py"], ["tests/adopt/test_registry_access.py"]),
    # Most tests of the output tree run the command line in a subprocess, which mutmut cannot attribute to a
    # mutant: these call generate and check in the test process (test_exit_codes.py through cli.main).
    "tree": (["mirrorgen/tree/drift.py", "mirrorgen/tree/writer.py"],
             ["tests/tree/test_writer.py", "tests/tree/test_drift.py", "tests/tree/test_atomic_output.py",
              "tests/tree/test_output_paths.py", "tests/test_golden.py", "tests/cli/test_exit_codes.py"]),
    # Not tests/cli/test_cli.py: it runs `make generate`, which would build a virtualenv in the copy.
    "exit_codes": (["mirrorgen/cli/common.py", "mirrorgen/cli/check.py", "mirrorgen/cli/__init__.py"],
                   ["tests/cli/test_exit_codes.py", "tests/cli/test_help.py", "tests/cli/test_errors_for_people.py"]),
}

# mutmut's statuses of a mutant the tests noticed: a test failed, the tests never ended, or their process died by a
# signal (mutmut calls every signal "segfault"; the kill hook's own test dies by SIGKILL under one mutant).
CAUGHT = ("killed", "timeout", "segfault")
RESULT = re.compile(r"^\s*(\S+): (.+)$")


def equivalent_mutants() -> dict[str, str]:
    """The mutants tests/mutation/equivalent.md lists, as `- mutant.name: why it changes nothing a user sees`."""
    listed = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        found = re.match(r"^- `([\w.]+)`: (.+)$", line)
        if found:
            listed[found.group(1)] = found.group(2)
    return listed


def copy_repository(target: Path) -> None:
    """The working tree's files (tracked and new, not ignored) into target, nothing else."""
    shutil.rmtree(target, ignore_errors=True)
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def configure(target: Path, mutate: list[str], tests: list[str]) -> None:
    quoted = lambda items: "[" + ", ".join(f'"{item}"' for item in items) + "]"  # noqa: E731
    with open(target / "pyproject.toml", "a", encoding="utf-8") as pyproject:
        pyproject.write(f"\n[tool.mutmut]\nsource_paths = [\"mirrorgen\"]\nonly_mutate = {quoted(mutate)}\n"
                        f"pytest_add_cli_args_test_selection = {quoted(tests)}\n"
                        "pytest_add_cli_args = [\"-p\", \"no:cacheprovider\"]\n"
                        # A mutant that makes a loop endless (go_key_less's `j = 1`) counts as a timeout, i.e. killed,
                        # once it has used (its tests' CPU seconds + 1) x 3 x 2; mutmut's default multiplier, 15,
                        # kept one canonical_yaml mutant spinning for over 5 minutes.
                        "timeout_multiplier = 3.0\n"
                        # What the tests read besides tests/: the sample inventory and tree, the templates, the docs.
                        f"also_copy = {quoted(ALSO_COPY)}\n")


def run_module(name: str, jobs: int) -> dict[str, str]:
    """Run mutmut over one module; its mutants and their status."""
    mutate, tests = MODULES[name]
    target = WORK / name
    copy_repository(target)
    configure(target, mutate, tests)
    env = dict(os.environ, MIRRORGEN_MUTATION_MAX_EXAMPLES=str(MAX_EXAMPLES), NO_COLOR="1", GO_CACHE=str(GO_CACHE))
    mutmut = [str(Path(sys.executable).parent / "mutmut")]
    with open(target / "run.log", "w", encoding="utf-8") as log:
        subprocess.run(["nice", "-n", "10", *mutmut, "run", "--max-children", str(jobs)], cwd=target, env=env,
                       stdout=log, stderr=subprocess.STDOUT, check=False)
    listing = subprocess.run([*mutmut, "results", "--all", "true"], cwd=target, env=env, capture_output=True,
                             text=True, check=False).stdout
    return {found.group(1): found.group(2) for found in map(RESULT.match, listing.splitlines()) if found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(MODULES), choices=list(MODULES), metavar="MODULE",
                        help=f"some of: {' '.join(MODULES)} (default: all)")
    cores = len(os.sched_getaffinity(0))
    parser.add_argument("--jobs", type=int, default=cores,
                        help=f"mutants run at once (default {cores}, the cores this process may use; 1 on a shared machine)")
    args = parser.parse_args()
    listed = equivalent_mutants()
    rows, below_aim, broken = [], [], []
    for name in args.modules:
        started = time.monotonic()
        statuses = run_module(name, args.jobs)
        if not statuses or all(status == "not checked" for status in statuses.values()):
            # The tests failed before any mutant ran (mutmut's "failed to collect stats"): a broken copy, not a score.
            print(f"mutation: {name}: no mutant was run; see {WORK / name / 'run.log'}", file=sys.stderr, flush=True)
            broken.append(name)
            continue
        equivalent = {m for m in statuses if m in listed}
        killed = sum(status in CAUGHT for status in statuses.values())
        survivors = sorted(m for m, status in statuses.items() if status not in CAUGHT
                           and m not in equivalent)
        judged = len(statuses) - len(equivalent)
        score = killed / judged if judged else 1.0
        (WORK / name / "survivors.txt").write_text(
            "".join(f"{m}: {statuses[m]}\n" for m in survivors), encoding="utf-8")
        rows.append((name, len(statuses), killed, len(equivalent), len(survivors), score, time.monotonic() - started))
        print(f"mutation: {name}: {killed}/{judged} killed ({score:.0%}), {len(survivors)} surviving "
              f"(listed in {WORK / name / 'survivors.txt'}; `cd {WORK / name} && mutmut show NAME` shows one)",
              flush=True)
        if score < AIM:
            below_aim.append(name)
    print(f"\n{'module':<18}{'mutants':>8}{'killed':>8}{'equiv.':>8}{'survive':>8}{'score':>8}{'minutes':>9}")
    for name, total, killed, equivalent, survivors, score, seconds in rows:
        print(f"{name:<18}{total:>8}{killed:>8}{equivalent:>8}{survivors:>8}{score:>8.0%}{seconds / 60:>9.1f}")
    if below_aim:
        print(f"\nmutation: below the {AIM:.0%} aim: {', '.join(below_aim)}", file=sys.stderr)
    if broken:
        print(f"mutation: no score, the tests failed unmutated: {', '.join(broken)}", file=sys.stderr)
    return 2 if broken else 1 if below_aim else 0


if __name__ == "__main__":
    sys.exit(main())
