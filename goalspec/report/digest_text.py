"""The digest in words: the phrases every format shares, and the text, Markdown and JSON formats.

Each phrase is plain text; a format marks it up (and escapes it) its own way, so an e-mail, a
Slack message and a terminal say the same sentences.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from goalspec.report.attention import Item
from goalspec.report.digest import Change, CheckinNote, Digest
from goalspec.spec.words import figure

CHANGE_HEADINGS = {"closed": "Closed", "status": "Status changes", "goalposts": "Targets and deadlines moved",
                   "re-parented": "Re-parented", "added": "New goals", "removed": "Removed goals",
                   "lead definition": "Lead definitions changed"}


def pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def _num(value: float | None, places: int) -> str:
    return "–" if value is None else figure(value, places)


def _unit(row: dict) -> str:
    unit = row.get("unit") or ""
    return "" if not unit else unit if unit == "%" else f" {unit}"


def amount(value: float, places: int, unit: str | None) -> str:
    """A figure with its unit, as a sentence says it: "1 webinar", "4 webinars", "12%"."""
    number = figure(value, places)
    if not unit:
        return number
    if unit == "%":
        return number + unit
    if value == 1 and unit.endswith("s") and not unit.endswith("ss"):
        unit = unit[:-1]  # a count of one thing
    return f"{number} {unit}"


def standing(row: dict) -> str:
    """Where a goal stands, in the figures `goalspec status` shows."""
    places, unit = row["places"], _unit(row)
    if row["milestone"]:
        done = f"done on {row['done_on']}" if row["done_on"] else "not done yet"
        return f"{row['status']} · {done} · deadline {row['deadline']}"
    parts = [row["status"]]
    if row["status"] == "achieved" and row["value"] is not None and row["target"] is not None:
        # Done: how far along and the forecast are no news any more.
        parts.append(f"{_num(row['value'], places)} of {_num(row['target'], places)}{unit}")
        return " · ".join(parts)
    if row["value"] is not None and row["target"] is not None:
        parts.append(f"{_num(row['value'], places)} of {_num(row['target'], places)}{unit} "
                     f"({pct(row['progress'])} done, {pct(row['expected'])} expected by now)")
    elif row["target"] is not None:
        parts.append(f"target {_num(row['target'], places)}{unit}, no value yet")
    if row["forecast"] is not None:
        parts.append(f"forecast {_num(row['forecast'], places)}{unit} by {row['deadline']}")
    return " · ".join(parts)


def moved(row: dict, since: date) -> str | None:
    """How the goal moved since then, or None when it was not in the tree then."""
    was = row.get("was")
    if was is None:
        return None
    text = f"since {since.isoformat()}: {pct(was['progress'])} → {pct(row['progress'])}"
    if was["status"] != row["status"]:
        text += f", {was['status']} → {row['status']}"
    return text


def rollup(row: dict) -> str | None:
    up = row.get("rollup")
    if up is None:
        return None
    counts: dict[str, int] = {}
    for child in up["children"]:
        counts[child["status"]] = counts.get(child["status"], 0) + 1
    said = " · ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    n = len(up["children"])
    said = said.replace(" · ", ", ")
    return (f"the {n} goal{'s' if n != 1 else ''} serving it: {pct(up['progress'])} done together, "
            f"{up['status']} ({said})")


def change_line(c: Change) -> str:
    if c.kind == "removed":
        return c.title  # under "Removed goals": nothing more to say
    return f"{c.title}: {c.shown or c.text}"


def checkin_line(n: CheckinNote) -> str:
    text = f"{n.day.isoformat()} {n.kpi_name}: {amount(n.value, 2, n.unit)}"
    if n.by:
        text += f", by {n.by}"
    if n.confidence is not None:
        text += f", confidence {n.confidence * 100:.0f}%"
    if n.note:
        text += f" — “{n.note.strip()}”"
    return text


def item_line(i: Item) -> str:
    return f"{'OVERDUE: ' if i.overdue else ''}{said(i)}"


def said(i: Item) -> str:
    """The item as the digest says it: in words, its first letter up."""
    text = i.say or f"{i.kind}: {i.text}"
    return text[:1].upper() + text[1:]


def by_person(items: tuple[Item, ...]) -> list[tuple[str, list[Item]]]:
    """The items grouped by whoever owes them, in the list's order (overdue first)."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(f"{item.name}", []).append(item)
    return list(groups.items())


