"""What the numbers say about each goal.

For each goal: the KPI's value over the goal's period so far, the target as a
number, progress (0-100 %, the share of the way from the starting value to the
target, for increase and decrease alike), the progress expected by today on a
straight line from start to deadline, a status, and a forecast of the value at
the deadline from a least-squares line through the period's values.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date

from goalspec.spec.models import KPI, Goal
from goalspec.spec.periods import Period, parse_period
from goalspec.data.sources import Data, Point
from goalspec.data.statuses import (  # noqa: F401 (the statuses are part of this model's vocabulary)
    ACHIEVED, AT_RISK_S, BEHIND_S, MISSED, NO_BASELINE, NO_DATA, NOT_STARTED, ON_TRACK, STATUSES, UNMEASURED,
)
from goalspec.spec.targets import ParsedTarget, TargetProblem, parse_target
from goalspec.spec.validate import Project

BEHIND = 0.165  # more than this share of the way behind pace: behind
AT_RISK = 0.33  # more than this: at risk


def aggregate(points: list[Point] | tuple[Point, ...], how: str) -> float | None:
    """A period's value from the values inside it."""
    values = [p.value for p in points]
    if not values:
        return None
    if how == "sum":
        return sum(values)
    if how == "mean":
        return sum(values) / len(values)
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    return values[-1]  # last


def decimals(points) -> int:
    """How many decimals the KPI's own values are written with (at most 2): a forecast of a count is
    shown as a count ("84 calls", never "84.18 calls")."""
    most = 0
    for point in points:
        value = point.value
        if value != int(value):
            most = 2 if round(value, 1) != value else max(most, 1)
            if most == 2:
                break
    return most


def within(points, first: date, last: date) -> list[Point] | tuple[Point, ...]:
    """The points dated first..last; points are in date order, so two binary searches do."""
    lo = bisect_left(points, first, key=_day)
    hi = bisect_right(points, last, key=_day)
    return points[lo:hi]


def _day(point: Point) -> date:
    return point.day


def value_over(points, period: Period, how: str) -> float | None:
    return aggregate(within(points, period.first, period.last), how)


def least_squares(xs: list[float], ys: list[float]) -> tuple[float, float] | None:
    """Slope and intercept of the least-squares line, or None with fewer than two distinct x."""
    n = len(xs)
    if n < 2 or len(set(xs)) < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx
    return slope, my - slope * mx


@dataclass(frozen=True, slots=True)  # one per goal: 100k of them
class Progress:
    goal: str
    value: float | None          # the KPI over the goal's period so far
    target: float | None         # the target as a number (None if it needs data there is not)
    start_value: float | None    # where progress is counted from
    progress: float | None       # 0..1
    expected: float              # 0..1, by today on the straight line
    status: str
    forecast: float | None
    first: date | None
    last: date | None
    direction: str = "increase"
    points: tuple[Point, ...] = ()
    decimals: int = 0  # how figures of this goal are shown: as precise as the KPI's own values
    plan: tuple[tuple[date, float], ...] = ()  # the pace line's points, when the goal has a `plan`
    milestone: bool = False  # `target: {done: true}`: value and target are 1 (done) or 0 (not yet)
    done_on: date | None = None  # a milestone's day: the first check-in in its period that says done

    def meets(self, value: float | None, target: float | None = None) -> bool:
        """Whether a value reaches a target (this goal's by default) in the KPI's good direction."""
        return meets(value, self.target if target is None else target, self.direction)


def meets(value: float | None, target: float | None, direction: str) -> bool:
    if value is None or target is None:
        return False
    if direction == "decrease":
        return value <= target
    if direction == "maintain":
        return abs(value - target) <= 0.05 * max(abs(target), 1e-9)
    return value >= target


def goal_progress(project: Project, data: Data, gid: str, today: date) -> Progress | None:
    """None for goals that progress does not apply to (no KPI, target or dates)."""
    prepared = prepare(project, data, gid)
    return None if prepared is None else evaluate(prepared, today)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a goal's progress takes from the tree and the data, whatever the day: read once, so that
    the site's weekly updates measure each goal on a dozen days for little more than one."""
    gid: str
    milestone: bool
    first: date
    deadline: date
    points: tuple[Point, ...]
    aggregation: str
    direction: str
    closed: str | None  # the owner's word on a closed goal (achieved, missed), which wins over the numbers
    status: str  # the goal's written status (a milestone's `achieved` counts as done)
    target: float | None
    start: float | None
    plan: tuple[tuple[date, float], ...]
    decimals: int


