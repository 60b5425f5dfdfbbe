"""`goalspec status`: actuals against goals, as a table or JSON."""

from __future__ import annotations

import json

from goalspec.check import Result
from goalspec.data.progress import STATUSES, Progress
from goalspec.data.rollup import Rollup
from goalspec.spec.words import figure

SORTS = ("goal", "owner", "team", "progress", "status", "deadline")
# `--sort status`: what needs a leader's attention first.
_RANK = {s: i for i, s in enumerate(("missed", "at risk", "behind", "no baseline", "no data", "on track",
                                     "not started", "achieved"))}


def rows(result: Result, team: str | None = None, owner: str | None = None, status: str | None = None,
         sort: str = "goal") -> list[dict]:
    project, progress, rolled = result.project, result.context.progress, result.context.rollups
    out = []
    for gid, goal in sorted(project.goals.items()):
        m = goal.model
        if m.status in ("draft", "cancelled"):
            continue
        p: Progress | None = progress.get(gid)
        kpi = project.kpis.get(m.kpi or "")
        row = {
            "goal": gid, "title": m.title, "team": m.team, "owner": m.owner,
            "unit": kpi.model.unit if kpi else None,
            "value": p.value if p else None, "target": p.target if p else None,
            "start_value": p.start_value if p else None,
            "milestone": bool(p and p.milestone), "done_on": p.done_on.isoformat() if p and p.done_on else None,
            "progress": p.progress if p else None, "expected": p.expected if p else None,
            "status": p.status if p else "no data", "forecast": p.forecast if p else None,
            "deadline": p.last.isoformat() if p and p.last else None,
            "rollup": _rollup(rolled.get(gid)),
        }
        if (team and row["team"] != team) or (owner and row["owner"] != owner) or (status and row["status"] != status):
            continue
        out.append(row)
    keys = {
        "goal": lambda r: r["goal"],
        "owner": lambda r: (r["owner"], r["goal"]),
        "team": lambda r: (r["team"] or "", r["goal"]),
        "progress": lambda r: (r["progress"] is None, r["progress"] or 0, r["goal"]),
        "status": lambda r: (_RANK.get(r["status"], 9), r["goal"]),
        "deadline": lambda r: (r["deadline"] or "9999", r["goal"]),
    }
    return sorted(out, key=keys[sort])


def _rollup(r: Rollup | None) -> dict | None:
    if r is None:
        return None
    return {"progress": r.progress, "status": r.status,
            "children": [{"goal": c.goal, "weight": c.weight, "progress": c.progress, "status": c.status}
                         for c in r.children]}


def as_json(result: Result, table: list[dict]) -> str:
    data = result.context.data
    doc = {"as_of": result.context.today.isoformat(),
           "data_last_updated": data.last_updated.isoformat() if data.last_updated else None,
           "goals": table}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def bar(share: float | None, width: int = 10) -> str:
    if share is None:
        return " " * width
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")).ljust(width)


def _num(value: float | None, places: int = 2) -> str:
    return "–" if value is None else figure(value, places)


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def as_text(result: Result, table: list[dict], tree: bool = False) -> str:
    """The table; with ``tree`` (every goal, in goal order) each goal sits under the goal it serves,
    with its children's roll-up beneath it and their statuses counted under the table."""
    header = ["goal", "owner", "value", "target", "progress", "expected", "status", "forecast"]
    placed = _as_tree(result, table) if tree else [(r, 0) for r in table]
    decimals = {gid: p.decimals for gid, p in result.context.progress.items()}
    body = []
    for r, depth in placed:
        places = decimals.get(r["goal"], 2)  # as precise as the KPI's own values: "84 calls", not "84.18"
        value, target = _num(r["value"], places), _num(r["target"], places)
        if r["milestone"]:
            value, target = ("done" if r["value"] == 1 else "not yet"), "done"
        body.append(["  " * depth + r["goal"], r["owner"], value, target,
                     f"{bar(r['progress'])} {_pct(r['progress']):>4}", _pct(r["expected"]), r["status"],
                     _num(r["forecast"], places)])
        up = r["rollup"] if tree else None
        if up is not None:
            n = len(up["children"])
            body.append(["  " * (depth + 1) + f"↳ {n} goal{'s' if n != 1 else ''} rolled up", "", "", "",
                         f"{bar(up['progress'])} {_pct(up['progress']):>4}", "", up["status"], ""])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body)] if body else [len(h) for h in header]
    right = {2, 3, 5, 7}

    def line(cells):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in body]
    if tree:
        tops = [(r["goal"], r["rollup"]) for r, depth in placed if depth == 0 and r["rollup"]]
        if tops:
            out.append("")
        for gid, up in tops:
            counts = {}
            for child in up["children"]:
                counts[child["status"]] = counts.get(child["status"], 0) + 1
            ordered = sorted(counts.items(), key=lambda item: STATUSES.index(item[0]))
            out.append(f"{gid}: " + " · ".join(f"{n} {s}" for s, n in ordered))
    data = result.context.data
    counts = {s: sum(r["status"] == s for r in table) for s in STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no goals"
    updated = data.last_updated.isoformat() if data.last_updated else "never"
    out.append("")
    out.append(f"{summary} · as of {result.context.today.isoformat()} · data last updated {updated}")
    return "\n".join(out) + "\n"


def _as_tree(result: Result, table: list[dict]) -> list[tuple[dict, int]]:
    """Rows in tree order: each company goal, then the goals that serve it, depth first. A goal that
    serves two parents sits under the first; one whose parents are not shown stands at the top."""
    rows = {r["goal"]: r for r in table}
    below: dict[str, list[str]] = {}
    tops = []
    for gid in rows:
        parents = [p for p in result.project.goals[gid].model.parent or () if p in rows and p != gid]
        (below.setdefault(parents[0], []) if parents else tops).append(gid)
    out: list[tuple[dict, int]] = []
    seen: set[str] = set()
    for gid in tops:
        _visit(gid, 0, rows, below, seen, out)
    for gid in rows:  # goals on a cycle (GS403) have no top: shown all the same
        _visit(gid, 0, rows, below, seen, out)
    return out


# Not a closure: one that calls itself is a reference cycle (see trace._walk).
def _visit(gid: str, depth: int, rows: dict, below: dict, seen: set, out: list) -> None:
    if gid in seen:
        return
    seen.add(gid)
    out.append((rows[gid], depth))
    for child in below.get(gid, ()):
        _visit(child, depth + 1, rows, below, seen, out)
