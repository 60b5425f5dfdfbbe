"""DuckDB's shortcuts for reading text cells: the same readings as ``sqlcriteria``'s, cheaper.

DuckDB runs a regular expression at 30-100 ns a cell, and copies a cell's text when it
cuts it; on a million records each costs a tenth of a second. Most cells of a CRM export
are plain (digits alone, ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM:SS``): these are proved plain by
cheaper means (a byte count, a GLOB, a cast written back, strptime), and only the others
meet the exact checks. Each shortcut accepts a subset of what the exact check accepts and
reads it the same (tests/data/test_sql_equivalence.py's edge cells, and the property test);
other dialects raise CompileError, and ``sqlcriteria`` asks for these only under DuckDB.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


def _duck_only(name: str, doc: str, template: str) -> type[FunctionElement]:
    """A boolean reading of one text ``{x}`` that only DuckDB has; any other dialect refuses it."""
    made = type(name, (FunctionElement,), {"__doc__": doc, "type": sa.Boolean(), "inherit_cache": True})

    @compiles(made)
    def _elsewhere(element, compiler, **kw):
        raise sa.exc.CompileError("a DuckDB reading")

    @compiles(made, "duckdb")
    def _duckdb(element, compiler, **kw):
        return template.format(x=compiler.process(list(element.clauses)[0], **kw))
    return made


_AllDigits = _duck_only(
    "_AllDigits", """DuckDB: one to fifteen ASCII digits and nothing else, which every reading takes for the
    same whole number (a GLOB and the stored length: several times cheaper than the regular expression).""",
    "(strlen({x}) BETWEEN 1 AND 15 AND NOT {x} GLOB '*[!0-9]*')")

_CanonicalDay = _duck_only(
    "_CanonicalDay", """DuckDB: the text is exactly how DuckDB writes the day it reads from it, so
    ``YYYY-MM-DD`` naming a real calendar day of years 1 to 9999 (year 0 is written ``0001-01-01 (BC)``);
    one cast and one comparison instead of a regular expression and a cast.""",
    "(CAST(TRY_CAST({x} AS DATE) AS VARCHAR) = {x})")

_DayShape = _duck_only(
    "_DayShape", """DuckDB: ``YYYY-MM-DD`` in ASCII digits and nothing else (a GLOB: the regular
    expression's answer, a fraction of its cost).""",
    "({x} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')")

_ShortDigitLed = _duck_only(
    "_ShortDigitLed", """DuckDB: ten bytes or fewer, the first an ASCII digit (two comparisons of the whole
    text: the first byte decides them). Such a cell is its own first ten characters with nothing to
    trim before them, so the day a record is counted on is read from it as it stands: a byte count
    and two comparisons, where the GLOB of its shape costs several times more.""",
    "(strlen({x}) <= 10 AND {x} >= '0' AND {x} < ':')")


class _Head(FunctionElement):
    """The first ``n`` characters of ``x``; in DuckDB a cell already that short is not copied
    (``strlen`` counts bytes, never fewer than the characters)."""
    type = sa.String()
    inherit_cache = True


@compiles(_Head)
def _head(element, compiler, **kw):
    x, n = (compiler.process(c, **kw) for c in element.clauses)
    return f"substr({x}, 1, {n})"


@compiles(_Head, "duckdb")
def _head_duckdb(element, compiler, **kw):
    x, n = (compiler.process(c, **kw) for c in element.clauses)
    return f"CASE WHEN strlen({x}) <= {n} THEN {x} ELSE substr({x}, 1, {n}) END"


def head(x: ColumnElement, n: int) -> ColumnElement:
    return _Head(x, sa.literal_column(str(int(n))))


class _FastStamp(FunctionElement):
    """DuckDB: ``YYYY-MM-DDTHH:MM:SS`` text as a TIMESTAMP, else NULL; as exact as the regular expression
    and the cast, at half the cost.

    DuckDB's strptime reads each number of the format as one to its width of ASCII digits (no sign,
    no space), each literal character exactly, hours below 24, minutes and seconds below 60 and
    real calendar days, and skips whitespace before and after the text. Nineteen bytes that start
    and end with no whitespace leave nothing to skip, so the fourteen digits fill every number to
    its width: the text is the shape ``_MOMENT`` names, its time valid, and read as the cast reads
    it (a year 0 is left to the caller). A fuzz of 178,000 near-miss texts found no difference."""
    type = sa.DateTime()
    inherit_cache = True


@compiles(_FastStamp)
def _fast_stamp(element, compiler, **kw):
    raise sa.exc.CompileError("a DuckDB reading")


@compiles(_FastStamp, "duckdb")
def _fast_stamp_duckdb(element, compiler, **kw):
    x = compiler.process(list(element.clauses)[0], **kw)
    fmt = compiler.process(sa.literal("%Y-%m-%dT%H:%M:%S", sa.String()), **kw)
    # first byte a digit (text order), last byte above the space (whitespace is all below it)
    return (f"CASE WHEN strlen({x}) = 19 AND {x} >= '0' AND {x} < ':' AND right({x}, 1) > ' ' "
            f"THEN TRY_STRPTIME({x}, {fmt}) END")
