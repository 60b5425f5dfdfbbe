"""Unknown `apiVersion` or `kind`.

Every document starts with ``apiVersion: goalspec/v1`` and a ``kind`` that is one
of Organization, Team, KPI, Goal, LeadDefinition, Incentive or CheckIn. A
document with another apiVersion or kind, with none, or a file with no document
at all, is reported here.

Why: goalspec cannot tell what the document is meant to be, so nothing in it is
checked.

How to fix: set the apiVersion and a kind from the list (the hint suggests the
closest one).

*Anti-pattern*

    apiVersion: goalspec/v2
    kind: Gaol

*Best practice*

    apiVersion: goalspec/v1
    kind: Goal
"""
