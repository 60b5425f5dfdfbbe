"""Measure `goalspec check` against the libyaml floor, in one run, as ratios.

The floor is what it costs merely to compose every file of the tree with
libyaml (PyYAML's CSafeLoader ``compose_all``): reading YAML with positions can
hardly be cheaper. Each round runs the floor and then every measured command, each
in a fresh process so that nothing is warm in memory; a ratio is the median over the
rounds of each run against its own round's floor. The load cache is off for "cold"
and filled for "warm". Peak memory is the check process's maximum resident set plus
that of its largest worker (large trees are parsed by forked workers).
`build` (up to 10k goals) checks the tree and writes the whole site to a new folder.
`diff` compares two commits of a 10k-goal tree that differ in 100 goals.

    python bench/run.py --sizes 1000,10000,100000

Results go to stdout and to bench/results/latest.json. This is a report, never a
test: the figures depend on the machine, the ratios much less.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gen_tree import generate  # noqa: E402

TODAY = "2027-01-15"
BUILD_UP_TO = 10_000  # a site of 100k goal pages is measured by hand if ever needed

FLOOR = """
import sys, time, yaml, resource
from pathlib import Path
t = time.perf_counter()
for p in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    list(yaml.compose_all(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

CHECK = """
import sys, time, resource
from datetime import date
from pathlib import Path
from goalspec.spec.cache import FileCache
from goalspec.check import run
t = time.perf_counter()
result = run(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]), FileCache.default())
elapsed = time.perf_counter() - t
assert result.summary.errors == 0, result.diagnostics[:3]
# Large trees are parsed by forked workers: count the largest worker's peak on top of the parent's.
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


BUILD = """
import sys, time, resource, tempfile
from datetime import date
from pathlib import Path
from goalspec.site.build import build
out = Path(tempfile.mkdtemp(prefix="goalspec-bench-site-")) / "site"
t = time.perf_counter()
built = build(Path(sys.argv[1]), out, date.fromisoformat(sys.argv[2]))
elapsed = time.perf_counter() - t
assert built.written
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


STATUS = """
import sys, time, resource
from datetime import date
from pathlib import Path
from goalspec.check import run
from goalspec.report.status import as_text, rows
t = time.perf_counter()
result = run(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]), remote_data=True)
table = as_text(result, rows(result))
elapsed = time.perf_counter() - t
assert result.summary.errors == 0 and len(table) > 0
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


DIFF = """
import contextlib, io, sys, time, resource
from goalspec.cli import main
import goalspec.report.diff, goalspec.vcs.revision  # imported before the clock starts, as `check` is above
out = io.StringIO()
t = time.perf_counter()
with contextlib.redirect_stdout(out):
    main(["diff", sys.argv[2], sys.argv[3], "--tree", sys.argv[1]], standalone_mode=False)
elapsed = time.perf_counter() - t
assert "100 changed" in out.getvalue(), out.getvalue()[:500]
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# git with no user or system config, and a fixed identity: the bench repository is the same on every machine.
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "bench",
           "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_AUTHOR_DATE": "2026-07-01T12:00:00+00:00",
           "GIT_COMMITTER_DATE": "2026-07-01T12:00:00+00:00"}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def bench_diff(size: int, work: Path, repeat: int, changed: int = 100) -> dict:
    """`goalspec diff BASE HEAD` between two commits of the tree that differ in ``changed`` goals
    (one target lowered in each of the first ``changed`` goal files), against the floor of one tree."""
    repo = work / f"diff-repo-{size}"
    tree = repo / "specs"
    generate(size, tree)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    files = sorted((tree / "goals").rglob("*.yaml"))[:changed]
    assert len(files) == changed, "the tree has fewer goal files than goals to change"
    for path in files:
        text = path.read_text()
        at = text.index("target: {value: ") + len("target: {value: ")
        end = text.index("}", at)
        path.write_text(text[:at] + str(int(text[at:end]) - 1) + text[end:])
    _git(repo, "commit", "-qam", f"lower {changed} targets")
    env = {**os.environ, "GOALSPEC_NO_CACHE": "1", **{k: v for k, v in GIT_ENV.items() if k.startswith("GIT_CONFIG")}}
    r = _rounds({"floor": (FLOOR, [str(tree)], env), "diff": (DIFF, [str(tree), "HEAD~1", "HEAD"], env)}, repeat)
    return {"goals": size, "changed_goals": changed, "floor_s": round(r["floor"]["s"], 3),
            "diff_s": round(r["diff"]["s"], 3), "diff_ratio": round(r["diff"]["ratio"], 2),
            "diff_peak_mib": round(r["diff"]["mib"])}


def bench_status(size: int, work: Path, repeat: int) -> dict:
    """`status` on a tree where every goal has its own KPI with a year of weekly check-ins."""
    tree = work / f"status-tree-{size}"
    generate(size, tree, kpi_per_goal=True)
    env = {**os.environ, "GOALSPEC_NO_CACHE": "1"}
    r = _rounds({"floor": (FLOOR, [str(tree)], env), "status": (STATUS, [str(tree), TODAY], env)}, repeat)
    return {"goals": size, "values": size * 52, "floor_s": round(r["floor"]["s"], 3),
            "status_s": round(r["status"]["s"], 3), "status_ratio": round(r["status"]["ratio"], 2),
            "status_peak_mib": round(r["status"]["mib"])}


def _measure(script: str, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", script, *args], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024  # seconds, MiB


def _rounds(jobs: dict[str, tuple[str, list[str], dict[str, str]]], repeat: int) -> dict[str, dict]:
    """Run every job once per round, the floor first, and pair each run with that round's floor.

    On this VM the floor alone moves by a third from minute to minute; a ratio
    of two runs made seconds apart shares the machine's mood, so the ratio
    reported is the median of the per-round ratios (times are medians too)."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, (script, args, env) in jobs.items():
            runs[name].append(_measure(script, args, env))
    floors = [seconds for seconds, _ in runs["floor"]]
    return {name: {"s": statistics.median(r[0] for r in got), "mib": max(r[1] for r in got),
                   "ratio": statistics.median(r[0] / f for r, f in zip(got, floors))} for name, got in runs.items()}


def bench(size: int, work: Path, repeat: int) -> dict:
    tree = work / f"tree-{size}"
    generate(size, tree)
    files = sum(1 for _ in tree.rglob("*.yaml"))
    cache = work / f"cache-{size}"
    cold_env = {**os.environ, "GOALSPEC_NO_CACHE": "1"}
    warm_env = {**os.environ, "GOALSPEC_CACHE_DIR": str(cache)}
    warm_env.pop("GOALSPEC_NO_CACHE", None)
    _measure(CHECK, [str(tree), TODAY], warm_env)  # fills the cache
    jobs = {"floor": (FLOOR, [str(tree)], cold_env), "cold": (CHECK, [str(tree), TODAY], cold_env),
            "warm": (CHECK, [str(tree), TODAY], warm_env)}
    if size <= BUILD_UP_TO:
        jobs["build"] = (BUILD, [str(tree), TODAY], cold_env)
    r = _rounds(jobs, repeat)
    site = {}
    if "build" in r:
        site = {"build_s": round(r["build"]["s"], 3), "build_ratio": round(r["build"]["ratio"], 2),
                "build_peak_mib": round(r["build"]["mib"])}
    return {**site, "goals": size, "files": files, "floor_s": round(r["floor"]["s"], 3), "cold_s": round(r["cold"]["s"], 3),
            "warm_s": round(r["warm"]["s"], 3), "cold_ratio": round(r["cold"]["ratio"], 2),
            "warm_ratio": round(r["warm"]["ratio"], 2), "peak_mib": round(r["cold"]["mib"]),
            "floor_peak_mib": round(r["floor"]["mib"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per figure (median); 100k uses 1")
    parser.add_argument("--status-goals", type=int, default=10_000,
                        help="goals in the `status` tree, each with its own KPI and 52 weekly values (0: skip)")
    parser.add_argument("--diff-goals", type=int, default=10_000,
                        help="goals in the `diff` tree, two commits 100 goals apart (0: skip)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="goalspec-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",") if s):
            rows.append(bench(size, Path(tmp), 1 if size >= 100_000 else args.repeat))
            r = rows[-1]
            print(f"{r['goals']:>7} goals {r['files']:>5} files  floor {r['floor_s']:7.2f}s  "
                  f"check cold {r['cold_s']:7.2f}s ({r['cold_ratio']:.2f}x)  warm {r['warm_s']:7.2f}s "
                  f"({r['warm_ratio']:.2f}x)  peak {r['peak_mib']} MiB"
                  + (f"  build {r['build_s']:.2f}s ({r['build_ratio']:.2f}x)" if "build_s" in r else ""), flush=True)
        status = bench_status(args.status_goals, Path(tmp), args.repeat) if args.status_goals else None
        diff = bench_diff(args.diff_goals, Path(tmp), args.repeat) if args.diff_goals else None
    if diff:
        print(f"diff: {diff['goals']} goals, {diff['changed_goals']} changed  floor {diff['floor_s']:.2f}s  "
              f"diff {diff['diff_s']:.2f}s ({diff['diff_ratio']:.2f}x)  peak {diff['diff_peak_mib']} MiB")
    if status:
        print(f"status: {status['goals']} goals, {status['values']} weekly values  floor {status['floor_s']:.2f}s  "
              f"status {status['status_s']:.2f}s ({status['status_ratio']:.2f}x)  peak {status['status_peak_mib']} MiB")
    print("targets: check cold <= 3x, build <= 8x and diff <= 8x the floor at 10k goals; "
          "check peak memory < 1536 MiB at 100k")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    report = {"python": sys.version.split()[0], "rows": rows, "status": status, "diff": diff}
    (out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
