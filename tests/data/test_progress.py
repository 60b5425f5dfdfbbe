"""Period values, progress, expected pace, status boundaries and the forecast."""

from datetime import date
from pathlib import Path

import pytest

from click.testing import CliRunner

from goalspec.check import run
from goalspec.cli import main
from goalspec.data.progress import (
    ACHIEVED, AT_RISK_S, BEHIND_S, MISSED, NO_BASELINE, NO_DATA, NOT_STARTED, ON_TRACK, aggregate, least_squares,
    meets,
)
from goalspec.data.sources import Point

ORG = "apiVersion: goalspec/v1\nkind: Organization\nname: Acme\nfiscal_year_start: {fy}\n"
TEAM = "apiVersion: goalspec/v1\nkind: Team\nid: t\nname: T\nlead: p\nmembers: [{id: p, name: P}]\n"


def project(tmp_path: Path, *, aggregation="last", direction="increase", target="{value: 100}",
            deadline="2026-Q3", start=None, values="{}", fy=1, today=date(2026, 8, 15)):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "goalspec.yaml").write_text(ORG.format(fy=fy))
    goal = (f"apiVersion: goalspec/v1\nkind: Goal\nid: g\ntitle: Reach 100 units\nowner: p\nkpi: k\n"
            f"target: {target}\ndeadline: {deadline}\n" + (f"start: {start}\n" if start else ""))
    kpi = (f"apiVersion: goalspec/v1\nkind: KPI\nid: k\nname: K\nunit: u\nowner: p\ndirection: {direction}\n"
           f"aggregation: {aggregation}\ncadence: monthly\nsource: {{type: checkins}}\n")
    checkin = f"apiVersion: goalspec/v1\nkind: CheckIn\nkpi: k\nby: p\nvalues: {values}\n"
    (tmp_path / "specs.yaml").write_text("---\n".join([TEAM, kpi, goal, checkin]))
    result = run(tmp_path, today)
    return result.context.progress.get("g")


POINTS = [Point(date(2026, 7, d), v) for d, v in ((1, 4.0), (10, 1.0), (20, 7.0))]


@pytest.mark.parametrize("how,expected", [("sum", 12.0), ("last", 7.0), ("mean", 4.0), ("max", 7.0), ("min", 1.0)])
def test_every_aggregation(how, expected):
    assert aggregate(POINTS, how) == expected
    assert aggregate([], how) is None


def test_least_squares_and_meets():
    slope, intercept = least_squares([0, 1, 2], [1, 3, 5])
    assert (slope, intercept) == (2.0, 1.0)
    assert least_squares([1], [1]) is None and least_squares([2, 2], [1, 5]) is None
    assert meets(5, 4, "increase") and not meets(3, 4, "increase")
    assert meets(3, 4, "decrease") and not meets(5, 4, "decrease")
    assert meets(102, 100, "maintain") and not meets(110, 100, "maintain")


def test_value_is_the_aggregation_over_the_goal_period(tmp_path):
    p = project(tmp_path, aggregation="sum", values="{2026-06-30: 500, 2026-07-01: 20, 2026-08-01: 30, 2026-10-01: 9}")
    assert p.value == 50 and p.first == date(2026, 7, 1) and p.last == date(2026, 9, 30)
    assert p.start_value == 0.0 and p.progress == pytest.approx(0.5)


def test_relative_target_takes_its_baseline_from_a_period(tmp_path):
    p = project(tmp_path, aggregation="sum", target='{change: "+10%", baseline: {period: 2026-Q2}}',
                values="{2026-04-30: 300, 2026-05-31: 300, 2026-06-30: 400, 2026-07-31: 550}")
    assert p.target == pytest.approx(1100) and p.value == 550 and p.progress == pytest.approx(0.5)


def test_decrease_target_progress_counts_down_from_the_baseline(tmp_path):
    p = project(tmp_path, direction="decrease", target="{change: -2, baseline: 5}",
                values="{2026-07-15: 4.5, 2026-08-10: 4.0}")
    assert p.target == 3 and p.start_value == 5 and p.value == 4.0
    assert p.progress == pytest.approx(0.5)


def test_level_kpi_counts_from_the_last_value_before_the_start(tmp_path):
    p = project(tmp_path, target="{value: 200}", values="{2026-06-20: 100, 2026-08-01: 150}")
    assert p.start_value == 100 and p.progress == pytest.approx(0.5)


