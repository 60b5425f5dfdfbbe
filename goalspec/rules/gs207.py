"""The goals under a goal, all met, still miss its target.

When the goals that serve a goal measure the same KPI over the same period, meeting
every one of them brings the KPI to the strongest of their targets, and no further.
If that still misses the parent's target, the plan does not add up: "if every team
goal is met, the company goal is missed by 200 seats". Goals measured over another
period or by another KPI are not compared (this rule does not add up contributions
of different KPIs).

Why: nobody notices a gap between the team goals and the company goal until the
quarter ends; then every team can say it did its part.

How to fix: raise a team goal's target to what the company goal needs, add the goal
that covers the gap, or lower the company goal with a reason under `revisions`.

*Anti-pattern*

    # company.q3: kpi: seats, target: {value: 1100}
    # sales.q3:   kpi: seats, target: {value: 900}, parent: company.q3

*Best practice*

    # company.q3: kpi: seats, target: {value: 1100}
    # sales.q3:   kpi: seats, target: {value: 1100}, parent: company.q3
"""

from goalspec.data.progress import goal_window, meets
from goalspec.data.rollup import serving
from goalspec.rules.base import Context
from goalspec.spec.targets import ParsedTarget
from goalspec.spec.words import figure


def check(ctx: Context):
    project = ctx.project
    for pid, kids in sorted(serving(project).items()):
        parent = project.goals[pid]
        kpi = project.kpis.get(parent.model.kpi or "")
        target = _number(ctx, pid)
        if kpi is None or target is None or kpi.model.direction == "maintain" or parent.model.status != "active":
            continue
        window = goal_window(project, pid)
        same = [k for k in kids if project.goals[k].model.kpi == kpi.id and goal_window(project, k) == window]
        targets = [t for t in (_number(ctx, k) for k in same) if t is not None]
        if not same or len(targets) < len(same):
            continue  # a child whose target needs data there is not: nothing can be said yet
        direction = kpi.model.direction
        best = max(targets) if direction == "increase" else min(targets)
        if meets(best, target, direction):
            continue
        unit = f" {kpi.model.unit}" if kpi.model.unit and kpi.model.unit != "%" else (kpi.model.unit or "")
        gap = abs(target - best)
        yield parent.diag(
            "GS207", "target",
            f"if every goal under it is met, this goal is still missed: they bring `{kpi.id}` to {figure(best, 2)}{unit}, "
            f"the target is {figure(target, 2)}{unit} ({figure(gap, 2)}{unit} short)",
            "raise a team goal's target, add a goal for the gap, or lower this target with a reason under `revisions`")


def _number(ctx: Context, gid: str) -> float | None:
    """The target as a number: as written, or as the progress model resolves it from a baseline period."""
    parsed = ctx.targets.get(gid)
    if not isinstance(parsed, ParsedTarget) or parsed.done:
        return None
    value = parsed.implied_value()
    if value is None and gid in ctx.progress:
        value = ctx.progress[gid].target
    return value

