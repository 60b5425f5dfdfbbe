"""KPI has no unit.

Every KPI says what its numbers count: ``seats``, ``USD``, ``%``, ``leads``.

Why: "1100" means nothing until it is 1100 seats; two teams reading one KPI in
different units fall out of step.

How to fix: add ``unit:``.

*Anti-pattern*

    kind: KPI
    id: msp-seats
    name: Seats sold through MSPs

*Best practice*

    kind: KPI
    id: msp-seats
    name: Seats sold through MSPs
    unit: seats
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    for _, kpi in ctx.project.kpis.items():
        unit = kpi.model.unit
        if unit is None:
            yield kpi.diag("GS203", None, "KPI has no unit", "add `unit:`, e.g. `seats`, `USD`, `%` or `leads`")
        elif not unit.strip():
            yield kpi.diag("GS203", "unit", "KPI unit is empty", "write the unit, e.g. `seats`, `USD`, `%` or `leads`")
