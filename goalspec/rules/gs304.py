"""Start is after deadline.

A goal's start (a date, or a period meaning its first day) comes no later than
its deadline (a date, or a period meaning its last day).

Why: a goal that ends before it begins has no time to be worked on; the pace
line and every forecast become meaningless.

How to fix: correct the start or the deadline.

*Anti-pattern*

    start: 2026-Q4
    deadline: 2026-Q3

*Best practice*

    start: 2026-Q3
    deadline: 2026-Q3
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    for gid, goal in ctx.goals():
        start, deadline = ctx.starts.get(gid), ctx.deadlines.get(gid)
        if goal.model.start is not None and start and deadline and start > deadline:
            yield goal.diag("GS304", "start", f"start {start.isoformat()} is after deadline {deadline.isoformat()}",
                            "move the start before the deadline")
