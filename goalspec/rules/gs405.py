"""Team or person referenced but not defined (owner, lead, by, for).

Owners (``owner:`` of goals and KPIs), team leads, check-in reporters (``by:``),
incentive recipients (``for:``), a goal's ``team``, and the teams of a lead
definition (``agreed_by``, ``handed_to``) name people or teams defined in the tree.
People are the ``members`` of a Team; person and team ids share one namespace.

Why: a goal owned by nobody the company knows has no owner.

How to fix: correct the id, or add the person to a team's ``members``.

*Anti-pattern*

    owner: anna    # the person is `ana`

*Best practice*

    owner: ana
"""

import difflib

from goalspec.spec.load import SEP
from goalspec.rules.base import Context


PARTY, PERSON, TEAM = "team or person", "person", "team"


def _refs(ctx: Context):
    """(object, field path, id, what it must be) for every reference to a team or person."""
    p = ctx.project
    for team in p.teams.values():
        yield team, "lead", team.model.lead, PERSON
    for kpi in p.kpis.values():
        yield kpi, "owner", kpi.model.owner, PARTY
    for goal in p.goals.values():
        yield goal, "owner", goal.model.owner, PARTY
        if goal.model.team is not None:
            yield goal, "team", goal.model.team, TEAM
    for checkin in p.checkins:
        if checkin.model.by is not None:
            yield checkin, "by", checkin.model.by, PERSON
    for inc in p.incentives.values():
        yield inc, "for", inc.model.for_, PARTY
    for lead in p.leads.values():
        for i, team in enumerate(lead.model.agreed_by):
            yield lead, f"agreed_by{SEP}{i}", team, TEAM
        if lead.model.handed_to is not None:
            yield lead, "handed_to", lead.model.handed_to, TEAM


def check(ctx: Context):
    p = ctx.project
    for obj, path, ident, must in _refs(ctx):
        is_team, is_person = p.is_declared("Team", ident), p.is_declared("Person", ident)
        if (must == TEAM and is_team) or (must == PERSON and is_person) or (must == PARTY and (is_team or is_person)):
            continue
        field = path.partition(SEP)[0]
        if is_team or is_person:
            message = f"`{field}` must name a {must}, and `{ident}` is a {'team' if is_team else 'person'}"
            hint = f"name a {must} here"
        else:
            message = f"{must} `{ident}` is not defined"
            pool = (list(p.teams) if must != PERSON else []) + (list(p.people) if must != TEAM else [])
            close = difflib.get_close_matches(ident, pool, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else (
                "add the person to a team's `members`" if must == PERSON else f"define the {must} or correct the id")
        yield obj.diag("GS405", path, message, hint)
