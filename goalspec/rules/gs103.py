"""A number in the title disagrees with the target.

When the title states numbers, one of them must be the target: the absolute
value, the change ("10%", "+10%", "150"), the value the change leads to, or a
"from 3% to 2%" pair that matches the target. Dates and periods are not compared.

Why: people read the title, CI reads the target; when they disagree, one of
them is wrong and the team works to the wrong number.

How to fix: make the title and the target say the same thing.

*Anti-pattern*

    title: Book 150 calls with qualified MSP leads by the end of Q3
    target: {value: 120}

*Best practice*

    title: Book 120 calls with qualified MSP leads by the end of Q3
    target: {value: 120}
"""

from goalspec.rules.base import Context
from goalspec.spec.targets import ParsedTarget
from goalspec.spec.titles import TitleNumber, close, from_to


def _agrees(title: str, found: list[TitleNumber], t: ParsedTarget) -> bool:
    if not found:
        return True
    wanted = [v for v in (t.value, t.implied_value(), t.baseline) if v is not None]
    if t.change is not None:
        wanted.append(abs(t.change))
    if any(close(abs(n.value), abs(w)) for n in found for w in wanted):
        return True
    for a, b in from_to(title):
        if t.change is None:
            continue
        # "from 3% to 2%" is a change of -1 (points) or of -33% (relative).
        moves = [b.value - a.value] + ([(b.value - a.value) / a.value * 100] if a.value else [])
        if any(close(abs(m), abs(t.change)) or round(abs(m)) == abs(t.change) for m in moves):
            return True
    return False


def check(ctx: Context):
    for gid, goal in ctx.goals():
        parsed = ctx.targets.get(gid)
        found = ctx.title_numbers[gid]
        if not isinstance(parsed, ParsedTarget) or parsed.done or _agrees(goal.model.title, found, parsed):
            continue  # a milestone's title names a deliverable, and no number can disagree with `done`
        said = ", ".join(n.text for n in found)
        target = _describe(parsed)
        yield goal.diag("GS103", "title", f"title says {said} but the target is {target}",
                        "make the title state the target's number, or correct the target")


def _describe(t: ParsedTarget) -> str:
    if t.value is not None:
        return f"{t.value:g}"
    return f"{t.change:+g}{'%' if t.percent else ''}"
