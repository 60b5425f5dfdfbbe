"""Goal's deadline falls after its parent's deadline.

A goal that serves a parent is reached no later than the parent: the parent's
deadline depends on it.

Why: a team goal due in Q4 cannot help a company goal due in Q3.

How to fix: bring the deadline forward, or serve a later parent.

*Anti-pattern*

    # parent company.q3-seats has deadline: 2026-Q3
    deadline: 2026-Q4

*Best practice*

    deadline: 2026-Q3
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    deadlines = ctx.deadlines
    for gid, goal in ctx.goals():
        mine = deadlines.get(gid)
        if mine is None:
            continue
        for parent in goal.model.parents:
            theirs = deadlines.get(parent)
            if theirs is not None and mine > theirs:
                yield goal.diag("GS303", "deadline",
                                f"deadline {mine.isoformat()} falls after parent `{parent}`'s deadline {theirs.isoformat()}",
                                "bring the deadline forward to the parent's, or serve a later parent")
