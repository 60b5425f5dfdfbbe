"""Measure `goalspec leads classify` over a million lead records, on one core.

The records are a CRM export shaped like the example tree's `specs/data/leads.csv`
(eight columns, hand-over and follow-up times on half of them), classified by the
example tree's two lead definitions (MQL and SQL, with a follow-up agreement).
Each figure is the median of several runs of the real command, each in a fresh
process pinned to one CPU, its output written to a file. Reported as records per
second and as a ratio to the floor measured in the same run: reading the same file
with Python's csv module and doing nothing else.

    python bench/leads.py --records 1000000

Then the same file through DuckDB, goalspec's compiled definitions against queries written
by hand for DuckDB (same run, alternating, same counts asserted), twice: "counts", the
definitions alone against `SELECT count(*) FILTER (WHERE …)`; "summary", what `check` and
`leads classify --summary` count (records per day, the follow-up agreement's outcomes)
against a hand-written GROUP BY of the same; with peak memory. With `--pg-port` (a server on
loopback that lets user `goalspec` create a table), the records loaded into PostgreSQL and
summarized there, reporting the rows that left the database.

    python bench/leads.py --records 10000000 --engines-only --data /tmp/leads-10M.csv

Results go to stdout and to bench/results/leads.json. A report, never a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
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


ENGINE = """
import os, resource, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from datetime import datetime
from pathlib import Path
import duckdb  # imported before the clock, as for the hand-written queries
from goalspec.check import run
from goalspec.data import engines
from datetime import date
result = run(Path(sys.argv[2]), date(2026, 11, 23))
definitions = sorted((lid, obj.model) for lid, obj in result.project.leads.items())
source = engines.Source("leads", path=Path(sys.argv[1])) if sys.argv[3] == "file" else engines.Source(
    "leads", root=Path("."), url=sys.argv[3], query="SELECT * FROM bench_leads", timeout=3600)
# "counts": the definitions alone, the hand-written count's work; "summary": what `check` and
# `leads classify --summary` count (per day, and the follow-up agreement)
options = (dict(handed_over_column="-") if sys.argv[4] == "counts"
           else dict(date_column="booked_on", as_of=datetime(2026, 11, 24)))
t = time.perf_counter()
s = engines.summary(source, definitions, python=False, **options)
seconds = time.perf_counter() - t
late = sum(f.late_count for f in s.follow_ups)
# "sqlalchemy": whether this run built the statement (no SQL text kept by an earlier run: cold)
print(seconds, s.engine, s.fetched, s.records, s.counts["marketing-qualified-msp"],
      s.counts["sales-qualified-msp"], late, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      int("sqlalchemy" in sys.modules))
"""

BY_HAND = """
import os, resource, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
import duckdb
t = time.perf_counter()  # opening the database is the query's as it is goalspec's
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
if sys.argv[2] == "counts":
    mql, sql = con.execute(
        "SELECT count(*) FILTER (WHERE company_type = 'MSP' AND TRY_CAST(replace(seats, ',', '') AS DOUBLE) >= 50), "
        "count(*) FILTER (WHERE company_type = 'MSP' AND TRY_CAST(replace(seats, ',', '') AS DOUBLE) >= 250 "
        "AND TRY_CAST(switch_by AS DATE) < DATE '2027-09-30') FROM read_csv(?, all_varchar=true, header=true)",
        [sys.argv[1]]).fetchone()
    late = 0
else:  # the same summary, written by hand: per day, definitions met and follow-up outcome
    rows = con.execute(
        "WITH r AS (SELECT company_type = 'MSP' AND TRY_CAST(replace(seats, ',', '') AS DOUBLE) >= 50 AS mql, "
        "company_type = 'MSP' AND TRY_CAST(replace(seats, ',', '') AS DOUBLE) >= 250 "
        "AND TRY_CAST(switch_by AS DATE) < DATE '2027-09-30' AS sq, TRY_CAST(booked_on AS DATE) AS day, "
        "TRY_CAST(handed_over_at AS TIMESTAMP) AS handed, TRY_CAST(first_follow_up_at AS TIMESTAMP) AS followed "
        "FROM read_csv(?, all_varchar=true, header=true)) "
        "SELECT coalesce(mql, false), coalesce(sq, false), day, CASE WHEN NOT coalesce(sq, false) OR handed IS NULL "
        "THEN 0 WHEN followed IS NOT NULL AND followed - handed <= INTERVAL 2 DAY THEN 1 "
        "WHEN followed IS NULL AND TIMESTAMP '2026-11-24' - handed <= INTERVAL 2 DAY THEN 2 ELSE 3 END, count(*) "
        "FROM r GROUP BY ALL", [sys.argv[1]]).fetchall()
    mql = sum(r[4] for r in rows if r[0])
    sql = sum(r[4] for r in rows if r[1])
    late = sum(r[4] for r in rows if r[3] == 3)
