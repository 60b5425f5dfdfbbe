"""No check-in within the KPI's cadence (stale).

A KPI that an active goal is measured by, while that goal's period runs, and that
has had values, keeps getting one at least once per cadence: within 7 days
(weekly), 31 days (monthly) or 92 days (quarterly) of ``--today``. Draft and
cancelled goals do not count. (A KPI that never had a value shows as "no data"
on the site and in ``goalspec status``.) A ``leads`` KPI has a value on every day
some lead record is dated, 0 when none qualified, so it is stale only when the
lead records themselves stop coming.

Why: a goal whose numbers stopped coming in looks on track until the day it is
missed; regular comparison of actuals against goals is the point.

How to fix: record a value (``goalspec checkin KPI VALUE``), fix the export
behind a CSV or SQL source, or change the KPI's ``cadence``.

*Anti-pattern*

    cadence: weekly
    # last check-in six weeks ago

*Best practice*

    cadence: weekly
    # a value every week, from the CRM export
"""

from datetime import timedelta

from goalspec.data.cadence import CADENCE_DAYS
from goalspec.rules.base import Context


def check(ctx: Context):
    running: dict[str, bool] = {}
    for gid, goal in ctx.goals():
        p = ctx.progress.get(gid)
        if goal.model.status == "active" and p is not None and p.first <= ctx.today <= p.last \
                and goal.model.kpi in ctx.project.kpis and not (p.milestone and p.done_on):
            running[goal.model.kpi] = True  # a milestone once done needs no more check-ins
    for kid in sorted(running):
        kpi = ctx.project.kpis[kid]
        series = ctx.data.series.get(kid)
        if series is None or series.problem or not series.supported:
            continue
        days = CADENCE_DAYS[kpi.model.cadence]
        seen = [p.day for p in series.points if p.day <= ctx.today]
        if not seen or seen[-1] >= ctx.today - timedelta(days=days):
            continue
        source = kpi.model.source.type
        hint = (f"record a value (goalspec checkin {kid} VALUE) or fix the KPI's source" if source == "checkins" else
                "refresh the lead records (their newest record is the KPI's newest day) or fix the KPI's source"
                if source == "leads" else f"refresh the KPI's {source} data or fix its source")
        yield kpi.diag("GS501", None, f"KPI is stale: no value since {seen[-1].isoformat()}, "
                       f"and its cadence is {kpi.model.cadence}", hint)
