"""Incentive is for a team or person with no goal that traces to a company goal.

Whoever an incentive is ``for`` has work of their own toward the company goal: a
team has a goal (its ``team``, or one it or a member owns) that traces to a
company goal; a person owns such a goal or is a member of a team that has one.
GS406 checks the goals the incentive pays on; this rule checks its recipient.

Why: a bonus for a team whose own goals serve no company goal pays it for
activity nobody tied to what the company is trying to do: the vanity number
comes back through the side door.

How to fix: give the team or person a goal that serves the company goal, or
make the incentive for whoever owns that work.

*Anti-pattern*

    for: events     # the events team's only goal has no parent

*Best practice*

    for: marketing  # owns marketing.qualified-calls, which serves the company goal
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    project, traced = ctx.project, ctx.graph.traced
    members = {tid: {m.id for m in team.model.members} for tid, team in project.teams.items()}
    teams_of: dict[str, set[str]] = {}
    for tid, people in members.items():
        for person in people:
            teams_of.setdefault(person, set()).add(tid)
    has_goal: set[str] = set()  # teams and people with a goal that traces to a company goal
    for gid, goal in project.goals.items():
        if gid not in traced:
            continue
        m = goal.model
        has_goal.update(p for p in (m.team, m.owner) if p)
    for _, inc in sorted(project.incentives.items()):
        party = inc.model.for_
        if party in members:
            ok = party in has_goal or bool(members[party] & has_goal)
            what = "team"
        elif project.is_declared("Person", party):
            ok = party in has_goal or bool(teams_of.get(party, set()) & has_goal)
            what = "person"
        else:
            continue  # not defined: GS405's finding
        if not ok:
            yield inc.diag("GS411", "for", f"incentive is for {what} `{party}`, which has no goal that traces "
                           "to a company goal", f"give `{party}` a goal that serves the company goal, or pay "
                           "whoever owns that work")
