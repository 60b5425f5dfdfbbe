"""The alignment graph: traceability, cycles and orphans are decided on it."""

from datetime import date
from pathlib import Path

from goalspec.check import run
from goalspec.graph import GOAL

ORG = "apiVersion: goalspec/v1\nkind: Organization\nname: Acme\n"
TEAM = ("apiVersion: goalspec/v1\nkind: Team\nid: sales\nname: Sales\nlead: ana\n"
        "members: [{id: ana, name: Ana}]\n")
KPI = ("apiVersion: goalspec/v1\nkind: KPI\nid: k\nname: K\nunit: seats\nowner: ana\n"
       "source: {type: checkins}\n")


def goal(gid: str, parent: str | None = None) -> str:
    lines = ["apiVersion: goalspec/v1", "kind: Goal", f"id: {gid}", "title: Sell 10 seats", "owner: ana",
             "kpi: k", "target: {value: 10}", "deadline: 2026-Q3"]
    if parent is not None:
        lines += ["team: sales", f"parent: {parent}"]
    return "\n".join(lines) + "\n"


def check(tmp_path: Path, *goals: str):
    (tmp_path / "goalspec.yaml").write_text(ORG)
    (tmp_path / "base.yaml").write_text(TEAM + "---\n" + KPI)
    (tmp_path / "goals.yaml").write_text("---\n".join(goals))
    return run(tmp_path, date(2026, 8, 1))


def test_traced_goals_reach_a_company_goal(tmp_path):
    r = check(tmp_path, goal("c"), goal("a", "c"), goal("b", "a"), goal("x", "missing"), goal("y", "x"))
    assert r.graph.company_goals == {"c"}
    assert r.graph.traced == {"c", "a", "b"}
    assert r.graph.chain_up("b") == ["b", "a", "c"] and r.graph.chain_up("y") == []


def test_two_parents_one_missing_still_traces(tmp_path):
    r = check(tmp_path, goal("c"), goal("a", "[nope, c]"))
    assert "a" in r.graph.traced
    assert [d.code for d in r.diagnostics] == ["GS401"]


def test_cycle_is_one_finding_at_the_smallest_goal(tmp_path):
    r = check(tmp_path, goal("c"), goal("b", "a"), goal("a", "b"), goal("z", "a"))
    assert r.graph.cycles == [["a", "b"]]
    (d,) = [d for d in r.diagnostics if d.code == "GS403"]
    assert (d.id, d.line, d.column) == ("a", 30, 9)
    assert "a → b → a" in d.message
    assert not {"a", "b", "z"} & r.graph.traced


def test_self_parent_is_a_cycle(tmp_path):
    r = check(tmp_path, goal("c"), goal("s", "s"))
    assert r.graph.cycles == [["s"]]
    assert [d.code for d in r.diagnostics] == ["GS403"]


def test_graph_holds_every_kind(tmp_path):
    r = check(tmp_path, goal("c"), goal("a", "c"))
    kinds = {node[0] for node in r.graph.graph}
    assert kinds == {"goal", "kpi", "team", "person"}
    assert r.graph.goals.has_edge((GOAL, "a"), (GOAL, "c"))
    assert not r.graph.goals.has_edge((GOAL, "a"), ("kpi", "k"))
