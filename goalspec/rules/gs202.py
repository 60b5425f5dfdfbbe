"""KPI referenced but not defined.

A goal's ``kpi`` and a check-in's ``kpi`` name a KPI id defined somewhere in the
tree.

Why: a goal measured by a KPI that does not exist has no data and no unit: its
progress is unknown.

How to fix: correct the id, or define the KPI.

*Anti-pattern*

    kpi: msp-seat    # the KPI is `msp-seats`

*Best practice*

    kpi: msp-seats
"""

import difflib

from goalspec.rules.base import Context


def check(ctx: Context):
    project = ctx.project
    referrers = [g for _, g in ctx.goals()] + list(project.checkins)
    for obj in referrers:
        kpi = obj.model.kpi
        if kpi is None or project.is_declared("KPI", kpi):
            continue
        close = difflib.get_close_matches(kpi, list(project.kpis), n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else f"define a KPI with `id: {kpi}`, or name an existing KPI"
        yield obj.diag("GS202", "kpi", f"KPI `{kpi}` is not defined", hint)
