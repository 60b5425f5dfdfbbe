"""The time stated in the title disagrees with the deadline.

A title that says when ("by the end of Q3", "by September", "in H1", "2025H1", "this
quarter", "within six months", "by FY2027") promises that time to everyone who reads
it; the `deadline` is what goalspec measures. When the deadline does not fall on the
time the title states, read in the tree's calendar (fiscal periods included), one of
them is wrong. "The end of Q3" is its last day; "by September", "in Q3" and a bare "Q3"
are any day of it; a period with no year takes the deadline's; a period after "over",
"than", "from" or "since" is a baseline ("by 10% over Q3") and is not compared.

Why: a team that reads "by the end of Q3" plans for September; a deadline of
December makes every status and forecast disagree with what they were told.

How to fix: make the title and the deadline say the same time.

*Anti-pattern*

    title: Close 1,200 seats by the end of Q3
    deadline: 2026-Q4

*Best practice*

    title: Close 1,200 seats by the end of Q4
    deadline: 2026-Q4
"""

from goalspec.rules.base import Context
from goalspec.spec.periods import parse_period
from goalspec.spec.when import stated_times


def check(ctx: Context):
    fy = ctx.project.fiscal_year_start
    for _gid, goal in ctx.goals():
        m = goal.model
        if m.deadline is None:
            continue
        try:
            deadline = parse_period(m.deadline, fy)
            start = parse_period(m.start, fy).first if m.start is not None else deadline.first
        except ValueError:
            continue  # GS302's
        for readings in stated_times(m.title, deadline, start, fy):
            if any(r.allows(deadline.last) for r in readings):
                continue
            said = readings[0]
            shown = m.deadline if deadline.first == deadline.last else f"{m.deadline} ({deadline.last.isoformat()})"
            yield goal.diag("GS306", "title", f"title says \"{said.text}\" ({said.label}) but the deadline is {shown}",
                            "make the title and the deadline say the same time")
            break
