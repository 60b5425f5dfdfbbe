"""Line charts as inline SVG, laid out when the site is built (no script, no request).

Values are gathered into the KPI's cadence periods first (a weekly KPI whose
records give a 0 or 1 every day reads as weekly totals), by the KPI's own
aggregation. A goal's chart shows the running total (for a summed KPI) or each
period's value over the goal's period, the target, the pace line (straight, or
through the plan's points), and the forecast from the last value to the
deadline. The value axis has round ticks and never goes below zero for a KPI
whose values and target are not negative; the time axis is labelled with dates.
Check-in notes are numbered markers on the line, the same numbers as in the
list of notes under the chart. Every figure is as precise as the KPI's own
values. Coordinates are rounded to tenths, so the markup is byte-stable.
"""

from __future__ import annotations

import math
import pickle
from datetime import date, timedelta
from functools import lru_cache

from markupsafe import Markup, escape

from goalspec.data.cadence import by_cadence, cadence_bucket
from goalspec.data.progress import Progress, decimals
from goalspec.data.sources import Point
from goalspec.spec.words import figure

W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 64, 16, 16, 40
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MOST_PERIODS = 26  # a KPI's chart shows its last 26 periods (half a year of weeks)


def nice_ticks(lo: float, hi: float, floor_zero: bool, count: int = 4) -> list[float]:
    """Round tick values covering lo..hi: steps of 1, 2, 2.5 or 5 times a power of ten, starting at
    zero or above when nothing charted is negative."""
    if floor_zero:
        lo = max(lo, 0.0)
    if hi - lo <= 1e-9 * max(abs(lo), abs(hi)) or hi - lo < 1e-200:  # one value: a band around it
        hi = lo + 1 if abs(lo) < 1e-200 else lo + abs(lo) * 0.1
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    n = max(1, round((last - first) / step))
    places = max(0, 2 - math.floor(math.log10(step)))  # float noise off, the step's own digits kept
    return [round(first + step * i, places) for i in range(n + 1)]


def _tick_text(value: float, ticks: list[float]) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    places = 0 if step == int(step) else (1 if round(step, 1) == step else 2)
    return f"{value:,.{places}f}"


def date_ticks(first: date, last: date) -> list[tuple[date, str]]:
    """Dates to label the time axis with: Mondays for a span of up to six weeks, month starts up
    to fourteen months, quarter starts beyond; the year is written on the first label and where
    it changes."""
    span = (last - first).days
    days: list[date] = []
    if span <= 42:
        day, step = (first, 1) if span <= 7 else (first + timedelta(days=(7 - first.weekday()) % 7), 7)
        while day <= last:
            days.append(day)
            day += timedelta(days=step)
    else:
        months = 1 if span <= 430 else 3
        year, month = first.year, first.month
        if months == 3:
            month = (month - 1) // 3 * 3 + 1
        day = date(year, month, 1)
        if day < first:
            year, month = divmod(year * 12 + month - 1 + months, 12)
            day = date(year, month + 1, 1)
        while day <= last:
            days.append(day)
            year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
            day = date(year, month + 1, 1)
    # More than seven labels crowd the axis: keep every second (or third...).
    every = max(1, math.ceil(len(days) / 7))
    days = days[::every]
    out = []
    for i, day in enumerate(days):
        label = f"{day.day} {MONTHS[day.month - 1]}" if span <= 42 else MONTHS[day.month - 1]
        if i == 0 or day.year != days[i - 1].year:
            label += f" {day.year}"
        out.append((day, label))
    return out


class _Frame:
    def __init__(self, first: date, last: date, ticks: list[float]):
        self.first, self.days = first, max((last - first).days, 1)
        self.lo, self.hi = ticks[0], ticks[-1]

    def x(self, day: date) -> float:
        return round(LEFT + (W - LEFT - RIGHT) * (day - self.first).days / self.days, 1)

    def y(self, value: float) -> float:
        return round(TOP + (H - TOP - BOTTOM) * (self.hi - value) / (self.hi - self.lo), 1)


