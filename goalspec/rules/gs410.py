"""Incentive's shares do not sum to 1.

The goals an incentive pays on split it between them: their ``share`` values
(1 when not given) add up to exactly 1, so everyone can read what part of the
bonus each goal carries.

Why: shares that add up to 1.5 promise more than the bonus, and shares that add
up to 0.5 leave half of it tied to nothing written down; either way the
incentive says something other than what will be paid.

How to fix: give each goal its ``share`` so that they sum to 1.

*Anti-pattern*

    pays_on: [company.msp-seats-q3, sales.q3-msp-seats]   # 1 + 1 = 2

*Best practice*

    pays_on:
      - {goal: company.msp-seats-q3, share: 0.5}
      - {goal: sales.q3-msp-seats, share: 0.5}
"""

from goalspec.rules.base import Context


def check(ctx: Context):
    for _, inc in sorted(ctx.project.incentives.items()):
        pays_on = inc.model.pays_on
        total = sum(p.share for p in pays_on)
        if not pays_on or abs(total - 1) <= 1e-9:
            continue
        shares = " + ".join(f"{p.share:g}" for p in pays_on)
        yield inc.diag("GS410", "pays_on", f"the shares of the goals it pays on sum to {total:g} ({shares}), not 1",
                       "give each goal its `share`, e.g. `{goal: …, share: 0.5}`, so that they sum to 1", key=True)
