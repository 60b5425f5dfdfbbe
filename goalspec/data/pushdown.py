"""Lead records summarized where they live: the database counts, Python explains.

A lead-record source is a table to the database that holds it: an SQL source's query
(wrapped as a subquery, in the source's read-only session) or a CSV or Parquet file
read by DuckDB (an in-memory database that may read that one file and nothing else).
The lead definitions compile to SQL (``sqlcriteria``), and one GROUP BY returns what
the summary needs: records per combination of definitions met, per day of
``date_column``, per follow-up outcome. Only the rows Python must see leave the
database: the few whose values SQL cannot read exactly (evaluated by the Python
evaluator, the reference), and the ids of leads followed up late, which the summary
names. When the definitions cannot compile for the dialect, or the database cannot
run what they compile to, the source is evaluated in Python, and ``Summary.note``
says why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from goalspec.data.leads import Classifier, Summary
from goalspec.data.sqlcriteria import WHITESPACE, Column, NotCompilable, Storage, _NonAscii, _Trim, _TypeOf, to_sql
from goalspec.data.sources import SourceProblem, parse_day


class DuckDialect(PGDialect):
    """DuckDB reads PostgreSQL's SQL; the name lets ``sqlcriteria`` pick DuckDB's own functions."""

    name = "duckdb"
    supports_statement_cache = False

    def __init__(self, **kw):
        super().__init__(paramstyle="qmark", **kw)
        self._backslash_escapes = False  # DuckDB's strings are standard: a backslash is a backslash


@dataclass(frozen=True)
class Table:
    """Lead records as a relation of the database that holds them."""

    columns: tuple[str, ...]
    storage: tuple[Storage, ...]
    source: sa.FromClause  # its columns, in order, are the records' columns
    dialect: sa.engine.Dialect
    engine: str  # what reports call the database: DuckDB, SQLite, PostgreSQL, …
    run: Callable[[sa.Executable], Iterator[Sequence[Any]]]  # rows of a statement, streamed

    @property
    def exprs(self) -> list[ColumnElement]:
        return list(self.source.columns)

    def fields(self) -> dict[str, Column]:
        out: dict[str, Column] = {}
        for name, expr, storage in zip(self.columns, self.exprs, self.storage):
            out.setdefault(name, Column(expr, storage))  # the first of two same-named columns, as in Python
        return out


def sql_text(statement: sa.Executable, dialect: sa.engine.Dialect) -> str:
    """A statement as the database would read it, values written in (for ``--explain-sql``)."""
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


# -- the plan ------------------------------------------------------------------------------------

_IN_TIME, _WAITING, _LATE, _UNREADABLE, _NONE = 1, 2, 3, 4, 0


class Plan:
    """The statements that summarize one table for one classifier (raises NotCompilable)."""

    def __init__(self, classifier: Classifier, table: Table):
        self.c, self.t = classifier, table
        fields = table.fields()
        parts = [to_sql(d.criteria, fields, d.case_sensitive) for _, d in classifier.definitions]
        self.tests = [p.test for p in parts]
        unsure = [p.unsure for p in parts if p.unsure is not None]
        exprs = table.exprs
        self.day = None
        if classifier._date is not None:
            self.day = _day_key(exprs[classifier._date], table.storage[classifier._date])
        self.states: dict[int, ColumnElement] = {}
        if classifier._agreements:
            as_of = _epoch_of(classifier.as_of)
            handed = _moment(exprs[classifier._handed], table.storage[classifier._handed])
            followed = (_moment(exprs[classifier._followed], table.storage[classifier._followed])
                        if classifier._followed is not None else None)
            unsure += [m.unsure for m in (handed, followed) if m is not None and m.unsure is not None]
            for k, within in classifier._agreements:
                self.states[k] = _state(self.tests[k], handed, followed, within.total_seconds(), as_of)
        self.unsure = sa.or_(*unsure) if unsure else None
        try:  # a dialect without one of the functions used (regular expressions, say) says so here
            for statement in (self.counts(), self.flagged()):
                statement.compile(dialect=table.dialect)
        except sa.exc.CompileError as exc:
            raise NotCompilable(f"{table.engine} cannot run the criteria: {exc}") from None

    def _flag(self, k: int) -> ColumnElement:
        return sa.case((self.tests[k], 1), else_=0).label(f"f{k}")

    def counts(self) -> sa.Select:
        """Records per combination of definitions met, day and follow-up outcome."""
        cols = [self._flag(k) for k in range(len(self.tests))]
        if self.day is not None:
            cols.append(self.day.label("day"))
        cols += [state.label(f"s{k}") for k, state in self.states.items()]
        inner = sa.select(*cols).select_from(self.t.source)
        if self.unsure is not None:
            inner = inner.where(sa.not_(self.unsure))
        inner = inner.subquery("sure")
        keys = list(inner.columns)
        return sa.select(*keys, sa.func.count().label("n")).group_by(*keys)

    def singles(self) -> sa.Select | None:
        """The records Python must see: unsure ones in full, late ones for their id, in record order."""
        if self.unsure is None and not self.states:
            return None
        numbered = sa.select(sa.func.row_number().over().label("n"), *self.t.exprs).select_from(self.t.source)
        wanted = sa.case((self.unsure, 1), else_=0) if self.unsure is not None else sa.literal(0)
        late = [sa.case((state == _LATE, 1), else_=0).label(f"l{k}") for k, state in self.states.items()]
        rows = numbered.add_columns(wanted.label("u"), *late).subquery("numbered")
        cond = [rows.c.u == 1] + [rows.c[f"l{k}"] == 1 for k in self.states]
        return sa.select(rows).where(sa.or_(*cond)).order_by(rows.c.n)

    def filled(self) -> sa.Select:
        """Which columns hold a value on some record (GS409 asks)."""
        cols = []
        for i, (expr, storage) in enumerate(zip(self.t.exprs, self.t.storage)):
            has = sa.and_(expr.is_not(None), sa.cast(expr, sa.String()) != "") if storage in ("text", "dynamic") \
                else expr.is_not(None)
            cols.append(sa.func.max(sa.case((has, 1), else_=0)).label(f"c{i}"))
        return sa.select(*cols).select_from(self.t.source)

    def flagged(self) -> sa.Select:
        """Every record with the definitions it meets (1/0) and whether SQL is unsure of it."""
        unsure = sa.case((self.unsure, 1), else_=0) if self.unsure is not None else sa.literal(0)
        return sa.select(*self.t.exprs, *[self._flag(k) for k in range(len(self.tests))],
                         unsure.label("u")).select_from(self.t.source)

    def statements(self, track_filled: bool) -> list[sa.Executable]:
        out = [self.counts()]
        if self.singles() is not None:
            out.append(self.singles())
        if track_filled:
            out.append(self.filled())
        return out


def summarize(classifier: Classifier, table: Table, *, track_filled: bool) -> Summary:
    """The summary computed by the database; raises NotCompilable, or SourceProblem from the run."""
    plan = Plan(classifier, table)
    n_defs, fetched = len(plan.tests), 0
    combos: dict[tuple[bool, ...], int] = {}
    daily: dict[tuple[tuple[bool, ...], date], int] = {}
    follow: dict[int, list] = {k: [0, 0, 0, [], 0] for k in plan.states}
    undated = 0
    keys: dict[Any, date] = {}
    for row in table.run(plan.counts()):
        fetched += 1
        flags = tuple(bool(v) for v in row[:n_defs])
        n = row[-1]
        combos[flags] = combos.get(flags, 0) + n
        at = n_defs
        if plan.day is not None:
            key = row[at]
            at += 1
            if key is None:
                undated += n
            else:
                if key not in keys:
                    keys[key] = parse_day(key)  # ValueError: the Python pass names the row
                daily[flags, keys[key]] = daily.get((flags, keys[key]), 0) + n
        for k, state in zip(plan.states, row[at:-1]):
            tally = follow[k]
            if state in (_IN_TIME, _WAITING, _LATE):
                tally[0] += n
            if state in (_IN_TIME, _WAITING):
                tally[state] += n
            elif state == _UNREADABLE:
                tally[4] += n
    classifier.absorb(combos, daily, undated, {k: tuple(v) for k, v in follow.items()}, set())
    singles = plan.singles()
    if singles is not None:
        width = len(table.columns)
        id_at = classifier._id
        for row in table.run(singles):
            fetched += 1
            number, cells, unsure, late = row[0], row[1:1 + width], row[1 + width], row[2 + width:]
            if unsure:
                classifier.add(number, cells)
                continue
            for k, is_late in zip(plan.states, late):
                if is_late:
                    ident = "" if id_at is None or cells[id_at] is None else str(cells[id_at])
                    classifier._follow[k][3].append((number, ident))
    if track_filled:
        (row,) = list(table.run(plan.filled()))
        fetched += 1
        classifier.absorb({}, {}, 0, {}, {c for c, v in zip(table.columns, row) if v})
    summary = classifier.summary()
    return dataclasses.replace(summary, engine=table.engine, fetched=fetched)


def stream(classifier: Classifier, table: Table, first_row: int = 1) -> Iterator[tuple[int, Sequence[Any], tuple[bool, ...]]]:
    """Every record with its verdicts, as ``Classifier.verdicts`` gives them, the database's flags used."""
    plan = Plan(classifier, table)
    width, n_defs = len(table.columns), len(plan.tests)
    for number, row in enumerate(table.run(plan.flagged()), start=first_row):
        cells, flags, unsure = row[:width], tuple(bool(v) for v in row[width:width + n_defs]), row[-1]
        try:
            flags = classifier.add(number, cells, None if unsure else flags)
        except ValueError as exc:
            raise SourceProblem(f"row {number}: {exc}", "date_column") from None
        yield number, cells, flags


