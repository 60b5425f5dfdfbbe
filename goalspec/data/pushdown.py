"""Lead records summarized where they live: the database counts, Python explains.

A lead-record source is a table to the database that holds it: an SQL source's query
(wrapped as a subquery, in the source's read-only session) or a CSV or Parquet file
read by DuckDB (an in-memory database that may read that one file and nothing else).
The lead definitions compile to SQL (``sqlcriteria``), and one GROUP BY returns what
the summary needs: records per combination of definitions met, per day of
``date_column``, per follow-up outcome. Only the rows Python must see leave the
database: the few whose values SQL cannot read exactly (evaluated by the Python
evaluator, the reference), and the ids of the first ``LATE_SHOWN`` leads followed up
late per agreement, which the summary names (the others are counted; a query per
agreement that has any finds them and stops there). Each column is read once per record
(``sqllets``). When the definitions cannot compile for the dialect, or the database cannot
run what they compile to, the source is evaluated in Python, and ``Summary.note``
says why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import AsBoolean, BooleanClauseList
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from goalspec.data.leads import LATE_SHOWN, Classifier, Summary
from goalspec.data.sqlcriteria import Column, NotCompilable, Storage, _NonAscii, _sure, first_ten, only_if, to_sql
from goalspec.data.sqlduck import _DayShape, _FastStamp, _ShortDigitLed, head
from goalspec.data.sqllets import Lets
from goalspec.data.sources import SourceProblem
from goalspec.data.tally import IN_TIME, LATE, NONE, UNREADABLE, WAITING, Shape, tally


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

    def fields(self, lets: Lets | None = None) -> dict[str, Column]:
        out: dict[str, Column] = {}
        for name, column in zip(self.columns, self.readings(lets)):
            out.setdefault(name, column)  # the first of two same-named columns, as in Python
        return out

    def readings(self, lets: Lets | None = None) -> list[Column]:
        """Each column, read once per record through ``lets`` when given."""
        return [Column(expr, storage, lets, i) for i, (expr, storage) in enumerate(zip(self.exprs, self.storage))]


def sql_text(statement: sa.Executable, dialect: sa.engine.Dialect) -> str:
    """A statement as the database would read it, values written in (for ``--explain-sql``)."""
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


# -- the plan ------------------------------------------------------------------------------------

class Plan:
    """The statements that summarize one table for one classifier (raises NotCompilable)."""

    def __init__(self, classifier: Classifier, table: Table, check: bool = True):
        self.c, self.t = classifier, table
        lets = Lets(table.source, table.dialect.name)
        columns = table.readings(lets)
        self.raw = [c.raw for c in columns]  # every column passes through the layers, in order
        fields = table.fields(lets)
        parts = [to_sql(d.criteria, fields, d.case_sensitive) for _, d in classifier.definitions]
        self.tests = [p.test for p in parts]
        unsure = [p.unsure for p in parts if p.unsure is not None]
        self.day = None
        if classifier._date is not None:
            self.day = _day_key(columns[classifier._date])
        self.states: dict[int, ColumnElement] = {}
        if classifier._agreements:
            as_of = _epoch_of(classifier.as_of)
            handed, followed = columns[classifier._handed], None
            if classifier._followed is not None:
                followed = columns[classifier._followed]
            if lets.dialect == "duckdb":
                # Python reads the times of qualified records only (a follow-up is theirs): the others' are
                # read as missing, which changes no outcome and spares them the dearest readings. (The layers
                # this adds would overflow SQLite's parser; DuckDB is where the time goes.)
                tests = [self.tests[k] for k, _ in classifier._agreements]
                qualified = lets.let("follow-up due", lambda: _sure(sa.or_(*tests)))
                handed = _only_when(handed, qualified)
                followed = _only_when(followed, qualified) if followed is not None else None
            handed = _moment(handed)
            followed = _moment(followed) if followed is not None else None
            unsure += [m.unsure for m in (handed, followed) if m is not None and m.unsure is not None]
            for k, within in classifier._agreements:
                self.states[k] = _state(self.tests[k], handed, followed, within.total_seconds(), as_of)
        unsure = list({_named(u): u for u in _terms_of_or(unsure)}.values())  # two definitions, one column: once
        self.unsure = lets.let("unsure", lambda: _sure(sa.or_(*unsure))) if unsure else None
        self.records = lets.relation()
        if check:  # a dialect without one of the functions used (regular expressions, say) says so here
            for statement in (self.summary(), self.flagged()):
                self.compiles(statement)

    def compiles(self, statement: sa.Executable) -> None:
        try:
            statement.compile(dialect=self.t.dialect)
        except sa.exc.CompileError as exc:
            raise NotCompilable(f"{self.t.engine} cannot run the criteria: {exc}") from None

    def rows(self, statement: sa.Executable) -> list[Sequence[Any]]:
        """A statement's few rows (a summary's groups); compiled once, by the run itself."""
        try:
            return list(self.t.run(statement))
        except sa.exc.CompileError as exc:
            raise NotCompilable(f"{self.t.engine} cannot run the criteria: {exc}") from None

    def _flag(self, k: int) -> ColumnElement:
        return sa.case((self.tests[k], 1), else_=0).label(f"f{k}")

    def _unsure_flag(self) -> ColumnElement:
        """1 for a record SQL is unsure of (Python's to evaluate), else 0."""
        return sa.case((self.unsure, 1), else_=0) if self.unsure is not None else sa.literal(0)

    def summary(self, track_filled: bool = False) -> sa.Select:
        """The whole summary in one pass over the records, grouped (GROUP BY).

        Records are grouped by the definitions they meet, their day, each follow-up outcome and
        whether SQL is unsure of them (``u``: those are Python's to evaluate, fetched by
        ``unsure_rows`` when there are any). With ``track_filled``, each group also says which
        columns hold a value somewhere in it (GS409 asks). Nothing in it depends on the order
        of the records, so the database may read them on every core it has; the late leads the
        summary names are found afterwards (``late``).
        """
        cols = [self._flag(k) for k in range(len(self.tests))]
        if self.day is not None:
            cols.append(self.day.label("day"))
        cols += [state.label(f"s{k}") for k, state in self.states.items()]
        if self.unsure is not None:
            cols.append(self._unsure_flag().label("u"))
        keys_of = [c.name for c in cols]
        width = len(self.raw)
        if track_filled:
            cols += [sa.case((_has_value(x, storage), 1), else_=0).label(f"h{i}")
                     for i, (x, storage) in enumerate(zip(self.raw, self.t.storage))]
        rows = sa.select(*cols).select_from(self.records).subquery("flagged")
        keys = [rows.c[n] for n in keys_of]
        filled = [sa.func.max(rows.c[f"h{i}"]).label(f"h{i}") for i in range(width)] if track_filled else []
        return sa.select(*keys, *filled, sa.func.count().label("n")).group_by(*keys)

    def late(self, k: int) -> sa.Select:
        """The first ``LATE_SHOWN`` leads followed up late under agreement ``k`` (none SQL is
        unsure of), with their number in record order and their id (NULL without an id column).

        A running count in record order marks them (a streaming window: nothing is held). The
        caller adds a LIMIT of how many the summary counted, at most ``LATE_SHOWN``, so that the
        database stops reading once it has found them: in an export where late leads are common,
        that is the first buffer of the file.
        """
        late = sa.and_(self.states[k] == LATE, self._unsure_flag() == 0)
        ident = self.raw[self.c._id] if self.c._id is not None else sa.null()
        numbered = sa.select(
            sa.func.row_number().over().label("number"), ident.label("ident"),
            sa.case((late, 1), else_=0).label("late"),
            sa.func.sum(sa.case((late, 1), else_=0)).over(rows=(None, 0)).label("so_far"),
        ).select_from(self.records).subquery("numbered")
        c = numbered.c
        return sa.select(c.number, c.ident).where(sa.and_(c.late == 1, c.so_far <= LATE_SHOWN))

    def shape(self, statement: sa.Select, track_filled: bool) -> Shape:
        return Shape({str(c.name): i for i, c in enumerate(statement.selected_columns)}, len(self.tests),
                     len(self.t.columns), tuple(self.states), track_filled)

    def unsure_rows(self) -> sa.Select:
        """The records SQL is unsure of, with their cells, numbered in record order as ``late``
        numbers the late leads (Python merges the late leads of both by their number)."""
        numbered = sa.select(sa.func.row_number().over().label("number"), *self.raw,
                             self._unsure_flag().label("u")).select_from(self.records).subquery("all")
        return sa.select(*[c for c in numbered.columns if c.name != "u"]).where(numbered.c.u == 1) \
            .order_by(numbered.c.number)

    def flagged(self) -> sa.Select:
        """Every record with the definitions it meets (1/0) and whether SQL is unsure of it."""
        return sa.select(*self.raw, *[self._flag(k) for k in range(len(self.tests))],
                         self._unsure_flag().label("u")).select_from(self.records)


def _only_when(c: Column, when: ColumnElement) -> Column:
    """The column's cells where ``when`` holds, NULL elsewhere (named apart from its other readings)."""
    return dataclasses.replace(c, expr=sa.case((when, c.raw), else_=sa.null()), key=("only when", c.key))


def _terms_of_or(exprs: list[ColumnElement]) -> list[ColumnElement]:
    out: list[ColumnElement] = []
    for e in exprs:
        if isinstance(e, BooleanClauseList) and e.operator is operators.or_:
            out += _terms_of_or(list(e.clauses))
        else:
            out.append(e)
    return out


def _named(e: ColumnElement) -> int:
    """What an unsure term reads: a named reading, however often it is wrapped as a boolean."""
    return id(e.element) if isinstance(e, AsBoolean) and e.operator is operators.is_true else id(e)


def _has_value(x: ColumnElement, storage: Storage) -> ColumnElement:
    if storage in ("text", "dynamic"):
        return sa.and_(x.is_not(None), sa.cast(x, sa.String()) != "")
    return x.is_not(None)


def summarize(classifier: Classifier, table: Table, *, track_filled: bool) -> Summary:
    """The summary computed by the database; raises NotCompilable, or SourceProblem from the run."""
    plan = Plan(classifier, table, check=False)  # the run compiles the statement, once
    statement = plan.summary(track_filled)
    return tally(classifier, plan.shape(statement, track_filled), plan.rows(statement),
                 lambda: table.run(plan.unsure_rows()), table.engine,
                 lambda k, n: table.run(plan.late(k).limit(n)))


def compiled(classifier: Classifier, table: Table, *, track_filled: bool) -> dict[str, Any]:
    """The summary's SQL text for ``table``'s dialect, the texts that find the late leads it names
    (one per follow-up agreement, by its number as text, without their LIMIT), and its shape, as
    plain data (``sqlkeep`` keeps it); raises NotCompilable."""
    plan = Plan(classifier, table, check=False)
    statement = plan.summary(track_filled)
    try:
        text = sql_text(statement, table.dialect)
        unsure = sql_text(plan.unsure_rows(), table.dialect) if plan.unsure is not None else None
        late = {str(k): sql_text(plan.late(k), table.dialect) for k in plan.states}
    except sa.exc.CompileError as exc:
        raise NotCompilable(f"{table.engine} cannot run the criteria: {exc}") from None
    return {"summary": text, "unsure": unsure, "late": late, "shape": plan.shape(statement, track_filled).plain()}


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

def _day_key(c: Column) -> ColumnElement:
    """The text (or date) Python's parse_day reads a record's day from; NULL for an undated record."""
    if c.storage in ("text", "dynamic"):
        # A cell that starts with ten characters of a day is read as it stands; others are trimmed first.
        first = first_ten(c)
        shaped = _DayShape(first) if c.dialect == "duckdb" else first.regexp_match(_DAY_START)
        # A BLOB is no day (Python reads it as `b'…'`): the key says so, and tally's parse_day fails
        # on it, so that the Python pass names the row.
        blob = [(c.kind == "blob", sa.literal("a BLOB"))] if c.storage == "dynamic" else []
        # In DuckDB a short cell led by a digit is the key as it stands: parse_day reads the key as it
        # reads the cell, since they are the same text.
        short = [(_ShortDigitLed(c.text), c.text)] if c.dialect == "duckdb" else []
        return c.let("day key", lambda: sa.case(*blob, (sa.or_(c.raw.is_(None), c.text == ""), sa.null()), *short,
                                                (shaped, first),
                                                else_=sa.func.substr(c.trim_inline(), 1, 10)))
    if c.storage == "day":
        return c.raw
    if c.storage == "moment":
        return c.let("day", lambda: sa.cast(c.raw, sa.Date()))
    raise NotCompilable("the date column is neither text nor dates")


@dataclass(frozen=True)
class _Moment:
    none: ColumnElement  # no time given
    unreadable: ColumnElement  # Python cannot read it
    epoch: ColumnElement  # seconds since 1970 (UTC for a time with an offset), when readable
    unsure: ColumnElement | None


_MOMENT = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?)?$")
_DAY_START = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_CUMULATIVE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
# Seconds since 1970 of Python's first and last moments (datetime.min, and the last second of 9999).
_FIRST_EPOCH, _LAST_EPOCH = -62135596800, 253402300799


