"""Goal has no target, or a target that is not a number.

A target is ``{value: 1100}`` (reach 1100 of the KPI's unit) or
``{change: "+10%", baseline: ...}`` (a change relative to a baseline). Text such
as ``value: lots``, a change such as ``"ten percent"``, a target with both
``value`` and ``change``, or neither, is reported; so is a baseline that is
neither a number nor ``{period: ...}``.

Why: a goal without a number cannot be reached or missed; it is a wish.

How to fix: give the number the goal commits to.

*Anti-pattern*

    target: {value: "a lot more"}

*Best practice*

    target: {value: 1100}
    target: {change: "+10%", baseline: {period: 2026-Q2}}
"""

from goalspec.spec.load import SEP
from goalspec.rules.base import Context
from goalspec.spec.targets import TargetProblem


def check(ctx: Context):
    for gid, goal in ctx.goals():
        if goal.model.target is None:
            yield goal.diag("GS201", None, "goal has no target",
                            'add `target: {value: <number>}` or `target: {change: "+10%", baseline: ...}`')
            continue
        problem = ctx.targets.get(gid)
        if isinstance(problem, TargetProblem):
            sub = f"target{SEP}{problem.sub}" if problem.sub else "target"
            yield goal.diag("GS201", sub, problem.message, problem.hint)