def _axes(frame: _Frame, ticks: list[float], first: date, last: date) -> dict:
    return {
        "width": W, "height": H, "left": LEFT, "right": W - RIGHT, "top": TOP, "bottom": H - BOTTOM,
        "ticks": [{"y": frame.y(t), "label": _tick_text(t, ticks)} for t in ticks],
        "dates": [{"x": frame.x(d), "label": label, "iso": d.isoformat()} for d, label in date_ticks(first, last)],
    }


def _markers(frame: _Frame, line: list[tuple[date, float]], notes: list[dict], places: int, unit: str) -> list[dict]:
    """Each numbered note at the value it belongs to: the line's last point on or before its day."""
    out = []
    for note in notes:
        at = [(d, v) for d, v in line if d <= note["day"]]
        if not at:
            continue
        day, value = at[-1]
        said = f"{note['date']}: {figure(value, places)}{unit}"
        if note.get("confidence") is not None:
            said += f", confidence {note['confidence']}%"
        if note.get("note"):
            said += f". {note['note']}"
        out.append({"n": note["n"], "x": frame.x(day), "y": frame.y(value), "title": said})
    return out


def goal_chart(p: Progress, aggregation: str, cadence: str, label: str = "Chart", unit: str | None = None,
               notes: list[dict] = ()) -> dict | None:
    """``notes``: the goal's check-in notes, each with its number ``n``, its ``day`` and ``date``.

    A chart depends on nothing else, and is three quarters of a goal page's cost: it is kept
    for as long as the process lives (serve draws only the charts whose goal moved)."""
    zeros = _negative_zeros(p.value, p.target, p.start_value, p.progress, p.expected, p.forecast,
                            *(point.value for point in p.points), *(v for _, v in p.plan))
    return _goal_chart(p, aggregation, cadence, label, unit, pickle.dumps(list(notes), protocol=5), zeros)


def _negative_zeros(*numbers: float | None) -> tuple[int, ...]:
    """Where -0.0 stands among the numbers: it equals 0.0, so a cache keyed by the numbers alone
    would draw one for the other, and a value is shown as written."""
    return tuple(i for i, x in enumerate(numbers) if x == 0 and math.copysign(1.0, x) < 0)


@lru_cache(maxsize=1 << 15)
def _goal_chart(p: Progress, aggregation: str, cadence: str, label: str, unit: str | None,
                notes_blob: bytes, zeros: tuple[int, ...] = ()) -> dict | None:
    notes = pickle.loads(notes_blob)
    if not p.points or p.target is None or p.first is None or p.last is None:
        return None
    shown_unit = _unit(unit)
    periods = _cadenced(p.points, cadence, aggregation)
    actual: list[tuple[date, float]] = []
    running = 0.0
    for _, day, value, _n in periods:
        running = running + value if aggregation == "sum" else value
        actual.append((day, running))
    start = p.start_value if p.start_value is not None else actual[0][1]
    values = [v for _, v in actual] + [p.target, start] + ([p.forecast] if p.forecast is not None else []) \
        + [v for _, v in p.plan]
    line = ([(p.first, 0.0)] if aggregation == "sum" else []) + actual
    values += [v for _, v in line]
    ticks = nice_ticks(min(values), max(values), floor_zero=min(values) >= 0)
    frame = _Frame(p.first, p.last, ticks)
    coords = [(frame.x(d), frame.y(v)) for d, v in line]
    places = p.decimals
    chart = {
        **_axes(frame, ticks, p.first, p.last),
        "actual": " ".join(f"{cx},{cy}" for cx, cy in coords), "last": coords[-1],
        "target_y": frame.y(p.target), "target_label": figure(p.target, places),
        # The pace line: straight from start to target, or through the plan's points where there is one.
        "pace": " ".join(f"{frame.x(d)},{frame.y(v)}" for d, v in p.plan) if p.plan
        else f"{frame.x(p.first)},{frame.y(start)} {frame.x(p.last)},{frame.y(p.target)}",
        "forecast": None,
        "markers": _markers(frame, line, list(notes), places, shown_unit),
        # The summary is the chart's text alternative; every value is listed on the KPI's page.
        "table": None,
        "summary": _summary(p, actual, aggregation, places, shown_unit),
    }
    if p.forecast is not None:
        chart["forecast"] = f"{coords[-1][0]},{coords[-1][1]} {frame.x(p.last)},{frame.y(p.forecast)}"
    chart["svg"] = svg(chart, label)
    return chart


