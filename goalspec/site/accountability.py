"""The site's accountability page (`due.html`): per person, what they owe, the list `goalspec due`
and the digest's "needs attention" show (report/attention.py), with links to the goals and KPIs."""

from __future__ import annotations

from functools import partial
from typing import Any

from goalspec.check import Result
from goalspec.report.attention import attention
from goalspec.site.render import Page


def accountability_page(result: Result, site: dict[str, Any]) -> Page:
    """The page, what it lists made when it is rendered (serve renders it only when asked for)."""
    return Page("due.html", "due.html", {"site": site}, partial(_owed, result))


def _owed(result: Result) -> dict[str, Any]:
    project = result.project
    people: dict[str, dict] = {}
    for item in attention(result):
        entry = people.setdefault(item.person, {
            "id": item.person, "name": item.name,
            "url": f"people/{item.person}.html" if item.person in project.people else None, "items": []})
        url = (f"goals/{item.subject}.html" if item.subject in project.goals else
               f"kpis/{item.subject}.html" if item.subject in project.kpis else
               f"leads.html#lead-{item.subject}" if item.subject in project.leads else None)
        entry["items"].append({"kind": item.kind, "text": item.text, "overdue": item.overdue,
                               "due": item.due.isoformat() if item.due else None, "subject": item.subject, "url": url})
    listed = list(people.values())
    return {"people": listed, "today": result.context.today.isoformat(),
            "overdue": sum(i["overdue"] for p in listed for i in p["items"])}
