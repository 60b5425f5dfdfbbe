"""The alignment graph. Traceability, cycles and orphans are decided here.

Nodes are ``(kind, id)`` pairs: goal, kpi, team, person, lead, incentive. Edges
point from the thing that depends to what it depends on: a goal *serves* its
parents, is *measured_by* its KPI, *belongs_to* its team, is *owned_by* its
owner; an incentive *pays_on* goals and is *for* a team or person; a lead
definition is *agreed_by* teams; a KPI *counts* a lead definition. A reference
to something that is not defined still gets a node, with ``defined=False``.

The graph is kept as plain dicts and handed out as a networkx ``DiGraph`` on
request (``graph``, ``goals``): importing networkx costs more than checking a
small tree, and the questions every check asks (does this goal reach a company
goal, is there a cycle) are a walk over the parent links. networkx is imported
only when a command wants the graph itself (export, or a cycle to be named).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from goalspec.spec.validate import Project

if TYPE_CHECKING:
    import networkx as nx

GOAL, KPI, TEAM, PERSON, LEAD, INCENTIVE = "goal", "kpi", "team", "person", "lead", "incentive"
SERVES = "serves"

Node = tuple[str, str]


@dataclass(frozen=True)
class AlignmentGraph:
    project: Project
    # The goal layer: each goal's parents and children (ids, first-named order, no repeats).
    ups: dict[str, tuple[str, ...]]
    downs: dict[str, tuple[str, ...]]
    company_goals: frozenset[str]

    def parents(self, goal_id: str) -> tuple[str, ...]:
        return self.ups.get(goal_id, ())

    def children(self, goal_id: str) -> tuple[str, ...]:
        return self.downs.get(goal_id, ())

    def defined(self, node: Node) -> bool:
        kind, ident = node
        return ident in _OBJECTS.get(kind, lambda p: {})(self.project)

    @cached_property
    def nodes(self) -> dict[Node, dict]:
        """Node attributes in the order nodes were first named (made on request: a check
        asks only for the goal layer, and at 100k goals the whole graph is a tenth of its memory)."""
        return self._layers[0]

    @cached_property
    def edges(self) -> dict[tuple[Node, Node], str]:
        """Edges by (source, target) with their kind, the last one named winning, as in a networkx DiGraph."""
        return self._layers[1]

    @cached_property
    def _layers(self) -> tuple[dict[Node, dict], dict[tuple[Node, Node], str]]:
        return _nodes_and_edges(self.project)

    @cached_property
    def traced(self) -> frozenset[str]:
        """Goal ids whose parent chain reaches a company goal."""
        reached = set(self.company_goals)
        todo = list(reached)
        while todo:
            for child in self.downs.get(todo.pop(), ()):
                if child not in reached:
                    reached.add(child)
                    todo.append(child)
        return frozenset(reached)

    @cached_property
    def cycles(self) -> list[list[str]]:
        """Each parent cycle once, as goal ids in chain order from its smallest id."""
        if not self._on_or_below_cycle():
            return []
        import networkx as nx

        goals, found = self.goals, []
        # The whole goal layer is searched: a goal on a cycle may still reach a
        # company goal through another parent.
        for component in nx.strongly_connected_components(goals):
            if len(component) == 1:
                (only,) = component
                if not goals.has_edge(only, only):
                    continue
            start = min(component)
            chain, node = [start[1]], start
            sub = goals.subgraph(component)
            while True:
                node = min(sub.successors(node))
                if node == start or node[1] in chain:
                    break
                chain.append(node[1])
            found.append(chain)
        return sorted(found)

    def _on_or_below_cycle(self) -> bool:
        """Whether peeling goals with no unpeeled parent leaves any (Kahn): only a cycle stops it."""
        waiting = {g: len(ps) for g, ps in self.ups.items()}
        ready = [g for g, n in waiting.items() if n == 0]
        peeled = 0
        while ready:
            here = ready.pop()
            peeled += 1
            for child in self.downs.get(here, ()):
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
        return peeled < len(waiting)

    def chain_up(self, goal_id: str) -> list[str]:
        """One path from a goal up to a company goal (first parent by id at each step), or []."""
        path, here, seen = [goal_id], goal_id, {goal_id}
        while here not in self.company_goals:
            ups = sorted(p for p in self.parents(here) if p in self.traced and p not in seen)
            if not ups:
                return []
            here = ups[0]
            seen.add(here)
            path.append(here)
        return path

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The whole alignment graph as a networkx DiGraph (node attributes shared with ``nodes``)."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(self.nodes.items())
        g.add_edges_from((u, v, {"kind": kind}) for (u, v), kind in self.edges.items())
        return g

    @cached_property
    def goals(self) -> nx.DiGraph:
        """The goal layer of ``graph``: goal nodes and the `serves` edges only."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(((GOAL, gid), self.nodes.get((GOAL, gid), {})) for gid in self.ups)
        g.add_edges_from(((GOAL, child), (GOAL, parent)) for child, parents in self.ups.items() for parent in parents)
        return g


