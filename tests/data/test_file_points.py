"""KPI values from files through DuckDB: the same points, and the same problems, as Python's csv reader;
Parquet exports read the same way; the tree's confinement rules hold for both."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from goalspec.data import engines
from goalspec.data.filepoints import read_points
from goalspec.data.sources import SourceProblem

ROWS = [("2026-07-01", "1,200"), ("2026-07-02", ""), ("2026-07-03T10:00:00", " 35.5 "), ("2026-07-04", "-3"),
        ("2026-07-05", "  "), ("2026-07-06", "1e3"), ("2026-07-07", "7")]


def write(path: Path, rows, header=("day", "note", "value")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows([(d, "x", v) for d, v in rows])
    return path


def both(root: Path, rel: str, date_column="day", value_column="value"):
    out = []
    for duck in (False, True):
        try:
            out.append(read_points(root, rel, date_column, value_column, duckdb=duck))
        except SourceProblem as problem:
            out.append((str(problem), problem.field, problem.hint))
    return out


def test_duckdb_reads_a_csv_file_as_python_does(tmp_path):
    write(tmp_path / "v.csv", ROWS)
    python, duck = both(tmp_path, "v.csv")
    assert python == duck and [p.value for p in python] == [1200.0, 35.5, -3.0, 1000.0, 7.0]


@pytest.mark.parametrize("bad", [("2026-07-08", "inf"), ("2026-07-08", "lots"), ("soon", "5"), ("", "5"),
                                 ("2026-02-30", "5"), ("2026-07-08", "1e400")])
def test_and_names_the_same_row_when_a_cell_cannot_be_read(tmp_path, bad):
    write(tmp_path / "v.csv", [*ROWS, bad])
    python, duck = both(tmp_path, "v.csv")
    assert python == duck and "row 9" in python[0]


def test_missing_columns_and_confinement_are_the_same(tmp_path):
    write(tmp_path / "v.csv", ROWS)
    assert both(tmp_path, "v.csv", value_column="nope")[0] == both(tmp_path, "v.csv", value_column="nope")[1]
    outside = tmp_path.parent / f"{tmp_path.name}-outside.csv"
    write(outside, ROWS)
    rel = f"../{outside.name}"
    python, duck = both(tmp_path, rel)
    assert python == duck and "outside the spec tree" in python[0]
    (tmp_path / "link.csv").symlink_to(outside)
    python, duck = both(tmp_path, "link.csv")
    assert python == duck and "outside the spec tree" in python[0]
    os.mkfifo(tmp_path / "pipe.csv")
    python, duck = both(tmp_path, "pipe.csv")
    assert python == duck and "named pipe" in python[0]


def test_a_large_csv_file_goes_to_duckdb_by_itself(tmp_path, monkeypatch):
    write(tmp_path / "v.csv", ROWS)
    calls = []
    monkeypatch.setattr(engines, "DUCKDB_FROM", 10)
    import goalspec.data.filepoints as filepoints
    original = filepoints._duck_rows
    monkeypatch.setattr(filepoints, "_duck_rows", lambda *a: calls.append(a) or original(*a))
    assert read_points(tmp_path, "v.csv", "day", "value") == read_points(tmp_path, "v.csv", "day", "value",
                                                                         duckdb=False)
    assert calls


def test_a_parquet_export_gives_the_same_points(tmp_path):
    import duckdb

    write(tmp_path / "v.csv", ROWS)
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{tmp_path / 'v.csv'}', all_varchar=true)) "
               f"TO '{tmp_path / 'v.parquet'}' (FORMAT parquet)")
    duckdb.sql(f"COPY (SELECT DATE '2026-07-01' + CAST(i AS INTEGER) AS day, i * 1.5 AS value FROM range(3) t(i)) "
               f"TO '{tmp_path / 'typed.parquet'}' (FORMAT parquet)")
    assert read_points(tmp_path, "v.parquet", "day", "value") == read_points(tmp_path, "v.csv", "day", "value")
    assert [(p.day.isoformat(), p.value) for p in read_points(tmp_path, "typed.parquet", "day", "value")] == [
        ("2026-07-01", 0.0), ("2026-07-02", 1.5), ("2026-07-03", 3.0)]
    with pytest.raises(SourceProblem, match="has no column `nope`"):
        read_points(tmp_path, "typed.parquet", "day", "nope")
    with pytest.raises(SourceProblem, match="outside the spec tree"):
        read_points(tmp_path / "sub", "../typed.parquet", "day", "value")
