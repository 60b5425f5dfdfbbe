"""The small spec tree that the CLI, report and graph tests build on, and a writer for trees."""

from pathlib import Path

ORG = "apiVersion: goalspec/v1\nkind: Organization\nname: Acme\n"
TEAMS = """apiVersion: goalspec/v1
kind: Team
id: sales
name: Sales
lead: ana
members:
  - {id: ana, name: Ana}
  - {id: ben, name: Ben}
---
apiVersion: goalspec/v1
kind: Team
id: marketing
name: Marketing
lead: cleo
members:
  - {id: cleo, name: Cleo}
"""
KPIS = """apiVersion: goalspec/v1
kind: KPI
id: seats
name: Seats sold
unit: seats
direction: increase
owner: ana
cadence: monthly
source: {type: checkins}
"""
GOALS = """apiVersion: goalspec/v1
kind: Goal
id: company.q3
title: Sell 1100 seats by the end of Q3
owner: ana
kpi: seats
target: {value: 1100}
deadline: 2026-Q3
---
apiVersion: goalspec/v1
kind: Goal
id: sales.q3
title: Close 1100 seats by the end of Q3
owner: ben
team: sales
parent: company.q3
kpi: seats
target: {value: 1100}
deadline: 2026-Q3
"""
BASE = {"goalspec.yaml": ORG, "teams.yaml": TEAMS, "kpis.yaml": KPIS, "goals.yaml": GOALS}
COMPANY = GOALS.split("---\n")[0]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: yaml text} under root, in the dict's order; return root."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def files(folder: Path) -> dict[str, bytes]:
    """Every file below a folder with its bytes, by path relative to it: two builds compare equal."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