def prepare(project: Project, data: Data, gid: str, memo: dict | None = None) -> Prepared | None:
    """``memo``: what goals on the same data share (a KPI's decimals), kept for the next goal."""
    goal: Goal = project.goals[gid].model
    memo = {} if memo is None else memo
    if goal.target is not None and goal.deadline is not None and goal.target.done is True:
        try:
            if parse_target(goal.target).done:
                return _prepare_milestone(project, data, gid, memo)
        except TargetProblem:
            return None
    return _prepare_measured(project, data, gid, memo)


def _decimals(data: Data, kid: str | None, memo: dict) -> int:
    key = ("decimals", kid)
    if key not in memo:
        series = data.series.get(kid or "")
        memo[key] = decimals(series.points) if series and series.points else 0
    return memo[key]


def _prepare_milestone(project: Project, data: Data, gid: str, memo: dict) -> Prepared | None:
    goal: Goal = project.goals[gid].model
    window = goal_window(project, gid)
    if window is None:
        return None
    series = data.series.get(goal.kpi or "") if goal.kpi in project.kpis else None
    return Prepared(gid, True, window[0], window[1], series.points if series else (), "last", "increase",
                    None, goal.status, None, None, (), _decimals(data, goal.kpi, memo))


def _prepare_measured(project: Project, data: Data, gid: str, memo: dict) -> Prepared | None:
    goal: Goal = project.goals[gid].model
    kpi_obj = project.kpis.get(goal.kpi or "")
    if kpi_obj is None or goal.target is None or goal.deadline is None:
        return None
    kpi: KPI = kpi_obj.model
    fy = project.fiscal_year_start
    window = goal_window(project, gid)
    try:
        target = parse_target(goal.target)
    except TargetProblem:
        return None
    if window is None:
        return None  # GS302's or GS304's finding: there is no period to measure
    first, deadline = window
    series = data.series.get(kpi_obj.id)
    points = series.points if series else ()
    # Finite inputs can still overflow (a sum of 1e308s): a figure that is not finite is unknown.
    target_value, start_value = (_finite(x) for x in _target_and_start(target, kpi, points, first, fy))
    plan = plan_line(goal.plan, first, deadline, start_value, target_value, fy)
    return Prepared(gid, False, first, deadline, points, kpi.aggregation, kpi.direction,
                    goal.status if goal.status in (ACHIEVED, MISSED) else None, goal.status, target_value,
                    start_value, tuple(plan), _decimals(data, goal.kpi, memo))


def evaluate(g: Prepared, today: date, memo: dict | None = None) -> Progress:
    """A prepared goal's progress on a day. ``memo`` keeps the figures goals measured on the same
    values over the same window share (a KPI's goals for the same period): a dict, for one data."""
    return _milestone(g, today) if g.milestone else _measured(g, today, {} if memo is None else memo)


def _milestone(g: Prepared, today: date) -> Progress:
    """A yes/no end state: done on the first day a check-in on its KPI in its period says so (a value
    above 0), or when its owner sets `status: achieved`. It has no pace: until its deadline it is
    on track, after it missed."""
    first, deadline = g.first, g.deadline
    inside = within(g.points, first, min(today, deadline))
    done_on = next((p.day for p in inside if p.value > 0), None)
    expected = 0.0 if today < first else expected_share(first, deadline, today)
    if g.status in (ACHIEVED, MISSED):
        status = g.status
    elif done_on is not None:
        status = ACHIEVED
    elif today < first:
        status = NOT_STARTED
    else:
        status = MISSED if today > deadline else ON_TRACK
    done = done_on is not None or g.status == ACHIEVED
    return Progress(g.gid, 1.0 if done else 0.0, 1.0, 0.0, 1.0 if done else 0.0, expected, status, None, first,
                    deadline, "increase", tuple(inside), milestone=True, done_on=done_on, decimals=g.decimals)