# A KPI's goals over the same window share one tuple of points (data.progress's memo): 10,000 goal
# charts of a large tree have about 500. Keyed by identity (hashing the points costs more than
# gathering them); each entry holds its points, so no other tuple can take the id while it is kept.
_CADENCED: dict[tuple[int, str, str], tuple[tuple, list]] = {}


def _cadenced(points: tuple, cadence: str, how: str) -> list[tuple[date, date, float, int]]:
    """by_cadence, once per tuple of points (read only: charts share the list)."""
    key = (id(points), cadence, how)
    hit = _CADENCED.get(key)
    if hit is not None and hit[0] is points:
        return hit[1]
    periods = by_cadence(points, cadence, how)
    if len(_CADENCED) >= 4096:
        _CADENCED.clear()
    _CADENCED[key] = (points, periods)
    return periods


def _unit(unit: str | None) -> str:
    return "" if not unit else unit if unit == "%" else f" {unit}"


def _summary(p: Progress, actual, aggregation: str, places: int, unit: str) -> str:
    what = "running total" if aggregation == "sum" else "value"
    parts = [f"The {what} was {figure(actual[-1][1], places)}{unit} on {actual[-1][0].isoformat()}, against a target "
             f"of {figure(p.target, places)}{unit} by {p.last.isoformat()}."]
    if p.progress is not None:
        parts.append(f"That is {p.progress * 100:.0f}% of the way, with {p.expected * 100:.0f}% of the time gone.")
    if p.forecast is not None:
        parts.append(f"On the current trend it reaches {figure(p.forecast, places)}{unit} by the deadline.")
    return " ".join(parts)


def svg(c: dict, label: str) -> Markup:
    """The chart as inline SVG. Written here, not in a template: ten thousand goal
    pages each drawing one made the template's loop a tenth of the build."""
    left, right, bottom = c["left"], c["right"], c["bottom"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {c["width"]} {c["height"]}" role="img" '
           f'aria-label="{escape(label)}">']
    for t in c["ticks"]:
        out.append(f'<line class="grid" x1="{left}" x2="{right}" y1="{t["y"]}" y2="{t["y"]}"/>'
                   f'<text class="tick" x="{left - 6}" y="{t["y"] + 4}" text-anchor="end">{escape(t["label"])}</text>')
    for i, d in enumerate(c["dates"]):
        anchor = "start" if i == 0 and d["x"] <= left + 20 else "middle"
        out.append(f'<line class="xtick" x1="{d["x"]}" x2="{d["x"]}" y1="{bottom}" y2="{bottom + 5}"/>'
                   f'<text class="tick" x="{d["x"]}" y="{bottom + 18}" text-anchor="{anchor}">{escape(d["label"])}</text>')
    if "target_y" in c:
        out.append(f'<line class="target" x1="{left}" x2="{right}" y1="{c["target_y"]}" y2="{c["target_y"]}"/>')
        out.append(f'<polyline class="pace" points="{c["pace"]}"/>')
    if c["forecast"]:
        out.append(f'<polyline class="forecast" points="{c["forecast"]}"/>')
    out.append(f'<polyline class="actual" points="{c["actual"]}"/>')
    if c.get("partial"):
        out.append(f'<polyline class="partial" points="{c["partial"]}"/>')
    out.append(f'<circle class="dot{" open" if c.get("partial") else ""}" cx="{c["last"][0]}" cy="{c["last"][1]}" r="4"/>')
    for m in c.get("markers", ()):
        out.append(f'<g class="note-mark"><title>{escape(m["title"])}</title>'
                   f'<circle cx="{m["x"]}" cy="{m["y"]}" r="8"/>'
                   f'<text x="{m["x"]}" y="{round(m["y"] + 4, 1)}" text-anchor="middle">{m["n"]}</text></g>')
    out.append("</svg>")
    return Markup("\n".join(out))


