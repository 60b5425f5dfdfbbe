"""A lead definition's criteria as one SQL expression (SQLAlchemy Core), with the Python evaluator's meaning.

Each leaf becomes two expressions over the record's column: ``test``, true exactly when
``goalspec.data.evaluate`` says the record meets the leaf, and ``unsure``, true for the
few values whose reading SQL cannot reproduce exactly in every dialect (text with
characters beyond ASCII under case folding or number parsing, numbers written with an
exponent or more than fifteen digits, ``inf``, ISO week dates, integers past 2^53).
An unsure record is evaluated by Python instead, so the two always agree; a real
CRM export has few or none.

How a value reads depends on how the column stores it (``Storage``): a CSV read by
DuckDB is text throughout, SQLite gives each cell its own type, and a warehouse's
columns are typed. Text is parsed in SQL the way Python parses it: a number after
trimming whitespace and dropping `,` and `_`, a day from the first ten characters
(`YYYY-MM-DD`, a real calendar day), a boolean from `true/yes/y/1` and
`false/no/n/0` in any case. A combination the dialect cannot express, or that
goalspec cannot make agree (a list column, text compared with a typed number),
raises ``NotCompilable``: the caller evaluates that source in Python and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from goalspec.data.sqlduck import _AllDigits, _CanonicalDay, head
from goalspec.data.unsupported import NotCompilable
from goalspec.spec.criteria import COMPARE, typed, value_type
from goalspec.spec.models import Criterion

Storage = Literal["text", "dynamic", "number", "day", "moment", "bool", "other"]

# What Python's str.strip() removes: every character str.isspace() accepts.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_PLAIN_NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$"
_ANY_NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_OTHER_ISO_DAY = r"^[0-9]{4}(-?[Ww]|[0-9])"  # YYYYMMDD and week dates, which Python also reads
_EXACT = 2 ** 53 - 1  # integers beyond this are not all doubles (and a double this far may be a rounded one)
_TRUE, _FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")


@dataclass(frozen=True)
class Column:
    """A record's column and how it stores values; with ``lets``, each reading of it is computed once
    per record (``goalspec.data.sqllets``) and the expressions name it, else it is written inline."""

    expr: ColumnElement
    storage: Storage
    lets: Any = None  # a sqllets.Lets
    key: Any = None  # names this column's readings in ``lets``

    def let(self, what: str, make) -> ColumnElement:
        return make() if self.lets is None else self.lets.let((self.key, what), make)

    @property
    def dialect(self) -> str | None:
        return None if self.lets is None else self.lets.dialect

    @property
    def raw(self) -> ColumnElement:
        """The cell as stored (through the layers, when there are any)."""
        return self.let("raw", lambda: self.expr)

    @property
    def text(self) -> ColumnElement:
        """The cell as text (SQLite's cells may be numbers). A BLOB has none: its bytes may be no
        UTF-8, which SQLite's REGEXP (a Python function) cannot be given, and every reading leaves
        a BLOB to Python (``kind``)."""
        if self.storage == "text":
            return self.raw
        if self.storage == "dynamic":
            return self.let("text", lambda: sa.case((_TypeOf(self.expr) == "blob", sa.null()),
                                                    else_=_as_text(self.expr)))
        return self.let("text", lambda: _as_text(self.expr))

    @property
    def trimmed(self) -> ColumnElement:
        """The text without the whitespace str.strip() removes."""
        source = self.expr if self.storage == "text" else _as_text(self.expr)
        return self.let("trim", lambda: _Trim(source, sa.literal(WHITESPACE, sa.String())))

    def trim_inline(self) -> ColumnElement:
        """The trimmed text written where it is used: inside a CASE, only the cells that need it pay."""
        return _Trim(self.text, sa.literal(WHITESPACE, sa.String()))

    @property
    def kind(self) -> ColumnElement:
        """SQLite's type of the cell."""
        return self.let("typeof", lambda: _TypeOf(self.expr))


@dataclass(frozen=True)
class Part:
    """``test`` is TRUE when the record meets the criteria, FALSE or NULL when it does not (a NULL
    is made FALSE only under a NOT, where it matters: AND and OR already treat it as false when
    the result is read as true-or-not); ``unsure`` is None when every value reads exactly."""

    test: ColumnElement
    unsure: ColumnElement | None = None


# -- dialect-specific pieces -------------------------------------------------------------------

class _Trim(FunctionElement):
    """``x`` without leading and trailing whitespace, as str.strip() removes it."""
    type = sa.String()
    inherit_cache = True


@compiles(_Trim)
def _trim(element, compiler, **kw):
    x, chars = list(element.clauses)
    return f"trim({compiler.process(x, **kw)}, {compiler.process(chars, **kw)})"


@compiles(_Trim, "postgresql")
def _trim_pg(element, compiler, **kw):
    x, chars = list(element.clauses)
    return f"btrim({compiler.process(x, **kw)}, {compiler.process(chars, **kw)})"


# DuckDB trims a set of characters far slower than it runs a regular expression (RE2).
_RE2_SPACE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"


@compiles(_Trim, "duckdb")
def _trim_duckdb(element, compiler, **kw):
    x = compiler.process(list(element.clauses)[0], **kw)
    # Most cells start and end with a printable ASCII character, which is no whitespace: only the
    # others pay for the regular expression.
    # An empty cell (NULL, as DuckDB reads an empty CSV field) has nothing to trim either.
    return (f"CASE WHEN {x} IS NULL OR {x} = '' OR unicode({x}) BETWEEN 33 AND 126 "
            f"AND unicode(right({x}, 1)) BETWEEN 33 AND 126 "
            f"THEN {x} ELSE regexp_replace({x}, '^{_RE2_SPACE}+|{_RE2_SPACE}+$', '', 'g') END")


class _NonAscii(FunctionElement):
    type = sa.Boolean()
    inherit_cache = True


@compiles(_NonAscii)
def _non_ascii(element, compiler, **kw):
    x = compiler.process(list(element.clauses)[0], **kw)
    return f"(octet_length({x}) <> char_length({x}))"


@compiles(_NonAscii, "sqlite")
def _non_ascii_sqlite(element, compiler, **kw):
    x = compiler.process(list(element.clauses)[0], **kw)
    return f"(length(CAST({x} AS BLOB)) <> length({x}))"


@compiles(_NonAscii, "duckdb")
def _non_ascii_duckdb(element, compiler, **kw):
    x = compiler.process(list(element.clauses)[0], **kw)
    return f"(strlen({x}) <> length({x}))"


class _Contains(FunctionElement):
    """Whether ``x`` holds ``part`` as a substring, case-sensitively (LIKE is not, in SQLite)."""
    type = sa.Boolean()
    inherit_cache = True


@compiles(_Contains)
def _contains(element, compiler, **kw):
    x, part = (compiler.process(c, **kw) for c in element.clauses)
    return f"(POSITION({part} IN {x}) > 0)"


@compiles(_Contains, "sqlite")
@compiles(_Contains, "duckdb")
def _contains_instr(element, compiler, **kw):
    x, part = (compiler.process(c, **kw) for c in element.clauses)
    return f"(instr({x}, {part}) > 0)"


@compiles(_Contains, "postgresql")
def _contains_pg(element, compiler, **kw):
    x, part = (compiler.process(c, **kw) for c in element.clauses)
    return f"(strpos({x}, {part}) > 0)"


class _IsDate(FunctionElement):
    """DuckDB: the text is a calendar day its DATE cast reads (the caller has checked the shape)."""
    type = sa.Boolean()
    inherit_cache = True


@compiles(_IsDate)
def _is_date(element, compiler, **kw):
    return f"(TRY_CAST({compiler.process(list(element.clauses)[0], **kw)} AS DATE) IS NOT NULL)"


def first_ten(c: Column) -> ColumnElement:
    """The first ten characters of the cell's text, where a day is read (a criterion's and the summary's)."""
    return c.let("first ten", lambda: head(c.text, 10))


class _TypeOf(FunctionElement):
    """SQLite's type of one cell: integer, real, text, blob or null."""
    type = sa.String()
    inherit_cache = True


@compiles(_TypeOf)
def _typeof(element, compiler, **kw):
    return f"typeof({compiler.process(list(element.clauses)[0], **kw)})"


# -- the tree ---------------------------------------------------------------------------------------

def to_sql(node: Criterion, columns: dict[str, Column], case_sensitive: bool = True) -> Part:
    """The criteria as (test, unsure) over ``columns`` (a field missing from it fails its leaves)."""
    if node.all is not None or node.any is not None:
        parts = [to_sql(n, columns, case_sensitive) for n in (node.all if node.all is not None else node.any)]
        if node.all is not None:
            test = sa.and_(*[p.test for p in parts]) if parts else sa.true()
        else:
            test = sa.or_(*[p.test for p in parts]) if parts else sa.false()
        return Part(test, _either([p.unsure for p in parts]))
    if node.not_ is not None:
        inner = to_sql(node.not_, columns, case_sensitive)
        return Part(sa.not_(_sure(inner.test)), inner.unsure)
    return _leaf(node, columns.get(node.field), case_sensitive)


def _either(parts: list[ColumnElement | None]) -> ColumnElement | None:
    present = [p for p in parts if p is not None]
    return sa.or_(*present) if present else None


def only_if(cheap: ColumnElement, costly: ColumnElement) -> ColumnElement:
    """``cheap AND costly``, the costly test made only where the cheap one holds (a CASE: DuckDB
    evaluates both sides of an AND in a projection, and most cells are plain)."""
    return sa.case((cheap, costly), else_=sa.false())


def _sure(expr: ColumnElement) -> ColumnElement:
    """TRUE or FALSE, never NULL: NOT over a NULL would be NULL, and `not` must stay exact."""
    return sa.case((expr, sa.true()), else_=sa.false())


def _leaf(node: Criterion, column: Column | None, case_sensitive: bool) -> Part:
    op, value = node.op, node.value
    if column is None:
        return Part(sa.true() if op == "exists" and value is False else sa.false())
    if column.storage == "other":
        raise NotCompilable(f"field `{node.field}` holds values SQL cannot compare as goalspec does (lists?)")
    storage = column.storage
    if op == "exists":
        present = _present(column)
        return Part(present if value is not False else sa.not_(present),
                    column.let("blob", lambda: column.kind == "blob") if storage == "dynamic" else None)
    kind = value_type(op, value)
    sensitive = node.case_sensitive if node.case_sensitive is not None else case_sensitive
    fold = not sensitive and kind == "text"
    target = typed(kind, fold, value)
    if any(isinstance(t, float) and (t != t or abs(t) == float("inf")) for t in _items(target)):
        raise NotCompilable(f"the value of `{node.field}` is not a finite number")
    if kind == "number":
        got, unsure = _number(column, node.field)
        # floats throughout: a literal list led by an int is written as ints (2.5 would become 2)
        target = [float(t) for t in target] if isinstance(target, list) else float(target)
    elif kind == "day":
        got, unsure = _day(column)
        target = [t.isoformat() for t in target] if isinstance(target, list) else target.isoformat()
        if storage in ("day", "moment"):
            target = [date.fromisoformat(t) for t in target] if isinstance(target, list) \
                else date.fromisoformat(target)
    elif kind == "bool":
        got, unsure = _bool(column, node.field)
    else:
        got, unsure = _text(column, fold, node.field)
    if got is None:  # the record's value is never of the definition's type
        return Part(sa.false(), unsure)
    test = _compare(got, op, target, kind)
    # A missing or blank value fails the leaf. Its reading as a number, day or boolean is NULL, which
    # fails every comparison; so is text equal to, or holding, something that is not blank. Only
    # text compared by ne, not_in, or with a blank value needs the record's value tested for blankness.
    if kind == "text" and (op in ("ne", "not_in") or any(not str(t).strip() for t in _items(target))):
        test = sa.and_(_present(column), test)
    return Part(test, unsure)


def _items(target: Any) -> list:
    return target if isinstance(target, list) else [target]


def _compare(got: ColumnElement, op: str, target: Any, kind: str) -> ColumnElement:
    if op in COMPARE:
        return {"gt": got > target, "gte": got >= target, "lt": got < target, "lte": got <= target,
                "before": got < target, "after": got > target}[op]
    if op == "eq":
        return got == target
    if op == "ne":
        return sa.and_(got.is_not(None), got != target)
    if op in ("in", "not_in"):
        if not target:
            return sa.false() if op == "in" else got.is_not(None)
        return got.in_(target) if op == "in" else sa.and_(got.is_not(None), got.not_in(target))
    # contains: a substring of text; no number, day or boolean contains anything
    if kind != "text" or not isinstance(target, str):
        return sa.false()
    return _Contains(got, sa.literal(target, sa.String()))


def _present(c: Column) -> ColumnElement:
    """The record has a value: not NULL, and not text of whitespace only (TRUE or FALSE, never NULL)."""
    def make():
        x = c.raw
        if c.storage in ("text", "dynamic"):
            blank = c.trimmed == ""
            if c.storage == "text":
                return _sure(sa.and_(x.is_not(None), sa.not_(_sure(blank))))
            return _sure(sa.and_(x.is_not(None), sa.or_(c.kind != "text", sa.not_(_sure(blank)))))
        return _sure(x.is_not(None))
    return c.let("present", make)


def _as_text(x: ColumnElement) -> ColumnElement:
    return sa.cast(x, sa.String())


# -- numbers ---------------------------------------------------------------------------------------

def _number(c: Column, field: str) -> tuple[ColumnElement | None, ColumnElement | None]:
    storage = c.storage
    if storage in ("text", "dynamic"):
        in_text, text_unsure = _number_in_text(c)
        if storage == "text":
            return in_text, text_unsure
        kind = c.kind

        def got():
            as_double = sa.cast(c.raw, sa.Double())
            return sa.case((kind == "integer", as_double), (kind == "real", as_double), (kind == "text", in_text),
                           else_=sa.null())

        def unsure():
            return sa.or_(kind == "blob",
                          sa.and_(kind.in_(("integer", "real")),
                                  sa.not_(_sure(sa.cast(c.raw, sa.Double()).between(-_EXACT, _EXACT)))),
                          sa.and_(kind == "text", text_unsure))
        return c.let("number", got), c.let("number?", unsure)
    if storage == "number":
        as_double = c.let("number", lambda: sa.cast(c.raw, sa.Double()))
        # NaN, infinities and integers past 2^53 are Python's to compare
        return as_double, c.let("number?", lambda: sa.and_(c.raw.is_not(None),
                                                            sa.not_(_sure(as_double.between(-_EXACT, _EXACT)))))
    if storage in ("day", "moment", "bool"):
        return None, None
    raise NotCompilable(f"field `{field}` is not stored as text or numbers")


def _number_in_text(c: Column) -> tuple[ColumnElement, ColumnElement]:
    def digits(t):
        # As parse_number reads it: stripped, the commas out, then float(), which strips again
        # (", 0" is 0): the same as the commas out, then stripped once. float() takes underscores
        # only between digits: cells with one are Python's.
        return _Trim(sa.func.replace(t, ",", ""), sa.literal(WHITESPACE, sa.String()))

    def is_plain(t):
        # Fifteen digits or fewer, no exponent: every engine converts these to the same double as Python.
        return _sure(sa.and_(t.regexp_match(_PLAIN_NUMBER), sa.func.length(t) <= 16))
    # Most cells are plain numbers as they stand (no separators, no whitespace): they are cast as
    # they are; only the others are trimmed and lose their separators, inside the CASE.
    if c.dialect == "duckdb":  # most cells are digits alone: only the others meet the regular expression
        plain_as_is = c.let("plain as is", lambda: sa.case((_AllDigits(c.text), sa.true()), else_=is_plain(c.text)))
    else:
        plain_as_is = c.let("plain as is", lambda: is_plain(c.text))
    n = c.let("digits", lambda: sa.case((plain_as_is, c.text), else_=digits(c.text)))
    plain = c.let("plain", lambda: sa.case((plain_as_is, sa.true()), else_=is_plain(n)))
    got = c.let("text number", lambda: sa.case((plain, sa.cast(n, sa.Double())), else_=sa.null()))

    def unsure():
        lowered = sa.func.lower(n)
        return only_if(sa.and_(c.text.is_not(None), sa.not_(plain)),
                       sa.or_(_NonAscii(c.text), n.regexp_match(_ANY_NUMBER), lowered.contains("inf", autoescape=True),
                              lowered.contains("nan", autoescape=True), n.contains("_", autoescape=True)))
    return got, c.let("text number?", unsure)


# -- days ----------------------------------------------------------------------------------------------

def _day(c: Column) -> tuple[ColumnElement | None, ColumnElement | None]:
    storage = c.storage
    if storage in ("text", "dynamic"):
        got, unsure = _day_in_text(c)
        if storage == "text":
            return got, unsure
        kind = c.kind
        return (c.let("day", lambda: sa.case((kind == "text", got), else_=sa.null())),
                c.let("day?", lambda: sa.or_(kind == "blob", sa.and_(kind == "text", unsure))))
    if storage == "day":
        return c.raw, None
    if storage == "moment":
        return c.let("day", lambda: sa.cast(c.raw, sa.Date())), None
    return None, None


def _day_in_text(c: Column) -> tuple[ColumnElement, ColumnElement]:
    t = c.text
    d = first_ten(c)
    if c.dialect == "duckdb":  # its cast reads exactly the calendar days YYYY-MM-DD names, year 0 aside
        ok = c.let("day valid", lambda: sa.case((_CanonicalDay(d), sa.true()),
                                                (d.regexp_match(_DAY), _sure(sa.and_(d >= "0001", _IsDate(d)))),
                                                else_=sa.false()))
        return _day_readings(c, t, d, ok)
    shaped = c.let("day shaped", lambda: _sure(d.regexp_match(_DAY)))

    def valid():
        # CASE, not AND: the casts must only meet text of the right shape.
        y, m, dd = (c.let(f"day {a}", lambda a=a, n=n: sa.case(
            (shaped, sa.cast(sa.func.substr(d, a, n), sa.Integer())), else_=sa.null()))
            for a, n in ((1, 4), (6, 2), (9, 2)))
        leap = sa.or_(sa.and_(y % 4 == 0, y % 100 != 0), y % 400 == 0)
        days = sa.case((m.in_((4, 6, 9, 11)), 30), (m == 2, sa.case((leap, 29), else_=28)), else_=31)
        return _sure(sa.and_(shaped, y >= 1, m.between(1, 12), dd.between(1, days)))
    return _day_readings(c, t, d, c.let("day valid", valid))


def _day_readings(c: Column, t: ColumnElement, d: ColumnElement, ok: ColumnElement):
    got = c.let("text day", lambda: sa.case((ok, d), else_=sa.null()))
    unsure = c.let("text day?", lambda: only_if(sa.and_(t.is_not(None), sa.not_(ok)),
                                                sa.or_(_NonAscii(t), d.regexp_match(_OTHER_ISO_DAY))))
    return got, unsure


# -- booleans and text -------------------------------------------------------------------------------------

def _bool(c: Column, field: str) -> tuple[ColumnElement | None, ColumnElement | None]:
    storage = c.storage
    if storage == "bool":
        return c.raw, None
    if storage in ("text", "dynamic"):
        word = c.let("word", lambda: sa.func.lower(c.trimmed))
        got = c.let("bool", lambda: sa.case((word.in_(_TRUE), sa.true()), (word.in_(_FALSE), sa.false()),
                                            else_=sa.null()))
        return got, c.let("blob", lambda: c.kind == "blob") if storage == "dynamic" else None
    if storage in ("day", "moment"):
        return None, None
    raise NotCompilable(f"field `{field}` is stored as numbers, which SQL cannot read as true or false "
                        "as goalspec does")


def _text(c: Column, fold: bool, field: str) -> tuple[ColumnElement | None, ColumnElement | None]:
    if c.storage == "text":
        t, unsure = c.raw, None
    elif c.storage == "dynamic":
        # An integer reads as Python writes it; a real's digits are SQLite's own, so Python reads those.
        t = c.let("binary text", lambda: c.text.collate("BINARY"))
        unsure = c.let("real or blob", lambda: c.kind.in_(("real", "blob")))
    else:
        raise NotCompilable(f"field `{field}` is not stored as text, and its typed values are written "
                            "differently in SQL and in Python")
    if fold:
        non_ascii = c.let("non-ascii", lambda: _sure(_NonAscii(t)))
        unsure = c.let("folded?", lambda: sa.or_(unsure, non_ascii) if unsure is not None
                       else sa.and_(t.is_not(None), non_ascii))
        t = c.let("lower", lambda: sa.func.lower(t))
    return t, unsure
