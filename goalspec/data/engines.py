"""Which engine reads a lead-record source, and the Python fallback.

Parquet files, and CSV files of ``DUCKDB_FROM`` bytes or more, go to DuckDB: an in-memory
database allowed to read that one file (after the tree-confinement checks of
``sources``), its settings locked. Every CSV cell reads as text, as Python's csv module
gives it; a smaller CSV file is read by Python, faster than DuckDB can start. SQL sources run in
their own database, in the read-only, time-limited session of ``sources.read_only``,
the query wrapped as a subquery. When the criteria do not compile for the dialect,
or the database fails on what they compile to, the Python evaluator reads the
records instead (``Summary.note`` says why); a problem with the data itself is
always reported by the Python pass, which names the row.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from functools import cache
from typing import TYPE_CHECKING

from goalspec.data.leads import FIELD_LIMIT, LATE_SHOWN, Classifier, Records, Summary, read_csv, read_sql
from goalspec.data import sqlkeep
from goalspec.data.sources import (SourceProblem, backend_of, check_query, expand_url, inside_tree, read_only,
                                   regular_file, timed_out)
from goalspec.data.tally import Shape, tally
from goalspec.data.unsupported import Fallback, NotCompilable
from goalspec.spec.models import LeadDefinition, LeadRecordsCsv, LeadRecordsSql
from goalspec.spec.secrets import redact, scrub

if TYPE_CHECKING:
    from goalspec.data.pushdown import Table

# SQLAlchemy, DuckDB and the SQL builders are imported where a source is counted in its database:
# a tree whose lead records Python reads (a small CSV file) never loads them.


@cache
def duck_dialect():
    from goalspec.data.pushdown import DuckDialect

    return DuckDialect()


# From this size on, `auto` counts a CSV file with DuckDB: about 190,000 records of a CRM export's
# eight columns, where DuckDB (on one core) is already faster than Python's csv loop.
DUCKDB_FROM = 16 * 2 ** 20
_BATCH = 10_000

# PostgreSQL's type ids (pg_type.oid) by how goalspec reads them.
_PG_TYPES = {16: "bool", 20: "number", 21: "number", 23: "number", 26: "number", 700: "number", 701: "number",
             1700: "number", 1082: "day", 1114: "moment", 1184: "moment", 25: "text", 1043: "text", 1042: "text",
             19: "text", 18: "text", 705: "text"}


def is_parquet(path: str) -> bool:
    return path.lower().endswith((".parquet", ".parq"))


# -- DuckDB over a file ------------------------------------------------------------------------------------------

def duck_connect(path: Path):
    import duckdb

    con = duckdb.connect(":memory:")
    literal = "'" + str(path).replace("'", "''") + "'"
    con.execute(f"SET allowed_paths=[{literal}]")
    con.execute("SET enable_progress_bar=false")  # a million records would draw it on stderr
    con.execute("SET enable_external_access=false")  # no other file, no network, no extension
    con.execute("SET lock_configuration=true")
    return con, literal


def csv_relation(literal: str, width: int) -> str:
    """A CSV file as DuckDB reads it the way Python's csv module does: every cell text, columns
    c0, c1, … by position (the header is Python's to read), short rows padded."""
    names = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    # strict: a quote inside an unquoted cell, or text after a closing quote, is read by Python's csv
    # module in its own way (`"3"00` is 300): DuckDB stops on such a file, and Python reads it.
    # A line longer than Python's field limit stops it too, so that DuckDB never counts a file
    # Python refuses. The buffer is twice that line, not DuckDB's sixteen times: each buffer is a
    # piece of the file for one core, and a query that stops early (the late leads) reads one.
    return (f"read_csv({literal}, header=true, auto_detect=false, columns={{{names}}}, delim=',', "
            "quote='\"', escape='\"', null_padding=true, strict_mode=true, encoding='utf-8', "
            f"max_line_size={FIELD_LIMIT}, buffer_size={2 * FIELD_LIMIT})")


@contextmanager
def duckdb_table(path: Path, columns: Sequence[str] | None = None) -> Iterator[Table]:
    """A CSV file (``columns``: its header, as Python read it) or a Parquet file, as a DuckDB relation."""
    import duckdb
    import sqlalchemy as sa

    from goalspec.data.pushdown import Table, sql_text

    try:
        con, literal = duck_connect(path)
        if columns is not None:
            relation = csv_relation(literal, len(columns))
            storage = ("text",) * len(columns)
            labels = [f"c{i}" for i in range(len(columns))]
        else:
            relation = f"read_parquet({literal})"
            described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
            columns = tuple(r[0] for r in described)
            storage = tuple(_duck_storage(r[1]) for r in described)
            labels = list(columns)
    except duckdb.Error as exc:
        raise Fallback(f"DuckDB cannot read it: {str(exc).splitlines()[0]}") from None
    source = sa.text(f"SELECT * FROM {relation}").columns(*[sa.column(c) for c in labels]).subquery("records")

    def run(statement) -> Iterator[Sequence[Any]]:
        # Values written in, quoted by SQLAlchemy's literal rendering: DuckDB then plans with them known.
        return _duck_rows(con, sql_text(statement, duck_dialect()))

    try:
        yield Table(tuple(columns), storage, source, duck_dialect(), "DuckDB", run)
    finally:
        con.close()


def _duck_storage(type_name: str) -> str:
    t = type_name.upper()
    if t in ("VARCHAR", "TEXT", "STRING"):
        return "text"
    if t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
             "UBIGINT", "FLOAT", "DOUBLE", "REAL") or t.startswith("DECIMAL"):
        return "number"
    if t == "DATE":
        return "day"
    if t.startswith("TIMESTAMP"):
        return "moment"
    if t == "BOOLEAN":
        return "bool"
    return "other"


