"""Charts: values by the KPI's cadence, round ticks that stay at or above zero, dated axes,
figures as precise as the KPI, notes beside their values, the current period drawn as partial."""

import math
import re
from datetime import date, timedelta

from hypothesis import given, strategies as st

from goalspec.data.cadence import by_cadence, cadence_bucket
from goalspec.data.progress import Progress
from goalspec.data.sources import Point
from goalspec.site.chart import date_ticks, goal_chart, kpi_chart, nice_ticks


def daily(first: date, values) -> tuple[Point, ...]:
    return tuple(Point(first + timedelta(days=i), float(v)) for i, v in enumerate(values))


def test_daily_spikes_of_a_weekly_kpi_become_weekly_totals():
    points = daily(date(2026, 9, 7), [i % 2 for i in range(56)])  # a Monday, eight whole weeks
    weeks = by_cadence(points, "weekly", "sum")
    assert len(weeks) == 8
    assert [w[0].weekday() for w in weeks] == [0] * 8
    assert [w[2] for w in weeks] == [3.0, 4.0] * 4  # 0,1,0,1,0,1,0 then 1,0,1,0,1,0,1
    assert [w[3] for w in weeks] == [7] * 8
    months = by_cadence(daily(date(2026, 10, 1), [1] * 61), "monthly", "sum")
    assert [(m[0], m[2]) for m in months] == [(date(2026, 10, 1), 31.0), (date(2026, 11, 1), 30.0)]
    assert [m[2] for m in by_cadence(daily(date(2026, 10, 1), range(61)), "monthly", "last")] == [30.0, 60.0]
    assert by_cadence(daily(date(2026, 11, 2), [1]), "quarterly", "sum")[0][:2] == (date(2026, 10, 1), date(2026, 11, 2))


def test_cadence_buckets():
    assert cadence_bucket(date(2026, 12, 3), "weekly") == (date(2026, 11, 30), date(2026, 12, 6))
    assert cadence_bucket(date(2026, 2, 14), "monthly") == (date(2026, 2, 1), date(2026, 2, 28))
    assert cadence_bucket(date(2026, 11, 14), "quarterly") == (date(2026, 10, 1), date(2026, 12, 31))


@given(st.floats(-1e6, 1e6), st.floats(0, 1e6), st.booleans())
def test_ticks_are_round_cover_the_values_and_stay_at_zero_or_above(lo, width, nonnegative):
    if nonnegative:
        lo = abs(lo)
    hi = lo + width
    ticks = nice_ticks(lo, hi, floor_zero=nonnegative)
    step = ticks[1] - ticks[0]
    # Covered, up to a millionth of a step (a value that close to a tick is drawn on it).
    assert ticks[0] <= lo + 1e-6 * step and ticks[-1] >= hi - 1e-6 * step
    if nonnegative:
        assert ticks[0] >= 0
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))
    assert 2 <= len(ticks) <= 10


def test_ticks_of_a_count_from_zero():
    assert nice_ticks(0, 1212, True) == [0, 500, 1000, 1500]
    assert nice_ticks(38, 60, True) == [30, 40, 50, 60]
    assert nice_ticks(0.2, 0.9, True) == [0.2, 0.4, 0.6, 0.8, 1.0]


def test_time_axis_is_labelled_with_dates():
    assert [label for _, label in date_ticks(date(2026, 10, 1), date(2026, 12, 31))] == ["Oct 2026", "Nov", "Dec"]
    assert [label for _, label in date_ticks(date(2026, 11, 20), date(2026, 12, 15))] == \
        ["23 Nov 2026", "30 Nov", "7 Dec", "14 Dec"]
    labels = date_ticks(date(2026, 1, 1), date(2027, 12, 31))
    assert len(labels) <= 7 and "Jan 2027" in [label for _, label in labels]


def progress(points, target=120.0, forecast=None, decimals=0, plan=()):
    return Progress(goal="g", value=sum(p.value for p in points), target=target, start_value=0.0, progress=0.5,
                    expected=0.6, status="behind", forecast=forecast, first=date(2026, 10, 1),
                    last=date(2026, 12, 31), points=tuple(points), decimals=decimals, plan=tuple(plan))


def test_goal_chart_rounds_to_the_kpi_and_marks_notes_where_they_were_said():
    points = daily(date(2026, 10, 1), [1, 0] * 30)
    notes = [{"n": 1, "day": date(2026, 10, 20), "date": "2026-10-20", "note": "Webinar <b>week</b>", "confidence": 70}]
    c = goal_chart(progress(points, forecast=21.14), "sum", "weekly", "Chart", "leads", notes)
    text = str(c["svg"]) + c["summary"]
    assert "21.14" not in text and "21 leads" in c["summary"]
    assert re.search(r">Oct 2026<", text) and ">Nov<" in text  # dated axis
    assert [t["label"] for t in c["ticks"]][0] == "0"
    # One point per week (and the start), not one per day.
    assert len(c["actual"].split()) == 1 + len(by_cadence(points, "weekly", "sum"))
    [mark] = c["markers"]
    assert mark["n"] == 1 and "confidence 70%" in mark["title"]
    assert "Webinar &lt;b&gt;week&lt;/b&gt;" in str(c["svg"])  # escaped, in the marker's title
    # The marker sits on the running total of the week the note was said in.
    week_total = sum(p.value for p in points if p.day <= date(2026, 10, 18))
    assert mark["title"].startswith(f"2026-10-20: {week_total:.0f} leads")


