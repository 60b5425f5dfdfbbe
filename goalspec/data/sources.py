"""Read each KPI's values from its source, as dated points.

Sources are `checkins` (CheckIn documents), `csv` (a file inside the tree) and
`sql` (an SQLAlchemy URL and a read-only query). Nothing in a spec is executed
as code. A file a spec names (a CSV file, an SQLite database) must be a regular
file inside the tree. An SQL query runs only when a real SQL parser reads it as
one SELECT (or WITH … SELECT) that writes nothing and calls no function that
reaches past its session; it then runs in a read-only transaction with a time
limit. A source that cannot be read yields a reason, which GS204 reports; a URL
is only ever shown with its password hidden.
"""

from __future__ import annotations

import csv
import errno
import math
import os
import re
from functools import lru_cache
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Iterator
from urllib.parse import quote

from goalspec.spec.models import QUERY_TIMEOUT
from goalspec.spec.secrets import scrub

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# The password of `scheme://user:password@host`, read as SQLAlchemy reads it; an `@` inside an
# unescaped password is taken as part of it (hiding too much is harmless, too little is not).


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
    hint: str | None = None  # how to fix the problem, when the field alone does not say

    @property
    def last_day(self) -> date | None:
        return self.points[-1].day if self.points else None


@dataclass(frozen=True)
class Data:
    series: dict[str, Series] = field(default_factory=dict)
    # Lead records run through every definition, by source (a path, or a URL as `redact` shows it).
    leads: dict[str, Any] = field(default_factory=dict)

    @property
    def last_updated(self) -> date | None:
        days = [s.last_day for s in self.series.values() if s.last_day]
        return max(days) if days else None


class SourceProblem(Exception):
    def __init__(self, message: str, field: str = "source", hint: str | None = None):
        super().__init__(message)
        self.field = field
        self.hint = hint


def is_remote(url: str) -> bool:
    """A database outside the tree: reached only when asked (`check --data`, `status`, `build`)."""
    return not url.startswith("sqlite:") or "${" in url


# -- values ------------------------------------------------------------------------------------

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


class NotFinite(ValueError):
    """A number that is NaN or an infinity."""


def parse_number(raw: object) -> float:
    """A value as a finite number: NaN and infinities (`inf`, `1e400`) are refused here, once, for
    every source, so that no sum, pace line or forecast ever meets one."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        try:
            value = float(raw)
        except OverflowError:  # an int too large for a float
            raise NotFinite(f"`{raw}` is not a finite number") from None
    else:
        text = str(raw).strip().replace(",", "")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"`{raw}` is not a number") from None
    if not math.isfinite(value):
        raise NotFinite(f"`{raw}` is not a finite number")
    return value


# -- files ---------------------------------------------------------------------------------------

_NOT_REGULAR_HINT = "name a regular file: a pipe, a device or a folder cannot be read as data"
_LOOP_HINT = "fix the symbolic link: it leads back to itself"


def inside_tree(root: Path, rel: str, field: str = "source/path", what: str = "CSV path",
                hint: str | None = None) -> Path:
    """The file a spec names, refused when it lies outside the tree (a spec reads nothing else).

    Symbolic links are followed first, so a link inside the tree to a file outside it is outside.
    """
    try:
        path = (root / rel).resolve()
    except (RuntimeError, OSError):  # a symbolic link loop (RuntimeError before Python 3.13)
        raise SourceProblem(f"{what} `{rel}` is a symbolic link loop", field, _LOOP_HINT) from None
    try:
        path.relative_to(root.resolve())
    except ValueError:
        raise SourceProblem(f"{what} `{rel}` is outside the spec tree", field, hint) from None
    return path


def regular_file(path: Path, shown: str, field: str, what: str = "CSV file") -> None:
    """Refuse, before it is opened, anything but a regular file: reading a FIFO or a device
    blocks forever, and opening some devices does something."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise SourceProblem(f"{what} `{shown}` does not exist", field) from None
    except OSError as exc:
        raise _os_problem(exc, what, shown, field) from None
    if not stat.S_ISREG(mode):
        raise SourceProblem(f"{what} `{shown}` is not a regular file but {_kind(mode)}", field, _NOT_REGULAR_HINT)


