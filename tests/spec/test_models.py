"""What the models compute from what a spec says (not written in it)."""

import pytest

from goalspec.spec.models import Incentive


def incentive(pays_on) -> Incentive:
    return Incentive.model_validate({"apiVersion": "goalspec/v1", "kind": "Incentive", "id": "bonus", "name": "Bonus",
                                     "for": "sales", "pays_on": pays_on})


@pytest.mark.parametrize("pays_on,shares", [
    (["a"], [1.0]),
    (["a", "b"], [0.5, 0.5]),
    ([{"goal": "a", "share": 0.7}, "b"], [0.7, pytest.approx(0.3)]),
    ([{"goal": "a", "share": 0.5}, "b", "c"], [0.5, 0.25, 0.25]),
    ([{"goal": "a", "share": 0.25}, {"goal": "b", "share": 0.25}], [0.25, 0.25]),
    ([{"goal": "a", "share": 0.8}, {"goal": "b", "share": 0.8}, "c"], [0.8, 0.8, 0.0]),  # GS410's; never negative
])
def test_goals_without_a_share_split_what_the_given_shares_leave(pays_on, shares):
    assert incentive(pays_on).shares() == shares
