"""Every KPI's values, read once for a check: check-ins, CSV files, SQL queries, and
the daily counts of lead records run through their definitions.

The readers are ``sources`` (files and databases) and ``leads`` (lead records);
this module ties them together, so that neither needs the other.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from goalspec.data import engines
from goalspec.data.leads import Summary, wanted
from goalspec.data.filepoints import read_points
from goalspec.data.sources import (Data, Point, Series, SourceProblem, is_remote, read_sql)
from goalspec.spec.validate import Project


def _point(day: date, value: Any, shared: dict[date, dict[float, Point]]) -> Point:
    """One point per day and value for the whole tree (points are frozen): weekly check-ins of
    small counts repeat them across KPIs, and a tree of 100k goals keeps 650,000."""
    value = float(value)
    if not value:
        return Point(day, value)  # 0.0 and -0.0 are equal, and each is kept as written
    on_day = shared.get(day)
    if on_day is None:
        on_day = shared[day] = {}
    point = on_day.get(value)
    if point is None:
        point = on_day[value] = Point(day, value)
    return point


def read_all(project: Project, remote: bool = True, today: date | None = None, keep: dict | None = None) -> Data:
    """Every KPI's values from its source, read once; a source that cannot be read gives its reason.

    ``keep`` (serve): what the previous check made; a KPI whose check-ins are the very models they
    were then gets the very series it got then, so what is worked out from it can be kept too."""
    models: dict[str, list] = {}
    for checkin in project.checkins:
        models.setdefault(checkin.model.kpi, []).append(checkin.model)
    kept = keep.setdefault("checkin series", {}) if keep is not None else None
    shared: dict[date, dict[float, Point]] = {}
    out = {}
    for kid, kpi in sorted(project.kpis.items()):
        source = kpi.model.source
        if source is None:
            continue
        try:
            if source.type == "checkins":
                made = models.get(kid, [])
                if kept is not None:
                    was = kept.get(kid)
                    if was is not None and len(was[0]) == len(made) and all(a is b for a, b in zip(was[0], made)):
                        out[kid] = was[1]
                        continue
                points = [_point(d, v, shared) for m in made
                          for d, v in ([(m.date, m.value)] if m.values is None else m.values.items())]
            elif source.type == "csv":
                points = read_points(project.root, source.path, source.date_column, source.value_column)
            elif source.type == "sql" and (remote or not is_remote(source.url)):
                points = read_sql(project.root, source.url, source.query, source.timeout)
            elif source.type == "leads":
                continue  # below: lead records are read once per source, for every KPI that counts them
            else:
                out[kid] = Series(kid, supported=False)
                continue
        except SourceProblem as problem:
            out[kid] = Series(kid, problem=str(problem), field=problem.field, hint=problem.hint)
            continue
        out[kid] = Series(kid, tuple(sorted(points, key=lambda p: p.day)))
        if kept is not None and source.type == "checkins":
            kept[kid] = (models.get(kid, []), out[kid])
    if kept is not None:
        for kid in set(kept) - set(out):
            del kept[kid]
    lead_series, summaries = read_kpi_sources(project, remote, today)
    out.update(lead_series)
    return Data(dict(sorted(out.items())), summaries)


def read_kpi_sources(project, remote: bool, today: date | None = None):
    """Every ``leads`` KPI's daily counts, and a summary per lead-record source read.

    Each source is read once, whichever KPIs share it, and every definition of the
    tree is run over it (the site shows each definition's counts). Returns
    ``(series by KPI id, summaries by source name)``.
    """
    definitions = sorted((lid, obj.model) for lid, obj in project.leads.items())
    as_of = datetime.combine((today or date.today()) + timedelta(days=1), time())
    groups: dict[Any, list[str]] = {}
    for kid, kpi in sorted(project.kpis.items()):
        source = kpi.model.source
        if source is not None and source.type == "leads":
            groups.setdefault(source.data, []).append(kid)
    series: dict[str, Series] = {}
    summaries: dict[str, Summary] = {}
    for data, kids in groups.items():
        if not wanted(data, remote):
            series.update((kid, Series(kid, supported=False)) for kid in kids)
            continue
        try:
            summary = engines.summary(engines.from_spec(project.root, data), definitions, id_column=data.id_column,
                                      date_column=data.date_column, handed_over_column=data.handed_over_column,
                                      followed_up_column=data.followed_up_column, as_of=as_of, track_filled=True)
            if summary.note:
                import logging  # only to say this: a check that has nothing to say never imports it

                logging.getLogger("goalspec").warning("goalspec: %s is evaluated in Python: %s", summary.source, summary.note)
        except SourceProblem as problem:
            where = problem.field if problem.field.startswith("source/") else f"source/data/{problem.field}"
            series.update((kid, Series(kid, problem=str(problem), field=where, hint=problem.hint)) for kid in kids)
            continue
        summaries[summary.source] = summary
        for kid in kids:
            definition = project.kpis[kid].model.source.definition
            if definition not in summary.daily:
                continue  # no such definition: GS408's finding
            if data.date_column is None:
                series[kid] = Series(kid, problem="a leads KPI needs `date_column` to date each lead record",
                                     field="source/data")
                continue
            points = tuple(Point(day, float(n)) for day, n in summary.daily[definition].items())
            series[kid] = Series(kid, points)
    return series, summaries