def open_text(path: Path, shown: str, field: str, what: str = "CSV file") -> IO[str]:
    """A regular file opened for reading as UTF-8 text (a byte-order mark is skipped).

    Checked before opening, and again on the open file without blocking, so a file
    swapped for a FIFO in between is refused too.
    """
    regular_file(path, shown, field, what)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise SourceProblem(f"{what} `{shown}` does not exist", field) from None
    except OSError as exc:
        raise _os_problem(exc, what, shown, field) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise SourceProblem(f"{what} `{shown}` is not a regular file but {_kind(mode)}", field, _NOT_REGULAR_HINT)
        os.set_blocking(fd, True)
        return open(fd, newline="", encoding="utf-8-sig")
    except BaseException:
        os.close(fd)
        raise


def _os_problem(exc: OSError, what: str, shown: str, field: str) -> SourceProblem:
    if exc.errno == errno.ELOOP:
        return SourceProblem(f"{what} `{shown}` is a symbolic link loop", field, _LOOP_HINT)
    return SourceProblem(f"{what} `{shown}` cannot be read: {exc.strerror or exc}", field)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def csv_header(root: Path, rel: str, columns: dict[str, str], base: str = "source") -> None:
    """Check that a CSV file is inside the tree, readable, and has the named columns.

    ``columns`` maps the spec field (``date_column``) to the column it names; a
    problem points at that field under ``base``.
    """
    path = inside_tree(root, rel, f"{base}/path")
    try:
        with open_text(path, rel, f"{base}/path") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceProblem(f"CSV file `{rel}` cannot be read: {exc}", f"{base}/path") from None
    for spec_field, column in columns.items():
        if column not in header:
            raise SourceProblem(f"CSV file `{rel}` has no column `{column}`", f"{base}/{spec_field}")


def read_csv(root: Path, rel: str, date_column: str, value_column: str) -> list[Point]:
    csv_header(root, rel, {"date_column": date_column, "value_column": value_column})
    try:
        with open_text(inside_tree(root, rel), rel, "source/path") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceProblem(f"CSV file `{rel}` cannot be read: {exc}", "source/path") from None
    points = []
    for number, row in enumerate(rows, start=2):
        if not (row.get(value_column) or "").strip():
            continue  # an empty cell is no value, not a zero
        points.append(point(row.get(date_column) or "", row[value_column], f"CSV file `{rel}`", rel, number,
                            date_column, value_column))
    return points


def point(day_cell: str, value_cell: Any, what: str, rel: str, number: int, date_column: str,
          value_column: str) -> Point:
    """One row's value, or which cell is wrong and how to write it: the same words whichever
    reader (Python's csv, DuckDB) gave the row."""
    try:
        day = parse_day(day_cell)
    except ValueError as exc:
        raise SourceProblem(f"{what} row {number}, column `{date_column}`: {exc}", "source/path",
                            f"write the day as YYYY-MM-DD (2026-09-30) in row {number} of `{rel}`") from None
    try:
        return Point(day, parse_number(value_cell))
    except ValueError as exc:
        # The mistake is the value, not where the file lives: say which cell and how to write it.
        raise SourceProblem(f"{what} row {number}, column `{value_column}`: {exc}", "source/path",
                            "give the row a finite number, or leave its value cell empty"
                            if isinstance(exc, NotFinite) else
                            f"write the value in row {number} of `{rel}` as a number (1200, 1,200 or 12.5), "
                            "or leave the cell empty for no value") from None


# -- SQL ---------------------------------------------------------------------------------------------

