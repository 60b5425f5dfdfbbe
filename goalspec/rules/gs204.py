"""KPI has no source, or its source cannot be read.

Every KPI says where its values come from: ``checkins``, a ``csv`` file inside the
tree, an ``sql`` query, or ``leads`` counted by a lead definition. A CSV file that
is missing, outside the tree, not a regular file (a FIFO, a folder), a symbolic
link loop, unreadable, without the named columns, or with a row whose date or
value cannot be read (a value must be a finite number, not NaN or an infinity)
is reported at the field at fault (a file outside the tree, or not a regular file,
is never opened); so is an SQL source whose SQLite file breaks the same rules,
whose database cannot be reached, whose URL names an environment variable that
is not set, or whose query fails, runs past its ``timeout``, returns no (date,
value) rows, would write, or calls a function that reaches past its read-only
session (``dblink``, ``pg_read_file``): goalspec only reads. Lead records (a
``leads`` KPI's ``data``) are checked the same way, and need a ``date_column``
that dates each record.

Why: a KPI with no data behind it turns every goal measured by it into a guess.

How to fix: add ``source:``, or correct the path or column names.

*Anti-pattern*

    source: {type: csv, path: ../exports/seats.csv, date_column: day, value_column: seats}

*Best practice*

    source: {type: csv, path: data/seats.csv, date_column: day, value_column: seats}
"""

from goalspec.rules.base import Context
from goalspec.data.sources import SourceProblem


_HINTS = {
    "path": "keep the CSV file inside the tree and give its path relative to the tree's root",
    "date_column": "name a column the CSV file has",
    "value_column": "name a column the CSV file has",
    "url": "check the URL, that the database exists, and that every ${VAR} it names is set",
    "query": "give one SELECT returning rows of (date, value)",
    "data": "name the column that dates each lead record in `date_column`",
    "id_column": "name a column the lead records have",
}


def check(ctx: Context):
    for _, kpi in ctx.project.kpis.items():
        source = kpi.model.source
        if source is None:
            yield kpi.diag("GS204", None, "KPI has no source",
                           "add `source: {type: checkins}`, or a csv, sql or leads source")
            continue
        series = ctx.data.series.get(kpi.id)
        problem = SourceProblem(series.problem, series.field) if series and series.problem else None
        if problem is not None:
            hint = series.hint or _HINTS.get(problem.field.rpartition("/")[2], "fix the source")
            yield kpi.diag("GS204", problem.field, str(problem), hint)
