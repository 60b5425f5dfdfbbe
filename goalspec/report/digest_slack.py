"""The digest as a Slack message: Block Kit JSON for an incoming webhook.

Slack refuses a message past its limits, so they hold here, whatever the tree holds: at most 50
blocks, a section's text at most 3,000 characters, a header's 150. Long lists are split over
sections at line ends; what does not fit in 50 blocks ends in one line saying how much more there
is (and where the site is). Text is Slack's mrkdwn, with `&`, `<` and `>` escaped as Slack asks.
"""

from __future__ import annotations

import json

from goalspec.report.digest import Digest
from goalspec.report.digest_text import (by_person, change_line, checkin_line, footer, goal_line, grouped_changes,
                                         item_line, moved, rollup, standing)

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_HEADER = 150
_ICON = {"on track": ":large_green_circle:", "achieved": ":white_check_mark:", "behind": ":large_yellow_circle:",
         "at risk": ":red_circle:", "missed": ":x:"}


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _sections(heading: str, lines: list[str]) -> list[dict]:
    """Sections of at most MAX_TEXT characters each, split at line ends; a single line too long is cut."""
    out, chunk = [], f"*{escape(heading)}*"
    for line in lines:
        line = _cut(line, MAX_TEXT - 1)
        if len(chunk) + 1 + len(line) > MAX_TEXT:
            out.append(chunk)
            chunk = line
        else:
            chunk += "\n" + line
    out.append(chunk)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}} for text in out]


def blocks(d: Digest) -> list[dict]:
    out: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": _cut(d.title, MAX_HEADER)}}]
    for row in d.company:
        lines = [f"{_ICON.get(row['status'], ':white_circle:')} {escape(standing(row))}"]
        lines += [escape(x) for x in (moved(row, d.since), rollup(row)) if x]
        lines.append(f"owner: {escape(row['name'])}")
        out += _sections(f"Company goal: {row['title']}", lines)
    out.append({"type": "divider"})
    changed = []
    for heading, changes in grouped_changes(d):
        changed += [f"_{escape(heading)}_"] + [f"• {escape(change_line(c))}" for c in changes]
    if d.checkins:
        changed += ["_New check-ins_"] + [f"• {escape(checkin_line(n))}" for n in d.checkins]
    out += _sections(f"What changed since {d.since.isoformat()}", changed or ["Nothing: no status, check-in or goal changed."])
    needs = []
    for name, items in by_person(d.attention):
        needs += [f"*{escape(name)}*"] + [f"• {escape(item_line(i))}" for i in items]
    out += _sections("Needs attention", needs or ["Nothing is due."])
    if d.goals:
        out += _sections("Every other goal", [f"{_ICON.get(r['status'], ':white_circle:')} {escape(goal_line(r))}"
                                       for r in d.goals])
    tail = escape(footer(d)) + (f" <{d.site_url}|The goals site>" if d.site_url else "")
    last = {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(tail, MAX_TEXT)}]}
    if len(out) + 1 > MAX_BLOCKS:
        left = len(out) - (MAX_BLOCKS - 2)
        out = out[:MAX_BLOCKS - 2]
        more = f"…and {left} more section{'s' if left != 1 else ''}" + (f": <{d.site_url}|see the goals site>"
                                                                          if d.site_url else ": run `goalspec digest`")
        out.append({"type": "section", "text": {"type": "mrkdwn", "text": more}})
    out.append(last)
    return out


def payload(d: Digest) -> dict:
    # `text` is what notifications and clients without blocks show.
    return {"text": _cut(d.title, MAX_TEXT), "blocks": blocks(d)}


def as_slack(d: Digest) -> str:
    return json.dumps(payload(d), indent=2, ensure_ascii=False) + "\n"
