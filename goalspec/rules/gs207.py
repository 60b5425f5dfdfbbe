"""The goals under a goal, all met, still miss its target.

When the goals that serve a goal measure the same KPI over the same period, meeting
every one of them brings the KPI to the strongest of their targets, and no further.
When they measure parts of it instead (`contributes: true`, a KPI in the same unit as
the parent's, over the same period), meeting every one brings the KPI to the sum of
their targets. If that still misses the parent's target, the plan does not add up:
"if every team goal is met, the company goal is missed by 200 seats". Goals measured
over another period, by a KPI in another unit, or by another KPI with no stated
contribution, are not compared, nor are parts of a KPI that is an average,
a highest or a lowest value (parts of those do not add up).

Why: nobody notices a gap between the team goals and the company goal until the
quarter ends; then every team can say it did its part.

How to fix: raise a team goal's target to what the company goal needs, add the goal
that covers the gap, or lower the company goal with a reason under `revisions`.

*Anti-pattern*

    # company.q3: kpi: seats, target: {value: 1100}
    # sales.q3:   kpi: seats, target: {value: 900}, parent: company.q3

    # company.q3:  kpi: seats, target: {value: 1100}
    # sales.q3:    kpi: seats-direct, target: {value: 600}, contributes: true
    # partners.q3: kpi: seats-partners, target: {value: 400}, contributes: true

*Best practice*

    # company.q3: kpi: seats, target: {value: 1100}
    # sales.q3:   kpi: seats, target: {value: 1100}, parent: company.q3
"""

from goalspec.data.progress import goal_window, meets
from goalspec.rules.base import Context
from goalspec.spec.targets import ParsedTarget
from goalspec.spec.words import figure


def check(ctx: Context):
    project = ctx.project
    for pid, kids in sorted(ctx.serving.items()):
        parent = project.goals[pid]
        kpi = project.kpis.get(parent.model.kpi or "")
        target = _number(ctx, pid)
        if kpi is None or target is None or kpi.model.direction == "maintain" or parent.model.status != "active":
            continue
        window = goal_window(project, pid)
        kids = [k for k in kids if goal_window(project, k) == window]
        same = [k for k in kids if project.goals[k].model.kpi == kpi.id]
        parts = [k for k in kids if k not in same and _part(project, k, kpi)]
        same_targets = [_number(ctx, k) for k in same]
        part_targets = [_number(ctx, k) for k in parts]
        if None in same_targets or None in part_targets or not (same or parts):
            continue  # a child whose target needs data there is not: nothing can be said yet
        direction = kpi.model.direction
        pick = max if direction == "increase" else min
        reaches = []
        if same:
            reaches.append((pick(same_targets), "same"))
        if parts:
            reaches.append((sum(part_targets), "parts"))
        best, how = pick(reaches, key=lambda r: r[0])
        if meets(best, target, direction):
            continue
        unit = f" {kpi.model.unit}" if kpi.model.unit and kpi.model.unit != "%" else (kpi.model.unit or "")
        p = ctx.progress.get(pid)
        places = p.decimals if p is not None and p.points else 2  # as precise as the KPI's own values
        gap = abs(target - best)
        if how == "parts":
            added = " + ".join(f"{k} {figure(t, places)}" for k, t in zip(parts, part_targets))
            what = f"the goals that contribute to it add up to {figure(best, places)}{unit} ({added})"
        else:
            what = f"they bring `{kpi.id}` to {figure(best, places)}{unit}"
        yield parent.diag(
            "GS207", "target",
            f"if every goal under it is met, this goal is still missed: {what}, "
            f"the target is {figure(target, places)}{unit} ({figure(gap, places)}{unit} short)",
            "raise a team goal's target, add a goal for the gap, or lower this target with a reason under `revisions`")


def _part(project, gid: str, whole) -> bool:
    """Whether a goal declares that its KPI counts a part of ``whole`` in a way that adds up: the
    same unit and good direction, and totals or levels on both sides (not averages or extremes)."""
    model = project.goals[gid].model
    kpi = project.kpis.get(model.kpi or "")
    # Only `contributes: true` states it: a `weight` is the goal's share of the parent's roll-up,
    # which says nothing about whether its KPI counts a part of the parent's.
    return (model.contributes and kpi is not None
            and _unit(kpi) == _unit(whole) and kpi.model.direction == whole.model.direction
            and kpi.model.aggregation in ("sum", "last") and whole.model.aggregation in ("sum", "last"))


def _unit(kpi) -> str:
    return (kpi.model.unit or "").strip().casefold()


def _number(ctx: Context, gid: str) -> float | None:
    """The target as a number: as written, or as the progress model resolves it from a baseline period."""
    parsed = ctx.targets.get(gid)
    if not isinstance(parsed, ParsedTarget) or parsed.done:
        return None
    value = parsed.implied_value()
    if value is None and gid in ctx.progress:
        value = ctx.progress[gid].target
    return value

