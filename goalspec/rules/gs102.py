"""Goal names no KPI.

Every goal says which KPI measures it (``kpi: <KPI id>``).

Why: without a KPI, nobody can say how far along the goal is, and no data can
back it.

How to fix: add ``kpi:`` with the id of a KPI, defining the KPI if it does not
exist yet.

*Anti-pattern*

    kind: Goal
    id: marketing.q3-calls
    title: Book 120 calls with qualified MSP leads by the end of Q3

*Best practice*

    kind: Goal
    id: marketing.q3-calls
    title: Book 120 calls with qualified MSP leads by the end of Q3
    kpi: qualified-calls
"""

from goalspec.rules.base import Context
from goalspec.spec.targets import ParsedTarget


def check(ctx: Context):
    for gid, goal in ctx.goals():
        target = ctx.targets.get(gid)
        if isinstance(target, ParsedTarget) and target.done:
            continue  # a milestone is done when its owner says so; a KPI that checks it in is optional
        if goal.model.kpi is None:
            yield goal.diag("GS102", None, "goal names no KPI", "add `kpi:` with the id of the KPI that measures the goal")