# -- days and moments in SQL -------------------------------------------------------------------------

def _day_key(x: ColumnElement, storage: Storage) -> ColumnElement:
    """The text (or date) Python's parse_day reads a record's day from; NULL for an undated record."""
    if storage in ("text", "dynamic"):
        t = x if storage == "text" else sa.cast(x, sa.String())
        key = sa.func.substr(_Trim(t, sa.literal(WHITESPACE, sa.String())), 1, 10)
        return sa.case((sa.or_(x.is_(None), t == ""), sa.null()), else_=key)
    if storage == "day":
        return x
    if storage == "moment":
        return sa.cast(x, sa.Date())
    raise NotCompilable("the date column is neither text nor dates")


@dataclass(frozen=True)
class _Moment:
    none: ColumnElement  # no time given
    unreadable: ColumnElement  # Python cannot read it
    epoch: ColumnElement  # seconds since 1970 (UTC for a time with an offset), when readable
    unsure: ColumnElement | None


_MOMENT = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?)?$")
_CUMULATIVE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def _epoch_of(moment: datetime) -> float:
    return (moment - datetime(1970, 1, 1)).total_seconds()


def _moment(x: ColumnElement, storage: Storage) -> _Moment:
    """Python's ``moment()`` in SQL for ISO text with whole seconds; any other time is Python's to read."""
    if storage in ("day", "moment"):
        return _Moment(x.is_(None), sa.false(), _TypedEpoch(x), None)
    if storage not in ("text", "dynamic"):
        return _Moment(x.is_(None), sa.false(), sa.null(), x.is_not(None))
    t = x if storage == "text" else sa.cast(x, sa.String())
    s = _Trim(t, sa.literal(WHITESPACE, sa.String()))
    none = sa.or_(x.is_(None), s == "")
    part = lambda a, n: sa.cast(sa.func.substr(s, a, n), sa.BigInteger())  # noqa: E731
    y, m, d = part(1, 4), part(6, 2), part(9, 2)
    timed = sa.func.length(s) >= 19
    hh, mi, ss = (sa.case((timed, part(a, 2)), else_=0) for a in (12, 15, 18))
    offset = sa.func.length(s) == 25
    sign = sa.case((sa.func.substr(s, 20, 1) == "-", -1), else_=1)
    oh, om = (sa.case((offset, part(a, 2)), else_=0) for a in (21, 24))
    leap = sa.or_(sa.and_(y % 4 == 0, y % 100 != 0), y % 400 == 0)
    days_in = sa.case((m.in_((4, 6, 9, 11)), 30), (m == 2, sa.case((leap, 29), else_=28)), else_=31)
    shaped = s.regexp_match(_MOMENT)
    valid = sa.case((shaped, sa.case((sa.and_(y >= 1, m.between(1, 12), d.between(1, days_in), hh <= 23, mi <= 59,
                                              ss <= 59, oh <= 23, om <= 59), sa.true()), else_=sa.false())),
                    else_=sa.false())
    before = y - 1
    # toordinal() in integer arithmetic (exact in every dialect: no division leaves a remainder)
    ordinal = (before * 365 + (before - before % 4) / 4 - (before - before % 100) / 100
               + (before - before % 400) / 400 + sa.case(*[(m == i + 1, c) for i, c in enumerate(_CUMULATIVE)])
               + sa.case((sa.and_(m > 2, leap), 1), else_=0) + d)
    epoch = sa.case((valid, (ordinal - 719163) * 86400 + hh * 3600 + mi * 60 + ss - sign * (oh * 3600 + om * 60)),
                    else_=sa.null())
    # Python reads many more ISO forms (fractions, compact dates, weeks): text that starts like a
    # date and is not read here goes to Python.
    maybe = sa.or_(_NonAscii(t), s.regexp_match(r"^[0-9]{4}"))
    unsure = sa.and_(sa.not_(none), sa.not_(valid), maybe)
    if storage == "dynamic":
        unsure = sa.or_(unsure, _TypeOf(x).in_(("integer", "real", "blob")))
    unreadable = sa.and_(sa.not_(none), sa.not_(valid))
    return _Moment(none, unreadable, epoch, unsure)


