"""Team goals rolled up into the goals they serve.

A goal with children (goals whose `parent` names it) gets a progress rolled up
from theirs, weighted by each child's `weight` (equal when none is given), shown
beside the progress of its own KPI: "if the team goals keep going like this,
where does the company goal stand". A child counts with its own KPI's progress,
or, when that cannot be measured, with its own roll-up. The roll-up's status
follows the same pace rule as a goal's own (docs/data.md): against the share of
the parent's period gone by today; and it is never better than the children that
carry half its weight say (`at risk` when they are at risk or missed, `behind`
when they are behind or worse).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from goalspec.data.progress import Progress, expected_share, goal_window, pace_status
from goalspec.data.statuses import (ACHIEVED, AT_RISK_S, BEHIND_S, MISSED, NO_DATA, NOT_STARTED, ON_TRACK,
                                    UNMEASURED)
from goalspec.spec.validate import Project


@dataclass(frozen=True, slots=True)
class Child:
    goal: str
    weight: float  # the child's share of the roll-up: its weight over its siblings' sum
    progress: float | None
    status: str


@dataclass(frozen=True, slots=True)
class Rollup:
    progress: float | None
    status: str
    children: tuple[Child, ...]

    def counts(self) -> dict[str, int]:
        """How many children have each status, in the order a reader scans them."""
        out: dict[str, int] = {}
        for child in self.children:
            out[child.status] = out.get(child.status, 0) + 1
        return out


def serving(project: Project) -> dict[str, list[str]]:
    """Each goal's children: the goals that name it as a parent, in id order; draft and cancelled
    goals serve nobody yet (or any more)."""
    children: dict[str, list[str]] = {}
    for gid, goal in sorted(project.goals.items()):
        if goal.model.status in ("draft", "cancelled"):
            continue
        for parent in goal.model.parent or ():
            if parent in project.goals and parent != gid:
                children.setdefault(parent, []).append(gid)
    return children


def rollups(project: Project, progress: dict[str, Progress], today: date,
            children: dict[str, list[str]] | None = None, only: list[str] | None = None) -> dict[str, Rollup]:
    """The roll-up of every goal that has children (of the goals in ``only``, when given, and what
    theirs need); draft and cancelled goals are left out. ``children`` is ``serving(project)`` when
    the caller has it already (it does not depend on the day)."""
    children = serving(project) if children is None else children
    out: dict[str, Rollup] = {}
    given = (project, progress, today, children, out)
    for gid in children if only is None else only:
        _rollup(gid, frozenset(), given)
    return dict(sorted(out.items()))


# Not a closure: one that calls itself is a reference cycle, which builds (run without the cyclic
# collector, spec/memory.py) would keep, with every day's progress it holds, until they end.
def _rollup(gid: str, seen: frozenset[str], given: tuple) -> Rollup | None:
    project, progress, today, children, out = given
    if gid in out:
        return out[gid]
    if gid not in children or gid in seen:
        return None  # a leaf, or a cycle (GS403's finding)
    kids = children[gid]
    total = sum(project.goals[k].model.weight for k in kids)
    rows = []
    for kid in kids:
        own = progress.get(kid)
        if own is not None and own.status not in UNMEASURED:
            share, status = own.progress, own.status
        else:  # only then does the child's own roll-up count
            below = _rollup(kid, seen | {gid}, given)
            if below is not None and below.progress is not None:
                share, status = below.progress, below.status
            else:
                share, status = None, own.status if own is not None else NO_DATA
        rows.append(Child(kid, project.goals[kid].model.weight / total, share, status))
    measured = [c for c in rows if c.progress is not None]
    weight = sum(c.weight for c in measured)
    share = sum(c.weight * c.progress for c in measured) / weight if measured else None
    result = Rollup(share, _status(project, gid, share, rows, today), tuple(rows))
    out[gid] = result
    return result


def _status(project: Project, gid: str, share: float | None, rows: list[Child], today: date) -> str:
    window = goal_window(project, gid) if project.goals[gid].model.deadline is not None else None
    if share is None:
        return NOT_STARTED if rows and all(c.status == NOT_STARTED for c in rows) else NO_DATA
    if share >= 1:
        return ACHIEVED
    if window is None:
        return ON_TRACK if all(c.status in (ON_TRACK, ACHIEVED) for c in rows) else BEHIND_S
    first, last = window
    if today > last:
        return MISSED
    status = pace_status(expected_share(first, last, today), share)
    # Pace alone would call two at-risk team goals "on track" when the leader's goal is ahead: the
    # roll-up is never better than what the children carrying half its weight say.
    at_risk = sum(c.weight for c in rows if c.status in (AT_RISK_S, MISSED))
    behind = at_risk + sum(c.weight for c in rows if c.status == BEHIND_S)
    if at_risk >= 0.5:
        return AT_RISK_S
    if behind >= 0.5 and status == ON_TRACK:
        return BEHIND_S
    return status


@dataclass(frozen=True)
class Earned:
    share: float                # of the whole bonus: each goal's share times how far along it is
    measured: float             # the shares whose goals are measured (the rest count 0)
    unmeasured: tuple[str, ...]  # goals it pays on that have no progress to go by


def earned(project: Project, progress: dict[str, Progress], iid: str) -> Earned:
    """How far along the goals an incentive pays on are, weighted by their shares: a reading of
    progress, not a payout (the incentive's own terms decide that). A goal with no measured
    progress counts 0 and is named."""
    model = project.incentives[iid].model
    total, measured, missing = 0.0, 0.0, []
    for pay, share in zip(model.pays_on, model.shares()):
        p = progress.get(pay.goal)
        if p is None or p.progress is None:
            missing.append(pay.goal)
            continue
        total += share * p.progress
        measured += share
    return Earned(total, measured, tuple(missing))
