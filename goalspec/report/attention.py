"""What needs someone's attention, and who owes it: `goalspec due`, the digest's "needs attention"
and the site's accountability page all show this one list.

- a check-in (or, for a CSV, SQL or leads KPI, fresh data) due by the KPI's cadence: the KPI's
  newest value plus 7, 31 or 92 days, owed by the KPI's owner; overdue after that day, which is
  when GS501 calls the KPI stale; listed from a week before it is due;
- a goal whose deadline has passed and that is still `active` (GS305): its owner closes it;
- a goal whose target was missed in its two latest cadence periods (GS503): its owner says what
  changes;
- a goal at risk: its owner says how it gets back on pace;
- lead records handed over and not followed up within the agreed time: owed by the lead of the
  team the definition hands them to.

Overdue are the check-ins past their day, the goals not closed and the late follow-ups; a goal
behind twice or at risk is listed, but owes a word, not a deadline.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from goalspec.check import Result
from goalspec.data.cadence import CADENCE_DAYS
from goalspec.data.statuses import AT_RISK_S
from goalspec.rules.gs503 import WORD, missed_twice

SOON = 7  # days before a check-in's day that it is listed as due
KINDS = ("check-in", "close", "behind twice", "at risk", "follow-up")
SHOWN_IDS = 5  # late lead records named before "and N more"


@dataclass(frozen=True)
class Item:
    person: str  # the id of whoever owes it (a person; a team's lead for a team)
    name: str  # their name
    kind: str  # one of KINDS
    subject: str  # the goal, KPI or lead definition it is about
    text: str
    due: date | None
    overdue: bool
    # The same in words for everyone (the digest): titles and names instead of ids, no command line.
    say: str = ""

    def as_dict(self) -> dict:
        out = asdict(self)
        out["due"] = self.due.isoformat() if self.due else None
        return out


def attention(result: Result, team: str | None = None, owner: str | None = None) -> tuple[Item, ...]:
    """The list, overdue first, then by person, day and kind. ``team`` keeps what concerns that team's
    goals, the KPIs its members own and the leads handed to it; ``owner`` one person's items."""
    project, ctx = result.project, result.context
    today = ctx.today
    items: list[tuple[Item, str | None]] = []  # each with the team it concerns

    for kid, (first, team_of) in sorted(_running_kpis(result).items()):
        kpi = project.kpis[kid].model
        series = ctx.data.series.get(kid)
        if series is None or series.problem or not series.supported:
            continue
        days = CADENCE_DAYS[kpi.cadence]
        upto = bisect_right(series.points, today, key=_day)  # points are in day order; eight weeks ask
        seen = [series.points[upto - 1].day] if upto else []
        due = (seen[-1] if seen else first) + timedelta(days=days)
        if due > today + timedelta(days=SOON):
            continue
        source = kpi.source.type if kpi.source else "checkins"
        what = (f"record {kid} (goalspec checkin {kid} VALUE)" if source == "checkins"
                else f"refresh the {kid} data (its {source} source)")
        since = f"last value {seen[-1].isoformat()}" if seen else "no value yet"
        text = f"{what}: {kpi.cadence}, {since}, due {due.isoformat()}"
        verb = "record the latest value of" if source == "checkins" else "refresh the data of"
        last = f"the last value is from {seen[-1].isoformat()}" if seen else "there is no value yet"
        say = f"{verb} “{kpi.name}”, due {due.isoformat()} (it is updated {kpi.cadence}; {last})"
        items.append((_item(result, kpi.owner, "check-in", kid, text, due, due < today, say), team_of))

    for gid, goal in sorted(project.goals.items()):
        m = goal.model
        if m.status != "active":
            continue
        deadline = ctx.deadlines.get(gid)
        if deadline is not None and deadline < today:
            text = (f"{gid}: deadline {deadline.isoformat()} has passed; record the outcome with "
                    f"`goalspec close {gid} --outcome achieved|missed|cancelled --note \"...\"`")
            say = (f"close “{m.title}”: its deadline, {deadline.isoformat()}, has passed; record whether it was "
                   "achieved, missed or cancelled, and what was learned")
            items.append((_item(result, m.owner, "close", gid, text, deadline, True, say), m.team))
            continue
        pair = missed_twice(ctx, gid)
        if pair is not None:
            kpi = project.kpis[m.kpi].model
            shown = " and ".join(f"{a.isoformat()}..{b.isoformat()}" for a, b in pair)
            text = f"{gid}: target missed in two consecutive {WORD[kpi.cadence]} ({shown}); say what changes"
            say = f"“{m.title}” fell short of its pace in {_periods(pair, kpi.cadence)}: say what changes"
            items.append((_item(result, m.owner, "behind twice", gid, text, None, False, say), m.team))
        p = ctx.progress.get(gid)
        if p is not None and p.status == AT_RISK_S:
            text = f"{gid}: at risk ({_pct(p.progress)} done, {_pct(p.expected)} expected by now)"
            say = (f"“{m.title}” is at risk: {_pct(p.progress)} done, {_pct(p.expected)} expected by now; "
                   "say how it gets back on pace")
            items.append((_item(result, m.owner, "at risk", gid, text, None, False, say), m.team))

    for _, summary in sorted(ctx.data.leads.items()):
        for f in summary.follow_ups:
            if not f.late_count:
                continue
            names = ", ".join(f.late[:SHOWN_IDS]) + (f" and {f.late_count - SHOWN_IDS} more" if f.late_count > SHOWN_IDS else "")
            text = (f"{f.late_count} {f.definition} lead{'s' if f.late_count != 1 else ''} not followed up within "
                    f"{f.within}: {names}")
            lead = project.leads.get(f.definition)
            say = (f"{_leads(lead.model.name if lead else f.definition, len(f.late))} handed over and not followed "
                   f"up within {_within(f.within)}: {names}")
            items.append((_item(result, f.team, "follow-up", f.definition, text, None, True, say), f.team))

    kept = [i for i, t in items if (team is None or _concerns(result, i, t, team)) and (owner is None or i.person == owner)]
    return tuple(sorted(kept, key=lambda i: (not i.overdue, i.name, i.person, i.due or date.max,
                                             KINDS.index(i.kind), i.subject)))