def parquet_records(path: Path, name: str) -> Records:
    """A Parquet file's rows for the Python evaluator (the fallback), read by DuckDB and streamed."""
    import duckdb

    try:
        con, literal = duck_connect(path)
        cursor = con.execute(f"SELECT * FROM read_parquet({literal})")
    except duckdb.Error as exc:
        raise SourceProblem(f"Parquet file `{name}` cannot be read: {str(exc).splitlines()[0]}", "path") from None
    columns = tuple(d[0] for d in cursor.description)

    def rows() -> Iterator[Sequence[Any]]:
        while batch := cursor.fetchmany(_BATCH):
            yield from batch
    return Records(name, columns, rows(), first_row=1, close=con.close)


# -- an SQL source in its own database -------------------------------------------------------------------------------

@contextmanager
def sql_table(root: Path, url: str, query: str, timeout: float, confined: bool) -> Iterator[Table]:
    """The query's rows as a subquery, in the source's read-only session (which this holds open)."""
    import sqlalchemy as sa

    from goalspec.data.pushdown import Table
    check_query(query, backend_of(url))
    body = query.strip().rstrip(";").strip()
    with read_only(root, url, timeout, confined=confined) as conn:
        probe = conn.exec_driver_sql(f"SELECT * FROM ({body}) AS records WHERE 1 = 0")
        names = tuple(probe.keys())
        storage = tuple(_sql_storage(conn.dialect, d[1]) for d in probe.cursor.description)
        probe.close()
        if len(set(names)) != len(names):
            raise Fallback("the query returns two columns of the same name")
        # The query is the user's own text: its colons are not SQLAlchemy's parameters.
        source = sa.text(body.replace(":", "\\:")).columns(*[sa.column(n) for n in names]).subquery("records")

        def run(statement) -> Iterator[Sequence[Any]]:
            try:
                result = conn.execution_options(stream_results=True, yield_per=_BATCH).execute(statement)
                try:
                    yield from result
                finally:
                    result.close()
            except sa.exc.SQLAlchemyError as exc:
                # The criteria's statement failed where the query alone did not (a function of the
                # database failing on some cell): Python reads the records; a time limit is the source's.
                if timed_out(exc):
                    raise
                reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                raise Fallback(scrub(f"the database cannot run it: {reason}", url, expand_url(url))) from None

        yield Table(names, storage, source, conn.dialect, _ENGINES.get(conn.dialect.name, conn.dialect.name), run)


_ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL", "snowflake": "Snowflake",
            "bigquery": "BigQuery", "redshift": "Redshift", "trino": "Trino", "duckdb": "DuckDB"}


def _sql_storage(dialect, type_code: Any) -> str:
    if dialect.name == "sqlite":
        return "dynamic"  # SQLite gives each cell its own type
    if dialect.name == "postgresql" and isinstance(type_code, int):
        return _PG_TYPES.get(type_code, "other")
    dbapi = getattr(dialect, "dbapi", None)
    if dbapi is not None:  # PEP 249's type objects, which most drivers define
        if getattr(dbapi, "STRING", None) == type_code:
            return "text"
        if getattr(dbapi, "NUMBER", None) == type_code:
            return "number"
    return "other"


