"""Parent goal not defined.

Each id in a goal's ``parent`` (one id or a list) names a goal defined in the tree.

Why: a goal whose parent does not exist traces to nothing: nobody can say which
company goal it serves.

How to fix: correct the id, or define the parent goal.

*Anti-pattern*

    parent: company.msp-seat-q3

*Best practice*

    parent: company.msp-seats
"""

import difflib

from goalspec.graph import GOAL
from goalspec.spec.load import SEP
from goalspec.rules.base import Context


def parent_path(goal, index: int) -> str:
    """Where one parent stands: a list item, or the scalar ``parent`` value."""
    item = f"parent{SEP}{index}"
    return item if goal.has(item) else "parent"


def check(ctx: Context):
    graph, project = ctx.graph, ctx.project
    for gid, goal in ctx.goals():
        for i, parent in enumerate(goal.model.parents):
            if graph.defined((GOAL, parent)) or project.is_declared("Goal", parent):
                continue
            close = difflib.get_close_matches(parent, list(project.goals), n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else "name a goal defined in the tree"
            yield goal.diag("GS401", parent_path(goal, i), f"parent goal `{parent}` is not defined", hint)
