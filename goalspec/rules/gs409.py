"""Lead definition names a field that no lead record has.

Every ``field`` in a definition's criteria is a column that at least one record
of the lead data holds a value for. The data is the lead records of the KPIs
that count the definition, or, for a definition no KPI counts, every lead-record
source of the tree. Lead records in a database outside the tree are read only
with ``check --data``.

Why: a criterion on a field the data does not have fails on every record, so the
definition qualifies no lead at all, and the KPI counting it reads zero for a
reason nobody sees (usually a typo, or a CRM export that lost a column).

How to fix: name a column of the lead records (the finding suggests the closest
one), or add the column to the export.

*Anti-pattern*

    - {field: seat_count, op: gte, value: 250}   # the CSV's column is `seats`

*Best practice*

    - {field: seats, op: gte, value: 250}
"""

import difflib

from goalspec.spec.criteria import leaves
from goalspec.spec.load import SEP
from goalspec.rules.base import Context
from goalspec.data.leads import source_name


def check(ctx: Context):
    summaries = ctx.data.leads
    if not summaries:
        return
    counted_by: dict[str, set[str]] = {}
    for _, kpi in sorted(ctx.project.kpis.items()):
        source = kpi.model.source
        if source is not None and source.type == "leads" and source.definition:
            name = source_name(source.data)
            if name in summaries:
                counted_by.setdefault(source.definition, set()).add(name)
    for lid, lead in sorted(ctx.project.leads.items()):
        names = sorted(counted_by.get(lid) or summaries)
        for path, leaf in leaves(lead.model.criteria):
            for name in names:
                summary = summaries[name]
                if leaf.field in summary.filled:
                    continue
                if leaf.field in summary.columns:
                    message = f"no lead record in {name} has a value for `{leaf.field}`"
                    hint = "fill the column in the lead records, or name another field"
                else:
                    message = f"the lead records in {name} have no field `{leaf.field}`"
                    close = difflib.get_close_matches(leaf.field, list(summary.columns), n=1, cutoff=0.6)
                    hint = f"did you mean `{close[0]}`?" if close else \
                        f"name one of the records' columns: {', '.join(summary.columns[:12])}"
                yield lead.diag("GS409", path.replace("/", SEP) + f"{SEP}field", message, hint)
                break
