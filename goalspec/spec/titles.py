"""Reading the numbers in a goal's one-line title (GS101, GS103); spec/vague.py judges the words."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from goalspec.spec.twin import twin

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_PERIOD = twin(
    r"\b(?:FY\d{2,4}(?:-?[QH][1-4])?|\d{4}-(?:[QH][1-4]|\d{2}(?:-\d{2})?)|[QH][1-4](?:\s*(?:FY)?\d{2,4})?)\b",
    re.IGNORECASE,
)
_YEAR = twin(
    r"\b(?:(?:in|by|of|during|for|end|until|before|after|through|since|from|to)\s+|"
    r"(?:" + "|".join(_MONTHS) + r")[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?)(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_DIGIT = twin(r"\d")
_YEARISH = twin(r"(?:19|20)\d\d")
_NUMBER = twin(
    r"(?P<sign>[+\-−])?(?P<cur>[$€£])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mult>[kKmMbB]|thousand|million|billion)\b)?(?P<pct>\s?%|\s?percent\b|\s?pp\b)?",
)
_FROM_TO = twin(r"\bfrom\s+(?P<a>[^\s]+)\s+to\s+(?P<b>[^\s]+)", re.IGNORECASE)
_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}


@dataclass(frozen=True, slots=True)
class TitleNumber:
    value: float
    percent: bool
    signed: bool
    text: str


def _blank(m: re.Match) -> str:
    return " " * len(m.group(0))


def numbers(title: str) -> list[TitleNumber]:
    """The quantities a title commits to; dates and period names are not among them."""
    if not _DIGIT.search(title):
        return []
    cleaned = _PERIOD.sub(_blank, title)
    if _YEARISH.search(cleaned):
        cleaned = _YEAR.sub(_blank, cleaned)
    out = []
    for m in _NUMBER.finditer(cleaned):
        # A digit glued to letters (MSP2, 3rd) is a name or an ordinal, not a quantity.
        before = cleaned[m.start() - 1] if m.start() else " "
        after = cleaned[m.end()] if m.end() < len(cleaned) else " "
        if before.isalpha() or (after.isalpha() and not m["mult"] and not m["pct"]):
            continue
        value = float(m["num"].replace(",", ""))
        if m["mult"]:
            value *= _MULT[m["mult"].lower()]
        if m["sign"] in ("-", "−"):
            value = -value
        out.append(TitleNumber(value, bool(m["pct"]), bool(m["sign"]), m.group(0).strip()))
    return out


def from_to(title: str) -> list[tuple[TitleNumber, TitleNumber]]:
    """Pairs written as "from 3% to 2%"."""
    pairs = []
    for m in _FROM_TO.finditer(title):
        a, b = numbers(m["a"]), numbers(m["b"])
        if a and b:
            pairs.append((a[0], b[0]))
    return pairs


def close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-9, 0.005 * abs(b))


_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_WORDS = twin(r"\b(?:(?:\d+(?:\.\d+)?|" + "|".join(list(_UNITS) + list(_TENS)) + r")(?:[\s-]+(?:and\s+)?(?:"
                    + "|".join(list(_UNITS) + list(_TENS) + list(_SCALES)) + r"))*)\b", re.IGNORECASE)


def word_numbers(title: str) -> list[TitleNumber]:
    """Cardinals written in words ("four webinars", "one million users", "2.5 million"), as numbers
    GS103 can compare with the target; digits alone are numbers()'s."""
    return list(_word_numbers(title))


@lru_cache(maxsize=1 << 14)  # serve's tree: a save reads again only the titles it changed
def _word_numbers(title: str) -> tuple[TitleNumber, ...]:
    out = []
    for m in _WORDS.finditer(title):
        parts = [p for p in re.split(r"[\s-]+", m.group(0).lower()) if p != "and"]
        if parts[0][0].isdigit() or parts[0] == "one" and len(parts) == 1 and \
                re.match(r"\s+of\b", title[m.end():]):
            continue  # plain digits are numbers()'s; "one of the" is not a quantity
        total, current = 0.0, 0.0
        for p in parts:
            if p[0].isdigit():
                current += float(p)
            elif p in _UNITS:
                current += _UNITS[p]
            elif p in _TENS:
                current += _TENS[p]
            elif p == "hundred":
                current = (current or 1) * 100
            else:
                total += (current or 1) * _SCALES[p]
                current = 0.0
        out.append(TitleNumber(total + current, False, False, m.group(0)))
    return tuple(out)
