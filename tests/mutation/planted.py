"""The audit's seven bugs (issue 18) and two broken side-by-side children, planted again one at a time in a copy of the repository: the tests named for
each must fail. `make planted` runs it; a bug whose tests pass is a hole in the suite, and this exits 1.

Each bug is an exact replacement in the module that now holds that code; if the code moves or changes so that the
text is gone, the bug is reported as not plantable (exit 2) so that this list is moved along with it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from run import GO_CACHE, WORK, copy_repository

# (what the audit planted, file, the correct text, the bug, the tests that must catch it)
BUGS = [
    ("same-image rule: a destination without a tag takes the source's", "mirrorgen/inventory/refs.py",
     "(dst.tag or src.tag) == src.tag", "dst.tag == src.tag",
     ["tests/inventory/test_formats.py", "tests/rules/test_validation.py"]),
    ("look-alike strings: Y/N written unquoted", "mirrorgen/artifacts/canonical_yaml.py",
     '_GO_EXTRA_BOOLS = {"y", "Y", "n", "N"}', '_GO_EXTRA_BOOLS = {"y", "n"}',
     ["tests/inventory/test_formats.py", "tests/test_go_yaml_oracle.py"]),
    ("stale files decided by the header marker only, manifest ignored", "mirrorgen/tree/drift.py",
     "if marked or path in snap.manifest or is_manifest(path):", "if marked or is_manifest(path):",
     ["tests/tree/test_drift.py"]),
    ("job image rule inverted", "mirrorgen/rules/jobs.py",
     "if image.tag is None and image.digest is None:", "if not (image.tag is None and image.digest is None):",
     ["tests/rules/test_validation.py"]),
    ("access detection: roleRef check dropped", "mirrorgen/adopt/registry_access.py",
     'if (role_kind, role_name) == ("ClusterRole", "system:image-puller"):', "if True:",
     ["tests/adopt/test_registry_access.py"]),
    ("check exits 0 when the only drift is stale files", "mirrorgen/cli/check.py",
     "return EXIT_OK if drift.clean and not stale else EXIT_DRIFT",
     'return EXIT_OK if all(f.status == "stale" for f in drift.files) and not stale else EXIT_DRIFT',
     ["tests/tree/test_drift.py", "tests/cli/test_exit_codes.py"]),
    ("cron: @weekly misspelt", "mirrorgen/inventory/cron.py",
     '"@monthly", "@weekly", "@daily"', '"@monthly", "@weelky", "@daily"',
     ["tests/inventory/test_formats.py", "tests/test_go_yaml_oracle.py"]),
]
# A broken forked child (issue 18: on one CPU the side-by-side tests caught 0 of 6): run on CPU 0 alone, as a CI
# runner with one core would, where mirrorgen itself would start no child.
ONE_CPU = ["taskset", "-c", "0"]
CHILD_BUGS = [
    ("side by side: the child sends a wrong result", "mirrorgen/_fork.py",
     "data = pickle.dumps(func(), protocol=pickle.HIGHEST_PROTOCOL)",
     "data = pickle.dumps(None, protocol=pickle.HIGHEST_PROTOCOL)", ["tests/test_side_by_side.py"]),
    ("side by side: the parent recomputes instead of reading the child", "mirrorgen/_fork.py",
     "return pickle.loads(data)", "return self._func()", ["tests/test_side_by_side.py"]),
]


def main() -> int:
    target = WORK / "planted"
    holes, unplantable = [], []
    bugs = [(*bug, []) for bug in BUGS] + [(*bug, ONE_CPU) for bug in CHILD_BUGS]
    # `planted.py WORD...`: only the bugs whose description holds one of the words.
    bugs = [bug for bug in bugs if not sys.argv[1:] or any(word in bug[0] for word in sys.argv[1:])]
    for what, file, good, bad, tests, prefix in bugs:
        copy_repository(target)
        source = (target / file).read_text(encoding="utf-8")
        if source.count(good) != 1:
            print(f"planted: {file}: the text to break is gone or repeated: {good!r}; move this bug along", flush=True)
            unplantable.append(what)
            continue
        (target / file).write_text(source.replace(good, bad), encoding="utf-8")
        # PYTHONPATH: the copy's mirrorgen, for the tests and for the `python -m mirrorgen` they start.
        env = dict(os.environ, PYTHONPATH=str(target), GO_CACHE=str(GO_CACHE))
        result = subprocess.run([*prefix, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=no", *tests],
                                cwd=target, env=env, capture_output=True, text=True)
        failed = re.findall(r"^FAILED (\S+)", result.stdout, re.MULTILINE)
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip()
        if result.returncode == 1 and failed:
            print(f"planted: {what} ({file}): caught, {summary}; first: {failed[0]}", flush=True)
        else:
            print(f"planted: {what} ({file}): NOT caught ({summary})", flush=True)
            holes.append(what)
    return 2 if unplantable else 1 if holes else 0


if __name__ == "__main__":
    sys.exit(main())
