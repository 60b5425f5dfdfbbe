"""Deadline or start is not a valid date or period.

Dates are ``2026-09-30``; periods are ``2026-09``, ``2026-Q3``, ``2026-H2``,
``2026``, and fiscal ``FY2027-Q1``, ``FY2027-H1``, ``FY2027``. The same holds for
a baseline's ``period`` and an incentive's ``period``.

Why: a date nobody can read is a deadline nobody can hold.

How to fix: write the date or period in one of the forms above.

*Anti-pattern*

    deadline: end of Q3
    deadline: 2026-13

*Best practice*

    deadline: 2026-Q3
"""

from goalspec.spec.load import SEP
from goalspec.spec.periods import parse_period
from goalspec.rules.base import Context
from goalspec.spec.targets import ParsedTarget


def check(ctx: Context):
    for gid, goal in ctx.goals():
        t = ctx.targets.get(gid)
        fields = [("start", goal.model.start), ("deadline", goal.model.deadline)]
        if isinstance(t, ParsedTarget) and t.baseline_period is not None:
            fields.append((f"target{SEP}baseline{SEP}period", t.baseline_period))
        for sub, value in fields:
            problem = _problem(value, ctx.fy)
            if problem:
                yield goal.diag("GS302", sub, problem, "write a date (2026-09-30) or a period (2026-Q3, FY2027-H1)")
        for key in goal.model.plan or {}:
            problem = _problem(str(key), ctx.fy)
            if problem:
                yield goal.diag("GS302", f"plan{SEP}{key}", f"plan entry: {problem}",
                                "key each planned value by a date (2026-10-31) or a period (2026-10, 2026-Q4)", key=True)
    for _, inc in ctx.project.incentives.items():
        problem = _problem(inc.model.period, ctx.fy)
        if problem:
            yield inc.diag("GS302", "period", problem, "write a period such as 2026-Q3 or FY2027")


def _problem(value: str | None, fy: int) -> str | None:
    if value is None:
        return None
    try:
        parse_period(value, fy)
    except ValueError as exc:
        return str(exc)
    return None
