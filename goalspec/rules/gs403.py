"""Parent chain forms a cycle.

Following ``parent`` from goal to goal must end at a company goal. A chain that
comes back to a goal already on it (a goal serving itself, or a serving b
serving a) is reported once per cycle, at the parent entry of the cycle's first
goal by id.

Why: a cycle never reaches a company goal, so every goal on it, and below it,
serves nothing.

How to fix: break the cycle: one of the goals serves a goal outside it.

*Anti-pattern*

    # marketing.q3-calls
    parent: sales.q3-seats
    # sales.q3-seats
    parent: marketing.q3-calls

*Best practice*

    # both
    parent: company.msp-seats
"""

from goalspec.rules.base import Context
from goalspec.rules.gs401 import parent_path


def check(ctx: Context):
    for chain in ctx.graph.cycles:
        first = ctx.project.goals[chain[0]]
        following = chain[1] if len(chain) > 1 else chain[0]
        index = first.model.parents.index(following)
        shown = " → ".join(chain + [chain[0]])
        yield first.diag("GS403", parent_path(first, index), f"parent chain forms a cycle: {shown}",
                         "make one goal in the cycle serve a goal outside it")