def kpi_chart(points: tuple[Point, ...], unit: str | None, aggregation: str, cadence: str, label: str = "Chart",
              notes: list[dict] = ()) -> dict | None:
    """A KPI's last periods (by its cadence), each period's value made by its aggregation; the table
    under the chart lists them with the notes of the period.

    Kept, as goal charts are: serve draws again only the charts of KPIs whose values or notes moved."""
    points = tuple(points)
    return _kpi_chart(points, unit, aggregation, cadence, label, pickle.dumps(list(notes), protocol=5),
                      _negative_zeros(*(point.value for point in points)))


@lru_cache(maxsize=1 << 13)
def _kpi_chart(points: tuple[Point, ...], unit: str | None, aggregation: str, cadence: str, label: str,
               notes_blob: bytes, zeros: tuple[int, ...] = ()) -> dict | None:
    notes = pickle.loads(notes_blob)
    periods = by_cadence(points, cadence, aggregation)[-MOST_PERIODS:]
    if not periods:
        return None
    places = decimals(points)
    if aggregation == "mean" and any(n > 1 for *_, n in periods):
        places = min(places + 1, 2)  # the mean of whole numbers is shown to a tenth
    shown_unit = _unit(unit)
    first, last = periods[0][0], periods[-1][1]
    if first == last:
        last = first + timedelta(days=1)
    values = [v for _, _, v, _ in periods]
    ticks = nice_ticks(min(values), max(values), floor_zero=min(values) >= 0)
    frame = _Frame(first, last, ticks)
    line = [(day, value) for _, day, value, _ in periods]
    notes = [n for n in notes if first <= n["day"]]
    per = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}[cadence]
    # A total over a period that is not over yet is a part of one: drawn dashed, said "so far",
    # so the current week's first day does not read as a collapse.
    partial = aggregation == "sum" and len(periods) > 1 and cadence_bucket(periods[-1][0], cadence)[1] > periods[-1][1]
    whole = line[:-1] if partial else line
    chart = {
        **_axes(frame, ticks, first, last),
        "actual": " ".join(f"{frame.x(d)},{frame.y(v)}" for d, v in whole),
        "partial": " ".join(f"{frame.x(d)},{frame.y(v)}" for d, v in line[-2:]) if partial else None,
        "last": (frame.x(line[-1][0]), frame.y(line[-1][1])), "forecast": None,
        "markers": _markers(frame, line, notes, places, shown_unit),
        "period_heading": per.capitalize(),
        "table": [{"day": _period_name(begin, cadence), "value": figure(value, places) + shown_unit
                   + (f" so far (through {day.isoformat()})" if partial and i == len(periods) - 1 else ""),
                   "count": n, "notes": [x for x in notes if cadence_bucket(x["day"], cadence)[0] == begin]}
                  for i, (begin, day, value, n) in enumerate(periods)],
        "summary": f"{len(periods)} {per}s from {periods[0][0].isoformat()} to {periods[-1][1].isoformat()}, "
                   f"each the {_how(aggregation)} of its values; "
                   + (f"the latest complete one, {_period_name(periods[-2][0], cadence)}, is "
                      f"{figure(values[-2], places)}{shown_unit}, and {_period_name(periods[-1][0], cadence)} has "
                      f"{figure(values[-1], places)}{shown_unit} so far (dashed)." if partial else
                      f"the latest, {_period_name(periods[-1][0], cadence)}, is {figure(values[-1], places)}{shown_unit}."),
    }
    chart["svg"] = svg(chart, label)
    return chart


def _how(aggregation: str) -> str:
    return {"sum": "total", "last": "last", "mean": "mean", "max": "highest", "min": "lowest"}[aggregation]


def _period_name(first: date, cadence: str) -> str:
    if cadence == "weekly":
        return f"week of {first.isoformat()}"
    if cadence == "monthly":
        return f"{first.year:04d}-{first.month:02d}"
    return f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"
