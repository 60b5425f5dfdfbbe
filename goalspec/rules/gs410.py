"""Incentive's shares exceed 1, or are all given and do not sum to 1.

The goals an incentive pays on split it between them. Goals listed without a
``share`` split what the given shares leave equally (``pays_on: [a, b]`` is
half each), so the given shares may not exceed 1; when every goal gives its
share, the shares add up to exactly 1, so everyone can read what part of the
bonus each goal carries.

Why: shares that add up to 1.5 promise more than the bonus, and shares that add
up to 0.5 leave half of it tied to nothing written down; either way the
incentive says something other than what will be paid.

How to fix: give each goal its ``share`` so that they sum to 1.

*Anti-pattern*

    pays_on:
      - {goal: company.msp-seats, share: 0.7}
      - {goal: sales.msp-seats, share: 0.7}   # 0.7 + 0.7 = 1.4

*Best practice*

    pays_on:
      - {goal: company.msp-seats, share: 0.7}
      - sales.msp-seats                       # the remaining 0.3
"""

from goalspec.rules.base import Context


EPSILON = 1e-9  # shares such as 0.1 + 0.2 + 0.7 sum to 1 only within floating-point error


def check(ctx: Context):
    for _, inc in sorted(ctx.project.incentives.items()):
        given = [p.share for p in inc.model.pays_on if p.share is not None]
        total = sum(given)
        shares = " + ".join(f"{s:g}" for s in given)
        if total > 1 + EPSILON:
            yield inc.diag("GS410", "pays_on", f"the shares given sum to {total:g} ({shares}), more than the whole incentive",
                           "lower the `share` values so that they sum to at most 1", key=True)
        elif given and len(given) == len(inc.model.pays_on) and abs(total - 1) > EPSILON:
            yield inc.diag("GS410", "pays_on", f"the shares of the goals it pays on sum to {total:g} ({shares}), not 1",
                           "give each goal its `share` so that they sum to 1, or leave one out to take the rest",
                           key=True)
