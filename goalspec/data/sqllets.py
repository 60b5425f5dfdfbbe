"""Each column read once per record: the readings the criteria compare, in layers under the statements.

A criterion that tests a field several times, two definitions over the same field, and
the follow-up terms all need the same readings of a cell (its trimmed text, its number,
its day, its parts as a date-time). Written inline, SQL repeats each reading in every
leaf that uses it, and neither DuckDB nor PostgreSQL factors the repeats out (a million
records took 37 s instead of under one). ``Lets`` names each reading once and computes
it in a subquery; the statements compare against the names.

A reading goes in the first layer above everything it reads: the first layer reads the
records (each column, relabelled, and its trimmed text), the next reads the first, and
so on; each layer carries every name below it upwards. PostgreSQL and SQLite would
otherwise pull a plain subquery up into its parent and copy the expressions back into
every place that names them, so their layers end in ``OFFSET 0``, which stops that.
"""

from __future__ import annotations

from typing import Callable, Hashable

import sqlalchemy as sa
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.expression import ColumnElement

PREFIX = "gs_"
_FENCED = ("postgresql", "sqlite")  # dialects that inline a subquery's expressions into its parent


class Lets:
    """Named readings over ``source``; ``let`` gives a name's reference, ``relation`` the layered subquery."""

    def __init__(self, source: sa.FromClause, dialect_name: str):
        self.source = source
        self.dialect = dialect_name  # where a reading has a faster spelling (DuckDB's casts), it is used
        self.fenced = dialect_name in _FENCED
        self.layers: list[dict[str, ColumnElement]] = []
        self._names: dict[Hashable, ColumnClause] = {}
        self._level: dict[str, int] = {}

    def let(self, key: Hashable, make: Callable[[], ColumnElement]) -> ColumnElement:
        """The reading ``key`` (built by ``make`` the first time), as a name the statements can use."""
        ref = self._names.get(key)
        if ref is not None:
            return ref
        expr = make()
        level = 1 + max((self._level[e.name] for e in visitors.iterate(expr)
                         if isinstance(e, ColumnClause) and e.table is None and e.name in self._level), default=0)
        name = f"{PREFIX}{len(self._names)}"
        while len(self.layers) < level:
            self.layers.append({})
        self.layers[level - 1][name] = expr
        self._level[name] = level
        ref = self._names[key] = sa.column(name, expr.type)
        return ref

    def relation(self) -> sa.FromClause:
        """The records with every reading, one subquery per layer."""
        rel, carried = self.source, []
        for k, layer in enumerate(self.layers):
            statement = sa.select(*[sa.column(n) for n in carried], *[e.label(n) for n, e in layer.items()]) \
                .select_from(rel)
            if self.fenced:
                statement = statement.offset(0)
            rel = statement.subquery(f"{PREFIX}lets{k}")
            carried += list(layer)
        return rel