def test_fiscal_periods(tmp_path):
    p = project(tmp_path, fy=4, aggregation="sum", deadline="FY2027-Q2", values="{2026-07-05: 10, 2026-10-01: 99}")
    assert (p.first, p.last) == (date(2026, 7, 1), date(2026, 9, 30)) and p.value == 10


def test_no_data(tmp_path):
    p = project(tmp_path)
    assert p.status == NO_DATA and p.progress is None and p.forecast is None


# 2026-Q3 has 92 days; on 2026-08-15 (day 46) half the period has passed.
@pytest.mark.parametrize("value,status", [
    (100, ACHIEVED), (50, ON_TRACK), (34, ON_TRACK), (33, BEHIND_S), (17, BEHIND_S), (16, AT_RISK_S), (0, AT_RISK_S),
])
def test_status_boundaries(tmp_path, value, status):
    p = project(tmp_path, aggregation="sum", values=f"{{2026-07-02: {value}}}")
    assert p.expected == pytest.approx(46 / 92)
    assert p.status == status


def test_after_the_deadline_a_goal_is_achieved_or_missed(tmp_path):
    assert project(tmp_path / "a", aggregation="sum", values="{2026-07-02: 100}", today=date(2026, 11, 1)).status == ACHIEVED
    assert project(tmp_path / "b", aggregation="sum", values="{2026-07-02: 99}", today=date(2026, 11, 1)).status == MISSED


def test_forecast_extends_the_least_squares_line_to_the_deadline(tmp_path):
    p = project(tmp_path, aggregation="sum", values="{2026-07-11: 10, 2026-07-21: 10, 2026-07-31: 10}")
    # running totals 10, 20, 30 on days 10, 20, 30 (and 0 on day 0): one a day, 91 by the deadline
    assert p.forecast == pytest.approx(91, rel=0.01)
    q = project(tmp_path / "level", target="{value: 200}", values="{2026-07-01: 100, 2026-07-31: 130}")
    assert q.forecast == pytest.approx(100 + 30 * 91 / 30)


def test_a_summed_kpi_to_keep_down_is_a_budget(tmp_path):
    within = project(tmp_path / "a", aggregation="sum", direction="decrease", values="{2026-07-10: 5}")
    # 40 of 100 spent in the quarter's first ten days: within budget today, but the burn rate blows it.
    burning = project(tmp_path / "c", aggregation="sum", direction="decrease", values="{2026-07-10: 40}")
    over = project(tmp_path / "b", aggregation="sum", direction="decrease", values="{2026-07-10: 140}")
    assert within.status == ON_TRACK and burning.status == AT_RISK_S and over.status == MISSED


# --- one progress model: what was wrong, each with the tree that showed it ---------------------


def test_on_track_never_sits_beside_a_forecast_that_misses(tmp_path):
    """Once a company goal showed a green "on track" while GS502 said its forecast missed."""
    # A strong first week, then almost nothing: the total keeps pace today, the trend does not.
    p = project(tmp_path, aggregation="sum", target="{value: 1100}", today=date(2026, 8, 15),
                values="{2026-07-06: 370, 2026-07-16: 2, 2026-07-26: 2, 2026-08-05: 2, 2026-08-14: 2}")
    assert p.progress > p.expected - 0.165  # pace alone says "on track"
    assert p.forecast < 1100 and p.status == AT_RISK_S
    result = run(tmp_path, date(2026, 8, 15))
    assert [d.code for d in result.diagnostics if d.code == "GS502"] == ["GS502"]


def test_a_count_with_no_value_before_the_start_counts_from_zero(tmp_path):
    """"Reach 60 of the top 100 target accounts", the KPI at 38: 63%, not "0%, behind"."""
    p = project(tmp_path, target="{value: 60}", values="{2026-07-15: 30, 2026-08-10: 38}")
    assert p.start_value == 0.0 and p.progress == pytest.approx(38 / 60)


