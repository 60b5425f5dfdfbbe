"""The alignment graph: traceability, cycles and orphans (GS401-GS406) are decided on it.

Every test builds its own small spec tree in tmp_path and runs goalspec.check.run.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from goalspec.check import run
from goalspec.graph import GOAL, build_graph
from goalspec.spec.load import load_tree
from goalspec.rules import KNOWN_CODES
from goalspec.spec.validate import validate
from trees import COMPANY, KPIS, ORG, TEAMS, write_tree

TODAY = date(2026, 8, 1)


def goal(gid: str, parent: str | None = None, *, team: str | None = "sales") -> str:
    """A goal document. With a parent: line 6 is `team`, line 7 is `parent` (value at column 9)."""
    lines = ["apiVersion: goalspec/v1", "kind: Goal", f"id: {gid}", "title: Close 1100 seats by the end of Q3",
             "owner: ben"]
    if team is not None:
        lines.append(f"team: {team}")
    if parent is not None:
        lines.append(f"parent: {parent}")
    lines += ["kpi: seats", "target: {value: 1100}", "deadline: 2026-Q3"]
    return "\n".join(lines) + "\n"


def check(tmp_path: Path, goals: str, *, company: bool = True, org: str = ORG, extra: dict | None = None):
    """The base tree (org, teams, KPI, company.q3 unless company=False) plus goals.yaml."""
    files = {"goalspec.yaml": org, "teams.yaml": TEAMS, "kpis.yaml": KPIS, "goals.yaml": goals}
    if company:
        files["company.yaml"] = COMPANY
    return run(write_tree(tmp_path / "specs", {**files, **(extra or {})}), TODAY)


def join(*docs: str) -> str:
    return "---\n".join(docs)


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


def where(d) -> tuple:
    return d.file, d.line, d.column


def test_base_tree_is_clean(tmp_path):
    r = check(tmp_path, goal("sales.q3", "company.q3"))
    assert r.diagnostics == ()
    assert r.graph.company_goals == {"company.q3"}
    assert r.graph.traced == {"company.q3", "sales.q3"}


# --- traceability -----------------------------------------------------------

def test_traced_set_holds_every_goal_whose_chain_reaches_a_company_goal(tmp_path):
    r = check(tmp_path, join(
        goal("sales.a", "company.q3"),
        goal("sales.b", "sales.a"),
        goal("sales.c", "sales.b"),
        goal("sales.x", "company.missing"),
        goal("sales.y", "sales.x"),
        goal("sales.lonely"),
        goal("company.other", team=None),
        goal("sales.d", "company.other"),
    ))
    assert r.graph.company_goals == {"company.q3", "company.other"}
    assert r.graph.traced == {"company.q3", "sales.a", "sales.b", "sales.c", "company.other", "sales.d"}
    assert r.graph.chain_up("sales.c") == ["sales.c", "sales.b", "sales.a", "company.q3"]
    assert r.graph.chain_up("sales.y") == []
    assert sorted(codes(r)) == ["GS401", "GS402"]


def test_graph_built_directly_from_validate(tmp_path):
    root = write_tree(tmp_path / "specs", {"goalspec.yaml": ORG, "teams.yaml": TEAMS, "kpis.yaml": KPIS,
                                           "company.yaml": COMPANY,
                                           "goals.yaml": join(goal("sales.a", "company.q3"), goal("sales.b", "sales.a"))})
    project, found = validate(load_tree(root), KNOWN_CODES)
    assert found == []
    g = build_graph(project)
    assert g.traced == {"company.q3", "sales.a", "sales.b"}
    assert g.goals.has_edge((GOAL, "sales.b"), (GOAL, "sales.a"))
    assert g.graph.edges[(GOAL, "sales.a"), (GOAL, "company.q3")]["kind"] == "serves"
    assert g.graph.edges[(GOAL, "sales.a"), ("kpi", "seats")]["kind"] == "measured_by"
    assert not g.goals.has_edge((GOAL, "sales.a"), ("kpi", "seats"))


def test_two_parents_one_missing_still_traces_through_the_other(tmp_path):
    r = check(tmp_path, join(goal("sales.a", "[sales.nope, company.q3]"), goal("sales.b", "sales.a")))
    assert {"sales.a", "sales.b"} <= r.graph.traced
    assert r.graph.chain_up("sales.b") == ["sales.b", "sales.a", "company.q3"]
    (d,) = r.diagnostics
    assert d.code == "GS401" and d.id == "sales.a" and "sales.nope" in d.message
    # at the list item that names the missing parent
    assert where(d) == ("goals.yaml", 7, 10)
    assert "sales.a" not in {x.id for x in r.diagnostics if x.code in ("GS402", "GS406")}


def test_two_parents_both_missing_does_not_trace(tmp_path):
    r = check(tmp_path, goal("sales.a", "[sales.nope, company.gone]"))
    assert "sales.a" not in r.graph.traced
    assert [(d.code, d.column) for d in r.diagnostics] == [("GS401", 10), ("GS401", 22)]


# --- cycles -----------------------------------------------------------------

def test_a_two_goal_cycle_is_one_gs403_at_the_smallest_id(tmp_path):
    # sales.b comes first in the file, sales.a has the smaller id
    r = check(tmp_path, join(goal("sales.b", "sales.a"), goal("sales.a", "sales.b"), goal("sales.z", "sales.a")))
    assert r.graph.cycles == [["sales.a", "sales.b"]]
    cycles = [d for d in r.diagnostics if d.code == "GS403"]
    assert len(cycles) == 1
    (d,) = cycles
    assert d.id == "sales.a"
    # sales.a is the second document (11 lines each: doc 1 is lines 1-10, `---` is line 11)
    assert where(d) == ("goals.yaml", 18, 9)
    assert "sales.a → sales.b → sales.a" in d.message
    assert not {"sales.a", "sales.b", "sales.z"} & r.graph.traced
    assert codes(r) == ["GS403"]  # no GS402 for the goals on or below the cycle: they do have parents


def test_a_cycle_is_reported_at_the_parent_entry_that_closes_it(tmp_path):
    # sales.a serves a missing goal and sales.b; only the `sales.b` item is on the cycle
    r = check(tmp_path, join(goal("sales.b", "sales.a"), goal("sales.a", "[sales.gone, sales.b]")))
    by_code = {d.code: d for d in r.diagnostics}
    assert sorted(by_code) == ["GS401", "GS403"]
    assert where(by_code["GS401"]) == ("goals.yaml", 18, 10)
    assert where(by_code["GS403"]) == ("goals.yaml", 18, 22)


def test_a_three_goal_cycle_is_reported_once(tmp_path):
    r = check(tmp_path, join(goal("sales.c", "sales.a"), goal("sales.a", "sales.b"), goal("sales.b", "sales.c")))
    assert r.graph.cycles == [["sales.a", "sales.b", "sales.c"]]
    (d,) = r.diagnostics
    assert d.code == "GS403" and d.id == "sales.a" and where(d) == ("goals.yaml", 18, 9)
    assert "sales.a → sales.b → sales.c → sales.a" in d.message


def test_two_separate_cycles_are_two_findings(tmp_path):
    r = check(tmp_path, join(goal("sales.a", "sales.b"), goal("sales.b", "sales.a"),
                             goal("sales.x", "sales.y"), goal("sales.y", "sales.x")))
    assert r.graph.cycles == [["sales.a", "sales.b"], ["sales.x", "sales.y"]]
    assert [(d.code, d.id) for d in r.diagnostics] == [("GS403", "sales.a"), ("GS403", "sales.x")]


def test_a_self_parent_is_a_cycle(tmp_path):
    r = check(tmp_path, goal("sales.s", "sales.s"))
    assert r.graph.cycles == [["sales.s"]]
    (d,) = r.diagnostics
    assert d.code == "GS403" and d.id == "sales.s" and where(d) == ("goals.yaml", 7, 9)
    assert "sales.s → sales.s" in d.message
    assert "sales.s" not in r.graph.traced


# Once a bug: cycles were searched among untraced goals only.
def test_a_self_parent_next_to_a_valid_parent_is_still_a_cycle(tmp_path):
    r = check(tmp_path, goal("sales.t", "[company.q3, sales.t]"))
    assert [d.code for d in r.diagnostics] == ["GS403"]


# Once a bug: cycles were searched among untraced goals only.
def test_a_cycle_among_goals_that_also_trace_is_still_a_cycle(tmp_path):
    r = check(tmp_path, join(goal("sales.a", "[sales.b, company.q3]"), goal("sales.b", "sales.a")))
    assert r.graph.cycles == [["sales.a", "sales.b"]]
    assert [d.code for d in r.diagnostics] == ["GS403"]


# --- orphans and company goals ----------------------------------------------

def test_gs402_for_a_team_goal_with_no_parent_at_its_id_line(tmp_path):
    r = check(tmp_path, join(goal("sales.a", "company.q3"), goal("sales.lonely")))
    (d,) = r.diagnostics
    assert d.code == "GS402" and d.id == "sales.lonely"
    assert where(d) == ("goals.yaml", 14, 1)  # `id:` of the second document
    assert "sales.lonely" not in r.graph.traced


def test_a_goal_with_no_team_and_no_parent_is_a_company_goal_not_an_orphan(tmp_path):
    r = check(tmp_path, goal("company.other", team=None))
    assert r.diagnostics == ()
    assert r.graph.company_goals == {"company.q3", "company.other"}


def test_gs404_when_there_is_no_company_goal_at_the_organization_kind_line(tmp_path):
    org = "# Acme's goals\n\napiVersion: goalspec/v1\nkind: Organization\nname: Acme\n"
    r = check(tmp_path, goal("sales.a", "company.gone"), company=False, org=org)
    assert r.graph.company_goals == frozenset()
    (d,) = [d for d in r.diagnostics if d.code == "GS404"]
    assert where(d) == ("goalspec.yaml", 4, 1) and d.severity.value == "error"
    assert sorted(codes(r)) == ["GS401", "GS404"]


def test_gs404_with_no_goals_at_all(tmp_path):
    r = check(tmp_path, "", company=False, extra={"goals.yaml": KPIS.replace("id: seats", "id: other")})
    d = next(d for d in r.diagnostics if d.code == "GS404")
    assert where(d) == ("goalspec.yaml", 2, 1)


# --- incentives -------------------------------------------------------------

INCENTIVE = """apiVersion: goalspec/v1
kind: Incentive
id: sales.bonus
name: Sales bonus
for: sales
pays_on:
  - {goal: company.q3, share: 0.25}
  - {goal: sales.x, share: 0.5}
  - {goal: sales.a, share: 0.25}