def test_goal_chart_keeps_the_kpis_decimals_and_the_plan_line():
    points = (Point(date(2026, 10, 31), 1.5), Point(date(2026, 11, 30), 2.25))
    plan = ((date(2026, 10, 1), 0.0), (date(2026, 10, 31), 1.0), (date(2026, 12, 31), 4.0))
    c = goal_chart(progress(points, target=4.0, forecast=3.456, decimals=2, plan=plan), "sum", "monthly", "C", "%")
    assert "3.46%" in c["summary"] and "3.456" not in c["summary"]
    assert len(c["pace"].split()) == 3


def test_kpi_chart_totals_by_cadence_with_the_current_period_as_partial():
    points = daily(date(2026, 11, 2), [1] * 29)  # Monday 2 Nov .. Monday 30 Nov
    notes = [{"n": 1, "day": date(2026, 11, 11), "date": "2026-11-11", "note": "Launch", "confidence": None}]
    c = kpi_chart(points, "calls", "sum", "weekly", "C", notes)
    assert [row["value"] for row in c["table"]] == ["7 calls"] * 4 + ["1 calls so far (through 2026-11-30)"]
    assert [len(row["notes"]) for row in c["table"]] == [0, 1, 0, 0, 0]
    assert c["partial"] and "so far" in c["summary"] and "week of 2026-11-23, is 7 calls" in c["summary"]
    assert 'class="partial"' in str(c["svg"]) and 'class="dot open"' in str(c["svg"])
    # A month that is over is not partial.
    done = kpi_chart(daily(date(2026, 10, 1), [2] * 61), "calls", "sum", "monthly", "C")
    assert done["partial"] is None and done["table"][-1]["value"] == "60 calls"


def test_kpi_chart_means_show_a_tenth():
    c = kpi_chart(daily(date(2026, 10, 5), [1, 2, 2, 2, 2, 2, 2]), None, "mean", "weekly", "C")
    assert c["table"][0]["value"] == "1.9"


def test_goals_over_the_same_points_gather_them_into_periods_once(monkeypatch):
    import goalspec.site.chart as chart

    calls = []
    monkeypatch.setattr(chart, "by_cadence", lambda *a: calls.append(a) or by_cadence(*a))
    shared = daily(date(2026, 10, 1), [1, 0] * 30)
    other = daily(date(2026, 10, 1), [2, 0] * 30)  # equal in length, another tuple
    charts = [goal_chart(progress(points, target=float(t)), "sum", "weekly", f"C{t}", None)
              for t in (20, 30, 40) for points in (shared, other)]
    assert len(calls) == 2  # one per tuple of points, not one per goal
    assert [c["summary"].split(" on ")[0] for c in charts] == ["The running total was 30", "The running total was 60"] * 3
    assert [c["target_label"] for c in charts] == ["20", "20", "30", "30", "40", "40"]


def test_a_kpi_chart_is_drawn_once_for_the_same_values_and_notes():
    points = daily(date(2026, 10, 1), [1, 0] * 30)
    note = [{"n": 1, "day": date(2026, 10, 20), "date": "2026-10-20", "note": "Webinar", "confidence": None}]
    first = kpi_chart(points, "leads", "sum", "weekly", "C", note)
    assert kpi_chart(tuple(points), "leads", "sum", "weekly", "C", [dict(note[0])]) is first  # equal inputs
    assert kpi_chart(points, "leads", "sum", "weekly", "C", []) is not first
    moved = points[:-1] + (Point(points[-1].day, 5.0),)
    assert kpi_chart(moved, "leads", "sum", "weekly", "C", note)["summary"] != first["summary"]


def test_a_negative_zero_is_not_drawn_from_the_chart_of_a_zero():
    # -0.0 == 0.0 and both hash alike: the charts' caches must still tell them apart.
    zero = (Point(date(2026, 10, 5), 3.0), Point(date(2026, 10, 12), 0.0))
    negative = (Point(date(2026, 10, 5), 3.0), Point(date(2026, 10, 12), -0.0))
    shown = [kpi_chart(points, None, "last", "weekly", "C")["summary"] for points in (zero, negative)]
    assert shown[0].endswith(" is 0.") and shown[1].endswith(" is -0.")
    goals = [goal_chart(progress(points, target=5.0, forecast=f), "last", "weekly", "C") for points, f in
             ((zero, 0.0), (zero, -0.0))]
    assert goals[0]["summary"] != goals[1]["summary"]
