"""The alignment map: every goal under the goal it serves, as an outline.

Each company goal starts a tree; each goal sits under the goal it serves, so the
map reads top to bottom like an outline, at 6 goals or 6,000. A goal that serves
several parents is drawn under the one nearest a company goal (the first by id
among equals); under each other parent a line points to it, and the goal itself
names the others. Goals that reach no
company goal follow in their own section; what is left over sits on cycles.
Every subtree can be folded (``<details>``, no script needed); at more than
``OPEN_UP_TO`` goals, subtrees below the team level start folded. Filters by
team, owner and status come from the data attributes each goal carries, so the
page's script only shows and hides.
"""

from __future__ import annotations

from collections import deque
from typing import Any

OPEN_UP_TO = 60  # goals: above this, only the company goals' own subtrees start open


def _status(goal: dict) -> str:
    """What the map colours a goal by: its measured status, else its written one."""
    progress = goal.get("progress")
    return progress["status"] if progress else goal["status"]


def layout_map(goals: dict[str, dict], incentives: list[dict], company: list[str]) -> dict[str, Any]:
    children: dict[str, list[str]] = {gid: [] for gid in goals}
    for gid, goal in goals.items():
        for parent in goal["parents"]:
            if parent["id"] in children:
                children[parent["id"]].append(gid)
    pays: dict[str, list[dict]] = {}
    for inc in incentives:
        for pay in inc["pays_on"]:
            pays.setdefault(pay["goal"]["id"], []).append(
                {"label": inc["name"], "url": f"incentives.html#incentive-{inc['id']}"})
    fold_deep = len(goals) > OPEN_UP_TO
    placed: dict[str, dict] = {}
    under: dict[str, str] = {}

    def node(gid: str, depth: int) -> dict:
        g = goals[gid]
        return {
            "id": gid, "title": g["title"], "url": g["url"], "company": g["company"], "depth": depth,
            "team": g["team"], "owner": g["owner"], "deadline": g["deadline"], "status": _status(g),
            "percent": g["progress"]["percent"] if g.get("progress") else None,
            "expected": g["progress"]["expected"] if g.get("progress") else None,
            "pays": pays.get(gid, []), "children": [], "refs": [], "also": [],
            "open": depth == 0 or not fold_deep,
        }

    def place(root: str) -> dict:
        # Breadth first, so a goal is drawn under its parent nearest the root, and iterative, so a
        # chain thousands of goals deep cannot exhaust the stack.
        top = node(root, 0)
        placed[root] = top
        queue = deque([top])
        while queue:
            current = queue.popleft()
            for child in sorted(children[current["id"]]):
                if child in placed:
                    if under.get(child) != current["id"]:
                        current["refs"].append({"id": child, "title": goals[child]["title"], "url": goals[child]["url"],
                                                "shown_under": goals[under[child]]["title"] if child in under else None})
                    continue
                item = node(child, current["depth"] + 1)
                placed[child] = item
                under[child] = current["id"]
                current["children"].append(item)
                queue.append(item)
        return top

    trees = [place(root) for root in company if root in goals and root not in placed]
    loose = []
    rest = [gid for gid in sorted(goals) if gid not in placed]
    for gid in rest:  # roots of what is left: goals whose parents are all missing or already placed
        if gid not in placed and not any(p["id"] in goals and p["id"] not in placed for p in goals[gid]["parents"]):
            loose.append(place(gid))
    for gid in rest:  # what remains sits on cycles
        if gid not in placed:
            loose.append(place(gid))
    for gid, item in placed.items():
        item["also"] = [p for p in goals[gid]["parents"] if p["id"] != under.get(gid)]
    teams = sorted({(g["team"]["label"], g["team"]["id"]) for g in goals.values() if g["team"]})
    owners = sorted({(g["owner"]["label"], g["owner"]["id"]) for g in goals.values()})
    statuses = sorted({_status(g) for g in goals.values()})
    return {
        "trees": _rows(trees), "loose": _rows(loose), "count": len(goals),
        "teams": [{"id": i, "label": label} for label, i in teams],
        "owners": [{"id": i, "label": label} for label, i in owners],
        "statuses": statuses,
        "incentives": [{"id": inc["id"], "name": inc["name"], "for": inc["for"],
                        "goals": [pay["goal"] for pay in inc["pays_on"]]} for inc in incentives],
    }


def _rows(trees: list[dict]) -> list[dict]:
    """The trees as one flat list of rows, a subtree's goals between its goal and an ``end``
    row, so the template needs no recursion (a chain thousands deep renders like a short one)."""
    out: list[dict] = []
    stack: list[dict] = list(reversed(trees))
    while stack:
        item = stack.pop()
        if item.get("kind") in ("end", "ref"):
            out.append(item)
            continue
        count = len(item["children"]) + len(item["refs"])
        out.append({**item, "kind": "goal", "serving": count})
        if count:
            stack.append({"kind": "end"})
            stack.extend(reversed([{**r, "kind": "ref", "owner": None} for r in item["refs"]]))
            stack.extend(reversed(item["children"]))
    return out
