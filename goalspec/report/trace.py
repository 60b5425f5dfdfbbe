"""`goalspec trace`: the chain from one goal up to the company goal(s) it serves."""

from __future__ import annotations

import json

from goalspec.check import Result


def chains(result: Result, goal_id: str) -> list[list[str]]:
    """Every parent path from the goal to a company goal, or to where it breaks off."""
    found: list[list[str]] = []
    _walk(result.graph, [goal_id], found)
    return found


# Not a closure: one that calls itself is a reference cycle, which builds (run without the cyclic
# collector, spec/memory.py) would keep, with what it holds, until they end.
def _walk(graph, path: list[str], found: list[list[str]]) -> None:
    here = path[-1]
    ups = sorted(graph.parents(here))
    if here in graph.company_goals or not ups:
        found.append(path)
        return
    for parent in ups:
        if parent in path:
            found.append(path + [parent])  # a cycle: stop where it closes
        else:
            _walk(graph, path + [parent], found)


def render_trace(result: Result, goal_id: str, fmt: str) -> tuple[str, bool]:
    paths = chains(result, goal_id)
    company = result.graph.company_goals
    traced = goal_id in result.graph.traced
    if fmt == "json":
        doc = {"goal": goal_id, "traces": traced,
               "chains": [[_describe(result, g) for g in path] for path in paths]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n", traced
    lines = []
    for path in paths:
        for depth, gid in enumerate(path):
            d = _describe(result, gid)
            arrow = "  " * depth + ("└─ serves " if depth else "")
            if not d["defined"]:
                lines.append(f"{arrow}{gid}  (not defined)")
                continue
            who = "company goal" if gid in company else f"team {d['team']}"
            lines.append(f"{arrow}{gid}: {d['title']}  [{who}; owner {d['owner']}; deadline {d['deadline']}]")
        if path[-1] not in company:
            lines.append("  " * len(path) + "✗ does not reach a company goal")
        lines.append("")
    verdict = f"{goal_id} traces to a company goal" if traced else f"{goal_id} does not trace to a company goal"
    lines.append(verdict)
    return "\n".join(lines) + "\n", traced


def _describe(result: Result, goal_id: str) -> dict:
    goal = result.project.goals.get(goal_id)
    if goal is None:
        return {"id": goal_id, "defined": False}
    m = goal.model
    return {"id": goal_id, "defined": True, "title": m.title, "team": m.team, "owner": m.owner,
            "deadline": m.deadline, "company": m.is_company_goal}