def _measured(g: Prepared, today: date, memo: dict) -> Progress:
    first, deadline, direction, closed = g.first, g.deadline, g.direction, g.closed
    if today < first:
        return Progress(g.gid, None, None, None, None, 0.0, closed or NOT_STARTED, None, first, deadline, direction,
                        (), decimals=g.decimals)
    expected = expected_share(first, deadline, today)
    until = min(today, deadline)
    # The same values over the same window give the same figures: computed once (id: the points live
    # as long as the data the memo is for).
    key = (id(g.points), first, until, deadline, g.aggregation)
    found = memo.get(key)
    if found is None:
        inside = tuple(within(g.points, first, until))
        found = memo[key] = [inside, _finite(aggregate(inside, g.aggregation)), False, None]
    inside, value = found[0], found[1]
    target_value, start_value, plan = g.target, g.start, g.plan
    if plan and start_value is not None and target_value is not None and target_value != start_value:
        # The plan replaces the straight line: expected is the share of the way the plan has reached.
        expected = max(0.0, min(1.0, (planned(plan, today) - start_value) / (target_value - start_value)))
    unmeasured = (NO_DATA if value is None else NO_BASELINE if target_value is None
                  or (start_value is None and direction != "maintain") else None)
    progress = None if unmeasured else _finite(_share(value, target_value, start_value, direction))
    if progress is None:
        return Progress(g.gid, value, target_value, start_value, None, expected, closed or unmeasured or NO_DATA, None,
                        first, deadline, direction, inside, decimals=g.decimals, plan=plan)
    if not found[2]:
        found[2:] = True, _finite(_forecast(inside, first, deadline, g.aggregation))
    forecast = found[3]
    if g.aggregation == "sum" and direction == "decrease":
        # A summed KPI to keep down is a budget: on track while the total stays within it.
        over = value > target_value
        progress = 0.0 if over else (1.0 if today > deadline else expected)
        status = MISSED if over else ACHIEVED if today > deadline else _forecast_says(ON_TRACK, forecast,
                                                                                      target_value, direction)
    elif progress >= 1:
        status = ACHIEVED
    elif today > deadline:
        status = MISSED
    else:
        status = _forecast_says(pace_status(expected, progress), forecast, target_value, direction)
    return Progress(g.gid, value, target_value, start_value, progress, expected, closed or status, forecast, first,
                    deadline, direction, inside, decimals=g.decimals, plan=plan)


def plan_line(plan: dict[str, float] | None, first: date, last: date, start: float | None, target: float | None,
              fy: int) -> list[tuple[date, float]]:
    """The pace line a plan draws: from the start value on the first day, through each planned value
    on the last day of its period (or on its day), to the target on the deadline. Empty without a plan,
    or when the start or the target is not known; plan entries that do not read (GS302's) or fall
    outside the goal's period are left out."""
    if not plan or start is None or target is None:
        return []
    points = []
    for key, value in plan.items():
        try:
            day = parse_period(str(key), fy).last
        except ValueError:
            continue
        if first <= day <= last and math.isfinite(value):
            points.append((day, float(value)))
    if not points:
        return []
    line = {first: start, **dict(sorted(points)), last: target}
    return sorted(line.items())


def planned(line: list[tuple[date, float]] | tuple[tuple[date, float], ...], day: date) -> float:
    """The value the plan's line gives for a day: straight between its points."""
    if day <= line[0][0]:
        return line[0][1]
    for (d0, v0), (d1, v1) in zip(line, line[1:]):
        if day <= d1:
            return v0 + (v1 - v0) * ((day - d0).days / max(1, (d1 - d0).days))
    return line[-1][1]


def _forecast_says(status: str, forecast: float | None, target: float, direction: str) -> str:
    """Pace alone is not enough: a goal whose forecast misses its target is at risk, whatever its pace
    (GS502 says so on the same page). Too few values to forecast leaves the pace's word."""
    return AT_RISK_S if forecast is not None and not meets(forecast, target, direction) else status


def goal_window(project: Project, gid: str) -> tuple[date, date] | None:
    """The first and last day a goal is measured over, or None when its dates do not read.

    The start is the goal's `start`, else the first day of its deadline's period. A deadline
    that is a single day is no period to measure over: such a goal starts where its parent
    starts (the nearest ancestor with a window), or, with no parent, on the first day of the
    deadline's quarter."""
    return _window(project, gid, frozenset())


def _window(project: Project, gid: str, seen: frozenset[str]) -> tuple[date, date] | None:
    goal = project.goals[gid].model
    fy = project.fiscal_year_start
    try:
        deadline = parse_period(goal.deadline, fy)
        if goal.start is not None:
            first = parse_period(goal.start, fy).first
        elif deadline.first < deadline.last:
            first = deadline.first
        else:
            first = _parent_start(project, goal, seen | {gid})
            if first is None or first > deadline.last:
                day = deadline.last
                first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    except (ValueError, TypeError):
        return None
    return (first, deadline.last) if first <= deadline.last else None


def _parent_start(project: Project, goal: Goal, seen: frozenset[str]) -> date | None:
    for parent in goal.parent or ():
        if parent in project.goals and parent not in seen and project.goals[parent].model.deadline is not None:
            window = _window(project, parent, seen)
            if window is not None:
                return window[0]
    return None  # no parent, or a cycle (GS403's finding)


def _finite(x: float | None) -> float | None:
    return x if x is None or math.isfinite(x) else None


def pace_status(expected: float, progress: float) -> str:
    """What the pace line alone says: how far the progress lags the share of the way expected."""
    gap = expected - progress
    return AT_RISK_S if gap > AT_RISK else BEHIND_S if gap > BEHIND else ON_TRACK


