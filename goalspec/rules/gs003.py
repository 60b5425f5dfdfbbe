"""Field missing, unknown (with "did you mean"), or of the wrong type.

Each kind has a fixed set of fields (docs/format.md). A required field that is
absent is reported at the object's id line (its kind line when it has no id; the
list item when it is missing from an item); an unknown field at its key, with the
closest known name; a value of the wrong type at the value. A team goal that
serves a parent but names no team, and an unknown code in
``Organization.rules``, are reported here too.

Why: a misspelt field is silently ignored by most YAML tools: ``dealine`` would
leave a goal with no deadline and nobody would notice.

How to fix: follow the hint: add the field, fix the spelling, or give a value of
the right type.

*Anti-pattern*

    kind: Goal
    id: sales.q3-seats
    title: Close 1100 seats by the end of Q3
    dealine: 2026-Q3
    weight: heavy

*Best practice*

    kind: Goal
    id: sales.q3-seats
    title: Close 1100 seats by the end of Q3
    owner: ben
    deadline: 2026-Q3
    weight: 0.5
"""
