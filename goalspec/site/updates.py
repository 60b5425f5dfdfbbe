"""The site's weekly updates: a page per week (that week's digest), an index, and an Atom feed.

The weeks and their digests come from report/weeks.py (the last ``WEEKS`` Mondays up to the
build's day, from the tree's git history). Everything here is derived from them, so two builds
of the same tree, day and revision write the same bytes:

- `updates/YYYY-MM-DD.html`, the week ending that Monday: the digest's HTML body (report/digest_html),
  its lists capped at ``SHOWN`` items (every goal has its own page);
- `updates/index.html`: the weeks, newest first, each with its headline figures;
- `feed.xml`: an Atom feed of the same weeks. Entry ids are ``urn:uuid:`` names derived (uuid5)
  from the site and the week, so a week keeps its id across builds; an entry is dated the Monday
  it ends on; the feed's own `updated` is its newest entry's, or, with no week yet,
  ``SOURCE_DATE_EPOCH`` when set, else the build's day. Links are absolute under the organization's
  `site.base_url`; without one they are relative, which feed readers resolve against the feed's own
  address (RFC 4287 and xml:base).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from functools import partial
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

from goalspec.check import Result
from goalspec.report.digest_html import body
from goalspec.report.weeks import WEEKS, Week, each_week
from goalspec.site.render import Page
from goalspec.spec.cache import FileCache

SHOWN = 50  # items per list of a week's page, and rows of its goals table
FEED = "feed.xml"
INDEX = "updates/index.html"


def week_path(day: date) -> str:
    return f"updates/{day.isoformat()}.html"


def update_pages(result: Result, tree: Path, site: dict[str, Any], rev: str | None = None,
                 cache: FileCache | None = None, environ: dict[str, str] | None = None,
                 memo: dict | None = None, stop: Callable[[], bool] | None = None) -> list[Page]:
    """The updates section's pages and the feed (``environ``: where SOURCE_DATE_EPOCH is read;
    ``memo`` and ``stop``: serve's, see report.weeks.weekly)."""
    # One week's digest at a time: each holds a row per goal, and a page shows SHOWN of them.
    # (map, not a loop: a loop's variable would hold a week while the next one is made)
    entries = list(map(partial(_entry, site=site), each_week(result, tree, rev, cache, memo=memo, stop=stop)))
    for newer, entry, older in zip([None, *entries], entries, [*entries[1:], None]):
        entry["newer"] = _link(newer)
        entry["older"] = _link(older)
    today = result.context.today
    out = [Page(entry["url"], "update.html", {"site": site, "week": entry}) for entry in entries]
    out.append(Page(INDEX, "updates.html", {"site": site, "weeks": entries, "count": WEEKS,
                                            "today": today.isoformat()}))
    base = _base(site.get("base_url"))
    updated = entries[0]["updated"] if entries else _stamp(today, environ)
    out.append(Page(FEED, "feed.xml", {"site": site, "weeks": entries, "base": base, "updated": updated,
                                       "id": _urn(_namespace(site), "feed")}))
    return out


def _entry(w: Week, site: dict[str, Any]) -> dict[str, Any]:
    d = w.digest
    statuses = [{"title": r["title"], "status": r["status"]} for r in d.company]
    return {
        "day": w.day.isoformat(), "since": d.since.isoformat(), "title": d.title, "url": week_path(w.day),
        "id": _urn(_namespace(site), w.day.isoformat()), "updated": f"{w.day.isoformat()}T00:00:00Z",
        "company": statuses, "changes": len(d.changes), "checkins": len(d.checkins),
        "attention": len(d.attention), "overdue": sum(i.overdue for i in d.attention),
        "body": body(replace(d, site_url=None), level=2, most=SHOWN),  # it is on the site: no link to it
        "summary": _summary(statuses, len(d.changes), len(d.checkins), len(d.attention)),
    }


def _summary(company: list[dict], changes: int, checkins: int, attention: int) -> str:
    standing = "; ".join(f"{c['title']}: {c['status']}" for c in company) or "no company goal"
    return (f"{standing}. {_n(changes, 'change')}, {_n(checkins, 'new check-in')}, "
            f"{_n(attention, 'item')} needing attention.")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _link(entry: dict | None) -> dict | None:
    return None if entry is None else {"label": f"week to {entry['day']}", "url": entry["url"]}


def _base(url: str | None) -> str:
    """The site's address with a closing slash, or "" for links relative to the feed."""
    return "" if not url else url.rstrip("/") + "/"


def _namespace(site: dict[str, Any]) -> uuid.UUID:
    """Ids stay with the site: its address when it has one, else the organization's name."""
    return uuid.uuid5(uuid.NAMESPACE_URL, _base(site.get("base_url")) or f"goalspec:{site['name']}")


def _urn(namespace: uuid.UUID, name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(namespace, name)}"


def _stamp(today: date, environ: dict[str, str] | None) -> str:
    """The feed's date when no week gives one: SOURCE_DATE_EPOCH when set, else the build's day."""
    raw = (environ if environ is not None else os.environ).get("SOURCE_DATE_EPOCH")
    if raw:
        try:
            return datetime.fromtimestamp(int(raw), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (ValueError, OverflowError, OSError):
            pass  # site.build reports a SOURCE_DATE_EPOCH that is not a number before this runs
    return f"{today.isoformat()}T00:00:00Z"
