"""No company goal in the tree.

A company goal is a goal with no ``team`` and no ``parent``: what the whole
company is trying to do. Every tree has at least one; the finding points at the
Organization.

Why: without a company goal, no team goal can trace to anything.

How to fix: add a goal with no ``team`` and no ``parent``.

*Anti-pattern*

    # every goal has `team:` and `parent:`

*Best practice*

    kind: Goal
    id: company.msp-seats
    title: Increase seats sold through MSPs by 10% over Q2 by the end of Q3
    owner: cleo
"""

from goalspec.diagnostics import START, make
from goalspec.rules.base import Context
from goalspec.spec.validate import ORG_FILE


def check(ctx: Context):
    if ctx.graph.company_goals:
        return
    org = ctx.project.organization
    message, hint = "no company goal in the tree", "add a goal with no `team` and no `parent`"
    if org is not None:
        yield org.diag("GS404", None, message, hint)
    else:
        yield make("GS404", ORG_FILE, START, message, hint, key_path="Organization")