def _day(point) -> date:
    return point.day


def _running_kpis(result: Result) -> dict[str, tuple[date, str | None]]:
    """KPIs an active goal is measured by while its period runs (GS501's), with the earliest such
    period's first day and the team of the first such goal."""
    ctx, project = result.context, result.project
    out: dict[str, tuple[date, str | None]] = {}
    for gid, goal in sorted(project.goals.items()):
        p = ctx.progress.get(gid)
        kid = goal.model.kpi
        if goal.model.status == "active" and p is not None and p.first <= ctx.today <= p.last \
                and kid in project.kpis and not (p.milestone and p.done_on):
            first, team = out.get(kid, (p.first, goal.model.team))
            out[kid] = (min(first, p.first), team)
    return out


def _item(result: Result, party: str, kind: str, subject: str, text: str, due: date | None, overdue: bool,
          say: str) -> Item:
    project = result.project
    team = project.teams.get(party)
    person = team.model.lead if team is not None else party  # a team owes through its lead
    found = project.people.get(person)
    return Item(person, found.model.name if found else person, kind, subject, text, due, overdue, say)


def _periods(pair: list[tuple[date, date]], cadence: str) -> str:
    """Two cadence periods in words: "October and November 2026", "the weeks of 2026-11-16 and
    2026-11-23", "2026-Q2 and 2026-Q3"."""
    (a, _), (b, _) = pair
    if cadence == "monthly":
        first = a.strftime("%B") if a.year == b.year else a.strftime("%B %Y")
        return f"{first} and {b.strftime('%B %Y')}"
    if cadence == "quarterly":
        return f"{a.year}-Q{(a.month - 1) // 3 + 1} and {b.year}-Q{(b.month - 1) // 3 + 1}"
    return f"the weeks of {a.isoformat()} and {b.isoformat()}"


def _leads(name: str, n: int) -> str:
    """"11 sales-qualified MSP leads", from the definition's name ("Sales-qualified MSP lead")."""
    name = name[:1].lower() + name[1:]
    plural = "" if n == 1 else "s"
    return f"{n} {name}{plural}" if name.lower().endswith("lead") else f"{n} {name} lead{plural}"


_UNITS = {"h": "hour", "d": "day", "w": "week"}


def _within(text: str) -> str:
    """A follow-up time in words: `2d` is "2 days"."""
    number, unit = text[:-1], text[-1:]
    if not number.isdigit() or unit not in _UNITS:
        return text
    return f"{number} {_UNITS[unit]}{'' if number == '1' else 's'}"


def _concerns(result: Result, item: Item, team_of: str | None, team: str) -> bool:
    members = result.project.teams.get(team)
    people = {m.id for m in members.model.members} | {members.model.lead} if members else set()
    return team_of == team or item.person in people


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def overdue(items: tuple[Item, ...]) -> bool:
    return any(i.overdue for i in items)


def as_text(result: Result, items: tuple[Item, ...]) -> str:
    """Per person, what they owe; overdue items marked."""
    if not items:
        return f"nothing due · as of {result.context.today.isoformat()}\n"
    out: list[str] = []
    by: dict[str, list[Item]] = {}
    for item in items:
        by.setdefault(item.person, []).append(item)
    for person in sorted(by, key=lambda p: (by[p][0].name, p)):
        first = by[person][0]
        out.append(f"{first.name} ({person})" if first.name != person else person)
        for item in by[person]:
            out.append(f"  {'OVERDUE ' if item.overdue else ''}{item.kind}: {item.text}")
        out.append("")
    late = sum(i.overdue for i in items)
    out.append(f"{len(items)} item{'s' if len(items) != 1 else ''}, {late} overdue · as of "
               f"{result.context.today.isoformat()}")
    return "\n".join(out) + "\n"


def as_json(result: Result, items: tuple[Item, ...]) -> str:
    doc = {"as_of": result.context.today.isoformat(), "overdue": overdue(items),
           "items": [i.as_dict() for i in items]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