_OBJECTS = {GOAL: lambda p: p.goals, KPI: lambda p: p.kpis, TEAM: lambda p: p.teams, PERSON: lambda p: p.people,
            LEAD: lambda p: p.leads, INCENTIVE: lambda p: p.incentives}


def build_graph(project: Project) -> AlignmentGraph:
    ups: dict[str, dict[str, None]] = {gid: {} for gid in project.goals}
    for gid, goal in project.goals.items():
        for parent in goal.model.parents:
            ups[gid][parent] = None
            ups.setdefault(parent, {})
    downs: dict[str, dict[str, None]] = {}
    for child, parents in ups.items():
        for parent in parents:
            downs.setdefault(parent, {})[child] = None
    company = frozenset(gid for gid, goal in project.goals.items() if goal.model.is_company_goal)
    return AlignmentGraph(project, {g: tuple(p) for g, p in ups.items()}, {g: tuple(c) for g, c in downs.items()},
                          company)


def _nodes_and_edges(project: Project) -> tuple[dict[Node, dict], dict[tuple[Node, Node], str]]:
    nodes: dict[Node, dict] = {}
    edges: dict[tuple[Node, Node], str] = {}

    def node(kind: str, ident: str, **attrs) -> Node:
        key = (kind, ident)
        if key not in nodes:
            nodes[key] = {"defined": False}
        if attrs:
            nodes[key].update(attrs)
        return key

    def edge(source: Node, target: Node, kind: str) -> None:
        edges[(source, target)] = kind  # a repeated edge counts once, with the last kind

    def party(ident: str) -> Node:
        return node(TEAM if ident in project.teams else PERSON, ident)

    for tid, team in project.teams.items():
        node(TEAM, tid, defined=True, label=team.model.name)
        edge(node(TEAM, tid), node(PERSON, team.model.lead), "led_by")
    for pid, person in project.people.items():
        node(PERSON, pid, defined=True, label=person.model.name)
    for tid, team in project.teams.items():
        for member in team.model.members:
            edge(node(PERSON, member.id), node(TEAM, tid), "member_of")
    for kid, kpi in project.kpis.items():
        k = node(KPI, kid, defined=True, label=kpi.model.name)
        edge(k, party(kpi.model.owner), "owned_by")
        source = kpi.model.source
        if source is not None and source.type == "leads" and source.definition:
            edge(k, node(LEAD, source.definition), "counts")
    for gid, goal in project.goals.items():
        m = goal.model
        n = node(GOAL, gid, defined=True, label=m.title, company=m.is_company_goal)
        for parent in m.parents:
            edge(n, node(GOAL, parent), SERVES)
        if m.kpi:
            edge(n, node(KPI, m.kpi), "measured_by")
        if m.team:
            edge(n, node(TEAM, m.team), "belongs_to")
        edge(n, party(m.owner), "owned_by")
    for lid, lead in project.leads.items():
        n = node(LEAD, lid, defined=True, label=lead.model.name)
        for team in lead.model.agreed_by:
            edge(n, node(TEAM, team), "agreed_by")
    for iid, inc in project.incentives.items():
        n = node(INCENTIVE, iid, defined=True, label=inc.model.name)
        edge(n, party(inc.model.for_), "for")
        for goal_id in inc.model.goals:
            edge(n, node(GOAL, goal_id), "pays_on")
    return nodes, edges
