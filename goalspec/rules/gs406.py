"""Incentive pays on a goal that does not trace to a company goal.

Every goal an incentive pays on (``pays_on``) is defined and traces through its
parents to a company goal.

Why: rewards tied to vanity activity (calls booked, whatever their quality)
pull a team away from the company goal; a bonus pays on what the company is
trying to do.

How to fix: pay on the company goal, or on a team goal that serves it.

*Anti-pattern*

    pays_on: [marketing.calls-booked]   # serves no company goal

*Best practice*

    pays_on:
      - {goal: company.msp-seats, share: 0.5}
      - {goal: marketing.q3-calls, share: 0.5}
"""

from goalspec.spec.load import SEP
from goalspec.rules.base import Context


def check(ctx: Context):
    traced, project = ctx.graph.traced, ctx.project
    for _, inc in project.incentives.items():
        for i, goal_id in enumerate(inc.model.goals):
            if goal_id in traced:
                continue
            if goal_id in project.goals:
                message = f"incentive pays on `{goal_id}`, which does not trace to a company goal"
            elif project.is_declared("Goal", goal_id):
                continue  # the goal has its own schema finding
            else:
                message = f"incentive pays on `{goal_id}`, which is not defined"
            yield inc.diag("GS406", f"pays_on{SEP}{i}", message,
                           "pay on the company goal or on a goal that serves it")