class _TypedEpoch(FunctionElement):
    """Seconds since 1970 of a date or timestamp column (a time zone's offset applied)."""
    type = sa.Float()
    inherit_cache = True


@compiles(_TypedEpoch)
def _typed_epoch(element, compiler, **kw):
    raise sa.exc.CompileError("no epoch function known for this dialect")


@compiles(_TypedEpoch, "postgresql")
def _typed_epoch_pg(element, compiler, **kw):
    return f"EXTRACT(EPOCH FROM {compiler.process(list(element.clauses)[0], **kw)})"


@compiles(_TypedEpoch, "duckdb")
def _typed_epoch_duckdb(element, compiler, **kw):
    return f"epoch({compiler.process(list(element.clauses)[0], **kw)})"


def _state(test: ColumnElement, handed: _Moment, followed: _Moment | None, within: float,
           as_of: float) -> ColumnElement:
    """A qualified record's follow-up outcome, as ``Classifier._follow_up`` decides it."""
    unreadable = handed.unreadable if followed is None else sa.or_(handed.unreadable, followed.unreadable)
    whens = [(sa.not_(test), _NONE), (unreadable, _UNREADABLE), (handed.none, _NONE)]
    if followed is not None:
        whens.append((sa.and_(sa.not_(followed.none), followed.epoch - handed.epoch <= within), _IN_TIME))
        whens.append((sa.and_(followed.none, sa.literal(as_of) - handed.epoch <= within), _WAITING))
    else:
        whens.append((sa.literal(as_of) - handed.epoch <= within, _WAITING))
    return sa.case(*whens, else_=_LATE)

