"""Reading numbers and vague wording in goal titles, and what targets mean."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalspec.spec.models import Target
from goalspec.spec.targets import TargetProblem, parse_target
from goalspec.spec.titles import from_to, numbers, word_numbers
from goalspec.spec.vague import judge


@pytest.mark.parametrize("title,expected", [
    ("Increase seats sold through MSPs by 10% over Q2 by the end of Q3", [(10, True)]),
    ("Book 120 calls with qualified MSP leads", [(120, False)]),
    ("Close 1,100 seats in 2026", [(1100, False)]),
    ("Grow ARR to $1.2M by FY2027", [(1_200_000, False)]),
    ("Reach 2.5 million users by 2026-09-30", [(2_500_000, False)]),
    ("Cut churn from 3% to 2% by 2026-Q4", [(3, True), (2, True)]),
    ("Seats +10% over H1", [(10, True)]),
    ("Lower tickets by 15 percent by September 30, 2026", [(15, True)]),
    ("Ship MSP2 by Q3", []),
    ("Launch v2 in 2027", []),
])
def test_numbers(title, expected):
    assert [(n.value, n.percent) for n in numbers(title)] == expected


def test_from_to_pairs():
    (a, b), = from_to("Cut churn from 3% to 2% by 2026-Q4")
    assert (a.value, b.value) == (3, 2)


@pytest.mark.parametrize("title,expected", [
    ("Run four webinars", [4]), ("Reach one million users", [1_000_000]), ("Grow from three to six customers", [3, 6]),
    ("Sign twenty-five partners", [25]), ("Win one hundred and twenty deals", [120]),
    ("Be one of the top vendors", []), ("Sell 1200 seats", []), ("Reach 2.5 million users", []),
])
def test_word_numbers(title, expected):
    assert [n.value for n in word_numbers(title)] == expected


def test_word_numbers_are_read_once_per_title_and_handed_out_as_copies():
    first = word_numbers("Run four webinars")
    first.append(first[0])  # a caller's list is its own: the next title read is not changed by it
    assert [n.value for n in word_numbers("Run four webinars")] == [4]


@given(st.text())
def test_title_readers_accept_any_text(title):
    numbers(title)
    from_to(title)
    word_numbers(title)
    verdict = judge(title)
    assert verdict is None or verdict.message().startswith("goal title is vague: ")


@pytest.mark.parametrize("raw,value,change,percent,baseline,period", [
    ({"value": 1100}, 1100, None, False, None, None),
    (1100, 1100, None, False, None, None),
    ({"change": "+10%", "baseline": 1000}, None, 10, True, 1000, None),
    ({"change": "-150", "baseline": {"period": "2026-Q2"}}, None, -150, False, None, "2026-Q2"),
    ({"change": -5}, None, -5, False, None, None),
    ({"change": "−2.5%"}, None, -2.5, True, None, None),
])
def test_parse_target(raw, value, change, percent, baseline, period):
    t = parse_target(Target.model_validate(raw))
    assert (t.value, t.change, t.percent, t.baseline, t.baseline_period) == (value, change, percent, baseline, period)


def test_implied_value():
    assert parse_target(Target.model_validate({"change": "+10%", "baseline": 1000})).implied_value() == pytest.approx(1100)
    assert parse_target(Target.model_validate({"change": "-150", "baseline": 1000})).implied_value() == 850
    assert parse_target(Target.model_validate({"change": "+10%", "baseline": {"period": "2026-Q2"}})).implied_value() is None


@pytest.mark.parametrize("raw,sub", [
    ({"value": "lots"}, "value"),
    ({"value": True}, "value"),
    ({"change": "ten percent"}, "change"),
    ({"change": "+10%", "baseline": "last year"}, "baseline"),
    ({"value": 1, "change": "+1"}, ""),
    ({}, ""),
])
def test_target_problems(raw, sub):
    with pytest.raises(TargetProblem) as info:
        parse_target(Target.model_validate(raw))
    assert info.value.sub == sub and info.value.hint
