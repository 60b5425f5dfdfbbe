"""An active goal's deadline has passed.

A goal whose deadline is before today (``--today``) and whose status is still
``active`` has not been closed.

Why: the goals site should say what happened: a past goal still marked active
hides a miss or an achievement.

How to fix: record how it ended and what was learned, ``goalspec close GOAL
--outcome achieved|missed|cancelled --note "..."`` (it sets ``status`` and adds an
``outcome``), or, with a reason under ``revisions``, move the deadline.

*Anti-pattern*

    deadline: 2025-Q4
    status: active

*Best practice*

    deadline: 2025-Q4
    status: achieved
    outcome: {date: 2026-01-05, score: 1, note: "Two MSP deals in December carried it"}
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    for gid, goal in ctx.goals():
        deadline = ctx.deadlines.get(gid)
        if goal.model.status == "active" and deadline is not None and deadline < ctx.today:
            owner = ctx.project.people.get(goal.model.owner)
            who = owner.model.name if owner else goal.model.owner
            yield goal.diag("GS305", "deadline", f"deadline {deadline.isoformat()} has passed and the goal is still active",
                            f"{who} should record how it ended: "
                            f"goalspec close {gid} --outcome achieved|missed|cancelled --note \"what we learned\"")