def expected_share(first: date, deadline: date, today: date) -> float:
    span = (deadline - first).days + 1
    done = (min(today, deadline) - first).days + 1
    return max(0.0, min(1.0, done / span))


def _target_and_start(t: ParsedTarget, kpi: KPI, points, first: date, fy: int) -> tuple[float | None, float | None]:
    baseline = t.baseline
    if baseline is None and t.baseline_period is not None:
        try:
            baseline = value_over(points, parse_period(t.baseline_period, fy), kpi.aggregation)
        except ValueError:
            baseline = None
    if t.value is not None:
        target = t.value
    elif baseline is None:
        return None, None
    else:
        target = baseline * (1 + t.change / 100) if t.percent else baseline + t.change
    if kpi.aggregation == "sum":
        start = 0.0  # a sum over the goal's period starts from nothing
    elif baseline is not None:
        start = baseline
    else:
        before = points[:bisect_left(points, first, key=_day)]
        # With no value before the period, a count of things reached ("60 of the top 100 accounts")
        # starts from none of them; a share or a level to keep down cannot be guessed.
        start = before[-1].value if before else (0.0 if kpi.direction == "increase" and kpi.unit != "%" else None)
    return target, start


def _share(value: float, target: float, start: float | None, direction: str) -> float:
    """The share of the way from the starting value to the target, 0..1."""
    if direction == "maintain" or start is None or target == start:
        # Nothing to count from: the target is met or it is not.
        return 1.0 if meets(value, target, direction) else 0.0
    ratio = (value - start) / (target - start)
    return ratio if math.isnan(ratio) else max(0.0, min(1.0, ratio))  # NaN (inf / inf) stays unknown


def _forecast(inside: list[Point], first: date, deadline: date, how: str) -> float | None:
    if not inside:
        return None
    xs = [float((p.day - first).days) for p in inside]
    if how == "sum":
        ys, running = [], 0.0
        for p in inside:
            running += p.value
            ys.append(running)
        xs, ys = [0.0] + xs, [0.0] + ys  # nothing was summed before the period began
    else:
        ys = [p.value for p in inside]
    line = least_squares(xs, ys)
    if line is None:
        return None
    slope, intercept = line
    return slope * float((deadline - first).days) + intercept


def all_progress(project: Project, data: Data, today: date, keep: dict | None = None) -> dict[str, Progress]:
    """``keep`` (serve): what the previous check worked out, by goal; a goal whose inputs are the
    very objects they were then (its model, its KPI's, the series, see values.read_all's ``keep``)
    and whose window and day are the same gets the same progress without working it out again."""
    if keep is None:
        return progress_on(project, data, (today,))[0]
    kept = keep.setdefault("progress", {})
    out: dict[str, Progress] = {}
    memo: dict = {}
    fy = project.fiscal_year_start
    for gid in sorted(project.goals):
        goal = project.goals[gid].model
        kpi = project.kpis.get(goal.kpi or "")
        series = data.series.get(goal.kpi or "")
        inputs = (goal, kpi.model if kpi else None, series, goal_window(project, gid), fy, today)
        was = kept.get(gid)
        if was is not None and all(a is b for a, b in zip(was[0][:3], inputs[:3])) and was[0][3:] == inputs[3:]:
            progress = was[1]
        else:
            prepared = prepare(project, data, gid, memo)
            progress = None if prepared is None else evaluate(prepared, today, memo)
            kept[gid] = (inputs, progress)
        if progress is not None:
            out[gid] = progress
    for gid in set(kept) - set(project.goals):
        del kept[gid]
    return out


def progress_on(project: Project, data: Data, days) -> list[dict[str, Progress]]:
    """Every goal's progress on each of several days, each goal prepared once: the same as
    ``all_progress`` on each day (tested), for a fraction of the cost per extra day."""
    prepared, memo = prepare_all(project, data), {}
    return [evaluate_all(prepared, day, memo) for day in days]


def prepare_all(project: Project, data: Data) -> list[tuple[str, Prepared]]:
    """Every goal that can be measured, prepared once, in id order: what ``evaluate_all`` takes on
    each day (the weekly updates evaluate one day at a time, when its week is made)."""
    memo: dict = {}
    found = ((gid, prepare(project, data, gid, memo)) for gid in sorted(project.goals))
    return [(gid, p) for gid, p in found if p is not None]


def evaluate_all(prepared: list[tuple[str, Prepared]], day: date, memo: dict | None = None) -> dict[str, Progress]:
    """The prepared goals' progress on a day; ``memo`` as ``evaluate``'s, shared across days."""
    memo = {} if memo is None else memo
    return {gid: evaluate(p, day, memo) for gid, p in prepared}