def expand_url(url: str, environ: dict[str, str] | None = None) -> str:
    """Fill `${VAR}` from the environment: credentials never live in a spec."""
    env = os.environ if environ is None else environ

    def fill(m: re.Match) -> str:
        if m.group(1) not in env:
            raise SourceProblem(f"environment variable `{m.group(1)}` named in the URL is not set", "source/url")
        return env[m.group(1)]

    return _VAR.sub(fill, url)


def check_query(query: str, backend: str | None = None) -> None:
    """Refuse a query that could do more than read, judged on sqlglot's parse of it."""
    from goalspec.data.query import QueryRefused, refuse

    try:
        refuse(query, backend)
    except QueryRefused as exc:
        raise SourceProblem(str(exc), "source/query", exc.hint) from None


def backend_of(url: str) -> str:
    """The database a URL names (`postgresql` for `postgresql+psycopg://…`)."""
    return url.partition("://")[0].partition("+")[0].lower()


def read_sql(root: Path, url: str, query: str, timeout: float = QUERY_TIMEOUT) -> list[Point]:
    _, rows = run_query(root, url, query, timeout)
    points = []
    for number, row in enumerate(rows, start=1):
        if len(row) < 2:
            raise SourceProblem("the query must return rows of (date, value)", "source/query")
        if row[1] is None:
            continue
        try:
            points.append(Point(parse_day(row[0]), parse_number(row[1])))
        except ValueError as exc:
            raise SourceProblem(f"row {number}: {exc}", "source/query",
                                "make the query return finite numbers (or NULL for no value)"
                                if isinstance(exc, NotFinite) else None) from None
    return points


def run_query(root: Path, url: str, query: str, timeout: float = QUERY_TIMEOUT, *,
              confined: bool = True) -> tuple[list[str], list[tuple]]:
    """Run one read-only query within ``timeout`` seconds: its column names and rows.

    An SQLite file is read relative to ``root`` and, when ``confined`` (a spec's
    source), only when it lies inside it.
    """
    check_query(query, backend_of(url))
    with read_only(root, url, timeout, confined=confined) as conn:
        result = conn.exec_driver_sql(query)
        return list(result.keys()), [tuple(row) for row in result.fetchall()]


@contextmanager
def read_only(root: Path, url: str, timeout: float = QUERY_TIMEOUT, *, confined: bool = True) -> Iterator[Any]:
    """A connection in a read-only transaction whose statements are stopped past ``timeout``
    seconds (rolled back at the end); the database's errors become SourceProblems. The
    caller checks any SQL text it runs with ``check_query`` first."""
    try:
        import sqlalchemy
    except ImportError:  # pragma: no cover - a declared dependency
        raise SourceProblem("SQLAlchemy is not installed", "source/url") from None
    full = expand_url(url)
    try:
        engine = _engine(sqlalchemy, full, root, timeout, confined)
    except (sqlalchemy.exc.ArgumentError, ImportError, ValueError) as exc:
        raise SourceProblem(scrub(f"database URL cannot be used: {exc}", url, full), "source/url") from None
    clock = _Clock(timeout)
    try:
        with engine.connect() as conn:
            for statement in _session(engine.dialect, timeout):
                conn.exec_driver_sql(statement)
            clock.watch(conn.connection.dbapi_connection)
            yield conn
            conn.rollback()
    except sqlalchemy.exc.SQLAlchemyError as exc:
        if clock.expired or timed_out(exc):
            raise SourceProblem(f"the query did not finish within its time limit of {_seconds(timeout)}",
                                "source/query", "make the query faster, or give the source a longer `timeout` "
                                f"(in seconds; default {_seconds(QUERY_TIMEOUT)})") from None
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise SourceProblem(scrub(f"the query failed: {reason}", url, full), "source/query") from None
    finally:
        engine.dispose()


