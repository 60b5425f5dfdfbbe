"""Measure goalspec against the libyaml floor, whole process, in one run, as ratios.

Every figure is a whole process, as a user at a terminal waits for it: from the
spawn of `python -m goalspec ...` to its exit, interpreter start, imports and
shutdown included. The floor is `bench/floor.py`, also a whole process: PyYAML's
libyaml `compose_all` over every file of the same tree, constructing nothing.
Each round runs the floor and then each measured command, alternating, and a
ratio is the median over the rounds of each run against its own round's floor
(on this VM the floor alone moves by a third from minute to minute).

- check cold: no load cache (`GOALSPEC_NO_CACHE=1`); warm: the cache filled by an
  earlier run, in a folder of the bench's own.
- build: `goalspec build` into a new folder, cold; beside it the CPU time of the build and its
  workers (user and system), since creating thousands of files on a shared disk can take
  system time that moves by seconds from minute to minute. `--site-dir /dev/shm` writes the
  site to memory instead (tmpfs), to measure the build without the disk.
- memory: the largest sum of the resident sets of the process and every process
  it started (forked workers), in a run of its own (sampling /proc costs CPU); beside it
  the largest sum of their proportional sets (a page a worker shares with its parent counted
  once, not once per process).
- serve: `goalspec serve` on the tree; a goal's title is changed in its file, and
  the time until the served goal page shows the new title is the latency.
- example tree: `goalspec check specs`, seconds (the load cache as a user has it).
- status / diff: `goalspec status` on a tree where every goal has its own KPI with
  a year of weekly values; `goalspec diff HEAD~1 HEAD` between two commits of a
  tree that differ in 100 goals.

    python bench/run.py                       # 10k and 100k goals, every row
    python bench/run.py --sizes 10000 --rounds 5

Results go to stdout (the table) and to bench/results/latest.json. This is a report,
never a test: the figures depend on the machine, the ratios much less.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from gen_tree import generate  # noqa: E402
from measure import run  # noqa: E402
from serving import serve_latency  # noqa: E402
from repo import diff_repo  # noqa: E402

TODAY = "2027-01-15"
GOALSPEC = [sys.executable, "-m", "goalspec"]
FLOOR = [sys.executable, str(HERE / "floor.py")]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOALSPEC_")}
    return {**env, **extra}


def _rounds(jobs: dict[str, tuple[list[str], dict[str, str], Path | None]], rounds: int, fresh: Path) -> dict:
    """Each round: every job once, the floor first; each run paired with its round's floor."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    cpu: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(rounds):
        for name, (cmd, env, cwd) in jobs.items():
            shutil.rmtree(fresh, ignore_errors=True)  # a build writes a new site every time
            got = run(cmd, env, cwd, memory=False)
            times[name].append(got.seconds)
            cpu[name].append(got.cpu)
    floors = times["floor"]
    return {name: {"s": statistics.median(got), "ratio": statistics.median(t / f for t, f in zip(got, floors)),
                   "cpu_s": statistics.median(cpu[name])} for name, got in times.items()}


def bench_size(size: int, work: Path, rounds: int, build: bool, site_dir: Path | None = None) -> dict:
    tree = work / f"tree-{size}"
    generate(size, tree)
    cache, site = work / f"cache-{size}", (site_dir or work) / f"goalspec-bench-site-{size}"
    cold, warm = _env(GOALSPEC_NO_CACHE="1"), _env(GOALSPEC_CACHE_DIR=str(cache))
    check = [*GOALSPEC, "check", str(tree), "--today", TODAY]
    run(check, warm, memory=False)  # fills the cache
    jobs = {"floor": (FLOOR + [str(tree)], cold, None), "check cold": (check, cold, None),
            "check warm": (check, warm, None)}
    build_cmd = [*GOALSPEC, "build", str(tree), "-o", str(site), "--today", TODAY, "--no-history"]
    if build:
        jobs["build"] = (build_cmd, cold, None)
    out = {"goals": size, "files": sum(1 for _ in tree.rglob("*.yaml")),
           "rows": _rounds(jobs, rounds, site)}
    measured = run(check, cold)
    out["check_mib"], out["check_pss_mib"] = round(measured.mib), round(measured.pss_mib)
    out["floor_mib"] = round(run(FLOOR + [str(tree)], cold).mib)
    if build:
        shutil.rmtree(site, ignore_errors=True)
        measured = run(build_cmd, cold)
        out["build_mib"], out["build_pss_mib"] = round(measured.mib), round(measured.pss_mib)
        shutil.rmtree(site, ignore_errors=True)
        out["site_dir"] = str(site.parent)
    return out


def bench_small(rounds: int) -> dict:
    """The example tree, as a user has it: the load cache warm."""
    env = _env()
    check = [*GOALSPEC, "check", str(ROOT / "specs")]
    run(check, env, memory=False)
    base = [run([sys.executable, "-c", "pass"], env, memory=False).seconds for _ in range(rounds)]
    times = [run(check, env, memory=False).seconds for _ in range(max(rounds, 5))]
    return {"check_s": round(min(times), 3), "median_s": round(statistics.median(times), 3),
            "python_s": round(min(base), 3)}


