"""A number in the title disagrees with the target, or the title states none.

When the title states numbers (in digits or words: "four webinars"), one of them
must be the target: the absolute value, the change ("10%", "+10%", "150"), the
value the change leads to, or a "from 3% to 2%" pair that matches the target.
Dates and periods are not compared, nor are multipliers ("3x", "doubles"). A
title that states no quantity at all while the target is a number (an end state,
"Launch the partner portal", with `target: {value: 1}`) does not say what the
target asks: state the number, or make the goal a milestone (`target: {done:
true}`). A vague title is GS101's alone.

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
from goalspec.spec.titles import TitleNumber, close, from_to, word_numbers
from goalspec.spec.vague import UNIVERSAL, amounts, judge, quantities


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
        if not isinstance(parsed, ParsedTarget) or parsed.done:
            continue  # a milestone's title names a deliverable, and no number can disagree with `done`
        title = goal.model.title
        found = amounts(title) + word_numbers(title)  # amounts: read once per title (vague._read)
        if not found:
            # No quantity at all: a vague title is GS101's alone; an end state does not say the number.
            if not quantities(title)[0] and not UNIVERSAL.search(title.lower()) and judge(title) is None:
                yield goal.diag("GS103", "title", f"title states no quantity but the target is {_describe(parsed)}",
                                "state the target's number in the title, or, for a yes/no result, "
                                "make it a milestone: target: {done: true}")
            continue
        if _agrees(title, found, parsed):
            continue
        said = ", ".join(n.text for n in found)
        target = _describe(parsed)
        yield goal.diag("GS103", "title", f"title says {said} but the target is {target}",
                        "make the title state the target's number, or correct the target")


def _describe(t: ParsedTarget) -> str:
    if t.value is not None:
        return f"{t.value:g}"
    return f"{t.change:+g}{'%' if t.percent else ''}"
