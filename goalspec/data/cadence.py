"""A KPI's cadence: how often it gets a value (weekly, monthly, quarterly), and its values gathered
into the calendar periods of that cadence (charts, GS501's staleness, GS503's missed periods)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from goalspec.data.progress import aggregate
from goalspec.spec.periods import parse_period

CADENCE_DAYS = {"weekly": 7, "monthly": 31, "quarterly": 92}


def cadence_bucket(day: date, cadence: str) -> tuple[date, date]:
    """The calendar week (Monday first), month or quarter that holds a day."""
    if cadence == "weekly":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    month = day.month if cadence == "monthly" else (day.month - 1) // 3 * 3 + 1
    period = parse_period(f"{day.year:04d}-{month:02d}")
    if cadence == "monthly":
        return period.first, period.last
    return period.first, parse_period(f"{day.year:04d}-Q{(month - 1) // 3 + 1}").last


def by_cadence(points, cadence: str, how: str) -> list[tuple[date, date, float, int]]:
    """The points gathered into the KPI's cadence periods, each period's value made by the KPI's
    aggregation: (first day, last day with a value, value, how many values). Sixty daily 0/1
    counts of a weekly KPI read as weekly totals."""
    out: list[tuple[date, date, float, int]] = []
    group: list = []
    bucket: tuple[date, date] | None = None
    for point in points:
        here = cadence_bucket(point.day, cadence)
        if here != bucket and group:
            out.append((bucket[0], group[-1].day, aggregate(group, how), len(group)))
            group = []
        bucket = here
        group.append(point)
    if group:
        out.append((bucket[0], group[-1].day, aggregate(group, how), len(group)))
    return out


@lru_cache(maxsize=4096)  # goals share their periods; each list is computed once
def cadence_periods(first: date, last: date, cadence: str) -> tuple[tuple[date, date], ...]:
    """The complete calendar weeks (Monday first), months or quarters between two days."""
    out = []
    if cadence == "weekly":
        start = first + timedelta(days=(7 - first.weekday()) % 7)
        while start + timedelta(days=6) <= last:
            out.append((start, start + timedelta(days=6)))
            start += timedelta(days=7)
        return tuple(out)
    step = 1 if cadence == "monthly" else 3
    year, month = first.year, first.month
    if cadence == "quarterly":
        month = (month - 1) // 3 * 3 + 1
    while True:
        period = parse_period(f"{year:04d}-{month:02d}")
        end_y, end_m = divmod(year * 12 + month - 1 + step - 1, 12)
        end = parse_period(f"{end_y:04d}-{end_m + 1:02d}").last
        begin = period.first
        if end > last:
            break
        if begin >= first:
            out.append((begin, end))
        year, month = divmod(year * 12 + month - 1 + step, 12)
        month += 1
    return tuple(out)
