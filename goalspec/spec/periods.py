"""Periods as docs/format.md names them: days, months, quarters, halves, years, calendar or fiscal."""

from __future__ import annotations

import calendar
import re
from functools import lru_cache
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(
    r"""^(?:
        (?P<fy>FY)?(?P<year>\d{4})
        (?:-(?:
            Q(?P<quarter>[1-4])
          | H(?P<half>[12])
          | (?P<month>\d{2})(?:-(?P<day>\d{2}))?
        ))?
    )$""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Period:
    """A span of whole days, both ends included."""

    label: str
    first: date
    last: date

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last


@lru_cache(maxsize=4096)  # a large tree names the same few periods thousands of times
def parse_period(value: object, fiscal_year_start: int = 1) -> Period:
    """Parse a period or date; raise ValueError with a reason a person can act on."""
    if isinstance(value, date):
        return Period(value.isoformat(), value, value)
    text = str(value).strip()
    m = _PATTERN.match(text)
    if not m:
        raise ValueError(
            f"`{text}` is not a date or period; use 2026-09-30, 2026-09, 2026-Q3, 2026-H2, 2026, FY2027-Q1, FY2027-H1 or FY2027")
    year = int(m["year"])
    if year < 1:
        raise ValueError(f"`{text}` has no valid year")
    fiscal = m["fy"] is not None
    if fiscal and m["month"]:
        raise ValueError(f"`{text}`: fiscal periods are years, halves or quarters (FY2027-Q1), not months or days")
    if m["month"]:
        month = int(m["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"`{text}`: month {month} does not exist")
        if m["day"]:
            try:
                day = date(year, month, int(m["day"]))
            except ValueError:
                raise ValueError(f"`{text}` is not a day of the calendar") from None
            return Period(text, day, day)
        return Period(text, date(year, month, 1), _month_end(year, month))
    # Years, halves and quarters: months counted from the start of the (fiscal) year.
    if fiscal:
        start_year = year - 1 if fiscal_year_start > 1 else year
        start_month = fiscal_year_start
    else:
        start_year, start_month = year, 1
    if m["quarter"]:
        offset, length = (int(m["quarter"]) - 1) * 3, 3
    elif m["half"]:
        offset, length = (int(m["half"]) - 1) * 6, 6
    else:
        offset, length = 0, 12
    first_y, first_m = _add_months(start_year, start_month, offset)
    last_y, last_m = _add_months(first_y, first_m, length - 1)
    return Period(text.upper() if fiscal or m["quarter"] or m["half"] else text,
                  date(first_y, first_m, 1), _month_end(last_y, last_m))


def deadline_day(value: object, fiscal_year_start: int = 1) -> date:
    """A deadline that is a period means its last day."""
    return parse_period(value, fiscal_year_start).last


def start_day(value: object, fiscal_year_start: int = 1) -> date:
    """A start that is a period means its first day."""
    return parse_period(value, fiscal_year_start).first


def day_or_none(value: object | None, fiscal_year_start: int = 1, *, last: bool) -> date | None:
    """The period's last day (a deadline) or first day (a start); None for no value or no period (GS302's)."""
    if value is None:
        return None
    try:
        period = parse_period(value, fiscal_year_start)
    except ValueError:
        return None
    return period.last if last else period.first


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + n
    return total // 12, total % 12 + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