"""


def test_gs406_for_an_incentive_paying_on_a_goal_that_does_not_trace(tmp_path):
    r = check(tmp_path, join(goal("sales.a", "company.q3"), goal("sales.x", "sales.gone")),
              extra={"bonus.yaml": INCENTIVE})
    (d,) = [d for d in r.diagnostics if d.code == "GS406"]
    assert d.id == "sales.bonus" and "sales.x" in d.message
    assert where(d) == ("bonus.yaml", 8, 5)  # the pays_on item that names sales.x
    assert sorted(codes(r)) == ["GS401", "GS406"]


def test_gs406_at_a_plain_pays_on_item(tmp_path):
    inc = INCENTIVE.replace("  - {goal: sales.x, share: 0.5}\n", "") + "  - sales.lonely\n"
    r = check(tmp_path, join(goal("sales.a", "company.q3"), goal("sales.lonely")), extra={"bonus.yaml": inc})
    (d,) = [d for d in r.diagnostics if d.code == "GS406"]
    assert where(d) == ("bonus.yaml", 9, 5) and "sales.lonely" in d.message


def test_no_gs406_when_every_paid_goal_traces(tmp_path):
    inc = INCENTIVE.replace("sales.x", "sales.a")
    r = check(tmp_path, goal("sales.a", "company.q3"), extra={"bonus.yaml": inc})
    assert r.diagnostics == ()
    assert r.graph.graph.edges[("incentive", "sales.bonus"), (GOAL, "sales.a")]["kind"] == "pays_on"


# The walks the checker does itself agree with networkx's answers on the same graph
# (networkx is imported only when a command asks for the graph or a cycle is named).

from types import SimpleNamespace  # noqa: E402

import networkx as nx  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402


def _project(parents: dict[str, list[str]], company: set[str]):
    def model(gid):
        return SimpleNamespace(model=SimpleNamespace(title=gid, is_company_goal=gid in company, parents=parents[gid],
                                                     kpi=None, team=None, owner="ben"))
    return SimpleNamespace(teams={}, people={}, kpis={}, leads={}, incentives={},
                           goals={gid: model(gid) for gid in parents})


_IDS = [f"g{i}" for i in range(8)]


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({g: st.lists(st.sampled_from(_IDS + ["missing"]), max_size=3) for g in _IDS}),
       st.sets(st.sampled_from(_IDS), max_size=3))
def test_traced_and_cycles_agree_with_networkx(parents, company):
    g = build_graph(_project(parents, company))
    reference = nx.DiGraph()
    reference.add_nodes_from((GOAL, gid) for gid in parents)
    reference.add_edges_from(((GOAL, c), (GOAL, p)) for c, ps in parents.items() for p in ps)
    expected = set()
    for gid in company:
        expected |= {n[1] for n in nx.ancestors(reference, (GOAL, gid))} | {gid}
    assert g.traced == expected
    knots = [{n[1] for n in comp} for comp in nx.strongly_connected_components(reference)
             if len(comp) > 1 or reference.has_edge(next(iter(comp)), next(iter(comp)))]
    # One chain per knot of goals, starting at the knot's smallest id.
    assert sorted(chain[0] for chain in g.cycles) == sorted(min(k) for k in knots)
    assert all(any(set(chain) <= k for k in knots) for chain in g.cycles)
    assert set(g.goals.edges) == set(reference.edges) and set(g.goals.nodes) == set(reference.nodes)
    for gid in parents:
        assert set(g.parents(gid)) == {p[1] for p in reference.successors((GOAL, gid))}
        assert set(g.children(gid)) == {c[1] for c in reference.predecessors((GOAL, gid))}


def test_a_check_of_the_example_tree_imports_no_networkx(specs):
    import subprocess
    import sys
    code = ("import sys; from goalspec.cli import main\n"
            "try: main(['check', sys.argv[1]])\n"
            "except SystemExit: pass\n"
            "print('networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(specs)], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
