"""A KPI's cadence periods: the complete calendar weeks, months and quarters between two days."""

from datetime import date

from goalspec.data.cadence import cadence_periods


def test_cadence_periods():
    assert cadence_periods(date(2026, 7, 1), date(2026, 9, 30), "monthly")[-1] == (date(2026, 9, 1), date(2026, 9, 30))
    assert cadence_periods(date(2026, 7, 2), date(2026, 9, 30), "monthly")[0] == (date(2026, 8, 1), date(2026, 8, 31))
    weeks = cadence_periods(date(2026, 7, 1), date(2026, 7, 31), "weekly")
    assert weeks[0] == (date(2026, 7, 6), date(2026, 7, 12)) and len(weeks) == 3
    assert cadence_periods(date(2026, 1, 1), date(2026, 12, 31), "quarterly")[1] == (date(2026, 4, 1), date(2026, 6, 30))
