"""`make bench`: how mirrorgen's cost grows with the inventory, side by side with a floor.

For synthetic inventories of 1 000, 10 000 and 100 000 mapping lines it runs the real command line, each
measurement in its own process (wall time including interpreter start, peak RSS from wait4), and reports the
median of several repetitions:

  generate (empty)  generate into an empty output tree
  generate (no-op)  generate again: nothing changed, so no file may be rewritten (mtimes compared)
  check (clean)     check a tree that matches
  check (drift)     check after one mapping file was edited (exit 1 and a diff)
  floor             parse the same inventory with PyYAML's C loader and write the same bytes to as many files
                    (its samples alternate with those of generate into an empty tree)

mirrorgen runs the rules that read every mapping line of a big inventory in a second process
(plan(side_by_side=True)), so wall time gains from a second core and CPU time (user + system, both processes)
exceeds it; both are reported.

The targets of issue 6 are judged at the end (reported, never asserted). Figures go to
.cache/bench/results.json (not committed: they describe one machine).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_inventory  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000, 100_000)
FLOOR = """
import os, sys, json, yaml
config, out, sizes = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
for dirpath, _, names in os.walk(config):
    for name in names:
        with open(os.path.join(dirpath, name), "rb") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)
os.makedirs(out)
for index, size in enumerate(sizes):
    with open(os.path.join(out, str(index)), "wb") as handle:
        handle.write(b"x" * size)
