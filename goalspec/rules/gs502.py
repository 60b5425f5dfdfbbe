"""Goal is forecast to miss its target by its deadline (at risk).

The forecast is the value a least-squares line through the goal's values so far
reaches at the deadline (for a KPI summed per period, the line runs through the
running total). An active goal whose forecast falls short of the target, in the
KPI's direction, is reported while there is still time to act.

Why: shortfalls should show early, not at the quarter's review.

How to fix: act on the goal (the forecast is a warning, not a verdict), or, with
a reason under ``revisions``, change the target.

*Anti-pattern*

    # halfway through the quarter, 300 of 1100 seats, and slowing

*Best practice*

    # halfway through the quarter, 560 of 1100 seats, on pace
"""

from goalspec.data.progress import ACHIEVED, MISSED, UNMEASURED
from goalspec.rules.base import Context
from goalspec.spec.words import figure


def check(ctx: Context):
    for gid, goal in ctx.goals():
        p = ctx.progress.get(gid)
        if goal.model.status != "active" or p is None or p.status in (ACHIEVED, MISSED, *UNMEASURED):
            continue
        if p.forecast is None or p.meets(p.forecast):
            continue
        yield goal.diag("GS502", "target",
                        f"forecast {figure(p.forecast, p.decimals)} by {p.last.isoformat()} misses the target "
                        f"{figure(p.target, p.decimals)}",
                        "act now, or change the target with a reason under `revisions`")

