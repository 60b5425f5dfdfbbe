"""Since the base revision a target was lowered or a deadline pushed out.

Only with ``goalspec check --base REV`` (in CI: the pull request's base). A
goal whose period has begun is a commitment: its target made easier (lowered
for a KPI to ``increase``, raised for one to ``decrease``) or its deadline moved
later is reported at the changed key. So is a change to the criteria of a lead
definition that such a goal counts (through its KPI's ``leads`` source):
qualifying more leads makes the same target easier. The change is accepted,
and the finding goes away, when the same change adds a ``revisions`` entry for
that field that says why; the site shows it on the goal's page.

Why: moved goalposts hide a miss. A change with a reason is a decision the
company can see; a silent one erodes every goal's meaning.

How to fix: restore the old value, or add a ``revisions`` entry
``{date, field, from, to, reason}`` in the same change.

*Anti-pattern*

    # in a pull request, in Q3, without a word:
    target: {value: 900}       # was 1100
    deadline: 2026-Q4          # was 2026-Q3

*Best practice*

    target: {value: 900}
    revisions:
      - {date: 2026-08-12, field: target, from: 1100, to: 900,
         reason: "Largest MSP deal moved to FY27 (board decision 2026-08-10)"}
"""

from __future__ import annotations

from datetime import date

from goalspec.spec.models import Goal, Revision
from goalspec.spec.periods import day_or_none, parse_period
from goalspec.data.progress import value_over
from goalspec.rules.base import Context
from goalspec.spec.targets import ParsedTarget, TargetProblem, parse_target
from goalspec.spec.validate import Obj
from goalspec.spec.words import number

LISTED = 3  # goals named in a lead-definition finding before "and N more"


def check(ctx: Context):
    if ctx.base is None:
        return
    base = ctx.base.project
    live: list[str] = []
    for gid, goal in ctx.goals():
        old = base.goals.get(gid)
        if old is None or not _committed(ctx, gid, goal.model, old.model, base.fiscal_year_start):
            continue
        live.append(gid)
        fresh = [r for r in goal.model.revisions if r not in old.model.revisions]
        target = _easier_target(ctx, gid, goal, old)
        if target and not _explained(fresh, "target"):
            yield goal.diag("GS601", "target", f"target {target} since {ctx.base.name}, after the goal's "
                            f"period began on {_began(ctx, gid, old, base.fiscal_year_start)}",
                            _hint("target", _written(old.model.target), _written(goal.model.target), ctx.today), key=True)
        later = _later_deadline(ctx, gid, goal, old, base.fiscal_year_start)
        if later and not _explained(fresh, "deadline"):
            yield goal.diag("GS601", "deadline", f"deadline pushed out {later} since {ctx.base.name}, after the goal's "
                            f"period began on {_began(ctx, gid, old, base.fiscal_year_start)}",
                            _hint("deadline", old.model.deadline, goal.model.deadline, ctx.today), key=True)
    yield from _lead_definitions(ctx, live)


def _committed(ctx: Context, gid: str, new: Goal, old: Goal, base_fy: int) -> bool:
    """A goal the company had committed to: not a draft then, not a draft or cancelled now, its period begun.

    The period counts as begun by the earlier of the two starts, so moving the
    start into the future does not hide the change."""
    if old.status == "draft" or new.status in ("draft", "cancelled"):
        return False
    starts = [d for d in (ctx.starts.get(gid), day_or_none(old.start or old.deadline, base_fy, last=False)) if d]
    return bool(starts) and min(starts) <= ctx.today


def _began(ctx: Context, gid: str, old: Obj[Goal], base_fy: int) -> str:
    starts = [d for d in (ctx.starts.get(gid), day_or_none(old.model.start or old.model.deadline, base_fy, last=False)) if d]
    return min(starts).isoformat()


def _explained(fresh: list[Revision], field: str) -> bool:
    # `target.value` and `target/value` name the target as well as `target` does.
    return any(r.field.strip().lower().replace("/", ".").split(".")[0] == field for r in fresh)


