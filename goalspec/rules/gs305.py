"""An active goal's deadline has passed.

A goal whose deadline is before today (``--today``) and whose status is still
``active`` has not been closed.

Why: the goals site should say what happened: a past goal still marked active
hides a miss or an achievement.

How to fix: set ``status: achieved`` or ``status: missed`` (or ``cancelled``),
or, with a reason under ``revisions``, move the deadline.

*Anti-pattern*

    deadline: 2025-Q4
    status: active

*Best practice*

    deadline: 2025-Q4
    status: achieved
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    for gid, goal in ctx.goals():
        deadline = ctx.deadlines.get(gid)
        if goal.model.status == "active" and deadline is not None and deadline < ctx.today:
            yield goal.diag("GS305", "deadline", f"deadline {deadline.isoformat()} has passed and the goal is still active",
                            "set `status: achieved`, `missed` or `cancelled`")