print(time.perf_counter() - t, mql, sql, late, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


PIN = "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"


def _run(script: str, args: list[str], cache: Path | None = None, all_cores: bool = False) -> list[str]:
    if all_cores:
        script = script.replace(PIN, "")
    env = {**os.environ, "GOALSPEC_CACHE_DIR": str(cache)} if cache else None
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(done.stderr)
    return done.stdout.split()


def engines_report(data: Path, repeat: int, pg_port: int | None, tmp: Path, all_cores: bool = False) -> dict:
    """Each round alternates the query written by hand, goalspec cold (an empty cache folder: the
    statement is built, SQLAlchemy imported) and goalspec warm (the SQL text an earlier run kept);
    each process pinned to one CPU, or with ``all_cores`` free to use every core (DuckDB's threads)."""
    out: dict = {}
    for work in ("counts", "summary"):
        args = [str(data), str(SPECS), "file", work]
        warm_cache = tmp / f"{work}-warm"
        _run(ENGINE, args, warm_cache, all_cores)  # keeps the SQL text for the warm runs
        hand, cold, warm = [], [], []
        load = [os.getloadavg()[0]]  # the machine is shared: its load says how far to trust the figures
        for i in range(repeat):  # alternated, so all three see the machine's same moods
            hand.append(_run(BY_HAND, [str(data), work], all_cores=all_cores))
            cold.append(_run(ENGINE, args, tmp / f"{work}-cold-{i}", all_cores))
            warm.append(_run(ENGINE, args, warm_cache, all_cores))
            load.append(os.getloadavg()[0])
        assert all(c[8] == "1" for c in cold) and all(w[8] == "0" for w in warm), (cold, warm)
        hand_s = statistics.median(float(h[0]) for h in hand)
        r = out[work] = {"duckdb_by_hand_s": round(hand_s, 3), "load_average": [round(min(load), 2), round(max(load), 2)],
                         "by_hand_peak_rss_mb": round(max(int(h[4]) for h in hand) / 1024)}
        for name, ours in (("cold", cold), ("warm", warm)):
            assert (ours[0][4], ours[0][5], ours[0][6]) == (hand[0][1], hand[0][2], hand[0][3]), (ours[0], hand[0])
            ours_s = statistics.median(float(o[0]) for o in ours)
            ratios = sorted(float(o[0]) / float(h[0]) for o, h in zip(ours, hand))
            r[name] = {"goalspec_duckdb_s": round(ours_s, 3), "ratio": round(ours_s / hand_s, 2),
                       "ratios_per_round": [round(x, 2) for x in ratios], "engine": ours[0][1],
                       "rows_fetched": int(ours[0][2]), "peak_rss_mb": round(max(int(o[7]) for o in ours) / 1024)}
            c = r[name]
            print(f"{work}, {name}: DuckDB by hand {hand_s:.2f}s; goalspec through DuckDB {ours_s:.2f}s "
                  f"({c['ratio']:.2f}x; rounds {', '.join(f'{x:.2f}' for x in ratios)}), {c['rows_fetched']:,} rows "
                  f"fetched, peak {c['peak_rss_mb']} MB (by hand {r['by_hand_peak_rss_mb']} MB); "
                  f"load {min(load):.2f}-{max(load):.2f}", flush=True)
    if pg_port:
        import psycopg

        dsn = f"host=127.0.0.1 port={pg_port} user=goalspec dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS bench_leads")
            conn.execute("CREATE TABLE bench_leads (lead_id text, company text, company_type text, seats text, "
                         "switch_by text, booked_on text, handed_over_at text, first_follow_up_at text)")
            with conn.cursor().copy("COPY bench_leads FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, \
                    data.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
            conn.execute("ANALYZE bench_leads")
        url = f"postgresql+psycopg://goalspec@127.0.0.1:{pg_port}/postgres"
        pg = _run(ENGINE, [str(data), str(SPECS), url, "summary"])
        mine = _run(ENGINE, [str(data), str(SPECS), "file", "summary"])
        assert (pg[4], pg[5], pg[6]) == (mine[4], mine[5], mine[6]), (pg, mine)
        out["postgresql"] = {"seconds": round(float(pg[0]), 3), "records": int(pg[3]), "rows_fetched": int(pg[2]),
                             "fetched_share": round(int(pg[2]) / int(pg[3]), 6),
                             "peak_rss_mb": round(int(pg[7]) / 1024)}
        print(f"PostgreSQL: {float(pg[0]):.2f}s, {int(pg[2]):,} of {int(pg[3]):,} rows fetched "
              f"({100 * int(pg[2]) / int(pg[3]):.3f}%), peak {out['postgresql']['peak_rss_mb']} MB", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--pg-port", type=int, help="a PostgreSQL server on loopback to count in")
    parser.add_argument("--engines-only", action="store_true", help="only the DuckDB and PostgreSQL figures")
    parser.add_argument("--all-cores", action="store_true", help="the DuckDB figures with every core, each process "
                                                                 "unpinned (DuckDB's own threads)")
    parser.add_argument("--data", type=Path, help="a file generate() wrote before, reused (10M records take minutes "
                                                  "to write); made there when missing")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="goalspec-bench-leads-") as tmp:
        data = args.data or Path(tmp) / "leads.csv"
        if not data.exists():
            generate(args.records, data)
        engines_figures = engines_report(data, args.repeat, args.pg_port, Path(tmp), args.all_cores)
        if args.engines_only:
            out_dir = HERE / "results"
            out_dir.mkdir(exist_ok=True)
            cores = "-all-cores" if args.all_cores else ""
            (out_dir / f"leads-engines-{args.records}{cores}.json").write_text(json.dumps(
                {"python": sys.version.split()[0], "records": args.records, "all_cores": args.all_cores,
                 **engines_figures}, indent=2) + "\n")
            return
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
    report = {"python": sys.version.split()[0], "records": args.records, "floor_s": round(floor, 3), "runs": rows,
              "engines": engines_figures}
    (out_dir / "leads.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
