"""Target moves against the KPI's direction.

A KPI says which way is good (``increase``, ``decrease``, ``maintain``). A target
whose change goes the other way (a cut on an ``increase`` KPI, any change on a
``maintain`` KPI), or whose value lies on the wrong side of its numeric baseline,
is reported.

Why: usually a sign typo; otherwise a goal that rewards the wrong behaviour.

How to fix: correct the sign, or the KPI's direction.

*Anti-pattern*

    # KPI churn-rate: direction: decrease
    target: {change: "+2%", baseline: {period: 2026-Q2}}

*Best practice*

    target: {change: "-2%", baseline: {period: 2026-Q2}}
"""

from goalspec.spec.load import SEP
from goalspec.rules.base import Context
from goalspec.spec.targets import ParsedTarget


def check(ctx: Context):
    for gid, goal in ctx.goals():
        t = ctx.targets.get(gid)
        kpi = ctx.project.kpis.get(goal.model.kpi or "")
        if not isinstance(t, ParsedTarget) or kpi is None:
            continue
        direction = kpi.model.direction
        if t.change is not None:
            move, sub = t.change, "change"
        elif t.value is not None and t.baseline is not None:
            move, sub = t.value - t.baseline, "value"
        else:
            continue
        wrong = (direction == "increase" and move < 0) or (direction == "decrease" and move > 0) or \
            (direction == "maintain" and move != 0)
        if wrong:
            way = "lowers" if move < 0 else "raises"
            yield goal.diag("GS206", f"target{SEP}{sub}",
                            f"target {way} KPI `{kpi.id}`, whose direction is `{direction}`",
                            "correct the target's sign, or the KPI's `direction`")
