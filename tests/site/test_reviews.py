"""Period reviews: "FY2027-Q3 in review", every goal of a quarter with its outcome and learnings."""

from __future__ import annotations

import re
from datetime import date

from goalspec.check import run
from goalspec.site.build import build
from goalspec.site.reviews import quarter_of, reviews
from trees import KPIS, TEAMS, write_tree

ORG = "apiVersion: goalspec/v1\nkind: Organization\nname: Acme\nfiscal_year_start: 4\n"
GOALS = """apiVersion: goalspec/v1
kind: Goal
id: company.q3
title: Sell 1100 seats by the end of Q3
owner: ana
kpi: seats
target: {value: 1100}
deadline: FY2027-Q3
---
apiVersion: goalspec/v1
kind: Goal
id: sales.q3
title: Close 1100 seats by the end of Q3
owner: ben
team: sales
parent: company.q3
kpi: seats
target: {value: 1100}
deadline: FY2027-Q3
status: missed
outcome:
  date: 2027-01-05
  score: 0.8
  note: Two <large> deals slipped into January.
---
apiVersion: goalspec/v1
kind: Goal
id: marketing.webinars
title: Run 4 webinars by the end of Q3
owner: cleo
team: marketing
parent: company.q3
deadline: 2026-12-15
status: cancelled
outcome:
  date: 2026-11-01
  note: Events replaced webinars.
---
apiVersion: goalspec/v1
kind: Goal
id: company.q4
title: Sell 1300 seats by the end of Q4
owner: ana
kpi: seats
target: {value: 1300}
deadline: FY2027-Q4
---
apiVersion: goalspec/v1
kind: Goal
id: company.next
title: Sell 1500 seats by the end of next year's Q1
owner: ana
kpi: seats
target: {value: 1500}
deadline: FY2028-Q1
---
apiVersion: goalspec/v1
kind: Goal
id: company.draft
title: Sell 900 seats by the end of Q3
owner: ana
kpi: seats
target: {value: 900}
deadline: FY2027-Q3
status: draft
"""
CHECKINS = """apiVersion: goalspec/v1
kind: CheckIn
kpi: seats
by: ana
values:
  2026-10-15: 400
  2026-11-15: 450
"""
TODAY = date(2027, 1, 15)


def tree(tmp_path):
    return write_tree(tmp_path / "tree", {"goalspec.yaml": ORG, "teams.yaml": TEAMS, "kpis.yaml": KPIS,
                                          "goals.yaml": GOALS, "checkins.yaml": CHECKINS})


def test_quarters_of_the_fiscal_calendar():
    assert quarter_of(date(2026, 10, 15), 4) == "FY2027-Q3"
    assert quarter_of(date(2027, 3, 31), 4) == "FY2027-Q4"
    assert quarter_of(date(2027, 4, 1), 4) == "FY2028-Q1"
    assert quarter_of(date(2026, 12, 31), 1) == "2026-Q4"
    assert quarter_of(date(2026, 2, 1), 2) == "FY2027-Q1"


def test_a_review_per_quarter_begun_with_every_goal_of_it(tmp_path):
    found = reviews(run(tree(tmp_path), TODAY))
    assert list(found) == ["FY2027-Q4", "FY2027-Q3"]  # newest first; FY2028-Q1 has not begun
    q3 = found["FY2027-Q3"]
    assert q3["title"] == "FY2027-Q3 in review" and q3["ended"] and (q3["first"], q3["last"]) == ("2026-10-01", "2026-12-31")
    rows = {r["id"]: r for r in q3["goals"]}
    assert set(rows) == {"company.q3", "sales.q3", "marketing.webinars"}  # not the draft
    assert (rows["sales.q3"]["outcome"], rows["sales.q3"]["score"], rows["sales.q3"]["closed_on"]) == ("missed", 80, "2027-01-05")
    assert rows["marketing.webinars"]["outcome"] == "cancelled"
    assert rows["company.q3"]["outcome"] == "missed" and not rows["company.q3"]["closed"]  # what the numbers say
    assert q3["open"] == 1
    assert {c["outcome"]: c["n"] for c in q3["counts"]} == {"missed": 2, "cancelled": 1}
    assert not found["FY2027-Q4"]["ended"]


def test_review_pages_show_outcomes_and_learnings_and_goal_pages_link_them(tmp_path):
    assert build(tree(tmp_path), tmp_path / "site", TODAY, allow_errors=True).written  # GS305 and the like
    site = tmp_path / "site"
    page = (site / "reviews" / "FY2027-Q3.html").read_text()
    assert "<h1>FY2027-Q3 in review</h1>" in page
    assert "Two &lt;large&gt; deals slipped into January." in page and "80%" in page
    assert "Events replaced webinars." in page
    assert "1 goal not closed yet." in page
    assert "Sell 900 seats" not in page
    index = (site / "reviews" / "index.html").read_text()
    assert re.findall(r'href="\.\./reviews/(FY[^"]+)\.html"', index) == ["FY2027-Q4", "FY2027-Q3"]
    goal = (site / "goals" / "sales.q3.html").read_text()
    assert '<a href="../reviews/FY2027-Q3.html">FY2027-Q3 in review</a>' in goal
    assert "reviews/" not in (site / "goals" / "company.next.html").read_text().split("<main")[1].split("</main>")[0]
    assert 'href="reviews/index.html"' in (site / "index.html").read_text()  # in the navigation
