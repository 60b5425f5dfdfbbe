"""A KPI's values from a file inside the tree: a CSV file, or a Parquet export, read through DuckDB.

The file is confined exactly as a CSV file always was (inside the tree after links are
followed, a regular file, never opened otherwise), and DuckDB is then allowed to read that
one file and nothing else (``engines.duck_connect``). A Parquet file is always read by
DuckDB; a CSV file from ``engines.DUCKDB_FROM`` bytes on (DuckDB reads the two columns a
KPI names out of a wide export without Python parsing the rest), a smaller one by Python's
csv module. Either way each cell is read by the same ``parse_day`` and ``parse_number``,
row by row, so the values, and a problem naming its row, are the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from goalspec.data import engines
from goalspec.data.sources import Point, SourceProblem, csv_header, inside_tree, point, read_csv, regular_file

_BATCH = 10_000


def read_points(root: Path, rel: str, date_column: str, value_column: str, *,
                duckdb: bool | None = None) -> list[Point]:
    """The file's (day, value) points; ``duckdb`` True or False forces the CSV reader, None chooses."""
    if engines.is_parquet(rel):
        return _parquet(root, rel, date_column, value_column)
    if duckdb is None:
        duckdb = engines.file_size(inside_tree(root, rel)) >= engines.DUCKDB_FROM
    if not duckdb:
        return read_csv(root, rel, date_column, value_column)
    csv_header(root, rel, {"date_column": date_column, "value_column": value_column})  # confinement, columns
    header = _header(root, rel)
    # csv.DictReader keeps the last of two same-named columns
    at = [len(header) - 1 - header[::-1].index(c) for c in (date_column, value_column)]
    rows = _duck_rows(inside_tree(root, rel), f"SELECT c{at[0]}, c{at[1]} FROM {{relation}}", len(header))
    if rows is None:  # DuckDB cannot read it: Python's reader says what is wrong, or reads it
        return read_csv(root, rel, date_column, value_column)
    return _points(rows, rel, date_column, value_column, first=2, what="CSV file")


def _header(root: Path, rel: str) -> list[str]:
    import csv

    from goalspec.data.sources import open_text

    with open_text(inside_tree(root, rel), rel, "source/path") as fh:
        return next(csv.reader(fh), [])


def _duck_rows(path: Path, query: str, width: int) -> list[Sequence[Any]] | None:
    import duckdb

    con, literal = engines.duck_connect(path)
    try:
        cursor = con.execute(query.format(relation=engines.csv_relation(literal, width)))
        rows: list[Sequence[Any]] = []
        while batch := cursor.fetchmany(_BATCH):
            rows.extend(batch)
        return rows
    except duckdb.Error:
        return None
    finally:
        con.close()


def _parquet(root: Path, rel: str, date_column: str, value_column: str) -> list[Point]:
    import duckdb

    path = inside_tree(root, rel, what="Parquet path")
    regular_file(path, rel, "source/path", "Parquet file")
    con, literal = engines.duck_connect(path)
    try:
        names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({literal})").fetchall()]
        for spec_field, column in (("date_column", date_column), ("value_column", value_column)):
            if column not in names:
                raise SourceProblem(f"Parquet file `{rel}` has no column `{column}`", f"source/{spec_field}")
        quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in (date_column, value_column))
        cursor = con.execute(f"SELECT {quoted} FROM read_parquet({literal})")
        rows: list[Sequence[Any]] = []
        while batch := cursor.fetchmany(_BATCH):
            rows.extend(batch)
    except duckdb.Error as exc:
        raise SourceProblem(f"Parquet file `{rel}` cannot be read: {str(exc).splitlines()[0]}", "source/path") from None
    finally:
        con.close()
    return _points(rows, rel, date_column, value_column, first=1, what="Parquet file")


def _points(rows: Sequence[Sequence[Any]], rel: str, date_column: str, value_column: str, *, first: int,
            what: str) -> list[Point]:
    """``sources.read_csv``'s reading of each row, for rows DuckDB gave (an empty cell is None)."""
    points = []
    for number, (day_cell, value_cell) in enumerate(_cells(rows), start=first):
        if value_cell is None or not str(value_cell).strip():
            continue  # an empty cell is no value, not a zero
        points.append(point("" if day_cell is None else day_cell, value_cell, f"{what} `{rel}`", rel, number,
                            date_column, value_column))
    return points


def _cells(rows: Sequence[Sequence[Any]]) -> Iterator[tuple[Any, Any]]:
    for row in rows:
        yield row[0], row[1]
