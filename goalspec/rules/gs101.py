"""Goal title is vague: no number, or only vague wording.

A goal's title is the one line everybody reads. It must say what will be reached,
with a number: a title with no quantity ("Improve lead quality"), or one that
leans on wording that commits to nothing ("as many as possible", "world-class",
"maximize"), is vague. A milestone (``target: {done: true}``) whose title names
a deliverable after a completion verb ("Launch the partner portal") is not: it
is done or it is not. Dates and period names (Q3, 2026-Q3, FY2027) do not count
as the number.

Why: a vague goal cannot be checked, so it cannot be missed; teams chasing vague
goals drift apart.

How to fix: write the quantity and the measure into the title, the way the
target says it.

*Anti-pattern*

    title: Improve lead quality
    title: Reach as many top companies as possible

*Best practice*

    title: Book 120 calls with qualified MSP leads by the end of Q3
"""

from goalspec.rules.base import Context
from goalspec.spec.titles import VAGUE_WITHOUT_NUMBER, end_state, vague_wording


def check(ctx: Context):
    for gid, goal in ctx.goals():
        phrase = vague_wording(goal.model.title, ctx.title_numbers[gid])
        if phrase is None:
            continue
        target = goal.model.target  # `done` written, even with a wrong value (GS201's): the goal is a milestone
        if phrase == "" and target is not None and target.done is not None and end_state(goal.model.title):
            continue  # a milestone: "Launch the partner portal" is done or it is not
        why = f"it leans on vague wording (\"{phrase}\")" if phrase else "it names no number"
        if phrase in VAGUE_WITHOUT_NUMBER:
            why = f"it names no number, only \"{phrase}\""
        yield goal.diag("GS101", "title", f"goal title is vague: {why}",
                        "state the quantity the goal commits to, e.g. \"Book 120 calls with qualified leads by the end of Q3\"")
