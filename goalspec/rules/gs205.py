"""Relative target without a baseline.

A target written as a change (``change: "+10%"``) needs what it is relative to:
``baseline: 1000``, or ``baseline: {period: 2026-Q2}`` for the KPI's value over
that period.

Why: "+10%" of an unknown number is no target at all; the baseline is where
people disagree later.

How to fix: add ``baseline:`` to the target.

*Anti-pattern*

    target: {change: "+10%"}

*Best practice*

    target: {change: "+10%", baseline: {period: 2026-Q2}}
"""

from goalspec.rules.base import Context
from goalspec.spec.targets import ParsedTarget


def check(ctx: Context):
    for gid, goal in ctx.goals():
        t = ctx.targets.get(gid)
        if isinstance(t, ParsedTarget) and t.relative and not t.has_baseline:
            yield goal.diag("GS205", "target", "relative target without a baseline",
                            "add `baseline: <number>` or `baseline: {period: 2026-Q2}` to the target")
