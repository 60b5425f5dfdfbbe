"""Non-company goal has no parent: it does not trace to a company goal.

A goal that belongs to a team serves a parent goal (``parent:``), and through
its parents a company goal. Only company goals (no team, no parent) stand alone.

Why: this is the point of goalspec: a team goal that serves no company goal is
a team chasing its own number.

How to fix: add ``parent:`` with the goal this one serves; or, if it really is a
company goal, remove ``team:``.

*Anti-pattern*

    kind: Goal
    id: marketing.q3-calls
    team: marketing

*Best practice*

    kind: Goal
    id: marketing.q3-calls
    team: marketing
    parent: company.msp-seats
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    graph = ctx.graph
    for gid, goal in ctx.goals():
        if not graph.parents(gid) and gid not in graph.company_goals:
            yield goal.diag("GS402", None, "goal has no parent: it does not trace to a company goal",
                            "add `parent:` with the id of the goal this one serves")