def goal_line(row: dict) -> str:
    return f"{row['title']} ({row['name']}): {standing(row)}"


def footer(d: Digest) -> str:
    updated = d.data_last_updated.isoformat() if d.data_last_updated else "never"
    base = (f"the goals as committed then, {d.baseline}" if d.baseline else
            "the goals as they are: not in git, so only the dates of values tell what is new")
    return (f"As of {d.today.isoformat()}, compared with {d.since.isoformat()} ({base}). The newest KPI value is "
            f"from {updated}.")


def grouped_changes(d: Digest) -> list[tuple[str, list[Change]]]:
    out: dict[str, list[Change]] = {}
    for c in d.changes:
        out.setdefault(CHANGE_HEADINGS[c.kind], []).append(c)
    return list(out.items())


def as_text(d: Digest) -> str:
    out = [d.title, "=" * len(d.title), ""]
    for row in d.company:
        out += [f"COMPANY GOAL: {row['title']}", f"  {standing(row)}"]
        out += [f"  {line}" for line in (moved(row, d.since), rollup(row)) if line]
        out += [f"  owner: {row['name']}", ""]
    out.append(f"WHAT CHANGED SINCE {d.since.isoformat()}")
    if not d.changes and not d.checkins:
        out.append("  nothing: no status, check-in or goal changed")
    for heading, changes in grouped_changes(d):
        out.append(f"  {heading}:")
        out += [f"  - {change_line(c)}" for c in changes]
    if d.checkins:
        out.append("  New check-ins:")
        out += [f"  - {checkin_line(n)}" for n in d.checkins]
    out += ["", "NEEDS ATTENTION"]
    if not d.attention:
        out.append("  nothing is due")
    for name, items in by_person(d.attention):
        out.append(f"  {name}:")
        out += [f"  - {item_line(i)}" for i in items]
    if d.goals:
        out += ["", "EVERY OTHER GOAL (what needs attention first)"]
        out += [f"  - {goal_line(r)}" for r in d.goals]
    out += ["", footer(d)]
    if d.site_url:
        out.append(f"Goals site: {d.site_url}")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text that Markdown shows as written: its markup characters escaped."""
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def as_markdown(d: Digest) -> str:
    out = [f"# {_md(d.title)}", ""]
    for row in d.company:
        out += [f"## Company goal: {_md(row['title'])}", "", f"**{_md(standing(row))}**", ""]
        out += [f"- {_md(line)}" for line in (moved(row, d.since), rollup(row)) if line]
        out += [f"- owner: {_md(row['name'])}", ""]
    out += [f"## What changed since {d.since.isoformat()}", ""]
    if not d.changes and not d.checkins:
        out += ["Nothing: no status, check-in or goal changed.", ""]
    for heading, changes in grouped_changes(d):
        out += [f"### {heading}", ""] + [f"- {_md(change_line(c))}" for c in changes] + [""]
    if d.checkins:
        out += ["### New check-ins", ""] + [f"- {_md(checkin_line(n))}" for n in d.checkins] + [""]
    out += ["## Needs attention", ""]
    if not d.attention:
        out += ["Nothing is due.", ""]
    for name, items in by_person(d.attention):
        out += [f"**{_md(name)}**", ""]
        out += [f"- {'**overdue:** ' if i.overdue else ''}{_md(said(i))}" for i in items] + [""]
    if d.goals:
        out += ["## Every other goal", "", "| goal | owner | status | progress | expected by now |", "|---|---|---|---:|---:|"]
        out += [f"| {_md(r['title'])} | {_md(r['name'])} | {r['status']} | {pct(r['progress'])} | {pct(r['expected'])} |"
                for r in d.goals]
        out.append("")
    out.append(_md(footer(d)))
    if d.site_url:
        out += ["", f"[The goals site]({d.site_url})"]
    return "\n".join(out) + "\n"


def as_json(d: Digest) -> str:
    doc = {
        "title": d.title, "organization": d.organization, "as_of": d.today.isoformat(),
        "since": d.since.isoformat(), "baseline": d.baseline, "team": d.team,
        "data_last_updated": d.data_last_updated.isoformat() if d.data_last_updated else None,
        "company_goals": list(d.company), "goals": list(d.goals),
        "changes": [asdict(c) for c in d.changes],
        "checkins": [{**asdict(n), "day": n.day.isoformat(), "goals": list(n.goals)} for n in d.checkins],
        "attention": [i.as_dict() for i in d.attention],
        "site_url": d.site_url,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
