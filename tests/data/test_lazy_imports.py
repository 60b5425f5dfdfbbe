"""A tree that needs no database loads no database library: SQLAlchemy and DuckDB are imported
only when a source is counted or read in a database (an SQL source, a Parquet file, a CSV file
large enough for DuckDB, `--engine database`). A small check stays quick (issue 17)."""

from __future__ import annotations

import subprocess
import sys

from paths import ROOT

HEAVY = ("sqlalchemy", "duckdb", "sqlglot")

# `python -m goalspec ARGS…` in this process, then the heavy modules it loaded
SCRIPT = """
import runpy, sys
sys.argv = ["goalspec", *sys.argv[1:]]
try:
    runpy.run_module("goalspec", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print(sorted(m for m in %r if m in sys.modules))
""" % (HEAVY,)


def loaded(*args: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return eval(out.stdout.strip().splitlines()[-1])  # noqa: S307 (our own print of a list of names)


def test_checking_the_example_tree_loads_no_database_library():
    # specs counts its lead records (a small CSV file, read by Python) for a leads KPI
    assert loaded("check", "specs") == []
    assert loaded("status", "specs", "--today", "2026-11-23") == []


def test_the_data_modules_load_none_on_import():
    code = ("import sys, goalspec.check, goalspec.data.values, goalspec.data.engines; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_a_source_counted_in_a_database_loads_them_when_it_runs():
    args = ("leads", "classify", "specs/data/leads.csv", "--tree", "specs", "--summary", "--engine", "database",
            "--today", "2026-11-23")
    assert {"sqlalchemy", "duckdb"} <= set(loaded(*args))


def test_a_csv_file_counted_again_in_duckdb_does_not_load_sqlalchemy():
    # the SQL text the first run built is kept (data/sqlkeep.py): the second run hands it to DuckDB
    args = ("leads", "classify", "specs/data/leads.csv", "--tree", "specs", "--summary", "--engine", "database",
            "--today", "2026-11-22")
    loaded(*args)
    assert loaded(*args) == ["duckdb"]
