"""Target missed in two consecutive periods.

An active goal's target is split over the complete periods of its KPI's cadence
(weeks, months or quarters) so far: a summed KPI owes its share of the target in
each period, any other KPI the value on the straight line from start to target
at each period's end. When the two most recent complete periods both fell short,
in the KPI's direction, the goal is reported with its owner. (A goal that
recovered since is not: the finding is about the current trend.)

Why: one bad month is noise; two in a row is a trend the owner should explain
at the next check-in.

How to fix: act on the goal, and say what changes in the next check-in's note.

*Anti-pattern*

    # July 250 seats, August 240 seats; the pace is 367 a month

*Best practice*

    # July 360 seats, August 380 seats
"""

from datetime import date, timedelta

from goalspec.data.cadence import cadence_periods
from goalspec.data.progress import aggregate, planned, within
from goalspec.rules.base import Context


def check(ctx: Context):
    project = ctx.project
    for gid, goal in ctx.goals():
        pair = missed_twice(ctx, gid)
        if pair is None:
            continue
        kpi = project.kpis[goal.model.kpi].model
        owner = project.people.get(goal.model.owner) or project.teams.get(goal.model.owner)
        who = owner.model.name if owner else goal.model.owner
        shown = " and ".join(f"{a.isoformat()}..{b.isoformat()}" for a, b in pair)
        yield goal.diag("GS503", "target", f"target missed in two consecutive {WORD[kpi.cadence]} ({shown}); owner: {who}",
                        f"{who} should say in the next check-in what changes")


WORD = {"weekly": "weeks", "monthly": "months", "quarterly": "quarters"}


def missed_twice(ctx: Context, gid: str) -> list[tuple[date, date]] | None:
    """The two most recent complete cadence periods of an active goal, when both fell short; else None
    (`goalspec due` and the digest list the same goals this rule reports)."""
    project = ctx.project
    goal = project.goals[gid]
    p = ctx.progress.get(gid)
    if goal.model.status != "active" or p is None or p.target is None or p.milestone:
        return None  # a milestone has no pace to miss
    kpi = project.kpis[goal.model.kpi].model
    until = min(ctx.today, p.last)
    periods = cadence_periods(p.first, until, kpi.cadence)[-2:]
    missed = []
    for first, last in periods:
        if ctx.shared is None:
            short = _short(p, kpi, first, last)
        else:  # a period's answer does not depend on the day: the weeks of one tree share it
            key = ("GS503", gid, first, last)
            if key not in ctx.shared:
                ctx.shared[key] = _short(p, kpi, first, last)
            short = ctx.shared[key]
        if not short:
            return None
        missed.append((first, last))
    return missed if len(missed) == 2 else None


def _short(p, kpi, first: date, last: date) -> bool:
    """Whether the goal fell short of its pace in one complete period (False too when it cannot tell)."""
    total_days = (p.last - p.first).days + 1
    value = aggregate(within(p.points, first, last), kpi.aggregation)
    if value is None:
        return False
    if p.plan:  # the plan is the pace: what it says by the period's end (for a sum, within the period)
        owed = planned(p.plan, last)
        if kpi.aggregation == "sum":
            owed -= planned(p.plan, first - timedelta(days=1))
    elif kpi.aggregation == "sum":
        owed = p.target * ((last - first).days + 1) / total_days
    elif p.start_value is not None:
        share = ((last - p.first).days + 1) / total_days
        owed = p.start_value + (p.target - p.start_value) * share
    else:
        return False
    return not p.meets(value, owed)