# -- choosing, and falling back --------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Source:
    """Lead records wherever they are: a CSV or Parquet file, or a URL and a query."""

    name: str  # what reports call it
    path: Path | None = None
    root: Path | None = None
    url: str | None = None
    query: str | None = None
    timeout: float = 30.0
    confined: bool = True

    @contextmanager
    def table(self) -> Iterator[Table]:
        if self.path is not None:
            if is_parquet(self.path.name):
                regular_file(self.path, self.name, "path", "Parquet file")
                with duckdb_table(self.path) as t:
                    yield t
                return
            with duckdb_table(self.path, self.header()) as t:
                yield t
            return
        with sql_table(self.root, self.url, self.query, self.timeout, self.confined) as t:
            yield t

    def header(self) -> tuple[str, ...]:
        records = read_csv(self.path, self.name)
        if records.close:
            records.close()
        return records.columns

    def records(self) -> Records:
        """The Python evaluator's records (the fallback and the reference)."""
        if self.path is not None:
            return parquet_records(self.path, self.name) if is_parquet(self.path.name) else read_csv(self.path,
                                                                                                     self.name)
        return read_sql(self.root, self.url, self.query, name=self.name, timeout=self.timeout,
                        confined=self.confined)


def from_spec(root: Path, data: LeadRecordsCsv | LeadRecordsSql) -> Source:
    if data.type == "csv":
        return Source(data.path, path=inside_tree(root, data.path, "path"))
    return Source(redact(data.url), root=root, url=data.url, query=data.query, timeout=data.timeout)


def summary(source: Source, definitions: Sequence[tuple[str, LeadDefinition]], *, python: bool | None = None,
            **options: Any) -> Summary:
    """The source's summary, counted by its database when it can be, else by the Python evaluator.

    ``python`` None chooses: a CSV file of ``DUCKDB_FROM`` bytes or more is counted by DuckDB,
    a smaller one by Python (DuckDB's fixed cost, about a tenth of a second, is more than
    Python takes for a hundred thousand records; bench/README.md), everything else by its
    database; True or False forces the choice.
    """
    note = None
    if python is None:
        python = source.path is not None and not is_parquet(source.path.name) and file_size(source.path) < DUCKDB_FROM
    if not python:
        try:
            if source.path is not None and not is_parquet(source.path.name):
                return _csv_in_duckdb(source, definitions, options)
            from goalspec.data.pushdown import summarize

            with source.table() as table:
                classifier = Classifier(definitions, _layout(source, table), **options)
                return summarize(classifier, table, track_filled=options.get("track_filled", False))
        except (NotCompilable, Fallback) as exc:
            note = str(exc)
        except (SourceProblem, ValueError) as exc:
            if isinstance(exc, SourceProblem) and not _data_problem(exc):
                raise
            note = None  # the Python pass below finds the row at fault and says so
    summary_ = Classifier(definitions, source.records(), **options).run()
    return dataclasses.replace(summary_, note=note)


def _csv_in_duckdb(source: Source, definitions: Sequence[tuple[str, LeadDefinition]], options: dict) -> Summary:
    """A CSV file's summary counted by DuckDB, with the SQL text an earlier run kept (``sqlkeep``)
    when there is one."""
    columns = source.header()
    if _spaced_quote(source.path):
        raise Fallback("a quote next to a space or tab, which DuckDB's reader trims and Python's keeps")

    def classifier() -> Classifier:
        return Classifier(definitions, Records(source.name, columns, iter(()), first_row=2), **options)

    def built(counting: Classifier) -> dict:
        from goalspec.data.pushdown import compiled

        with duckdb_table(source.path, columns) as table:
            return compiled(counting, table, track_filled=options.get("track_filled", False))
    counting = classifier()
    kept = sqlkeep.store()
    # the moment follow-ups are judged at is in the text only when some definition agrees one
    key = sqlkeep.key(source.path, columns, definitions, options, counting.as_of if counting._agreements else None)
    entry = kept.get(key) if kept is not None else None
    if sqlkeep.usable(entry):
        try:
            return _run_kept(source, counting, entry)
        except (_Stale, Fallback) as failure:
            # A damaged text is built again; the very text failing is the file's doing (a cell DuckDB
            # cannot parse), which Python reads next, without a second pass of DuckDB.
            fresh = built(counting)
            if fresh == entry:
                raise failure
            entry, counting = fresh, classifier()
            if kept is not None:
                kept.put(key, entry)
            return _run_kept(source, counting, entry)
    entry = built(counting)
    if kept is not None:
        kept.put(key, entry)
    return _run_kept(source, counting, entry)


_SPACED = (b' "', b'" ', b'\t"', b'"\t')