def _easier_target(ctx: Context, gid: str, goal: Obj[Goal], old: Obj[Goal]) -> str | None:
    """The target's move in words when it made the goal easier; None otherwise or when it cannot be told."""
    if goal.model.kpi != old.model.kpi or old.model.target is None:
        return None  # another KPI is another goal; comparing its numbers means nothing
    kpi = ctx.project.kpis.get(goal.model.kpi or "")
    new = ctx.targets.get(gid)
    if kpi is None or kpi.model.direction == "maintain" or not isinstance(new, ParsedTarget):
        return None
    try:
        was = parse_target(old.model.target)
    except TargetProblem:
        return None
    sign = 1 if kpi.model.direction == "increase" else -1
    a, b = _resolved(ctx, kpi.id, was), _resolved(ctx, kpi.id, new)
    unit = f" {kpi.model.unit}" if kpi.model.unit and kpi.model.unit != "%" else (kpi.model.unit or "")
    if a is not None and b is not None:
        if sign * (b - a) >= 0:
            return None
        from goalspec.vcs.diff import percent  # only with --base: a plain check never loads the diff

        pct = percent(a, b)
        return f"{_verb(sign)} {number(a)} → {number(b)}{unit}" + (f" ({pct})" if pct else "")
    same_base = (was.percent, was.baseline, was.baseline_period) == (new.percent, new.baseline, new.baseline_period)
    if was.relative and new.relative and same_base and sign * (new.change - was.change) < 0:
        # Same baseline, no data for it yet: the target moves with the change.
        shown = (lambda c: f"{c:+g}%") if new.percent else (lambda c: number(c, sign=True) + unit)
        return f"{_verb(sign)}: change {shown(was.change)} → {shown(new.change)} over the same baseline"
    return None


def _verb(sign: int) -> str:
    return "lowered" if sign > 0 else "raised, on a KPI to decrease,"


def _resolved(ctx: Context, kpi_id: str, t: ParsedTarget) -> float | None:
    """The target as a number; a baseline period is read from the KPI's data (the same data for both revisions)."""
    value = t.implied_value()
    if value is not None or t.baseline_period is None:
        return value
    kpi = ctx.project.kpis[kpi_id].model
    series = ctx.data.series.get(kpi_id)
    try:
        baseline = value_over(series.points, parse_period(t.baseline_period, ctx.fy), kpi.aggregation) if series else None
    except ValueError:
        return None
    if baseline is None:
        return None
    return baseline * (1 + t.change / 100) if t.percent else baseline + t.change


def _later_deadline(ctx: Context, gid: str, goal: Obj[Goal], old: Obj[Goal], base_fy: int) -> str | None:
    new_day, old_day = ctx.deadlines.get(gid), day_or_none(old.model.deadline, base_fy, last=True)
    if new_day is None or old_day is None or new_day <= old_day:
        return None
    days = (new_day - old_day).days
    return f"from {old.model.deadline} to {goal.model.deadline} ({days} day{'s' if days != 1 else ''} later)"


def _written(target) -> str:
    if target.value is not None:
        return str(target.value)
    parts = [f"change {target.change}"]
    if target.baseline is not None:
        parts.append(f"baseline {target.baseline}")
    return ", ".join(parts)


def _hint(field: str, was, now, today: date) -> str:
    return (f"restore the old {field}, or say why in the same change: add to `revisions` "
            f"`{{date: {today.isoformat()}, field: {field}, from: {was}, to: {now}, reason: \"...\"}}`")


def _lead_definitions(ctx: Context, live: list[str]):
    base = ctx.base.project
    counting: dict[str, list[str]] = {}
    for gid in live:
        kpi = ctx.project.kpis.get(ctx.project.goals[gid].model.kpi or "")
        source = kpi.model.source if kpi else None
        if source is not None and source.type == "leads" and source.definition:
            counting.setdefault(source.definition, []).append(gid)
    for lid, gids in sorted(counting.items()):
        lead, old = ctx.project.leads.get(lid), base.leads.get(lid)
        if lead is None or old is None or lead.model.criteria == old.model.criteria:
            continue
        fresh = [r for r in lead.model.revisions if r not in old.model.revisions]
        if _explained(fresh, "criteria"):
            continue
        named = ", ".join(f"`{g}`" for g in gids[:LISTED]) + (f" and {len(gids) - LISTED} more" if len(gids) > LISTED else "")
        yield lead.diag("GS601", "criteria",
                        f"criteria changed since {ctx.base.name} while goals whose period has begun count these "
                        f"leads: {named}",
                        "restore the old criteria, or say why in the same change: add to the lead definition's "
                        f"`revisions` `{{date: {ctx.today.isoformat()}, field: criteria, reason: \"...\"}}`",
                        key=True)