def _epoch_of(moment: datetime) -> float:
    return (moment - datetime(1970, 1, 1)).total_seconds()


def _moment(c: Column) -> _Moment:
    """Python's ``moment()`` in SQL for ISO text with whole seconds; any other time is Python's to read.

    Each piece (the shape, the date's and time's parts, the epoch) is read once per record."""
    if c.storage in ("day", "moment"):
        return _Moment(c.raw.is_(None), sa.false(), c.let("epoch", lambda: _TypedEpoch(c.raw)), None)
    if c.storage not in ("text", "dynamic"):
        return _Moment(c.raw.is_(None), sa.false(), sa.null(), c.raw.is_not(None))
    if c.dialect == "duckdb":
        return _duck_moment(c)
    # Most times are written without whitespace around them: only the others are trimmed.
    as_is = c.let("moment as is", lambda: _sure(c.text.regexp_match(_MOMENT)))
    s = c.let("moment text", lambda: sa.case((as_is, c.text), else_=c.trim_inline()))
    none = c.let("no moment", lambda: _sure(sa.or_(c.raw.is_(None), s == "")))
    shaped = c.let("moment shaped", lambda: sa.case((as_is, sa.true()), else_=_sure(s.regexp_match(_MOMENT))))
    width = c.let("moment length", lambda: sa.func.length(s))

    def part(a: int, n: int, when=None) -> ColumnElement:
        # CASE: the casts only meet text of the right shape (and, for a time, of the right length).
        guard = shaped if when is None else sa.and_(shaped, when)
        return c.let(f"moment {a}", lambda: sa.case((guard, sa.cast(sa.func.substr(s, a, n), sa.BigInteger())),
                                                   else_=0 if when is not None else sa.null()))
    y, m, d = part(1, 4), part(6, 2), part(9, 2)
    hh, mi, ss = (part(a, 2, width >= 19) for a in (12, 15, 18))
    oh, om = (part(a, 2, width == 25) for a in (21, 24))
    sign = c.let("moment sign", lambda: sa.case((sa.func.substr(s, 20, 1) == "-", -1), else_=1))

    def leap():
        return sa.or_(sa.and_(y % 4 == 0, y % 100 != 0), y % 400 == 0)

    def valid():
        days_in = sa.case((m.in_((4, 6, 9, 11)), 30), (m == 2, sa.case((leap(), 29), else_=28)), else_=31)
        # With an offset, the time in UTC must stay in years 1 to 9999, as Python makes it: only the
        # first and the last day of the calendar can leave it.
        of_day, offset = hh * 3600 + mi * 60 + ss, sign * (oh * 3600 + om * 60)
        beyond = sa.and_(width == 25, sa.or_(sa.and_(y == 1, m == 1, d == 1, of_day - offset < 0),
                                             sa.and_(y == 9999, m == 12, d == 31, of_day - offset > 86399)))
        return _sure(sa.and_(shaped, y >= 1, m.between(1, 12), d.between(1, days_in), hh <= 23, mi <= 59, ss <= 59,
                             oh <= 23, om <= 59, sa.not_(_sure(beyond))))
    ok = c.let("moment valid", valid)

    def epoch():
        before = y - 1
        # toordinal() in integer arithmetic (exact in every dialect: no division leaves a remainder)
        ordinal = (before * 365 + (before - before % 4) / 4 - (before - before % 100) / 100
                   + (before - before % 400) / 400 + sa.case(*[(m == i + 1, k) for i, k in enumerate(_CUMULATIVE)])
                   + sa.case((sa.and_(m > 2, leap()), 1), else_=0) + d)
        return sa.case((ok, (ordinal - 719163) * 86400 + hh * 3600 + mi * 60 + ss - sign * (oh * 3600 + om * 60)),
                       else_=sa.null())
    unreadable = c.let("moment unreadable", lambda: sa.and_(sa.not_(none), sa.not_(ok)))

    def unsure():
        # Python reads many more ISO forms (fractions, compact dates, weeks): text that starts like a
        # date and is not read here goes to Python.
        maybe = sa.or_(_NonAscii(c.text), s.regexp_match(r"^[0-9]{4}"))
        out = only_if(unreadable, maybe)
        if c.storage == "dynamic":
            out = sa.or_(out, c.kind.in_(("integer", "real", "blob")))
        return out
    return _Moment(none, unreadable, c.let("epoch", epoch), c.let("moment?", unsure))


