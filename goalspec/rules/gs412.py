"""Goals that serve one parent give weights that do not sum to 1.

A goal's ``weight`` is the share of its parent it carries; the parent's roll-up
(docs/data.md) weighs its children by it. Weights are optional: left out, every
child carries an equal share. When every child of a parent gives its weight,
they are meant as shares and must add up to 1; this warning says when they do
not, at the first child's ``weight``. A goal that serves several parents counts
toward each; draft and cancelled goals do not count.

Why: "carries 60% of the company goal" beside a sibling that carries 60% too
promises more than the whole; the roll-up would quietly rescale it and nobody
would see that the split was never agreed.

How to fix: make the weights add up to 1, or leave them out for an equal split.

*Anti-pattern*

    # sales.q3:      weight: 0.6
    # marketing.q3:  weight: 0.6

*Best practice*

    # sales.q3:      weight: 0.6
    # marketing.q3:  weight: 0.4
"""

from goalspec.rules.base import Context

EPSILON = 1e-9  # 0.1 + 0.2 + 0.7 sums to 1 only within floating-point error


def check(ctx: Context):
    for parent, kids in sorted(ctx.serving.items()):
        goals = [ctx.project.goals[k] for k in kids]
        if len(goals) < 2 or not all("weight" in g.model.model_fields_set for g in goals):
            continue
        total = sum(g.model.weight for g in goals)
        if abs(total - 1) <= EPSILON:
            continue
        first = min(goals, key=lambda g: (g.file, g.pos("weight")))
        shown = " + ".join(f"{g.model.weight:g} ({g.id})" for g in sorted(goals, key=lambda g: g.id))
        yield first.diag("GS412", "weight", f"the goals serving `{parent}` give weights that sum to {total:g}: {shown}",
                         "make the weights add up to 1, or leave them out for an equal split")