def test_a_share_with_no_value_before_the_start_says_its_start_is_unknown(tmp_path):
    tmp = project(tmp_path, target="{value: 60}", values="{2026-07-15: 30, 2026-08-10: 38}")
    assert tmp.progress is not None
    kpi = tmp_path / "specs.yaml"
    kpi.write_text(kpi.read_text().replace("unit: u", "unit: '%'"))
    p = run(tmp_path, date(2026, 8, 15)).context.progress["g"]
    assert p.status == NO_BASELINE and p.progress is None  # never "0%"


def test_a_deadline_that_is_a_day_is_measured_from_its_parents_start(tmp_path):
    p = project(tmp_path, deadline="2026-09-15", values="{2026-07-15: 30, 2026-08-10: 38}", target="{value: 60}")
    # no parent here: the deadline's quarter
    assert p.first == date(2026, 7, 1) and p.status != NO_DATA
    tmp = tmp_path / "child"
    project(tmp, values="{2026-07-15: 30, 2026-08-10: 38}", target="{value: 60}")
    specs = tmp / "specs.yaml"
    child = ("apiVersion: goalspec/v1\nkind: Goal\nid: child\ntitle: Reach 60 units\nowner: p\nteam: t\n"
             "parent: g\nkpi: k\ntarget: {value: 60}\ndeadline: 2026-09-15\n")
    specs.write_text(specs.read_text().replace("deadline: 2026-Q3\n", "deadline: 2026-Q3\nstart: 2026-06-01\n") + "---\n" + child)
    c = run(tmp, date(2026, 8, 15)).context.progress["child"]
    assert (c.first, c.last) == (date(2026, 6, 1), date(2026, 9, 15)) and c.value == 38


def test_a_goal_that_has_not_started_says_so(tmp_path):
    p = project(tmp_path, deadline="2026-Q4", values="{2026-07-15: 30}", today=date(2026, 8, 15))
    assert p.status == NOT_STARTED and p.first == date(2026, 10, 1) and p.progress is None


def test_a_goal_its_owner_closed_keeps_the_owners_word(tmp_path):
    p = project(tmp_path, values="{2026-07-15: 30}")
    assert p.status != ACHIEVED
    specs = tmp_path / "specs.yaml"
    specs.write_text(specs.read_text().replace("deadline: 2026-Q3\n", "deadline: 2026-Q3\nstatus: achieved\n"))
    assert run(tmp_path, date(2026, 8, 15)).context.progress["g"].status == ACHIEVED


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(st.integers(0, 91), st.integers(0, 500)), min_size=1, max_size=8),
       target=st.integers(1, 3000), how=st.sampled_from(["sum", "last", "max"]),
       direction=st.sampled_from(["increase", "decrease"]), today=st.integers(1, 120))
def test_on_track_always_means_the_forecast_reaches_the_target(tmp_path_factory, values, target, how, direction,
                                                                today):
    from datetime import timedelta

    days = {date(2026, 7, 1) + timedelta(days=d): v for d, v in values}
    listed = ", ".join(f"{d.isoformat()}: {v}" for d, v in sorted(days.items()))
    p = project(tmp_path_factory.mktemp("p"), aggregation=how, direction=direction, target=f"{{value: {target}}}",
                values=f"{{{listed}}}", today=date(2026, 7, 1) + timedelta(days=today))
    if p.status == ON_TRACK:
        assert p.forecast is None or meets(p.forecast, p.target, direction)
    if p.progress is not None:
        assert 0.0 <= p.progress <= 1.0


@given(start=st.floats(-1e6, 1e6), target=st.floats(-1e6, 1e6), a=st.floats(-1e6, 1e6), b=st.floats(-1e6, 1e6),
       direction=st.sampled_from(["increase", "decrease"]))
def test_progress_is_monotonic_in_the_value(start, target, a, b, direction):
    from goalspec.data.progress import _share

    low, high = sorted((a, b))
    toward = (target >= start) if direction == "increase" else (target <= start)
    if not toward or target == start:
        return  # GS206's finding: a target against the KPI's direction has no way forward
    shares = _share(low, target, start, direction), _share(high, target, start, direction)
    assert (shares[0] <= shares[1]) if target > start else (shares[0] >= shares[1])


