"""Measure `goalspec leads classify` over a million lead records, on one core.

The records are a CRM export shaped like the example tree's `specs/data/leads.csv`
(eight columns, hand-over and follow-up times on half of them), classified by the
example tree's two lead definitions (MQL and SQL, with a follow-up agreement).
Each figure is the median of several runs of the real command, each in a fresh
process pinned to one CPU, its output written to a file. Reported as records per
second and as a ratio to the floor measured in the same run: reading the same file
with Python's csv module and doing nothing else.

    python bench/leads.py --records 1000000

Results go to stdout and to bench/results/leads.json. A report, never a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPECS = HERE.parent / "specs"
TODAY = "2026-11-23"

FLOOR = """
import csv, os, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
t = time.perf_counter()
with open(sys.argv[1], newline="", encoding="utf-8-sig") as fh:
    n = sum(1 for _ in csv.reader(fh)) - 1
print(time.perf_counter() - t, n)
"""

CLASSIFY = """
import os, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from goalspec.cli import main
t = time.perf_counter()
with open(sys.argv[1], "w") as out:
    sys.stdout = out
    try:
        main(sys.argv[2:], standalone_mode=False)
    finally:
        sys.stdout = sys.__stdout__
print(time.perf_counter() - t, 0)
"""


def generate(n: int, path: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 7, 1, 8)
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["lead_id", "company", "company_type", "seats", "switch_by", "booked_on",
                      "handed_over_at", "first_follow_up_at"])
        for i in range(n):
            handed = start + timedelta(minutes=rng.randrange(0, 120 * 24 * 60))
            follow = handed + timedelta(hours=rng.choice((2, 20, 40, 60, 100))) if rng.random() < 0.8 else None
            out.writerow([
                f"L{i:07d}", f"Company {i}", rng.choice(("MSP", "MSP", "enterprise", "reseller")),
                rng.randint(1, 1000), f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                handed.date().isoformat(),
                handed.isoformat() if rng.random() < 0.5 else "",
                follow.isoformat() if follow else "",
            ])


def _measure(script: str, args: list[str]) -> float:
    done = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True, text=True)
    return float(done.stdout.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="goalspec-bench-leads-") as tmp:
        data = Path(tmp) / "leads.csv"
        generate(args.records, data)
        floor = statistics.median(_measure(FLOOR, [str(data)]) for _ in range(args.repeat))
        base = ["leads", "classify", str(data), "--tree", str(SPECS), "--today", TODAY]
        for label, extra in (("text", []), ("json", ["--format", "json"]), ("csv", ["--format", "csv"]),
                             ("summary", ["--summary"])):
            out = Path(tmp) / f"out-{label}"
            seconds = statistics.median(_measure(CLASSIFY, [str(out), *base, *extra]) for _ in range(args.repeat))
            rows.append({"output": label, "seconds": round(seconds, 3), "records_per_s": round(args.records / seconds),
                         "ratio": round(seconds / floor, 2)})
            r = rows[-1]
            print(f"{label:>8}: {r['seconds']:6.2f}s  {r['records_per_s']:>9,} records/s  {r['ratio']:5.2f}x the floor",
                  flush=True)
    print(f"floor (csv.reader only): {floor:.2f}s, {round(args.records / floor):,} records/s")
    print("target: >= 200,000 records/s on one core")
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    report = {"python": sys.version.split()[0], "records": args.records, "floor_s": round(floor, 3), "runs": rows}
    (out_dir / "leads.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
