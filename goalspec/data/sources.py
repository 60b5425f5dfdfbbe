"""Read each KPI's values from its source, as dated points.

Sources are `checkins` (CheckIn documents), `csv` (a file inside the tree) and
`sql` (an SQLAlchemy URL and a read-only query). Nothing in a spec is executed
as code; an SQL query runs against the company's database, in a read-only
connection, and only when it is a single SELECT (or WITH … SELECT). A source
that cannot be read yields a reason, which `check --data` reports as GS204.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_READING = re.compile(r"^\s*(?:select|with)\b", re.IGNORECASE)
_WRITING = re.compile(r"\b(?:insert|update|delete|merge|drop|alter|create|truncate|grant|revoke|copy|call|"
                      r"attach|detach|pragma|vacuum|into)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Point:
    day: date
    value: float


@dataclass(frozen=True)
class Series:
    """A KPI's values in date order, or why they could not be read."""

    kpi: str
    points: tuple[Point, ...] = ()
    problem: str | None = None
    field: str = "source"  # the source field at fault, for the finding's position
    supported: bool = True  # False for a database outside the tree when it is not to be read

    @property
    def last_day(self) -> date | None:
        return self.points[-1].day if self.points else None


@dataclass(frozen=True)
class Data:
    series: dict[str, Series] = field(default_factory=dict)
    # Lead records run through every definition, by source (a path or URL as the spec gives it).
    leads: dict[str, Any] = field(default_factory=dict)

    @property
    def last_updated(self) -> date | None:
        days = [s.last_day for s in self.series.values() if s.last_day]
        return max(days) if days else None


class SourceProblem(Exception):
    def __init__(self, message: str, field: str = "source"):
        super().__init__(message)
        self.field = field


def is_remote(url: str) -> bool:
    """A database outside the tree: reached only when asked (`check --data`, `status`, `build`)."""
    return not url.startswith("sqlite:") or "${" in url


def parse_day(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"`{text}` is not a date (YYYY-MM-DD)") from None


def parse_number(raw: object) -> float:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    text = str(raw).strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"`{raw}` is not a number") from None


def inside_tree(root: Path, rel: str, field: str = "source/path") -> Path:
    """The CSV file a spec names, refused when it lies outside the tree (a spec reads nothing else)."""
    path = (root / rel).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        raise SourceProblem(f"CSV path `{rel}` is outside the spec tree", field) from None
    return path


def csv_header(root: Path, rel: str, columns: dict[str, str], base: str = "source") -> None:
    """Check that a CSV file is inside the tree, readable, and has the named columns.

    ``columns`` maps the spec field (``date_column``) to the column it names; a
    problem points at that field under ``base``.
    """
    path = inside_tree(root, rel, f"{base}/path")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
    except FileNotFoundError:
        raise SourceProblem(f"CSV file `{rel}` does not exist", f"{base}/path") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceProblem(f"CSV file `{rel}` cannot be read: {exc}", f"{base}/path") from None
    for spec_field, column in columns.items():
        if column not in header:
            raise SourceProblem(f"CSV file `{rel}` has no column `{column}`", f"{base}/{spec_field}")


def read_csv(root: Path, rel: str, date_column: str, value_column: str) -> list[Point]:
    csv_header(root, rel, {"date_column": date_column, "value_column": value_column})
    try:
        with (root / rel).open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceProblem(f"CSV file `{rel}` cannot be read: {exc}", "source/path") from None
    points = []
    for number, row in enumerate(rows, start=2):
        if not (row.get(value_column) or "").strip():
            continue  # an empty cell is no value, not a zero
        try:
            points.append(Point(parse_day(row.get(date_column) or ""), parse_number(row[value_column])))
        except ValueError as exc:
            raise SourceProblem(f"CSV file `{rel}` row {number}: {exc}", "source/path") from None
    return points


def expand_url(url: str, environ: dict[str, str] | None = None) -> str:
    """Fill `${VAR}` from the environment: credentials never live in a spec."""
    env = os.environ if environ is None else environ

    def fill(m: re.Match) -> str:
        if m.group(1) not in env:
            raise SourceProblem(f"environment variable `{m.group(1)}` named in the URL is not set", "source/url")
        return env[m.group(1)]

    return _VAR.sub(fill, url)


def check_query(query: str) -> None:
    statement = query.strip().rstrip(";")
    if ";" in statement:
        raise SourceProblem("the query holds more than one statement; give one SELECT", "source/query")
    if not _READING.match(statement):
        raise SourceProblem("the query must be a SELECT (or WITH … SELECT): goalspec only reads data", "source/query")
    if _WRITING.search(_strip_strings(statement)):
        raise SourceProblem("the query would change data; goalspec only reads", "source/query")


def _strip_strings(sql: str) -> str:
    return re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", sql)


def read_sql(root: Path, url: str, query: str) -> list[Point]:
    _, rows = run_query(root, url, query)
    points = []
    for number, row in enumerate(rows, start=1):
        if len(row) < 2:
            raise SourceProblem("the query must return rows of (date, value)", "source/query")
        if row[1] is None:
            continue
        try:
            points.append(Point(parse_day(row[0]), parse_number(row[1])))
        except ValueError as exc:
            raise SourceProblem(f"row {number}: {exc}", "source/query") from None
    return points


def run_query(root: Path, url: str, query: str) -> tuple[list[str], list[tuple]]:
    """Run one read-only query: its column names and rows."""
    check_query(query)
    try:
        import sqlalchemy
    except ImportError:  # pragma: no cover - a declared dependency
        raise SourceProblem("SQLAlchemy is not installed", "source/url") from None
    full = expand_url(url)
    try:
        engine = sqlalchemy.create_engine(_read_only_url(sqlalchemy, full, root), **_read_only_args(full))
    except (sqlalchemy.exc.ArgumentError, ImportError, ValueError) as exc:
        raise SourceProblem(f"database URL cannot be used: {exc}", "source/url") from None
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            result = conn.exec_driver_sql(query)
            columns = list(result.keys())
            rows = [tuple(row) for row in result.fetchall()]
            conn.rollback()
    except sqlalchemy.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise SourceProblem(f"the query failed: {reason}", "source/query") from None
    finally:
        engine.dispose()
    return columns, rows


def _read_only_url(sqlalchemy, url: str, root: Path):
    parsed = sqlalchemy.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if not db or db == ":memory:":
            raise ValueError("an SQLite source needs a database file")
        path = Path(db) if Path(db).is_absolute() else root / db
        if not path.is_file():
            raise SourceProblem(f"SQLite database `{db}` does not exist", "source/url")
        # SQLite's own read-only mode: a writing statement fails inside the database.
        return f"sqlite:///file:{path.resolve().as_posix()}?mode=ro&uri=true"
    return parsed


def _read_only_args(url: str) -> dict:
    if url.startswith(("postgresql", "postgres")):
        return {"connect_args": {"options": "-c default_transaction_read_only=on"}}
    return {}
