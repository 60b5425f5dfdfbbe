"""KPI of type `leads` names no LeadDefinition, or an unknown one.

A KPI with ``source: {type: leads}`` counts the lead records that a lead
definition qualifies, so ``source.definition`` names a LeadDefinition id.

Why: a lead count with no agreed definition behind it is the old "calls booked"
number again.

How to fix: set ``definition:`` to the id of a LeadDefinition.

*Anti-pattern*

    source: {type: leads, data: {type: csv, path: data/leads.csv}}

*Best practice*

    source:
      type: leads
      definition: sales-qualified-msp
      data: {type: csv, path: data/leads.csv, date_column: booked_on}
"""

import difflib

from goalspec.spec.load import SEP
from goalspec.rules.base import Context


def check(ctx: Context):
    project = ctx.project
    for _, kpi in project.kpis.items():
        source = kpi.model.source
        if source is None or source.type != "leads":
            continue
        if source.definition is None:
            yield kpi.diag("GS408", None, "KPI counts leads but names no lead definition",
                           "add `definition:` with a LeadDefinition id under `source`")
        elif not project.is_declared("LeadDefinition", source.definition):
            close = difflib.get_close_matches(source.definition, list(project.leads), n=1, cutoff=0.6)
            yield kpi.diag("GS408", f"source{SEP}definition", f"lead definition `{source.definition}` is not defined",
                           f"did you mean `{close[0]}`?" if close else "name a LeadDefinition defined in the tree")
