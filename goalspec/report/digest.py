"""`goalspec digest`: what changed since a day and where the goals stand, company goals first.

Two checks of the tree make it: now (the tree as it is, on ``today``) and then (the tree at the
newest commit made on or before ``since``, on ``since``; the same tree when it is not in git).
Every number comes from the progress model ``goalspec status`` shows (``status.rows``), so the
digest and the status table agree to the digit. What changed:

- status changes: each goal's status then and now;
- new check-ins: values in the tree now that were not then (without git: dated after ``since``),
  with their notes and confidence;
- goals closed (their `status` set to achieved, missed or cancelled), added, removed or
  re-parented; targets and deadlines changed (moved goalposts, with the reason a `revisions`
  entry gives); lead definitions whose criteria changed: from git, object by object (vcs/diff);
- what needs attention: ``attention.attention``, the list ``goalspec due`` shows.
"""

from __future__ import annotations

from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

from goalspec.check import Result, run
from goalspec.report.attention import Item, attention
from goalspec.report.status import rows
from goalspec.spec.cache import FileCache
from goalspec.vcs.diff import ADDED, REMOVED, diff_projects
from goalspec.vcs.revision import RevisionError, commit_on, short, tree_at

_ORDER = ("missed", "at risk", "behind", "no baseline", "no data", "on track", "not started", "achieved")
CLOSED = ("achieved", "missed", "cancelled")


@dataclass(frozen=True)
class Change:
    kind: str  # "status", "closed", "added", "removed", "re-parented", "goalposts", "lead definition"
    subject: str  # the goal or lead definition
    title: str
    text: str
    shown: str = ""  # the text for everyone: titles instead of ids (the digest prints this one)


@dataclass(frozen=True)
class CheckinNote:
    kpi: str
    kpi_name: str
    day: date
    value: float
    unit: str | None
    by: str | None  # the reporter's name
    note: str | None
    confidence: float | None
    goals: tuple[str, ...]  # the goals measured by the KPI


@dataclass(frozen=True)
class Digest:
    organization: str
    today: date
    since: date
    baseline: str | None  # the commit "then" was read at (short hash); None without git
    team: str | None
    company: tuple[dict, ...]  # status rows of the company goals, each with "was" (its row then) and "name"
    goals: tuple[dict, ...]  # the other goals' rows, what needs attention first
    changes: tuple[Change, ...]
    checkins: tuple[CheckinNote, ...]
    attention: tuple[Item, ...]
    data_last_updated: date | None
    site_url: str | None

    @property
    def title(self) -> str:
        team = f" ({self.team})" if self.team else ""
        return f"{self.organization} goals{team}: week to {self.today.isoformat()}"


def parse_since(text: str, today: date) -> date:
    """`7d`, `2w` or a day (YYYY-MM-DD); ValueError otherwise."""
    text = text.strip()
    if text[:-1].isdigit() and text[-1:] in ("d", "w"):
        return today - timedelta(days=int(text[:-1]) * (7 if text[-1] == "w" else 1))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"`{text}` is neither a day (YYYY-MM-DD) nor a number of days or weeks (7d, 2w)") from None
    if day > today:
        raise ValueError(f"{day.isoformat()} is after today ({today.isoformat()})")
    return day


@contextmanager
def then_tree(tree: Path, since: date) -> Iterator[tuple[Path | None, str | None]]:
    """The folder holding the tree as it stood on ``since`` and its commit; (the tree, None) when it is
    not in git; (None, None) when git has no commit of it that old."""
    try:
        commit = commit_on(tree, since)
    except RevisionError:
        yield tree, None
        return
    if commit is None:
        yield None, None
        return
    try:
        with tree_at(tree, commit) as (folder, _):
            yield folder, commit
    except RevisionError:  # no spec tree at that commit yet
        yield None, None


