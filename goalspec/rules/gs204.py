"""KPI has no source, or its source cannot be read.

Every KPI says where its values come from: ``checkins``, a ``csv`` file inside the
tree, an ``sql`` query, or ``leads`` counted by a lead definition. A CSV file that
is missing, outside the tree, unreadable, without the named columns, or with a
row whose date or value cannot be read is reported at the field at fault; so is
an SQL source whose database cannot be reached, whose URL names an environment
variable that is not set, or whose query fails, returns no (date, value) rows, or
would write: goalspec only reads.

Why: a KPI with no data behind it turns every goal measured by it into a guess.

How to fix: add ``source:``, or correct the path or column names.

*Anti-pattern*

    source: {type: csv, path: ../exports/seats.csv, date_column: day, value_column: seats}

*Best practice*

    source: {type: csv, path: data/seats.csv, date_column: day, value_column: seats}
"""

import csv
from pathlib import Path

from goalspec.diagnostics import Severity
from goalspec.load import SEP
from goalspec.rules.base import Context

SEVERITY = Severity.ERROR


def check(ctx: Context):
    root = ctx.project.root
    for _, kpi in ctx.project.kpis.items():
        source = kpi.model.source
        if source is None:
            yield kpi.diag("GS204", None, "KPI has no source",
                           "add `source: {type: checkins}`, or a csv, sql or leads source")
            continue
        base = "source"
        if source.type == "leads":
            source, base = source.data, f"source{SEP}data"
        if source.type == "csv":
            columns = [c for c in ("date_column", "value_column") if getattr(source, c, None)]
            for sub, message, hint in _csv_problems(root, source, columns):
                yield kpi.diag("GS204", f"{base}{SEP}{sub}", message, hint)
        elif source.type == "sql":
            problem = _sqlite_problem(root, source.url)
            if problem:
                yield kpi.diag("GS204", f"{base}{SEP}url", problem, "point the URL at an existing database file")
                continue
        series = ctx.data.series.get(kpi.id)
        if series is not None and series.problem and base == "source" and not _reported(series, source):
            yield kpi.diag("GS204", series.field, series.problem, _HINTS.get(series.field, "fix the source"))


_HINTS = {
    "source/path": "fix the CSV file or the column names",
    "source/url": "check the URL and that every ${VAR} it names is set",
    "source/query": "give one SELECT returning rows of (date, value)",
}


def _reported(series, source) -> bool:
    """Problems found from the header alone were reported above."""
    return source.type == "csv" and ("does not exist" in series.problem or "outside the spec tree" in series.problem
                                     or "has no column" in series.problem)


def _csv_problems(root: Path, source, columns: list[str]):
    path = Path(source.path)
    if path.is_absolute() or not _inside(root, root / path):
        yield "path", f"CSV path `{source.path}` is outside the spec tree", \
            "keep data files inside the tree and give the path relative to its root"
        return
    full = root / path
    try:
        with full.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
    except FileNotFoundError:
        yield "path", f"CSV file `{source.path}` does not exist", "correct the path (relative to the tree's root)"
        return
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        yield "path", f"CSV file `{source.path}` cannot be read: {exc}", "save the file as UTF-8 CSV"
        return
    for column in columns:
        name = getattr(source, column)
        if name not in header:
            yield column, f"CSV file `{source.path}` has no column `{name}`", \
                "use one of: " + ", ".join(f"`{h}`" for h in header) if header else "the file has no header row"


def _sqlite_problem(root: Path, url: str) -> str | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "${" in url:
        return None  # other databases are reached when data is read, not when a tree is checked
    rest = url[len(prefix):].split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    path = Path(rest)
    full = path if path.is_absolute() else root / path
    if not full.is_file():
        return f"SQLite database `{rest}` does not exist"
    return None


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
