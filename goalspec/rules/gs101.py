"""Goal title is vague: it commits to no quantity and no verifiable end state.

A goal's title is the one line everybody reads. It is specific when two people
could not disagree about whether it was reached: it states a quantity, in digits
or words ("Book 120 calls", "one million users", "doubles", "3x pipeline", "from
800ms to 200ms", "all employees"), or a verifiable end state, a completion verb
and the thing it delivers ("Launch the partner portal", "GDPR policy fully
implemented"), which a milestone target (`target: {done: true}`) checks exactly.
It is vague when it states only a direction ("Improve marketing", "Increase
revenue", "better onboarding"), an activity with no end ("Explore new markets",
"Continue the migration", "Evaluate vendors"), a bare topic ("Customer success",
"Rust 2024 Edition"), a quality nobody can check ("high quality releases"), or a
target that lives elsewhere ("Deliver according to plan", "Hit our Q3 targets"),
or when it leans on wording that commits to nothing ("as many as possible",
"world-class", "maximize"). Numbers that are not the commitment do not count as
one: years ("the 2015 numbers"), versions ("2.0", "v2"), durations ("in 4
weeks"), ranks and scope ("top 10", "as we scale to 150+ employees"), days of a
month; the message says what each was read as. A purpose ("... to accelerate
inbound demand") says why, not what, and is not judged. The rule is measured on
a corpus of several hundred real goal statements (tests/data/goals/).

Why: a vague goal cannot be checked, so it cannot be missed; teams chasing vague
goals drift apart.

How to fix: write the quantity and the measure into the title, the way the
target says it; or, for a yes/no result, the thing that will exist when it is
done, with `target: {done: true}`.

Real goals, from the corpus: vague are "Build my network" (a SMART-goal guide's
bad example), "Experiment with relaxing the Orphan Rule" and "Rust 2024 Edition"
(Rust project goals), "Ship high quality releases to our customers" (a company
handbook); specific are "IACV doubles year over year", "js-ipfs can handle 1TB of
data", "Stabilize cargo-script" and "GDPR policy fully implemented".

*Anti-pattern*

    title: Improve lead quality
    title: Reach as many top companies as possible
    title: Explore partnerships in 2026

*Best practice*

    title: Book 120 calls with qualified MSP leads by the end of Q3
    title: Launch the partner portal by the end of Q3   # target: {done: true}
"""

from goalspec.rules.base import Context
from goalspec.spec.vague import judge

HINTS = {
    "wording": "say what will be reached instead of how hard it is tried, with the number, "
               "e.g. \"Book 120 calls with qualified leads by the end of Q3\"",
    "elsewhere": "write the target into the title, e.g. \"Close 1,200 seats by the end of Q4\"",
    "direction": "state how much: the amount or the value it reaches, e.g. \"Increase MSP seats by 10% over Q3\"",
    "activity": "state what will be done when it ends: a quantity, or the thing delivered "
                "(\"Launch the partner portal\", with target: {done: true})",
    "quality": "replace the quality with the measure that shows it, e.g. \"Cut p95 page load from 3 s to 1 s\"",
    "abstract": "name the quantity or the deliverable, e.g. \"Sign 12 new MSP partners\"",
    "topic": "say what will be reached: a quantity (\"Sell 1,200 seats\") or an end state "
             "(\"Ship the 2024 edition\", with target: {done: true})",
}


def check(ctx: Context):
    for _gid, goal in ctx.goals():
        verdict = judge(goal.model.title)
        if verdict is not None:
            yield goal.diag("GS101", "title", verdict.message(), HINTS[verdict.kind])
