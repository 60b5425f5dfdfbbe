"""Goal has no deadline.

Every goal says by when: a date (``2026-09-30``) or a period, which means its
last day (``2026-Q3`` is "by the end of Q3").

Why: a goal with no deadline is never late, so it is never urgent.

How to fix: add ``deadline:``.

*Anti-pattern*

    title: Close 1100 seats through MSPs

*Best practice*

    title: Close 1100 seats through MSPs by the end of Q3
    deadline: 2026-Q3
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    for _, goal in ctx.goals():
        if goal.model.deadline is None:
            yield goal.diag("GS301", None, "goal has no deadline", "add `deadline:` with a date or period, e.g. `2026-Q3`")