def bench_status(size: int, work: Path, rounds: int) -> dict:
    tree = work / f"status-tree-{size}"
    generate(size, tree, kpi_per_goal=True)
    env = _env(GOALSPEC_NO_CACHE="1")
    jobs = {"floor": (FLOOR + [str(tree)], env, None),
            "status": ([*GOALSPEC, "status", str(tree), "--today", TODAY], env, None)}
    return {"goals": size, "values": size * 52, "rows": _rounds(jobs, rounds, work / "none")}


def bench_diff(size: int, work: Path, rounds: int) -> dict:
    repo, tree, git_env = diff_repo(size, work / f"diff-{size}", changed=100)
    env = _env(GOALSPEC_NO_CACHE="1", **git_env)
    jobs = {"floor": (FLOOR + [str(tree)], env, None),
            "diff": ([*GOALSPEC, "diff", "HEAD~1", "HEAD", "--tree", "specs"], env, repo)}
    return {"goals": size, "changed": 100, "rows": _rounds(jobs, rounds, work / "none")}


def _ratio(row: dict) -> str:
    return f"{row['ratio']:.2f}× ({row['s']:.2f} s)"


def _mib(row: dict, work: str) -> str:
    """Memory summed over the processes: resident sets, then proportional ones (a page shared
    with forked workers counted once)."""
    return f"{row[work + '_mib']} MiB summed ({row[work + '_pss_mib']} MiB proportional)"


def _table(report: dict) -> str:
    rows = [("work", "measured", "target"), ("---", "---", "---")]
    for r in report["sizes"]:
        got, n, big = r["rows"], f"{r['goals']:,}", r["goals"] >= 100_000
        rows.append((f"`check`, {n} goals, cold, whole process",
                     f"{_ratio(got['check cold'])}, floor {got['floor']['s']:.2f} s; {_mib(r, 'check')}",
                     "≤ 2.5×" + (", ≤ 600 MiB" if big else "")))
        rows.append((f"`check`, {n} goals, warm", _ratio(got["check warm"]), ""))
        if "build" in got:
            rows.append((f"`build`, {n} goals", f"{_ratio(got['build'])}, CPU {got['build']['cpu_s']:.1f} s (site in "
                         f"{r['site_dir']}); {_mib(r, 'build')}",
                         "≤ 6×, ≤ 1.2 GB" if big else "≤ 5×"))
    if "serve" in report:
        s = report["serve"]
        rows.append((f"`serve`, {s['goals']:,} goals: file saved → new page served",
                     f"{s['median_s']:.2f} s (each: {', '.join(f'{x:.2f}' for x in s['latencies'])})", "≤ 1 s"))
    if "small" in report:
        s = report["small"]
        rows.append(("`goalspec check` on the example tree",
                     f"{s['check_s']:.2f} s (median {s['median_s']:.2f} s; `python -c pass` {s['python_s']:.2f} s)",
                     "≤ 0.25 s"))
    if "status" in report:
        s = report["status"]
        rows.append((f"`status`, {s['goals']:,} goals, {s['values']:,} weekly values", _ratio(s["rows"]["status"]), ""))
    if "diff" in report:
        s = report["diff"]
        rows.append((f"`diff`, {s['goals']:,} goals, {s['changed']} changed", _ratio(s["rows"]["diff"]), "≤ 8×"))
    return "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="goals per tree, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per figure (median); 100k and more use 1")
    parser.add_argument("--build-up-to", type=int, default=100_000, help="measure `build` up to this many goals")
    parser.add_argument("--serve-goals", type=int, default=10_000, help="goals in the serve tree (0: skip)")
    parser.add_argument("--status-goals", type=int, default=10_000, help="goals in the status tree (0: skip)")
    parser.add_argument("--diff-goals", type=int, default=10_000, help="goals in the diff tree (0: skip)")
    parser.add_argument("--site-dir", type=Path, help="where builds write their site (default: the bench's temporary "
                                                      "folder; /dev/shm measures a build without the disk)")
    args = parser.parse_args()
    report: dict = {"python": sys.version.split()[0], "sizes": []}
    with tempfile.TemporaryDirectory(prefix="goalspec-bench-") as tmp:
        work = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",") if s):
            report["sizes"].append(bench_size(size, work, 1 if size >= 100_000 else args.rounds,
                                              size <= args.build_up_to, args.site_dir))
            print(json.dumps(report["sizes"][-1]), flush=True)
        if args.serve_goals:
            tree = work / "serve-tree"
            generate(args.serve_goals, tree)
            report["serve"] = {"goals": args.serve_goals,
                               **serve_latency(GOALSPEC, tree, TODAY, max(args.rounds, 3), _env())}
        report["small"] = bench_small(args.rounds)
        if args.status_goals:
            report["status"] = bench_status(args.status_goals, work, args.rounds)
        if args.diff_goals:
            report["diff"] = bench_diff(args.diff_goals, work, args.rounds)
    print(_table(report))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