def _duck_moment(c: Column) -> _Moment:
    """The same reading in DuckDB, where most times are ``YYYY-MM-DDTHH:MM:SS``.

    Such a time is read by strptime and needs nothing else; a missing or empty cell needs
    nothing at all. Each reading is a CASE that settles those first, so that only the other
    cells pay for the full check: their text trimmed and matched, DuckDB's TIMESTAMP cast, and
    the ranges Python insists on, checked after it (the cast refuses a 60th minute or second
    and a day the calendar lacks, but reads hour 24 as the next day's midnight and knows a year
    0; Python reads none of these)."""
    fast_stamp = c.let("moment fast stamp", lambda: _FastStamp(c.text))
    # 0: a time strptime read; 1: no time (a missing or empty cell); 2: any other cell. Told once, so
    # that each reading settles the first two with one comparison of a small number.
    kind = c.let("moment kind", lambda: sa.case(
        (fast_stamp >= datetime(1, 1, 1), 0),  # NULL when strptime did not read it: a CASE reads that as false
        (sa.or_(c.raw.is_(None), c.text == ""), 1), else_=2))

    def settled(fast_value, blank_value, other) -> ColumnElement:
        """``other`` for the other cells; a time strptime read and no time give the values named."""
        if blank_value is None:  # the same for both
            return sa.case((kind == 2, other), else_=fast_value)
        return sa.case((kind == 2, other), (kind == 0, fast_value), else_=blank_value)
    # the text of the other cells (NULL for the settled ones): as it stands when it has the shape, else trimmed
    s = c.let("moment text", lambda: settled(sa.null(), None, sa.case(
        (c.text.regexp_match(_MOMENT), c.text), else_=c.trim_inline())))
    stamp = c.let("moment stamp", lambda: sa.case((s.regexp_match(_MOMENT), _Stamp(s)), else_=sa.null()))
    width = sa.func.strlen(s)  # the bytes: a shaped time is ASCII
    two = lambda a: sa.func.substr(s, a, 2)  # noqa: E731  (digits, by the shape: text order is number order)
    part = lambda a: sa.cast(sa.func.substr(s, a, 2), sa.BigInteger())  # noqa: E731
    shift = sa.case((width == 25, sa.case((sa.func.substr(s, 20, 1) == "-", -1), else_=1)
                     * (part(21) * 3600 + part(24) * 60)), else_=0)
    # A time with an offset must also be a time in UTC, as Python makes it (years 1 to 9999).
    ok = sa.case((stamp.is_(None), sa.false()), (stamp < datetime(1, 1, 1), sa.false()), (width < 19, sa.true()),
                 (two(12) > "23", sa.false()), (width != 25, sa.true()),
                 else_=_sure(sa.and_(two(21) <= "23", two(24) <= "59",
                                     (_TypedEpoch(stamp) - shift).between(_FIRST_EPOCH, _LAST_EPOCH))))
    none = _sure(s == "")
    unreadable = sa.and_(sa.not_(none), sa.not_(ok))
    return _Moment(
        c.let("no moment", lambda: settled(sa.false(), sa.true(), none)),
        c.let("moment unreadable", lambda: settled(sa.false(), None, unreadable)),
        c.let("epoch", lambda: settled(_TypedEpoch(fast_stamp), sa.null(),
                                       sa.case((ok, _TypedEpoch(stamp) - shift), else_=sa.null()))),
        c.let("moment?", lambda: settled(sa.false(), None, only_if(
            unreadable, sa.or_(_NonAscii(c.text), s.regexp_match(r"^[0-9]{4}"))))))


class _Stamp(FunctionElement):
    """DuckDB: the first nineteen characters of ISO text (a day, or a day and a time) as a TIMESTAMP."""
    type = sa.DateTime()
    inherit_cache = True


@compiles(_Stamp)
def _stamp(element, compiler, **kw):
    return f"TRY_CAST({compiler.process(head(list(element.clauses)[0], 19), **kw)} AS TIMESTAMP)"


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
    whens = [(sa.not_(_sure(test)), NONE), (unreadable, UNREADABLE), (handed.none, NONE)]
    if followed is not None:
        whens.append((sa.and_(sa.not_(followed.none), followed.epoch - handed.epoch <= within), IN_TIME))
        whens.append((sa.and_(followed.none, sa.literal(as_of) - handed.epoch <= within), WAITING))
    else:
        whens.append((sa.literal(as_of) - handed.epoch <= within, WAITING))
    return sa.case(*whens, else_=LATE)

