"""Periods (docs/format.md, Periods): calendar and fiscal, first and last days.

A fiscal year is named by the calendar year in which it ends; a deadline that is a
period means its last day, a start that is a period its first day.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalspec.spec.periods import Period, deadline_day, parse_period, start_day


@pytest.mark.parametrize("text,first,last", [
    # days
    ("2026-09-30", date(2026, 9, 30), date(2026, 9, 30)),
    ("2028-02-29", date(2028, 2, 29), date(2028, 2, 29)),
    # months, February in a leap year and not
    ("2026-09", date(2026, 9, 1), date(2026, 9, 30)),
    ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
    ("2000-02", date(2000, 2, 1), date(2000, 2, 29)),
    ("2100-02", date(2100, 2, 1), date(2100, 2, 28)),
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    # quarters
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
    ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026-q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2028-Q1", date(2028, 1, 1), date(2028, 3, 31)),
    # halves
    ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
    ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
    # years, as text and as the number YAML reads
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    (2026, date(2026, 1, 1), date(2026, 12, 31)),
    # fiscal with the default start (January): the calendar year
    ("FY2027", date(2027, 1, 1), date(2027, 12, 31)),
    ("FY2027-Q1", date(2027, 1, 1), date(2027, 3, 31)),
    ("FY2027-H2", date(2027, 7, 1), date(2027, 12, 31)),
])
def test_calendar_periods(text, first, last):
    period = parse_period(text)
    assert (period.first, period.last) == (first, last)
    assert start_day(text) == first and deadline_day(text) == last
    assert first in period and last in period
    assert first - timedelta(days=1) not in period and last + timedelta(days=1) not in period


@pytest.mark.parametrize("fy_start,text,first,last", [
    (1, "FY2027", date(2027, 1, 1), date(2027, 12, 31)),
    (1, "FY2027-Q3", date(2027, 7, 1), date(2027, 9, 30)),
    (1, "FY2027-H1", date(2027, 1, 1), date(2027, 6, 30)),
    (4, "FY2027", date(2026, 4, 1), date(2027, 3, 31)),
    (4, "FY2027-Q1", date(2026, 4, 1), date(2026, 6, 30)),
    (4, "FY2027-Q2", date(2026, 7, 1), date(2026, 9, 30)),
    (4, "FY2027-Q3", date(2026, 10, 1), date(2026, 12, 31)),
    (4, "FY2027-Q4", date(2027, 1, 1), date(2027, 3, 31)),
    (4, "FY2027-H1", date(2026, 4, 1), date(2026, 9, 30)),
    (4, "FY2027-H2", date(2026, 10, 1), date(2027, 3, 31)),
    (4, "FY2028-Q4", date(2028, 1, 1), date(2028, 3, 31)),
    (10, "FY2027", date(2026, 10, 1), date(2027, 9, 30)),
    (10, "FY2027-Q1", date(2026, 10, 1), date(2026, 12, 31)),
    (10, "FY2027-Q2", date(2027, 1, 1), date(2027, 3, 31)),
    (10, "FY2027-Q4", date(2027, 7, 1), date(2027, 9, 30)),
    (10, "FY2027-H1", date(2026, 10, 1), date(2027, 3, 31)),
    (10, "FY2027-H2", date(2027, 4, 1), date(2027, 9, 30)),
    (2, "FY2027-Q4", date(2026, 11, 1), date(2027, 1, 31)),
    (12, "FY2027", date(2026, 12, 1), date(2027, 11, 30)),
    (3, "FY2028-Q4", date(2027, 12, 1), date(2028, 2, 29)),  # ends on a leap day
    (4, "fy2027-q1", date(2026, 4, 1), date(2026, 6, 30)),
])
def test_fiscal_periods(fy_start, text, first, last):
    period = parse_period(text, fy_start)
    assert (period.first, period.last) == (first, last)
    assert start_day(text, fy_start) == first and deadline_day(text, fy_start) == last


def test_fiscal_labels_are_upper_case():
    assert parse_period("fy2027-q1", 4).label == "FY2027-Q1"
    assert parse_period("2026-q3").label == "2026-Q3"


def test_calendar_periods_ignore_the_fiscal_year():
    assert parse_period("2026-Q1", 4) == Period("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
    assert parse_period("2026", 10).first == date(2026, 1, 1)
    assert parse_period("2026-09", 4).last == date(2026, 9, 30)


def test_a_date_object_is_a_day():
    period = parse_period(date(2026, 9, 30))
    assert period.first == period.last == date(2026, 9, 30)
    assert deadline_day(date(2026, 9, 30)) == date(2026, 9, 30)


def test_surrounding_spaces_are_ignored():
    assert parse_period(" 2026-Q3 ").last == date(2026, 9, 30)


@pytest.mark.parametrize("text,says", [
    ("2026-13", "month 13"),
    ("2026-00", "month 0"),
    ("2026-02-30", "2026-02-30"),
    ("2027-02-29", "2027-02-29"),
    ("2026-Q5", "2026-Q5"),
    ("2026-Q0", "2026-Q0"),
    ("2026-H3", "2026-H3"),
    ("end of Q3", "end of Q3"),
    ("FY2027-09", "fiscal"),
    ("FY2027-09-30", "fiscal"),
    ("Q3", "Q3"),
    ("26-Q3", "26-Q3"),
    ("2026-9", "2026-9"),
    ("2026-Q3-01", "2026-Q3-01"),
    ("0000", "year"),
    ("", "not a date or period"),
    ("2026.5", "2026.5"),
])
def test_invalid_periods_say_why(text, says):
    with pytest.raises(ValueError) as info:
        parse_period(text)
    message = str(info.value)
    assert says in message
    assert len(message) > len(text) + 5  # more than the input echoed back


def test_the_generic_error_lists_the_forms():
    with pytest.raises(ValueError, match=r"2026-Q3.*FY2027-Q1"):
        parse_period("by the end of Q3")


@pytest.mark.parametrize("value", [True, 2026.5, -2026])
def test_non_period_values_are_value_errors(value):
    with pytest.raises(ValueError):
        parse_period(value)


@pytest.mark.parametrize("fy_start", [1, 4, 10])
def test_deadline_and_start_helpers(fy_start):
    assert deadline_day("FY2027-Q1", fy_start) == parse_period("FY2027-Q1", fy_start).last
    assert start_day("FY2027-Q1", fy_start) == parse_period("FY2027-Q1", fy_start).first
    assert deadline_day("2026-09-30", fy_start) == start_day("2026-09-30", fy_start) == date(2026, 9, 30)


# --- properties ------------------------------------------------------------------------

YEARS = st.integers(1900, 2200)
FY_START = st.integers(1, 12)


@given(year=YEARS, fy_start=FY_START, fiscal=st.booleans(),
       part=st.sampled_from(["", "-Q1", "-Q2", "-Q3", "-Q4", "-H1", "-H2"]))
def test_every_period_starts_on_or_before_it_ends(year, fy_start, fiscal, part):
    period = parse_period(f"{'FY' if fiscal else ''}{year}{part}", fy_start)
    assert period.first <= period.last
    assert period.first.day == 1
    assert (period.last + timedelta(days=1)).day == 1  # ends on a month's last day


@given(year=YEARS, fy_start=FY_START, fiscal=st.booleans())
def test_quarters_and_halves_tile_their_year(year, fy_start, fiscal):
    prefix = f"FY{year}" if fiscal else f"{year}"
    whole = parse_period(prefix, fy_start)
    for parts in ([f"{prefix}-Q{q}" for q in range(1, 5)], [f"{prefix}-H{h}" for h in (1, 2)]):
        periods = [parse_period(p, fy_start) for p in parts]
        assert periods[0].first == whole.first and periods[-1].last == whole.last
        for before, after in zip(periods, periods[1:]):
            assert before.first <= before.last and after.first == before.last + timedelta(days=1)
        # every day of the year lies in exactly one part
        assert sum((p.last - p.first).days + 1 for p in periods) == (whole.last - whole.first).days + 1
    assert (whole.last - whole.first).days in (364, 365)


@given(year=YEARS, fy_start=FY_START)
def test_a_fiscal_year_is_named_by_the_year_it_ends_in(year, fy_start):
    fy = parse_period(f"FY{year}", fy_start)
    assert fy.last.year == year
    assert fy.first == date(year if fy_start == 1 else year - 1, fy_start, 1)
    # the fiscal year after it starts the day after it ends
    assert parse_period(f"FY{year + 1}", fy_start).first == fy.last + timedelta(days=1)


@given(year=YEARS, fy_start=FY_START, half=st.sampled_from([1, 2]))
def test_a_half_is_two_quarters(year, fy_start, half):
    h = parse_period(f"FY{year}-H{half}", fy_start)
    q_first = parse_period(f"FY{year}-Q{2 * half - 1}", fy_start)
    q_last = parse_period(f"FY{year}-Q{2 * half}", fy_start)
    assert (h.first, h.last) == (q_first.first, q_last.last)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_a_day_is_its_own_period_and_lies_in_its_month(day):
    period = parse_period(day.isoformat())
    assert period.first == period.last == day and day in period
    assert day in parse_period(f"{day.year:04d}-{day.month:02d}")
    assert day in parse_period(f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}")


def test_day_or_none_is_the_deadline_or_start_day_or_nothing():
    from goalspec.spec.periods import day_or_none

    assert day_or_none("2026-Q3", last=True) == date(2026, 9, 30)
    assert day_or_none("FY2027-Q1", 4, last=False) == date(2026, 4, 1)
    assert day_or_none("someday", last=True) is None and day_or_none(None, last=False) is None
