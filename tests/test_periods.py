"""Periods of FORMAT.md §3: calendar and fiscal, first and last days."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalspec.periods import deadline_day, parse_period, start_day


@pytest.mark.parametrize("text,first,last", [
    ("2026-09-30", date(2026, 9, 30), date(2026, 9, 30)),
    ("2026-09", date(2026, 9, 1), date(2026, 9, 30)),
    ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026-q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
    ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    (2026, date(2026, 1, 1), date(2026, 12, 31)),
    ("FY2027", date(2027, 1, 1), date(2027, 12, 31)),
])
def test_calendar_periods(text, first, last):
    period = parse_period(text)
    assert (period.first, period.last) == (first, last)
    assert start_day(text) == first and deadline_day(text) == last


@pytest.mark.parametrize("fy_start,text,first,last", [
    (4, "FY2027", date(2026, 4, 1), date(2027, 3, 31)),
    (4, "FY2027-Q1", date(2026, 4, 1), date(2026, 6, 30)),
    (4, "FY2027-Q4", date(2027, 1, 1), date(2027, 3, 31)),
    (4, "FY2027-H2", date(2026, 10, 1), date(2027, 3, 31)),
    (10, "FY2027", date(2026, 10, 1), date(2027, 9, 30)),
    (10, "FY2027-Q1", date(2026, 10, 1), date(2026, 12, 31)),
    (10, "FY2027-Q2", date(2027, 1, 1), date(2027, 3, 31)),
    (1, "FY2027-Q3", date(2027, 7, 1), date(2027, 9, 30)),
    (2, "FY2027-Q4", date(2026, 11, 1), date(2027, 1, 31)),
])
def test_fiscal_periods(fy_start, text, first, last):
    period = parse_period(text, fy_start)
    assert (period.first, period.last) == (first, last)


def test_calendar_periods_ignore_the_fiscal_year():
    assert parse_period("2026-Q1", 4).first == date(2026, 1, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-02-30", "2026-Q5", "2026-H3", "end of Q3",
                                  "FY2027-09", "Q3", "26-Q3", "2026-Q3-01", ""])
def test_invalid_periods_say_why(text):
    with pytest.raises(ValueError) as info:
        parse_period(text)
    assert str(info.value)


@given(year=st.integers(1900, 2200), fy_start=st.integers(1, 12), fiscal=st.booleans())
def test_quarters_and_halves_tile_their_year(year, fy_start, fiscal):
    prefix = f"FY{year}" if fiscal else f"{year}"
    whole = parse_period(prefix, fy_start)
    for parts in ([f"{prefix}-Q{q}" for q in range(1, 5)], [f"{prefix}-H{h}" for h in (1, 2)]):
        periods = [parse_period(p, fy_start) for p in parts]
        assert periods[0].first == whole.first and periods[-1].last == whole.last
        for before, after in zip(periods, periods[1:]):
            assert before.first <= before.last and after.first == before.last + timedelta(days=1)
    assert (whole.last - whole.first).days in (364, 365)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_a_day_is_its_own_period(day):
    period = parse_period(day.isoformat())
    assert period.first == period.last == day and day in period
