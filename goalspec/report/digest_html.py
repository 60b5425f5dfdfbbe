"""The digest as HTML: an e-mail's HTML part (inline styles, tables, no script) and the body of
the site's weekly update pages. Every text is escaped."""

from __future__ import annotations

from functools import partial
from html import escape

from goalspec.report.digest import Digest
from goalspec.report.digest_text import (by_person, change_line, checkin_line, footer, grouped_changes,
                                         moved, pct, rollup, said, standing)

_COLOUR = {"on track": "#1a7f37", "achieved": "#1a7f37", "behind": "#9a6700", "at risk": "#cf222e",
           "missed": "#cf222e"}


def _status(status: str) -> str:
    return f'<strong style="color:{_COLOUR.get(status, "#57606a")}">{escape(status)}</strong>'


def _capped(items: list, say=escape, most: int | None = None) -> str:
    """The items as a list, each said by ``say``; at most ``most`` of them (only those are said)."""
    shown = items if most is None else items[:most]
    more = f"<li>and {len(items) - len(shown)} more</li>" if len(shown) < len(items) else ""
    return "<ul>" + "".join(f"<li>{say(item)}</li>" for item in shown) + more + "</ul>"


def body(d: Digest, level: int = 2, most: int | None = None) -> str:
    """The digest's sections, headings from ``level`` down (a page gives it its own title). ``most``
    caps each list and the goals table (a page of the site about ten thousand goals stays readable;
    the site has a page for every goal)."""
    h, h2 = f"h{level}", f"h{level + 1}"
    _list = partial(_capped, most=most)  # every list of this body is capped alike
    people = by_person(d.attention)
    goals = d.goals if most is None else d.goals[:most]
    out = []
    for row in d.company:
        lines = [x for x in (moved(row, d.since), rollup(row)) if x] + [f"owner: {row['name']}"]
        out.append(f"<{h}>Company goal: {escape(row['title'])}</{h}>")
        out.append(f"<p>{_status(row['status'])} · {escape(standing(row).partition(' · ')[2])}</p>")
        out.append(_list(lines))
    out.append(f"<{h}>What changed since {d.since.isoformat()}</{h}>")
    if not d.changes and not d.checkins:
        out.append("<p>Nothing: no status, check-in or goal changed.</p>")
    for heading, changes in grouped_changes(d):
        out.append(f"<{h2}>{escape(heading)}</{h2}>")
        out.append(_list(changes, lambda c: escape(change_line(c))))
    if d.checkins:
        out.append(f"<{h2}>New check-ins</{h2}>")
        out.append(_list(d.checkins, lambda n: escape(checkin_line(n))))
    out.append(f"<{h}>Needs attention</{h}>")
    if not d.attention:
        out.append("<p>Nothing is due.</p>")
    for name, items in people if most is None else people[:most]:
        out.append(f"<p><strong>{escape(name)}</strong></p>")
        out.append(_list(items, lambda i: ("<strong>Overdue:</strong> " if i.overdue else "") + escape(said(i))))
    if most is not None and len(people) > most:
        out.append(f"<p>and {len(people) - most} more people.</p>")
    if d.goals:
        out.append(f"<{h}>Every other goal</{h}>")
        out.append('<table style="border-collapse:collapse"><thead><tr><th scope="col" style="text-align:left">goal</th>'
                   '<th scope="col" style="text-align:left">owner</th><th scope="col" style="text-align:left">status</th>'
                   '<th scope="col" style="text-align:right">progress</th>'
                   '<th scope="col" style="text-align:right">expected by now</th></tr></thead><tbody>')
        for r in goals:
            out.append(f'<tr><td style="padding:2px 8px 2px 0">{escape(r["title"])}</td>'
                       f'<td style="padding:2px 8px 2px 0">{escape(r["name"])}</td><td>{_status(r["status"])}</td>'
                       f'<td style="text-align:right">{pct(r["progress"])}</td>'
                       f'<td style="text-align:right">{pct(r["expected"])}</td></tr>')
        out.append("</tbody></table>")
        if len(goals) < len(d.goals):
            out.append(f"<p>and {len(d.goals) - len(goals)} more goals.</p>")
    out.append(f'<p style="color:#57606a">{escape(footer(d))}</p>')
    if d.site_url:
        out.append(f'<p><a href="{escape(d.site_url)}">The goals site</a></p>')
    return "\n".join(out) + "\n"


def as_html(d: Digest) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(d.title)}</title>\n</head>\n"
            '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;'
            'max-width:42rem;line-height:1.5">\n'
            f"<h1>{escape(d.title)}</h1>\n{body(d)}</body>\n</html>\n")

