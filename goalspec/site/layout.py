"""The alignment map's layout, computed here so the site needs no script to draw it.

Goals are laid out as an indented tree: each company goal starts a block, each
goal sits one row below the goal it serves, one step to the right, so the map
reads top to bottom like an outline and stays legible at hundreds of goals. A
goal that serves several parents is drawn under the first one (by id) with a
dashed link to each other parent. Goals that reach no company goal follow in
their own block. Incentives stand in a column to the right, linked to the goals
they pay on. Coordinates are integers, so the SVG is byte-stable.
"""

from __future__ import annotations

from typing import Any

ROW, BOX_H, INDENT, BOX_W, MARGIN, GAP = 66, 56, 28, 460, 16, 140
INC_W = 240
LINE_CHARS = 64


def _lines(text: str, width: int, most: int = 2) -> list[str]:
    """Word-wrap a title onto at most ``most`` lines; only a title longer than that is cut."""
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def layout_map(goals: dict[str, dict], incentives: list[dict], company: list[str]) -> dict[str, Any]:
    children: dict[str, list[str]] = {gid: [] for gid in goals}
    for gid, goal in goals.items():
        for parent in goal["parents"]:
            if parent["id"] in children:
                children[parent["id"]].append(gid)
    placed: dict[str, tuple[int, int]] = {}  # goal id -> (depth, row)
    under: dict[str, str] = {}  # goal id -> the parent it is drawn under
    order: list[str] = []
    sections = []

    def place(gid: str, depth: int) -> None:
        stack: list[tuple[str, int, str | None]] = [(gid, depth, None)]
        while stack:
            node, d, parent = stack.pop()
            if node in placed:
                continue
            placed[node] = (d, len(order))
            order.append(node)
            if parent is not None:
                under[node] = parent
            stack.extend((c, d + 1, node) for c in sorted(children[node], reverse=True) if c not in placed)

    for root in company:
        if root in goals:
            place(root, 0)
    rest = [gid for gid in sorted(goals) if gid not in placed]
    if rest:
        sections.append({"row": len(order), "label": "Goals that do not reach a company goal"})
        # Roots of what is left: goals whose parents are all missing or outside this rest.
        for gid in rest:
            if not any(p["id"] in goals and p["id"] not in placed for p in goals[gid]["parents"]) or not goals[gid]["parents"]:
                place(gid, 0)
        for gid in rest:  # what remains sits on cycles
            place(gid, 0)

    def y_of(row: int) -> int:
        extra = sum(ROW for s in sections if s["row"] <= row)
        return MARGIN + row * ROW + extra

    max_depth = max((d for d, _ in placed.values()), default=0)
    goal_right = MARGIN + max_depth * INDENT + BOX_W
    nodes, edges = [], []
    for gid in order:
        depth, row = placed[gid]
        g = goals[gid]
        who = g["team"]["label"] if g["team"] else "company goal"
        nodes.append({
            "kind": "company" if g["company"] else "goal", "id": gid, "url": g["url"],
            "x": MARGIN + depth * INDENT, "y": y_of(row), "w": BOX_W, "h": BOX_H,
            "lines": _lines(g["title"], LINE_CHARS), "full": g["title"],
            "sub": f"{who} · {g['owner']['label']} · {g['deadline'] or 'no deadline'}",
        })
    for gid in order:
        depth, row = placed[gid]
        for i, parent in enumerate(g["id"] for g in goals[gid]["parents"] if g["id"] in placed):
            pdepth, prow = placed[parent]
            x0, y0 = MARGIN + pdepth * INDENT + 12, y_of(prow) + BOX_H
            x1, y1 = MARGIN + depth * INDENT, y_of(row) + BOX_H // 2
            if under.get(gid) == parent:
                edges.append({"kind": "serves", "d": f"M{x0} {y0}V{y1}H{x1}"})
            else:
                xr = goal_right + 24 + 8 * (i % 8)
                ya, yb = y_of(row) + BOX_H // 2, y_of(prow) + BOX_H // 2
                edges.append({"kind": "serves-also", "d": f"M{MARGIN + depth * INDENT + BOX_W} {ya}"
                              f"C{xr} {ya} {xr} {yb} {MARGIN + pdepth * INDENT + BOX_W} {yb}"})
    inc_x = goal_right + GAP
    for i, inc in enumerate(incentives):
        y = MARGIN + i * ROW
        nodes.append({"kind": "incentive", "id": inc["id"], "url": f"incentives.html#incentive-{inc['id']}",
                      "x": inc_x, "y": y, "w": INC_W, "h": BOX_H, "lines": _lines(inc["name"], 30),
                      "full": inc["name"], "sub": f"for {inc['for']['label']}"})
        for pay in inc["pays_on"]:
            target = pay["goal"]["id"]
            if target in placed:
                depth, row = placed[target]
                gx, gy = MARGIN + depth * INDENT + BOX_W, y_of(row) + BOX_H // 2
                mid = (gx + inc_x) // 2
                edges.append({"kind": "pays", "d": f"M{inc_x} {y + BOX_H // 2}C{mid} {y + BOX_H // 2} {mid} {gy} {gx} {gy}"})
    height = max([y_of(len(order)) if order else MARGIN, MARGIN + len(incentives) * ROW]) + MARGIN
    return {
        "width": inc_x + INC_W + MARGIN if incentives else goal_right + 64 + MARGIN,
        "height": height,
        "nodes": nodes,
        "edges": edges,
        "sections": [{"y": y_of(s["row"]) - ROW + 12, "label": s["label"]} for s in sections],
    }