def build(tree: Path, today: date, since: date, team: str | None = None, cache: FileCache | None = None) -> Digest:
    now = replace(run(tree, today, cache, remote_data=True), root=tree)
    with then_tree(tree, since) as (folder, commit):
        then = run(folder, since, cache, remote_data=True) if folder is not None else None
        return digest(now, then, since, commit, team)


def digest(now: Result, then: Result | None, since: date, commit: str | None, team: str | None = None, *,
           table: list[dict] | None = None, was: list[dict] | None = None) -> Digest:
    """``table`` and ``was``: the status rows of now and then, when the caller has them already."""
    project = now.project
    was = {r["goal"]: r for r in (rows(then) if was is None else was)} if then is not None else {}
    table = rows(now) if table is None else [dict(r) for r in table]  # theirs stay as they are: another week's "was"
    names = {pid: p.model.name for pid, p in project.people.items()}
    for row in table:
        row["was"] = was.get(row["goal"])
        row["name"] = names.get(row["owner"], row["owner"])
        found = now.context.progress.get(row["goal"])
        row["places"] = found.decimals if found is not None else 2  # as `status` shows it
    tops = now.graph.company_goals  # the goals that are company goals, known once (eight digests of 10k rows)
    company = [r for r in table if r["goal"] in tops]
    others = [r for r in table if r["goal"] not in tops and (team is None or r["team"] == team)]
    others.sort(key=lambda r: (_ORDER.index(r["status"]) if r["status"] in _ORDER else 9, r["goal"]))
    shown = {r["goal"] for r in company + others}
    changes = [c for c in _changes(now, then, table) if team is None or c.subject in shown or c.kind == "lead definition"]
    notes = _checkins(now, then, since, team, shown)
    org = project.organization.model if project.organization else None
    return Digest(org.name if org else "Goals", now.context.today, since, short(commit) if commit else None, team,
                  tuple(company), tuple(others), tuple(changes), notes,
                  attention(now, team=team), _last_updated(now),
                  org.site.base_url if org and org.site and org.site.base_url else None)


def _changes(now: Result, then: Result | None, table: list[dict]) -> list[Change]:
    project = now.project
    out = []
    for row in table:
        before = row["was"]
        if before is not None and before["status"] != row["status"]:
            out.append(Change("status", row["goal"], row["title"], f"{before['status']} → {row['status']}"))
    if then is None or then.project is project:  # one tree, measured on two days: nothing was edited
        return out
    for d in diff_projects(then.project, project):
        if d.kind == "Goal":
            if d.status in (ADDED, REMOVED):
                added = d.status == ADDED
                out.append(Change("added" if added else "removed", d.id, d.label,
                                  _added(project, d.id) if added else "removed from the tree",
                                  _added_shown(project, d.id) if added else "removed"))
                continue
            for c in d.changes:
                if c.field == "status" and c.after in CLOSED:
                    goal = project.goals[d.id].model
                    out.append(Change("closed", d.id, d.label, _closed(goal)))
                elif c.field == "parent":
                    before, after = then.project.goals[d.id].model.parents, project.goals[d.id].model.parents
                    out.append(Change("re-parented", d.id, d.label, c.text.removeprefix("re-parented: "),
                                      f"now serves {_titled(project, then.project, after)} "
                                      f"(before: {_titled(project, then.project, before)})"))
                elif c.field in ("target", "deadline"):
                    out.append(Change("goalposts", d.id, d.label, c.text + _reason(project, then.project, d.id, c.field)))
        elif d.kind == "LeadDefinition":
            for c in d.changes:
                if c.field == "criteria":
                    out.append(Change("lead definition", d.id, d.label,
                                      c.text + _reason(project, then.project, d.id, "criteria", "leads")))
    rank = ("closed", "status", "goalposts", "re-parented", "added", "removed", "lead definition")
    return sorted(out, key=lambda c: (rank.index(c.kind), c.subject))