def test_figures_are_shown_as_precisely_as_the_kpis_own_values(tmp_path):
    from goalspec.data.progress import decimals

    assert decimals([Point(date(2026, 7, 1), 3.0), Point(date(2026, 7, 2), 5.0)]) == 0
    assert decimals([Point(date(2026, 7, 1), 3.5)]) == 1 and decimals([Point(date(2026, 7, 1), 3.25)]) == 2
    p = project(tmp_path, aggregation="sum", values="{2026-07-11: 10, 2026-07-21: 10, 2026-07-31: 11}")
    assert p.decimals == 0 and p.forecast != int(p.forecast)
    out = CliRunner().invoke(main, ["status", str(tmp_path), "--today", "2026-08-15"]).output
    assert f"{p.forecast:.0f}" in out.splitlines()[2].split()[-1] and "." not in out.splitlines()[2].split()[-1]


# --- milestones: `target: {done: true}` -------------------------------------------------------


@pytest.mark.parametrize("values,status_line,today,status,done_on", [
    ("{}", "", date(2026, 8, 15), ON_TRACK, None),
    ("{2026-07-01: 0, 2026-08-03: 1}", "", date(2026, 8, 15), ACHIEVED, date(2026, 8, 3)),
    ("{2026-06-30: 1}", "", date(2026, 8, 15), ON_TRACK, None),  # done before its period: not this goal's
    ("{}", "", date(2026, 10, 2), MISSED, None),
    ("{}", "", date(2026, 6, 2), NOT_STARTED, None),
    ("{}", "status: achieved\n", date(2026, 8, 15), ACHIEVED, None),
])
def test_a_milestone_is_done_when_a_check_in_or_its_owner_says_so(tmp_path, values, status_line, today, status,
                                                                  done_on):
    tmp_path.mkdir(parents=True, exist_ok=True)
    project(tmp_path, target="{done: true}", values=values, today=today)
    if status_line:
        specs = tmp_path / "specs.yaml"
        specs.write_text(specs.read_text().replace("deadline: 2026-Q3\n", "deadline: 2026-Q3\n" + status_line))
    p = run(tmp_path, today).context.progress["g"]
    assert p.milestone and (p.status, p.done_on) == (status, done_on)
    assert p.progress == (1.0 if status == ACHIEVED else 0.0) and p.forecast is None
    out = CliRunner().invoke(main, ["status", str(tmp_path), "--today", today.isoformat()]).output.splitlines()[2]
    assert out.split()[2:4] == (["done", "done"] if status == ACHIEVED else ["not", "yet"])


# --- plans: `plan: {2026-07: 10, 2026-08: 20}` -----------------------------------------------------


def test_a_plan_replaces_the_straight_pace_line(tmp_path):
    """A sales team that closes most deals in the last month is not "behind" for two months."""
    straight = project(tmp_path / "straight", aggregation="sum", values="{2026-07-31: 10, 2026-08-14: 5}",
                       today=date(2026, 8, 15))
    assert straight.status in (BEHIND_S, AT_RISK_S)
    tree = tmp_path / "plan"
    project(tree, aggregation="sum", values="{2026-07-31: 10, 2026-08-14: 5}", today=date(2026, 8, 15))
    specs = tree / "specs.yaml"
    specs.write_text(specs.read_text().replace("deadline: 2026-Q3\n", "deadline: 2026-Q3\nplan: {2026-07: 10, 2026-08: 20}\n"))
    p = run(tree, date(2026, 8, 15)).context.progress["g"]
    assert p.plan == ((date(2026, 7, 1), 0.0), (date(2026, 7, 31), 10.0), (date(2026, 8, 31), 20.0),
                      (date(2026, 9, 30), 100.0))
    assert p.expected == pytest.approx((10 + 10 * 15 / 31) / 100)  # halfway through August's planned 10
    assert p.expected < straight.expected


def test_the_plan_line_skips_entries_outside_the_period_and_needs_a_start():
    from goalspec.data.progress import plan_line, planned

    line = plan_line({"2026-05": 1.0, "2026-08": 50.0, "2026-13": 3.0}, date(2026, 7, 1), date(2026, 9, 30),
                     0.0, 100.0, 1)
    assert line == [(date(2026, 7, 1), 0.0), (date(2026, 8, 31), 50.0), (date(2026, 9, 30), 100.0)]
    assert planned(line, date(2026, 6, 1)) == 0.0 and planned(line, date(2026, 9, 30)) == 100.0
    assert plan_line({"2026-08": 50.0}, date(2026, 7, 1), date(2026, 9, 30), None, 100.0, 1) == []