def _engine(sqlalchemy, url: str, root: Path, timeout: float, confined: bool):
    parsed = sqlalchemy.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if not db or db == ":memory:":
            raise ValueError("an SQLite source needs a database file")
        path = _sqlite_file(root, db, confined)
        # SQLite's own read-only mode: a writing statement fails inside the database. The
        # connection is made here, so the file's name is never read as part of a URI.
        uri = f"file:{quote(path.as_posix())}?mode=ro"

        def connect():
            import sqlite3
            return sqlite3.connect(uri, uri=True, timeout=min(timeout, 5.0), check_same_thread=False)
        engine = sqlalchemy.create_engine("sqlite://", creator=connect)
        # after SQLAlchemy's own REGEXP (registered on connect too), which this replaces
        sqlalchemy.event.listen(engine, "connect", _sqlite_regexp)
        return engine
    args = {}
    if parsed.get_backend_name() == "postgresql":
        # A session that cannot write even before the transaction is made read-only, and a
        # server that does not answer is given up on within the time limit.
        args = {"connect_args": {"options": "-c default_transaction_read_only=on",
                                 "connect_timeout": max(2, math.ceil(timeout))}}
    return sqlalchemy.create_engine(parsed, **args)


def _sqlite_regexp(dbapi_connection, _record) -> None:
    dbapi_connection.create_function("regexp", 2, _regexp, deterministic=True)


@lru_cache(maxsize=64)
def _pattern(pattern: str) -> re.Pattern:
    # The criteria's patterns end with `$` meaning the end of the text, as in DuckDB's and
    # PostgreSQL's regular expressions; Python's `$` also matches before a final newline, so that
    # "…+05:00\n" would pass as a time as it stands, its offset unread. (No pattern holds a `$` of
    # its own: they are goalspec's, never a spec's.)
    return re.compile(pattern.replace("$", r"\Z"))


def _regexp(pattern: str | None, value: object) -> bool | None:
    """SQLite's `value REGEXP pattern`: NULL for NULL; a value that is no text (a BLOB) matches
    nothing (the criteria leave those cells to Python)."""
    if pattern is None or value is None:
        return None
    return isinstance(value, str) and _pattern(pattern).search(value) is not None


def _sqlite_file(root: Path, db: str, confined: bool) -> Path:
    if confined:
        path = inside_tree(root, db, "source/url", "SQLite database", "keep the SQLite file inside the tree and "
                           "give its path relative to the tree's root: `sqlite:///data/crm.db`")
    else:
        path = Path(db) if Path(db).is_absolute() else root / db
    regular_file(path, db, "source/url", "SQLite database")
    return path.resolve()


def _session(dialect, timeout: float) -> list[str]:
    """Statements that make the transaction read-only and bound each statement's time."""
    ms = max(1, int(timeout * 1000))
    if dialect.name == "postgresql":
        return ["SET TRANSACTION READ ONLY", f"SET LOCAL statement_timeout = {ms}"]
    if dialect.name == "mysql":  # MySQL and MariaDB: the next transaction is read-only
        limit = (f"SET SESSION max_statement_time = {timeout:g}" if getattr(dialect, "is_mariadb", False)
                 else f"SET SESSION max_execution_time = {ms}")
        return ["SET TRANSACTION READ ONLY", limit]
    if dialect.name == "oracle":
        return ["SET TRANSACTION READ ONLY"]
    return []


class _Clock:
    """SQLite's time limit: its progress handler stops a statement once the time is up."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.expired = False

    def watch(self, dbapi_connection) -> None:
        if not hasattr(dbapi_connection, "set_progress_handler"):
            return  # other databases are bounded by the server (see _session)
        deadline = time.monotonic() + self.timeout

        def over() -> int:
            if time.monotonic() > deadline:
                self.expired = True
                return 1
            return 0
        dbapi_connection.set_progress_handler(over, 10_000)


def timed_out(exc) -> bool:
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code == "57014":  # PostgreSQL: canceling statement due to statement timeout
        return "timeout" in str(orig)
    args = getattr(orig, "args", ())
    return bool(args) and args[0] in (3024, 1969)  # MySQL / MariaDB: the statement's time ran out


def _seconds(timeout: float) -> str:
    return f"{timeout:g} s"
