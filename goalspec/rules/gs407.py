"""Lead definition agreed by fewer than two teams.

A lead definition is the common language of the teams that hand leads to each
other: at least two teams (say, marketing and sales) sign it in ``agreed_by``.

Why: a definition one team wrote alone is that team's opinion; the other team
will count leads its own way, and the two fall out of step.

How to fix: have both teams agree and list them.

*Anti-pattern*

    agreed_by: [marketing]

*Best practice*

    agreed_by: [marketing, sales]
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    for _, lead in ctx.project.leads.items():
        teams = set(lead.model.agreed_by)
        if len(teams) >= 2:
            continue
        sub = "agreed_by" if lead.has("agreed_by") else None
        yield lead.diag("GS407", sub, f"lead definition agreed by {len(teams)} team{'s' if len(teams) != 1 else ''}",
                        "list at least two teams in `agreed_by`, e.g. `[marketing, sales]`")
