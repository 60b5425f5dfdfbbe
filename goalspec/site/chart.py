"""Line charts as inline SVG, laid out when the site is built (no script, no request).

A goal's chart shows the actual values over its period (running totals for a
KPI summed per period), the target, the straight pace line from the starting
value to the target, and the forecast from the last value to the deadline.
Coordinates are rounded to tenths, so the markup is byte-stable.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from markupsafe import Markup, escape

from goalspec.data.progress import Progress
from goalspec.data.sources import Point

W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 64, 16, 16, 40


@lru_cache(maxsize=65536)  # charts repeat the same values across goals of one KPI
def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2f}"


def _scale(lo: float, hi: float) -> tuple[float, float]:
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    return lo - pad, hi + pad


def _frame(first: date, last: date, lo: float, hi: float):
    days = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (W - LEFT - RIGHT) * (day - first).days / days, 1)

    def y(value: float) -> float:
        return round(TOP + (H - TOP - BOTTOM) * (hi - value) / (hi - lo), 1)

    return x, y


def _ticks(lo: float, hi: float, y) -> list[dict]:
    step = (hi - lo) / 4
    return [{"y": y(lo + step * i), "label": _fmt(lo + step * i)} for i in range(5)]


def goal_chart(p: Progress, aggregation: str, label: str = "Chart") -> dict | None:
    if not p.points or p.target is None or p.first is None or p.last is None:
        return None
    actual: list[tuple[date, float]] = []
    running = 0.0
    for point in p.points:
        running = running + point.value if aggregation == "sum" else point.value
        actual.append((point.day, running))
    start = p.start_value if p.start_value is not None else actual[0][1]
    values = [v for _, v in actual] + [p.target, start] + ([p.forecast] if p.forecast is not None else []) \
        + [v for _, v in p.plan]
    lo, hi = _scale(min(values + [0.0] if aggregation == "sum" else values), max(values))
    x, y = _frame(p.first, p.last, lo, hi)
    coords = [(x(d), y(v)) for d, v in ([(p.first, 0.0)] if aggregation == "sum" else []) + actual]
    chart = {
        "width": W, "height": H, "left": LEFT, "right": W - RIGHT, "top": TOP, "bottom": H - BOTTOM,
        "ticks": _ticks(lo, hi, y),
        "start_label": p.first.isoformat(), "end_label": p.last.isoformat(),
        "actual": " ".join(f"{cx},{cy}" for cx, cy in coords), "last": coords[-1],
        "target_y": y(p.target), "target_label": _fmt(p.target),
        # The pace line: straight from start to target, or through the plan's points where there is one.
        "pace": " ".join(f"{x(d)},{y(v)}" for d, v in p.plan) if p.plan else f"{x(p.first)},{y(start)} {x(p.last)},{y(p.target)}",
        "forecast": None,
        # The summary is the chart's text alternative; every value is listed on the KPI's page.
        "table": None,
        "summary": _summary(p, actual, aggregation),
    }
    if p.forecast is not None:
        chart["forecast"] = f"{coords[-1][0]},{coords[-1][1]} {x(p.last)},{y(p.forecast)}"
    chart["svg"] = svg(chart, label)
    return chart


def svg(c: dict, label: str) -> Markup:
    """The chart as inline SVG. Written here, not in a template: ten thousand goal
    pages each drawing one made the template's loop a tenth of the build."""
    left, right, bottom = c["left"], c["right"], c["bottom"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {c["width"]} {c["height"]}" role="img" '
           f'aria-label="{escape(label)}">']
    for t in c["ticks"]:
        out.append(f'<line class="grid" x1="{left}" x2="{right}" y1="{t["y"]}" y2="{t["y"]}"/>'
                   f'<text class="tick" x="{left - 6}" y="{t["y"] + 4}" text-anchor="end">{escape(t["label"])}</text>')
    out.append(f'<text class="tick" x="{left}" y="{bottom + 18}">{escape(c["start_label"])}</text>')
    out.append(f'<text class="tick" x="{right}" y="{bottom + 18}" text-anchor="end">{escape(c["end_label"])}</text>')
    if "target_y" in c:
        out.append(f'<line class="target" x1="{left}" x2="{right}" y1="{c["target_y"]}" y2="{c["target_y"]}"/>')
        out.append(f'<polyline class="pace" points="{c["pace"]}"/>')
    if c["forecast"]:
        out.append(f'<polyline class="forecast" points="{c["forecast"]}"/>')
    out.append(f'<polyline class="actual" points="{c["actual"]}"/>')
    out.append(f'<circle class="dot" cx="{c["last"][0]}" cy="{c["last"][1]}" r="4"/>')
    out.append("</svg>")
    return Markup("\n".join(out))


def _summary(p: Progress, actual, aggregation: str) -> str:
    what = "running total" if aggregation == "sum" else "value"
    parts = [f"The {what} was {_fmt(actual[-1][1])} on {actual[-1][0].isoformat()}, against a target of "
             f"{_fmt(p.target)} by {p.last.isoformat()}."]
    if p.progress is not None:
        parts.append(f"That is {p.progress * 100:.0f}% of the way, with {p.expected * 100:.0f}% of the time gone.")
    if p.forecast is not None:
        parts.append(f"On the current trend it reaches {_fmt(p.forecast)} by the deadline.")
    return " ".join(parts)


def kpi_chart(points: tuple[Point, ...], unit: str | None, label: str = "Chart") -> dict | None:
    shown = list(points[-60:])
    if not shown:
        return None
    first, last = shown[0].day, shown[-1].day
    if first == last:
        last = date.fromordinal(first.toordinal() + 1)
    lo, hi = _scale(min(p.value for p in shown), max(p.value for p in shown))
    x, y = _frame(first, last, lo, hi)
    chart = {
        "width": W, "height": H, "left": LEFT, "right": W - RIGHT, "top": TOP, "bottom": H - BOTTOM,
        "ticks": _ticks(lo, hi, y), "start_label": first.isoformat(), "end_label": shown[-1].day.isoformat(),
        "actual": " ".join(f"{x(p.day)},{y(p.value)}" for p in shown),
        "last": (x(shown[-1].day), y(shown[-1].value)), "forecast": None,
        "table": [{"day": p.day.isoformat(), "value": _fmt(p.value)} for p in shown],
        "summary": f"{len(shown)} values from {shown[0].day.isoformat()} to {shown[-1].day.isoformat()}; "
                   f"the latest is {_fmt(shown[-1].value)}{' ' + unit if unit else ''}.",
    }
    chart["svg"] = svg(chart, label)
    return chart
