"""The time a goal's title states ("by the end of Q3", "in H1", "by September", "this quarter",
"within six months"), as the days its deadline may fall on (GS306).

A stated period with no year takes the deadline's year (so "Q3" agrees with any year's third
quarter); quarters and halves are read in the deadline's calendar: fiscal when the deadline is
a fiscal period (`FY2027-Q3`), and either calendar when the deadline is a calendar period or a
day in a tree whose fiscal year does not start in January, so that only a real disagreement
is reported. "The end of P" is P's last day; "by P" and "in P" are any day of P (and "by P"
also the day before it begins: "by September" is read both ways); "within N months" is any day
up to N months after the goal's start; "this quarter" (month, half, year) is the one that holds
the goal's start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Mapping

from goalspec.spec.periods import Period, _add_months, _month_end, parse_period
from goalspec.spec.twin import twin

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?" \
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_YEAR = r"(?:'(?P<y2>\d\d)|(?P<year>(?:19|20)\d\d))"
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1}
_LEAD = r"(?P<lead>\b(?:by|in|during|for|until|till|through|before|within|end of|by the end of|by end of" \
        r"|at the end of|the end of|until the end of)\s+(?:the\s+)?)?"
# One pattern per way a time is written; each names its parts.
_FORMS = [
    ("fiscal", twin(_LEAD + r"\bFY\s?(?P<fy>(?:19|20)?\d\d)(?:[\s-]?(?P<kind>[QH])(?P<n>[1-4]))?\b", re.I)),
    ("fiscal_after", twin(_LEAD + r"\b(?P<kind>[QH])(?P<n>[1-4])\s+FY\s?(?P<fy>(?:19|20)?\d\d)\b", re.I)),
    ("part", twin(_LEAD + r"\b(?:(?P<year_a>(?:19|20)\d\d)[\s-]?)?(?P<kind>[QH])(?P<n>[1-4])"
                        r"(?:[\s,]+" + _YEAR + r"|-(?P<year_c>(?:19|20)\d\d))?\b", re.I)),
    ("part_after", twin(_LEAD + r"\b(?P<n>[1-4])(?P<kind>[QH])(?:[\s,]+" + _YEAR + r")?\b", re.I)),
    ("half_words", twin(_LEAD + r"\b(?P<which>first|second) half(?: of(?: the year| " + _YEAR + r"))?\b", re.I)),
    ("day", twin(_LEAD + r"\b" + _MONTH + r"\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+" + _YEAR + r")?\b",
                       re.I)),
    ("day_first", twin(_LEAD + r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\b(?:,?\s+"
                             + _YEAR + r")?", re.I)),
    ("iso_day", twin(_LEAD + r"\b(?P<iso>(?:19|20)\d\d-\d\d-\d\d)\b")),
    ("iso_month", twin(_LEAD + r"\b(?P<iso>(?:19|20)\d\d-\d\d)\b(?!-)")),
    ("month", twin(_LEAD + r"\b" + _MONTH + r"\b(?:\s+" + _YEAR + r")?", re.I)),
    ("this", twin(_LEAD + r"\b(?:this|the current) (?P<kind>quarter|month|half|year)\b", re.I)),
    ("eo", twin(r"\b(?P<lead>)(?:(?P<kind>EOY|EOQ|EOM)|(?:(?:by )?(?:the )?)(?P<unit>year|quarter|month)[- ]end)\b", re.I)),
    ("within", twin(r"\b(?P<lead>within|in the next|over the next)\s+(?:the\s+)?(?:next\s+)?(?P<count>\d+|"
                          + "|".join(_WORDS) + r")\s+(?P<unit>days?|weeks?|months?|quarters?|years?)\b", re.I)),
    ("year", twin(r"(?P<lead>\b(?:by|in|during|until|till|through|before|end of|by the end of|by end of"
                        r"|at the end of|the end of)\s+(?:the\s+)?)(?P<year>(?:19|20)\d\d)\b(?![-.\d])", re.I)),
]


# The same forms without their leading words, to find where a time stands: an optional group of
# words tried at every position of every title cost six times the rest of the search. A hit is
# then matched in full from where its leading words begin, so groups and spans are the full form's.
_CORES = [(form, pattern, twin(pattern.pattern[len(_LEAD):], pattern.flags) if pattern.pattern.startswith(_LEAD)
           else None) for form, pattern in _FORMS]
# What each form cannot match without (on the lowercased title): most titles hold two or three
# of the forms, so the others are not searched at all. Case-insensitive matching also equates
# a few non-ASCII letters with ASCII ones (K, ſ, ı), so the guards apply to ASCII titles only.
_MONTH_NAME = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")
_PART, _PART_AFTER = re.compile(r"[qh][1-4]"), re.compile(r"[1-4][qh]")
_ISO, _CENTURY = re.compile(r"\d\d\d\d-\d\d", re.ASCII), re.compile(r"(?:19|20)\d\d", re.ASCII)
_GUARDS = {
    "fiscal": lambda low: "fy" in low, "fiscal_after": lambda low: "fy" in low,
    "part": lambda low: _PART.search(low) is not None, "part_after": lambda low: _PART_AFTER.search(low) is not None,
    "half_words": lambda low: "half" in low,
    "day": lambda low: _MONTH_NAME.search(low) is not None, "day_first": lambda low: _MONTH_NAME.search(low) is not None,
    "month": lambda low: _MONTH_NAME.search(low) is not None,
    "iso_day": lambda low: _ISO.search(low) is not None, "iso_month": lambda low: _ISO.search(low) is not None,
    "this": lambda low: "this" in low or "current" in low, "eo": lambda low: "eo" in low or "end" in low,
    "within": lambda low: "within" in low or "next" in low, "year": lambda low: _CENTURY.search(low) is not None,
}
_LEAD_BEFORE = twin(_LEAD.replace("(?P<lead>", "(?:").removesuffix("?") + "$", re.I)


def _matches(title: str, pattern: re.Pattern, core: re.Pattern | None):
    """What ``pattern.finditer(title)`` finds, found through ``core``."""
    if core is None:
        yield from pattern.finditer(title)
        return
    end = 0
    for hit in core.finditer(title):
        if hit.start() < end:
            continue
        lead = _LEAD_BEFORE.search(title, end, hit.start())
        m = pattern.match(title, lead.start() if lead else hit.start())
        if m is None or m.end() != hit.end():  # cannot happen for these forms; the core alone is then right
            m = pattern.match(title, hit.start())
        if m is not None:
            end = m.end()
            yield m


@dataclass(frozen=True, slots=True)
class Stated:
    """A time the title states: its words, and the days its deadline may fall on."""
    text: str
    earliest: date
    latest: date
    label: str  # what the words were read as, e.g. "2026-Q3 (2026-07-01 to 2026-09-30)"

    def allows(self, day: date) -> bool:
        return self.earliest <= day <= self.latest


# A period after these words is what the goal is measured against, not when it ends ("by 10%
# over Q3", "twice the 2025 figure", "up from Q2").
_BASELINE = twin(r"\b(?:over|vs\.?|versus|than|as|from|since|compared (?:to|with)|relative to|of|after"
                       r"|last|previous|prior)\s+(?:the\s+)?$", re.I)


Hits = tuple[tuple[int, int], ...]
# title -> a tuple whose third item is its _hits, found by the workers that parsed the tree (tell)
_told: Mapping[str, tuple] = {}


def tell(readings: Mapping[str, tuple]) -> None:
    """Take the times titleread.read() found in these titles (in another process) as theirs."""
    global _told
    _told = readings


def find_times(title: str) -> Hits:
    """Where the title states a time, as (the form's index in _CORES, where its match starts), in the
    order they are read: each stretch of the title once ("Q3 2026" is not also "2026"), and none
    after a baseline's words. It depends on the title alone, unlike what the times mean."""
    hits: list[tuple[int, int]] = []
    taken: list[tuple[int, int]] = []
    low = title.lower() if title.isascii() else None
    for i, (form, pattern, core) in enumerate(_CORES):
        if low is not None and not _GUARDS[form](low):
            continue
        for m in _matches(title, pattern, core):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # "Q3 2026" is read once, not also as "2026"
            taken.append((m.start(), m.end()))
            if not _BASELINE.search(title[: m.start()]):
                hits.append((i, m.start()))
    return tuple(hits)


# serve re-checks the same titles on every save (vague.judge says why not more)
@lru_cache(maxsize=1 << 14)
def stated_times(title: str, deadline: Period, start: date, fiscal_year_start: int) -> tuple[tuple[Stated, ...], ...]:
    """Each time the title states as its deadline, as the readings it allows (several when the
    calendar is ambiguous); the deadline agrees with a time when it agrees with any reading.
    Times led by "by", "in", "until", "the end of" ... are the deadline; a bare period ("Q3 goal")
    counts only when none is led, and a period after "over", "than", "from", "since" ... is a
    baseline and never counts."""
    led: list[list[Stated]] = []
    bare: list[list[Stated]] = []
    told = _told.get(title)
    for i, at in told[2] if told is not None else find_times(title):
        form, pattern, _ = _CORES[i]
        m = pattern.match(title, at)  # the match find_times found: the same pattern, from where it started
        readings = _read(form, m, deadline, start, fiscal_year_start)
        if readings:
            (led if (m.group("lead") or "").strip() or form in ("this", "eo", "within") else bare).append(readings)
    return tuple(tuple(r) for r in led or bare)


def _read(form: str, m: re.Match, deadline: Period, start: date, fy: int) -> list[Stated]:
    text = m.group(0).strip()
    lead = (m.group("lead") or "").strip().lower()
    end_of = "end" in lead
    years = _years(m, deadline)
    spans: list[Period] = []
    if form in ("fiscal", "fiscal_after"):
        year = int(m["fy"]) if len(m["fy"]) == 4 else 2000 + int(m["fy"])
        label = f"FY{year}" + (f"-{m['kind'].upper()}{m['n']}" if m["kind"] else "")
        if m["kind"] and not _valid(m["kind"], m["n"]):
            return []
        spans = [parse_period(label, fy)]
    elif form in ("part", "part_after", "half_words"):
        kind = "H" if form == "half_words" else m["kind"].upper()
        n = ("1" if m["which"].lower() == "first" else "2") if form == "half_words" else m["n"]
        if not _valid(kind, n):
            return []
        for year in years:
            spans.append(parse_period(f"{year}-{kind}{n}"))
            if fy != 1 and not deadline.label.upper().startswith("FY"):
                # A calendar deadline in a fiscal tree: "Q3" may be either calendar's.
                spans.append(parse_period(f"FY{year}-{kind}{n}", fy))
                spans.append(parse_period(f"FY{year + 1}-{kind}{n}", fy))
        if deadline.label.upper().startswith("FY"):
            fiscal_year = int(deadline.label[2:6])
            spans = [parse_period(f"FY{y}-{kind}{n}", fy) for y in ({fiscal_year} if not _explicit(m) else
                                                                      {y for y in years} | {y + 1 for y in years})]
    elif form in ("day", "day_first"):
        month = _month(m["month"])
        for year in years:
            try:
                day = date(year, month, int(m["day"]))
            except ValueError:
                return []
            spans.append(Period(day.isoformat(), day, day))
    elif form in ("iso_day", "iso_month"):
        try:
            spans = [parse_period(m["iso"])]
        except ValueError:
            return []
    elif form == "month":
        if not lead and not m["year"] and not m["y2"]:
            return []  # a bare month name ("May") is too often a word
        month = _month(m["month"])
        spans = [Period(f"{y:04d}-{month:02d}", date(y, month, 1), _month_end(y, month)) for y in years]
    elif form == "year":
        spans = [parse_period(m["year"])]
    elif form in ("this", "eo"):
        unit = (m["kind"] or "").lower() if form == "this" else (
            {"eoy": "year", "eoq": "quarter", "eom": "month"}.get((m["kind"] or "").lower()) or m["unit"].lower())
        spans = [_holding(start, unit)]
        end_of = end_of or form == "eo"
    elif form == "within":
        count = int(m["count"]) if m["count"].isdigit() else _WORDS[m["count"].lower()]
        unit = m["unit"].lower().rstrip("s")
        if unit == "day":
            latest = start + timedelta(days=count)
        elif unit == "week":
            latest = start + timedelta(weeks=count)
        else:
            months = count * {"month": 1, "quarter": 3, "year": 12}[unit]
            y, mo = _add_months(start.year, start.month, months)
            latest = date(y, mo, min(start.day, _month_end(y, mo).day)) - timedelta(days=1)
        return [Stated(text, start, latest, f"within {count} {unit}s of {start.isoformat()}")]
    out = []
    for span in spans:
        if end_of or span.first == span.last:
            out.append(Stated(text, span.last, span.last, span.last.isoformat()))
        elif lead in ("in", "during", "for", "over", "through"):
            out.append(Stated(text, span.first, span.last, _label(span)))
        else:  # "by September", "Q3", "until Q3": any day of it, or the day before it begins
            out.append(Stated(text, span.first - timedelta(days=1), span.last, _label(span)))
    return out


def _label(span: Period) -> str:
    return f"{span.label}, {span.first.isoformat()} to {span.last.isoformat()}"


def _valid(kind: str, n: str) -> bool:
    return kind.upper() == "Q" or n in "12"


def _explicit(m: re.Match) -> bool:
    return any(m.groupdict().get(k) for k in ("year", "y2", "year_a", "year_c"))


def _years(m: re.Match, deadline: Period) -> list[int]:
    """The year written in the match, or else the deadline's years (a period may span two)."""
    groups = m.groupdict()
    for key in ("year", "year_a", "year_c"):
        if groups.get(key):
            return [int(groups[key])]
    if groups.get("y2"):
        return [2000 + int(groups["y2"])]
    return sorted({deadline.first.year, deadline.last.year})


def _month(name: str) -> int:
    low = name.lower()
    return next(i + 1 for i, full in enumerate(_MONTHS) if full.startswith(low[:3]))


def _holding(day: date, unit: str) -> Period:
    if unit == "month":
        return Period(f"{day.year:04d}-{day.month:02d}", date(day.year, day.month, 1), _month_end(day.year, day.month))
    if unit == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if unit == "half":
        return parse_period(f"{day.year}-H{1 if day.month <= 6 else 2}")
    return parse_period(str(day.year))
