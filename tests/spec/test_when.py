"""The times titles state (GS306's reading). The search finds each form's core and matches the
full form from its leading words; it must find exactly what the full forms find on their own."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings, strategies as st

from goalspec.spec import when

CORPUS = Path(__file__).parent.parent / "data" / "goals"
_PIECES = ["by", "in", "the end of", "by the end of", "until the end of", "within", "over", "than", "Q3", "H2",
           "FY2027", "FY27-Q2", "Q1 FY2026", "2026", "2027-09", "2026-09-30", "September", "Sept 30", "30th of June",
           "May 2026", "first half", "second half of 2026", "this quarter", "the current year", "EOY", "year-end",
           "3Q", "six months", "the next 2 quarters", "EOQ", "month-end", "quarter end", "Dec 1st", "1 Jan",
           "THIS MONTH", "fy 2026", "H1 '27", "2026 Q4", "over the next 3 years", "Close", "1,200", "seats", "the", "end", "of", ",", "-", "'26"]


def _same(title: str) -> None:
    for form, pattern, core in when._CORES:
        full = [(m.span(), m.groupdict()) for m in pattern.finditer(title)]
        if full and title.isascii():
            assert when._GUARDS[form](title.lower()), (form, title)  # a guard never skips a form that is there
        fast = [(m.span(), m.groupdict()) for m in when._matches(title, pattern, core)]
        assert fast == full, (form, title)


def test_the_search_finds_what_the_full_forms_find_in_real_titles():
    titles = [g["title"] for path in sorted(CORPUS.glob("*.yaml"))
              for g in yaml.safe_load(path.read_text(encoding="utf-8"))["goals"]]
    assert len(titles) > 300
    for title in titles:
        _same(title)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=9),
       st.lists(st.sampled_from([" ", "  ", " the ", "-", ", "]), min_size=9, max_size=9))
def test_the_search_finds_what_the_full_forms_find_in_made_up_titles(words, gaps):
    _same("".join(w + g for w, g in zip(words, gaps)).strip())