def _spaced_quote(path: Path) -> bool:
    """Whether a quote stands next to a space or tab (`, "300"`, `"A" ,`): Python's csv module keeps
    the space and the quotes in the cell, DuckDB's reader trims them. Read in chunks (memory stays
    flat); a chunk with no quote is told by one look for one."""
    try:
        with open(path, "rb") as fh:
            last = b""
            while chunk := fh.read(1 << 22):
                if (b'"' in chunk or last == b'"') and (
                        any(pair in chunk for pair in _SPACED) or last + chunk[:1] in _SPACED):
                    return True
                last = chunk[-1:]
    except OSError:  # the reader says what is wrong with the file
        return False
    return False


class _Stale(Exception):
    pass


def _run_kept(source: Source, classifier: Classifier, entry: dict) -> Summary:
    import duckdb

    shape = Shape.from_plain(entry["shape"])
    try:
        con, _ = duck_connect(source.path)
    except duckdb.Error as exc:
        raise Fallback(f"DuckDB cannot read it: {str(exc).splitlines()[0]}") from None
    try:
        return tally(classifier, shape, _duck_rows(con, entry["summary"], len(shape.at)),
                     lambda: _duck_rows(con, entry["unsure"], 1 + shape.width), "DuckDB",
                     lambda k, n: _duck_rows(con, f"{entry['late'][str(k)]} LIMIT {int(n)}", 2))
    finally:
        con.close()


def _duck_rows(con, text: str, width: int | None = None) -> Iterator[Sequence[Any]]:
    """The statement's rows, streamed; ``width``: the columns it must select (else ``_Stale``)."""
    import duckdb

    cursor = con.cursor()
    try:
        cursor.execute(text)
        if width is not None and len(cursor.description) != width:
            raise _Stale
        while batch := cursor.fetchmany(_BATCH):
            yield from batch
    except duckdb.Error as exc:
        raise Fallback(f"DuckDB cannot run it: {str(exc).splitlines()[0]}") from None


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the Python pass says what is wrong with it


def _layout(source: Source, table: Table) -> Records:
    return Records(source.name, table.columns, iter(()), first_row=2 if source.path else 1)


def _data_problem(problem: SourceProblem) -> bool:
    # A failing query or an unreadable file is reported as it is; a day that cannot be read
    # (parse_day) is found again, with its row, by the Python pass.
    return problem.field == "date_column"


def explain(source: Source, definitions: Sequence[tuple[str, LeadDefinition]], *, summary_only: bool,
            **options: Any) -> str:
    """The SQL the database would run for ``leads classify``, or why the Python evaluator runs instead."""
    from goalspec.data.pushdown import Plan, sql_text

    try:
        with source.table() as table:
            classifier = Classifier(definitions, _layout(source, table), **options)
            plan = Plan(classifier, table)
            head = f"-- {table.engine}: {source.name}\n"
            if not (summary_only or source.path):
                return head + sql_text(plan.flagged(), table.dialect) + ";\n"
            parts = [head + sql_text(plan.summary(), table.dialect) + ";"]
            for k in plan.states:  # after the summary, when it counted late leads under the agreement
                parts.append(f"-- the first late leads of `{classifier.definitions[k][0]}`, when the summary counts "
                             f"any (LIMIT: as many as it counts, at most {LATE_SHOWN})\n"
                             + sql_text(plan.late(k).limit(LATE_SHOWN), table.dialect) + ";")
            return "\n\n".join(parts) + "\n"
    except (NotCompilable, Fallback) as exc:
        return f"-- Python evaluates {source.name}: {exc}\n"


def verdicts(source: Source, classifier_of, *, python: bool | None = None):
    """(classifier, verdict stream, note) for printing every record: an SQL source's database gives
    the flags, streamed; a file is read by Python, row numbers and all (they are the file's lines)."""
    from goalspec.data.pushdown import Plan, stream

    if source.path is None and not python:
        try:
            manager = source.table()
            table = manager.__enter__()
        except (NotCompilable, Fallback) as exc:
            note = str(exc)
        else:
            try:
                classifier = classifier_of(_layout(source, table))
                Plan(classifier, table)
            except NotCompilable as exc:
                manager.__exit__(None, None, None)
                note = str(exc)
            except BaseException as exc:
                manager.__exit__(type(exc), exc, exc.__traceback__)
                raise
            else:
                return classifier, _closing(stream(classifier, table), manager), None
    else:
        note = None
    classifier = classifier_of(source.records())
    return classifier, classifier.verdicts(), note


def _closing(rows, manager):
    try:
        yield from rows
    except BaseException as exc:
        if not manager.__exit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        manager.__exit__(None, None, None)

