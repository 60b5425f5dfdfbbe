"""Generate a synthetic, valid spec tree of N goals for benchmarks.

The tree looks like a large company's: ~N/100 company goals, each with team
goals four levels deep below it; people and teams grow with the goals (one team
of 10 people per 40 goals, at least 5 teams); one KPI per team and level, a lead
definition, an incentive per team, and a year of weekly check-ins per KPI. Output is deterministic for a given N and seed, and `goalspec check`
finds no error in it (with --today 2027-01-15; the random data leaves some
goals behind pace, so there are GS502/GS503 warnings, as in a real company).

    python bench/gen_tree.py --goals 10000 --out /tmp/tree10k
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

GOALS_PER_TEAM = 40
PEOPLE_PER_TEAM = 10
GOALS_PER_FILE = 100
DEPTH = 4


def _doc(lines: list[str]) -> str:
    return "apiVersion: goalspec/v1\n" + "\n".join(lines) + "\n"


def generate(n_goals: int, out: Path, seed: int = 7, kpi_per_goal: bool = False) -> None:
    """kpi_per_goal gives every goal a KPI of its own with a year of weekly check-ins."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "teams").mkdir(parents=True)
    (out / "kpis").mkdir()
    (out / "checkins").mkdir()
    (out / "goalspec.yaml").write_text(_doc(["kind: Organization", "name: Bench Corp", "fiscal_year_start: 4"]))

    teams = [f"team-{t:04d}" for t in range(max(5, n_goals // GOALS_PER_TEAM))]
    people = {t: [f"p{t[5:]}-{i}" for i in range(PEOPLE_PER_TEAM)] for t in teams}
    for t in teams:
        members = "\n".join(f"  - {{id: {p}, name: Person {p}, email: {p}@bench.example}}" for p in people[t])
        (out / "teams" / f"{t}.yaml").write_text(
            _doc([f"kind: Team", f"id: {t}", f"name: Team {t}", f"lead: {people[t][0]}", "members:", members]))

    kpis = [(t, f"kpi-{t[5:]}-{level}") for t in teams for level in range(DEPTH + 1)]
    kpi_docs, checkin_docs = [], []
    start = date(2026, 1, 5)
    for team, k in kpis:
        owner = people[team][1]
        kpi_docs.append(_doc([
            "kind: KPI", f"id: {k}", f"name: Measure {k}", "unit: seats", "direction: increase",
            "aggregation: sum", f"owner: {owner}", "cadence: weekly", "source: {type: checkins}",
        ]))
        weeks = "\n".join(f"  {start + timedelta(weeks=w)}: {rng.randint(10, 500)}" for w in range(52))
        checkin_docs.append(_doc(["kind: CheckIn", f"kpi: {k}", f"by: {owner}", "values:", weeks]))
    (out / "kpis" / "kpis.yaml").write_text("---\n".join(kpi_docs))
    for i in range(0, len(checkin_docs), 25):
        (out / "checkins" / f"checkins-{i // 25:03d}.yaml").write_text("---\n".join(checkin_docs[i:i + 25]))

    goals = _goal_docs(n_goals, teams, people, rng)
    if kpi_per_goal:
        goals = _own_kpis(goals, out, teams, people, rng, start)
    for i in range(0, len(goals), GOALS_PER_FILE):
        folder = out / "goals" / f"part-{i // (GOALS_PER_FILE * 50):03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"goals-{i // GOALS_PER_FILE:05d}.yaml").write_text("---\n".join(goals[i:i + GOALS_PER_FILE]))

    companies = [g for g in range(max(1, n_goals // 100))]
    (out / "shared.yaml").write_text("---\n".join([
        _doc(["kind: LeadDefinition", "id: sql", "name: Sales-qualified lead", "stage: SQL",
              f"agreed_by: [{teams[0]}, {teams[1]}]", f"handed_to: {teams[1]}", "follow_up_within: 2d",
              "criteria:", "  all:", "    - {field: seats, op: gte, value: 250}",
              "    - {field: company_type, op: in, value: [MSP, VAR]}"]),
        *(_doc(["kind: Incentive", f"id: bonus-{t}", f"name: Bonus {t}", f"for: {t}",
                f"pays_on: [{{goal: company.g{companies[i % len(companies)]}, share: 1}}]", "period: FY2027"])
          for i, t in enumerate(teams)),
    ]))


def _goal_docs(n_goals: int, teams: list[str], people: dict[str, list[str]], rng: random.Random) -> list[str]:
    """Company goals first, then levels 1-4 below them, each goal under one at the level above."""
    n_company = max(1, n_goals // 100)
    per_level = (n_goals - n_company) // DEPTH
    levels = [[f"company.g{i}" for i in range(n_company)]]
    docs = []
    for gid in levels[0]:
        value = rng.randint(1000, 90000)
        docs.append(_doc(["kind: Goal", f"id: {gid}", f"title: Sell {value} seats by the end of FY2027",
                          f"owner: {people[teams[0]][0]}", f"kpi: kpi-{teams[0][5:]}-0", f"target: {{value: {value}}}",
                          "deadline: FY2027", "tags: [company]",
                          "description: |", "  Why this matters: **seats** are what we sell."]))
    for level in range(1, DEPTH + 1):
        count = per_level if level < DEPTH else n_goals - n_company - per_level * (DEPTH - 1)
        ids = []
        for i in range(count):
            team = teams[(i + level) % len(teams)]
            parent = levels[level - 1][i % len(levels[level - 1])]
            gid = f"{team}.l{level}-{i}"
            value = rng.randint(10, 9000)
            deadline = ["FY2027", "FY2027-H2", "FY2027-Q4", "2027-03-31"][level - 1]
            docs.append(_doc([
                "kind: Goal", f"id: {gid}", f"title: Close {value} seats through partners by {deadline}",
                f"owner: {rng.choice(people[team])}", f"team: {team}", f"parent: {parent}",
                f"kpi: kpi-{team[5:]}-{level}", f"target: {{value: {value}}}", f"deadline: {deadline}",
                f"weight: {rng.choice([0.25, 0.5, 1])}", "tags: [bench]",
            ]))
            ids.append(gid)
        levels.append(ids)
    return docs


def _own_kpis(goals: list[str], out: Path, teams: list[str], people, rng: random.Random, start: date) -> list[str]:
    """Point each goal at a KPI of its own, and give that KPI 52 weekly values."""
    docs, checkins, rewritten = [], [], []
    for i, goal in enumerate(goals):
        kid = f"gk-{i}"
        owner = people[teams[0]][i % PEOPLE_PER_TEAM]
        docs.append(_doc(["kind: KPI", f"id: {kid}", f"name: Measure of goal {i}", "unit: seats", "aggregation: sum",
                          f"owner: {owner}", "cadence: weekly", "source: {type: checkins}"]))
        weeks = "\n".join(f"  {start + timedelta(weeks=w)}: {rng.randint(10, 500)}" for w in range(52))
        checkins.append(_doc(["kind: CheckIn", f"kpi: {kid}", f"by: {owner}", "values:", weeks]))
        rewritten.append("\n".join(f"kpi: {kid}" if line.startswith("kpi: ") else line for line in goal.split("\n")))
    (out / "kpis" / "own").mkdir()
    for i in range(0, len(docs), GOALS_PER_FILE):
        (out / "kpis" / "own" / f"kpis-{i // GOALS_PER_FILE:05d}.yaml").write_text("---\n".join(docs[i:i + GOALS_PER_FILE]))
        (out / "checkins" / f"own-{i // GOALS_PER_FILE:05d}.yaml").write_text("---\n".join(checkins[i:i + GOALS_PER_FILE]))
    return rewritten


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kpi-per-goal", action="store_true", help="a KPI with a year of weekly check-ins per goal")
    args = parser.parse_args()
    generate(args.goals, args.out, args.seed, args.kpi_per_goal)


if __name__ == "__main__":
    main()
