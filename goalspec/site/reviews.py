"""The site's period reviews: "FY2027-Q3 in review", a page per quarter of the fiscal calendar.

A quarter is reviewed once it has begun (the build's day is in it or after it) and when goals have
their deadline in it (a goal due at the end of a half or a year is reviewed with that period's last
quarter). Its page lists every goal of the period but drafts: the outcome its owner recorded with
`goalspec close` (achieved, missed or cancelled, with the score and what was learned), else what
the progress model says of it, so a quarter that has just ended shows what is left to close. Each
goal's page links to the review of its quarter; `reviews/index.html` lists the reviews, newest first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from goalspec.check import Result
from goalspec.site.render import Page
from goalspec.spec.periods import parse_period

CLOSED = ("achieved", "missed", "cancelled")
OUTCOMES = ("achieved", "missed", "cancelled", "on track", "behind", "at risk", "not started", "no baseline",
            "no data", "active")


def quarter_of(day: date, fiscal_year_start: int) -> str:
    """The quarter of the (fiscal) calendar that holds a day: `2026-Q4`, or `FY2027-Q3` when the
    fiscal year does not start in January (a fiscal year is named by the year it ends in)."""
    months = (day.month - fiscal_year_start) % 12
    quarter = months // 3 + 1
    if fiscal_year_start == 1:
        return f"{day.year}-Q{quarter}"
    return f"FY{day.year + 1 if day.month >= fiscal_year_start else day.year}-Q{quarter}"


def review_path(label: str) -> str:
    return f"reviews/{label}.html"


def _quarters(result: Result) -> dict[str, tuple[str, object]]:
    """Each reviewed goal's quarter: its label and period, by goal id, in id order."""
    project, ctx = result.project, result.context
    fy, today = project.fiscal_year_start, ctx.today
    out = {}
    for gid, goal in sorted(project.goals.items()):
        deadline = ctx.deadlines.get(gid)
        if goal.model.status == "draft" or deadline is None:
            continue
        label = quarter_of(deadline, fy)
        period = parse_period(label, fy)
        if period.first <= today:
            out[gid] = (label, period)
    return out


def review_links(result: Result) -> dict[str, dict[str, str]]:
    """Each reviewed goal's link to its quarter's review, by goal id (for the goal pages)."""
    return {gid: {"label": f"{label} in review", "url": review_path(label)}
            for gid, (label, _) in _quarters(result).items()}


def reviews(result: Result) -> dict[str, dict[str, Any]]:
    """Each reviewed quarter (by label, newest first) with its goals."""
    project = result.project
    people = {pid: p.model.name for pid, p in project.people.items()}
    teams = {tid: t.model.name for tid, t in project.teams.items()}
    found: dict[str, dict[str, Any]] = {}
    for gid, (label, period) in _quarters(result).items():
        review = found.setdefault(label, {"label": label, "title": f"{label} in review", "url": review_path(label),
                                          "first": period.first.isoformat(), "last": period.last.isoformat(),
                                          "ended": period.last < result.context.today, "goals": []})
        review["goals"].append(_row(result, gid, people, teams))
    for review in found.values():
        counts: dict[str, int] = {}
        for row in review["goals"]:
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        review["counts"] = [{"outcome": o, "n": counts[o]} for o in sorted(counts, key=_rank)]
        review["open"] = sum(not row["closed"] for row in review["goals"])
    return dict(sorted(found.items(), key=lambda item: item[1]["first"], reverse=True))


def _rank(outcome: str) -> int:
    return OUTCOMES.index(outcome) if outcome in OUTCOMES else len(OUTCOMES)


def _row(result: Result, gid: str, people: dict[str, str], teams: dict[str, str]) -> dict[str, Any]:
    m = result.project.goals[gid].model
    p = result.context.progress.get(gid)
    closed = m.status in CLOSED
    outcome = m.status if closed else p.status if p is not None else "no data"
    note = m.outcome.note if m.outcome is not None else None
    score = m.outcome.score if m.outcome is not None else None
    return {
        "id": gid, "title": m.title, "url": f"goals/{gid}.html", "company": m.is_company_goal,
        "owner": {"id": m.owner, "label": people.get(m.owner, teams.get(m.owner, m.owner)),
                  "url": f"people/{m.owner}.html" if m.owner in people else
                  f"teams/{m.owner}.html" if m.owner in teams else None},
        "team": {"id": m.team, "label": teams[m.team], "url": f"teams/{m.team}.html"} if m.team in teams else None,
        "deadline": result.context.deadlines[gid].isoformat(), "closed": closed, "outcome": outcome,
        "closed_on": m.outcome.date.isoformat() if m.outcome is not None else None,
        "score": None if score is None else round(score * 100),
        "percent": None if p is None or p.progress is None or p.milestone else round(p.progress * 100),
        "note": note,
    }


def review_pages(result: Result, site: dict[str, Any]) -> list[Page]:
    """The review pages and their index."""
    found = reviews(result)
    pages = [Page(r["url"], "review.html", {"site": site, "review": r, "today": result.context.today.isoformat()})
             for r in found.values()]
    pages.append(Page("reviews/index.html", "reviews.html", {"site": site, "reviews": list(found.values())}))
    return pages
