"""`goalspec graph`: the alignment graph as JSON (node-link), Graphviz dot or Mermaid."""

from __future__ import annotations

import json

from goalspec.graph import AlignmentGraph


def _key(node: tuple[str, str]) -> str:
    return f"{node[0]}:{node[1]}"


def _nodes(g: AlignmentGraph):
    return sorted(g.graph.nodes(data=True), key=lambda item: item[0])


def _edges(g: AlignmentGraph):
    return sorted(g.graph.edges(data="kind"), key=lambda e: (e[0], e[1], e[2] or ""))


def export(g: AlignmentGraph, fmt: str) -> str:
    if fmt == "json":
        doc = {
            "nodes": [{"id": _key(n), "kind": n[0], "key": n[1], **{k: v for k, v in sorted(d.items())}}
                      for n, d in _nodes(g)],
            "edges": [{"source": _key(u), "target": _key(v), "kind": k} for u, v, k in _edges(g)],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "dot":
        lines = ["digraph goalspec {", "  rankdir=BT;"]
        for n, d in _nodes(g):
            label = _dot(n[1]) + (f"\\n{_dot(d['label'])}" if d.get("label") else "")
            style = ", style=dashed" if not d.get("defined") else ""
            lines.append(f'  "{_dot(_key(n))}" [label="{label}", shape={_SHAPES[n[0]]}{style}];')
        for u, v, k in _edges(g):
            lines.append(f'  "{_dot(_key(u))}" -> "{_dot(_key(v))}" [label="{k}"];')
        lines.append("}")
        return "\n".join(lines) + "\n"
    if fmt == "mermaid":
        ids = {n: f"n{i}" for i, (n, _) in enumerate(_nodes(g))}
        lines = ["flowchart BT"]
        for n, d in _nodes(g):
            text = f"{n[0]}: {n[1]}" + (f" — {d['label']}" if d.get("label") else "")
            lines.append(f'  {ids[n]}["{_mermaid(text)}"]')
        for u, v, k in _edges(g):
            lines.append(f"  {ids[u]} -->|{k}| {ids[v]}")
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown graph format {fmt!r}")


_SHAPES = {"goal": "box", "kpi": "ellipse", "team": "folder", "person": "oval", "lead": "note", "incentive": "hexagon"}


def _dot(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _mermaid(text: str) -> str:
    return str(text).replace('"', "#quot;").replace("\n", " ")