"""


def run_measured(argv: list[str], expect: int = 0) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (bytes) of one process; reaped with wait4, which reports that
    child's own figures."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, sink.fileno(), 1), (os.POSIX_SPAWN_DUP2, sink.fileno(), 2)])
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != expect:
        shown = subprocess.run(argv, capture_output=True, text=True)  # run again to show what went wrong
        tail = "\n".join((shown.stdout + shown.stderr).splitlines()[-5:])
        raise SystemExit(f"{' '.join(argv)} exited {code}, expected {expect}:\n{tail}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def mtimes(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def tree_sizes(root: Path) -> list[int]:
    return [p.stat().st_size for p in sorted(root.rglob("*")) if p.is_file()]


def median(samples: list[tuple[float, float, int]]) -> dict[str, float]:
    return {"seconds": statistics.median(s for s, _, _ in samples), "cpu_seconds": statistics.median(c for _, c, _ in samples),
            "peak_rss_mb": max(m for _, _, m in samples) / 2**20, "samples": [round(s, 4) for s, _, _ in samples]}


def measure(lines: int, work: Path, repeat: int) -> dict:
    base = work / f"lines-{lines}"
    shutil.rmtree(base, ignore_errors=True)
    config = write_inventory(base / "config", lines)
    out = base / "generated"
    mirrorgen = [sys.executable, "-m", "mirrorgen"]
    generate = mirrorgen + ["generate", "--config", str(config), "--output", str(out)]
    check = mirrorgen + ["check", "--config", str(config), "--output", str(out)]
    result: dict = {"lines": lines, "inventory_bytes": sum(tree_sizes(config))}

    # The floor writes as many files of the same sizes, so it needs one tree generated first. Its samples then
    # alternate with those of generate into an empty tree, and each sample writes a new folder: removing a tree
    # right before writing the next would measure how fast the filesystem catches up with the removal (on ext4
    # mounted with `discard`, several-fold from one run to the next), not the writer. Written data is synced
    # before each sample, and the trees are removed once all are measured.
    shutil.rmtree(out, ignore_errors=True)
    run_measured(generate)
    sizes_file = base / "sizes.json"
    sizes_file.write_text(json.dumps(tree_sizes(out)))
    samples, floor_samples, written = [], [], []
    for index in range(repeat):
        fresh, floor_out = base / f"empty-{index}", base / f"floor-{index}"
        written += [fresh, floor_out]
        os.sync()
        samples.append(run_measured(generate[:-1] + [str(fresh)]))
        os.sync()
        floor_samples.append(run_measured([sys.executable, "-c", FLOOR, str(config), str(floor_out), str(sizes_file)]))
    for tree in written:
        shutil.rmtree(tree)
    result["generate_empty"] = median(samples)
    result["floor"] = median(floor_samples)
    result["output_files"] = len(tree_sizes(out))
    result["output_bytes"] = sum(tree_sizes(out))

    before = mtimes(out)
    result["generate_noop"] = median([run_measured(generate) for _ in range(repeat)])
    after = mtimes(out)
    result["noop_rewritten_files"] = sum(1 for path, mtime in after.items() if before.get(path) != mtime)

    result["check_clean"] = median([run_measured(check) for _ in range(repeat)])

    drifted = next(p for p in sorted(out.rglob("mapping_*")))
    original = drifted.read_bytes()
    drifted.write_bytes(original + b"registry.ci.openshift.org/x/y:z quay.io/x/y:z\n")
    result["check_drift"] = median([run_measured(check, expect=1) for _ in range(repeat)])
    drifted.write_bytes(original)
    return result


def imports_of(argv: list[str]) -> dict:
    """Modules a command imports (python -X importtime), and the total import time."""
    completed = subprocess.run([sys.executable, "-X", "importtime", "-m", "mirrorgen", *argv],
                               capture_output=True, text=True, cwd=REPO)
    modules, total_us = set(), 0
    for line in completed.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line[len("import time:"):].split("|")
            modules.add(name.strip().split(".")[0])
            if not name.startswith("  "):
                total_us += int(cumulative)
    heavy = sorted(m for m in ("deepdiff", "jinja2", "yaml", "cattrs", "attrs") if m in modules)
    return {"import_seconds": total_us / 1e6, "heavy_imports": heavy}


def judge(results: list[dict], imports: dict) -> list[tuple[str, bool, str]]:
    by_lines = {r["lines"]: r for r in results}
    verdicts = []
    big = by_lines.get(100_000)
    if big:
        # Wall time is what a user waits for; CPU time (user + system) is the steadier figure on a shared machine.
        for clock in ("seconds", "cpu_seconds"):
            floor = big["floor"][clock]
            for key, bound in (("check_clean", 3), ("generate_empty", 4)):
                ratio = big[key][clock] / floor
                verdicts.append((f"{key} at 100k within {bound}x floor ({clock})", ratio <= bound, f"{ratio:.2f}x"))
            if 10_000 in by_lines:
                for key in ("generate_empty", "check_clean"):
                    growth = big[key][clock] / by_lines[10_000][key][clock]
                    verdicts.append((f"{key} 10k->100k at most 11x ({clock})", growth <= 11, f"{growth:.1f}x"))
        peak = max(big[k]["peak_rss_mb"] for k in ("generate_empty", "generate_noop", "check_clean", "check_drift"))
        verdicts.append(("peak memory at 100k under 500 MB", peak < 500, f"{peak:.0f} MB"))
    rewritten = sum(r["noop_rewritten_files"] for r in results)
    verdicts.append(("no-op generate rewrites zero files", rewritten == 0, f"{rewritten} rewritten"))
    for command, found in imports.items():
        verdicts.append((f"`mirrorgen {command}` does not import deepdiff", "deepdiff" not in found["heavy_imports"],
                         f"{found['import_seconds'] * 1000:.0f} ms imports: {', '.join(found['heavy_imports']) or 'none heavy'}"))
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="mapping lines per inventory")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of each measurement (median reported)")
    parser.add_argument("--work", type=Path, default=REPO / ".cache" / "bench", help="scratch and results directory")
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    columns = ("gen empty", "gen no-op", "check", "drift", "floor")
    keys = ("generate_empty", "generate_noop", "check_clean", "check_drift", "floor")
    header = f"{'lines':>7} {'files':>6} {'MB out':>6} | wall s: " + " ".join(f"{c:>9}" for c in columns) + \
             " | cpu s: " + " ".join(f"{c:>9}" for c in columns) + f" | {'peak MB':>7}"
    print(header)
    print("-" * len(header))
    for lines in args.sizes:
        # The biggest inventory takes seconds a run: fewer repetitions keep `make bench` to a few minutes.
        r = measure(lines, args.work, max(3, args.repeat // 2) if lines >= 100_000 else args.repeat)
        results.append(r)
        peak = max(r[k]["peak_rss_mb"] for k in keys[:4])
        print(f"{lines:>7} {r['output_files']:>6} {r['output_bytes'] / 1e6:>6.1f} | wall s: "
              + " ".join(f"{r[k]['seconds']:>9.3f}" for k in keys) + " | cpu s: "
              + " ".join(f"{r[k]['cpu_seconds']:>9.3f}" for k in keys) + f" | {peak:>7.0f}", flush=True)
    config = str(REPO / "config")
    imports = {"--help": imports_of(["--help"]),
               "check": imports_of(["check", "--config", config, "--output", str(REPO / "generated")])}
    verdicts = judge(results, imports)
    print()
    for name, ok, figure in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {figure}")
    target = args.work / "results.json"
    target.write_text(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count(), "results": results, "imports": imports,
                                  "targets": [{"target": n, "met": ok, "figure": f} for n, ok, f in verdicts]},
                                 indent=2) + "\n")
    print(f"\nfigures written to {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
