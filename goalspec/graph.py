"""The alignment graph. Traceability, cycles and orphans are decided here.

Nodes are ``(kind, id)`` pairs: goal, kpi, team, person, lead, incentive. Edges
point from the thing that depends to what it depends on: a goal *serves* its
parents, is *measured_by* its KPI, *belongs_to* its team, is *owned_by* its
owner; an incentive *pays_on* goals and is *for* a team or person; a lead
definition is *agreed_by* teams; a KPI *counts* a lead definition. A reference
to something that is not defined still gets a node, with ``defined=False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from goalspec.spec.validate import Project

GOAL, KPI, TEAM, PERSON, LEAD, INCENTIVE = "goal", "kpi", "team", "person", "lead", "incentive"
SERVES = "serves"


@dataclass(frozen=True)
class AlignmentGraph:
    graph: nx.DiGraph
    # The goal layer of ``graph``: goal nodes (sharing their attribute dicts) and
    # the `serves` edges only. Traceability questions are asked of this one.
    goals: nx.DiGraph

    @cached_property
    def company_goals(self) -> frozenset[str]:
        return frozenset(n[1] for n, d in self.goals.nodes(data=True) if d.get("company"))

    @cached_property
    def traced(self) -> frozenset[str]:
        """Goal ids whose parent chain reaches a company goal."""
        reached: set = set()
        for company in self.company_goals:
            node = (GOAL, company)
            reached.add(node)
            reached.update(nx.ancestors(self.goals, node))
        return frozenset(n[1] for n in reached)

    @cached_property
    def cycles(self) -> list[list[str]]:
        """Each parent cycle once, as goal ids in chain order from its smallest id."""
        found = []
        # The whole goal layer is searched: a goal on a cycle may still reach a
        # company goal through another parent.
        for component in nx.strongly_connected_components(self.goals):
            if len(component) == 1:
                (only,) = component
                if not self.goals.has_edge(only, only):
                    continue
            start = min(component)
            chain, node = [start[1]], start
            sub = self.goals.subgraph(component)
            while True:
                node = min(sub.successors(node))
                if node == start or node[1] in chain:
                    break
                chain.append(node[1])
            found.append(chain)
        return sorted(found)

    def chain_up(self, goal_id: str) -> list[str]:
        """One path from a goal up to a company goal (first parent by id at each step), or []."""
        path, node, seen = [goal_id], (GOAL, goal_id), {goal_id}
        while node[1] not in self.company_goals:
            ups = sorted(p for p in self.goals.successors(node) if p[1] in self.traced and p[1] not in seen)
            if not ups:
                return []
            node = ups[0]
            seen.add(node[1])
            path.append(node[1])
        return path


def build_graph(project: Project) -> AlignmentGraph:
    g, goals = nx.DiGraph(), nx.DiGraph()
    goals.add_nodes_from((GOAL, gid) for gid in project.goals)

    def node(kind: str, ident: str, **attrs) -> tuple[str, str]:
        key = (kind, ident)
        if key not in g:
            g.add_node(key, defined=False)
        if attrs:
            g.nodes[key].update(attrs)
        return key

    def party(ident: str) -> tuple[str, str]:
        return node(TEAM if ident in project.teams else PERSON, ident)

    for tid, team in project.teams.items():
        node(TEAM, tid, defined=True, label=team.model.name)
        g.add_edge(node(TEAM, tid), node(PERSON, team.model.lead), kind="led_by")
    for pid, person in project.people.items():
        node(PERSON, pid, defined=True, label=person.model.name)
    for tid, team in project.teams.items():
        for member in team.model.members:
            g.add_edge(node(PERSON, member.id), node(TEAM, tid), kind="member_of")
    for kid, kpi in project.kpis.items():
        k = node(KPI, kid, defined=True, label=kpi.model.name)
        g.add_edge(k, party(kpi.model.owner), kind="owned_by")
        source = kpi.model.source
        if source is not None and source.type == "leads" and source.definition:
            g.add_edge(k, node(LEAD, source.definition), kind="counts")
    for gid, goal in project.goals.items():
        m = goal.model
        n = node(GOAL, gid, defined=True, label=m.title, company=m.is_company_goal)
        for parent in m.parents:
            g.add_edge(n, node(GOAL, parent), kind=SERVES)
            goals.add_edge(n, (GOAL, parent))
        if m.kpi:
            g.add_edge(n, node(KPI, m.kpi), kind="measured_by")
        if m.team:
            g.add_edge(n, node(TEAM, m.team), kind="belongs_to")
        g.add_edge(n, party(m.owner), kind="owned_by")
    for lid, lead in project.leads.items():
        n = node(LEAD, lid, defined=True, label=lead.model.name)
        for team in lead.model.agreed_by:
            g.add_edge(n, node(TEAM, team), kind="agreed_by")
    for iid, inc in project.incentives.items():
        n = node(INCENTIVE, iid, defined=True, label=inc.model.name)
        g.add_edge(n, party(inc.model.for_), kind="for")
        for goal_id in inc.model.goals:
            g.add_edge(n, node(GOAL, goal_id), kind="pays_on")
    for key in goals:
        goals.nodes[key].update(g.nodes[key])
    return AlignmentGraph(g, goals)