def _last_updated(result: Result) -> date | None:
    """The newest KPI value up to the digest's day: values dated later (a tree outside git, measured
    on a past week) are not news yet."""
    today = result.context.today
    days = []
    for series in result.context.data.series.values():
        upto = bisect_right(series.points, today, key=_day)
        if upto:
            days.append(series.points[upto - 1].day)
    return max(days, default=None)


def _day(point) -> date:
    return point.day


def _added(project, gid: str) -> str:
    goal = project.goals[gid].model
    serves = f", serves {', '.join(goal.parents)}" if goal.parents else ", a company goal"
    owner = project.people.get(goal.owner)
    return f"new goal owned by {owner.model.name if owner else goal.owner}{serves}"


def _added_shown(project, gid: str) -> str:
    goal = project.goals[gid].model
    owner = project.people.get(goal.owner)
    who = owner.model.name if owner else goal.owner
    if not goal.parents:
        return f"a company goal, owned by {who}"
    return f"owned by {who}, serving {_titled(project, project, goal.parents)}"


def _titled(project, before, ids) -> str:
    """Goal ids as their titles, quoted (an id neither tree knows stays as it is); "no goal" for none."""
    out = []
    for gid in ids:
        goal = project.goals.get(gid) or before.goals.get(gid)
        out.append(f"“{goal.model.title}”" if goal is not None else gid)
    return " and ".join(out) or "no goal"


def _closed(goal) -> str:
    outcome = getattr(goal, "outcome", None)
    text = goal.status
    if outcome is not None:
        if outcome.score is not None:
            text += f", score {outcome.score:g}"
        if outcome.note:
            text += f": {outcome.note}"
    return text


def _reason(project, before, oid: str, field: str, table: str = "goals") -> str:
    """The reason of a `revisions` entry for the field added since then, if there is one."""
    now, old = getattr(project, table).get(oid), getattr(before, table).get(oid)
    if now is None:
        return ""
    fresh = [r for r in now.model.revisions if old is None or r not in old.model.revisions]
    reasons = [r.reason for r in fresh if r.field.strip().lower().replace("/", ".").split(".")[0] == field]
    return f" (reason: {reasons[-1]})" if reasons else " (no reason given under `revisions`)"


def _checkins(now: Result, then: Result | None, since: date, team: str | None, shown: set[str]) -> tuple[CheckinNote, ...]:
    project, today = now.project, now.context.today
    # The same tree on two days (not in git, or no commit between): only the days tell what is new.
    known = _values(then) if then is not None and then.project is not project else None
    measured: dict[str, list[str]] = {}
    for gid, goal in sorted(project.goals.items()):
        if goal.model.kpi and gid in shown:
            measured.setdefault(goal.model.kpi, []).append(gid)
    names = {pid: p.model.name for pid, p in project.people.items()}
    out = []
    for c in project.checkins:
        m = c.model
        kpi = project.kpis.get(m.kpi)
        if kpi is None or (team is not None and m.kpi not in measured):
            continue
        pairs = [(m.date, m.value)] if m.date is not None else sorted((m.values or {}).items())
        if known is None:  # only the days tell what is new: those after ``since`` up to today (by bisection)
            pairs = pairs[bisect_right(pairs, since, key=_first):bisect_right(pairs, today, key=_first)]
        for day, value in pairs:
            fresh = day > since or (known is not None and (m.kpi, day) not in known)
            if fresh and day <= today:
                out.append(CheckinNote(m.kpi, kpi.model.name, day, value, kpi.model.unit,
                                       names.get(m.by, m.by) if m.by else None, m.note, m.confidence,
                                       tuple(measured.get(m.kpi, ()))))
    return tuple(sorted(out, key=lambda n: (n.day, n.kpi)))


def _first(pair: tuple) -> date:
    return pair[0]


def _values(result: Result) -> set[tuple[str, date]]:
    out = set()
    for c in result.project.checkins:
        m = c.model
        if m.date is not None:
            out.add((m.kpi, m.date))
        for day in m.values or {}:
            out.add((m.kpi, day))
    return out
