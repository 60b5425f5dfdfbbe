"""Team goals rolled up into the goal they serve: weighted, equal by default, nested, never 0% for
"no data"; `status` shows it as JSON and as a tree."""

import json
from datetime import date

import pytest
from click.testing import CliRunner

from goalspec.check import run
from goalspec.cli import main

ORG = "apiVersion: goalspec/v1\nkind: Organization\nname: Acme\n"
TEAM = "apiVersion: goalspec/v1\nkind: Team\nid: t\nname: T\nlead: p\nmembers: [{id: p, name: P}]\n"
KPI = ("apiVersion: goalspec/v1\nkind: KPI\nid: {k}\nname: {k}\nunit: seats\nowner: p\naggregation: sum\n"
       "source: {{type: checkins}}\n")


def goal(gid, kpi, target=100, parent=None, weight=None):
    lines = [f"apiVersion: goalspec/v1\nkind: Goal\nid: {gid}\ntitle: Sell {target} seats\nowner: p",
             f"kpi: {kpi}\ntarget: {{value: {target}}}\ndeadline: 2026-Q3"]
    lines += [f"team: t\nparent: {parent}"] if parent else []
    lines += [f"weight: {weight}"] if weight is not None else []
    return "\n".join(lines) + "\n"


def tree(tmp_path, goals, values):
    kpis = sorted({g.split("kpi: ")[1].split("\n")[0] for g in goals})
    checkins = [f"apiVersion: goalspec/v1\nkind: CheckIn\nkpi: {k}\nby: p\nvalues: {{{v}}}\n" for k, v in values.items()]
    (tmp_path / "goalspec.yaml").write_text(ORG)
    (tmp_path / "specs.yaml").write_text("---\n".join([TEAM, *(KPI.format(k=k) for k in kpis), *goals, *checkins]))
    return tmp_path


def test_children_roll_up_by_weight(tmp_path):
    t = tree(tmp_path, [goal("c", "a"), goal("x", "b", parent="c", weight=0.75), goal("y", "d", parent="c", weight=0.25)],
             {"b": "2026-07-10: 100", "d": "2026-07-10: 20"})
    up = run(t, date(2026, 8, 15)).context.rollups["c"]
    assert up.progress == pytest.approx(0.75 * 1.0 + 0.25 * 0.2)
    assert [(c.goal, c.weight, c.status) for c in up.children] == [("x", 0.75, "achieved"), ("y", 0.25, "behind")]


def test_weights_left_out_split_equally_and_unmeasured_children_do_not_count_as_zero(tmp_path):
    t = tree(tmp_path, [goal("c", "a"), goal("x", "b", parent="c"), goal("y", "d", parent="c"),
                        goal("z", "e", parent="c")],
             {"b": "2026-07-10: 60", "d": "2026-07-10: 40"})
    up = run(t, date(2026, 8, 15)).context.rollups["c"]
    assert [c.weight for c in up.children] == pytest.approx([1 / 3] * 3)
    assert up.progress == pytest.approx(0.5)  # z has no data: left out, not counted as 0%
    assert up.children[2].status == "no data"


def test_nested_goals_roll_up_through_a_goal_without_data(tmp_path):
    t = tree(tmp_path, [goal("c", "a"), goal("mid", "m", parent="c"), goal("leaf", "b", parent="mid")],
             {"b": "2026-07-10: 100"})
    rolled = run(t, date(2026, 8, 15)).context.rollups
    assert rolled["mid"].progress == 1.0 and rolled["c"].progress == 1.0
    assert rolled["c"].children[0].status == "achieved"


def test_status_json_and_text_show_the_rollup(tmp_path):
    t = tree(tmp_path, [goal("c", "a"), goal("x", "b", parent="c", weight=0.5), goal("y", "d", parent="c", weight=0.5)],
             {"a": "2026-07-10: 50", "b": "2026-07-10: 100", "d": "2026-07-10: 20"})
    out = CliRunner().invoke(main, ["status", str(t), "--today", "2026-08-15", "--format", "json"]).output
    rows = {r["goal"]: r for r in json.loads(out)["goals"]}
    assert rows["x"]["rollup"] is None
    up = rows["c"]["rollup"]
    assert up["progress"] == pytest.approx(0.6) and up["status"] == "behind"  # half its weight is behind
    assert up["children"] == [{"goal": "x", "weight": 0.5, "progress": 1.0, "status": "achieved"},
                              {"goal": "y", "weight": 0.5, "progress": pytest.approx(0.2), "status": "behind"}]
    text = CliRunner().invoke(main, ["status", str(t), "--today", "2026-08-15"]).output.splitlines()
    assert [line.split()[0] for line in text[2:6]] == ["c", "↳", "x", "y"]
    assert text[3].startswith("  ↳ 2 goals rolled up") and text[4].startswith("  x ")
    assert "c: 1 behind · 1 achieved" in text
    flat = CliRunner().invoke(main, ["status", str(t), "--today", "2026-08-15", "--sort", "progress"]).output
    assert "rolled up" not in flat


def test_the_rollup_is_never_better_than_the_children_carrying_half_its_weight(tmp_path):
    """Two team goals at risk (their forecasts miss) while their weighted progress keeps pace."""
    strong_start = "2026-07-06: 370, 2026-07-16: 2, 2026-07-26: 2, 2026-08-05: 2, 2026-08-14: 2"
    t = tree(tmp_path, [goal("c", "a"), goal("x", "b", 1100, parent="c"), goal("y", "d", 1100, parent="c")],
             {"b": strong_start, "d": strong_start})
    result = run(t, date(2026, 8, 15))
    assert {c.status for c in result.context.rollups["c"].children} == {"at risk"}
    assert result.context.rollups["c"].status == "at risk"


def test_an_incentive_earns_its_goals_progress_weighted_by_share(tmp_path):
    from goalspec.data.rollup import earned

    t = tree(tmp_path, [goal("c", "a"), goal("x", "b", parent="c"), goal("y", "d", parent="c")],
             {"a": "2026-07-10: 50", "b": "2026-07-10: 100"})
    (t / "bonus.yaml").write_text("apiVersion: goalspec/v1\nkind: Incentive\nid: bonus\nname: Bonus\nfor: t\n"
                                  "pays_on: [{goal: c, share: 0.25}, {goal: x, share: 0.5}, {goal: y}]\n")
    result = run(t, date(2026, 8, 15))
    e = earned(result.context.project, result.context.progress, "bonus")
    # c is half way (0.25 × 0.5), x is met (0.5 × 1), y has no data: counted 0, and named.
    assert e.share == pytest.approx(0.125 + 0.5) and e.measured == pytest.approx(0.75)
    assert e.unmeasured == ("y",)


def _one_by_one(result) -> dict:
    """Each goal's roll-up asked for alone, each time of a context that has made none yet."""
    from dataclasses import replace

    return {gid: replace(result.context).rollup(gid) for gid in sorted(result.project.goals)}


def test_one_goal_s_roll_up_is_the_one_every_roll_up_gives(tmp_path):
    from paths import SPECS

    t = tree(tmp_path, [goal("c", "a"), goal("mid", "m", parent="c", weight=2), goal("leaf", "b", parent="mid"),
                        goal("other", "d", parent="mid"), goal("y", "e", parent="c")],
             {"b": "2026-07-10: 100", "d": "2026-07-10: 20", "e": "2026-07-10: 70"})
    for result in (run(t, date(2026, 8, 15)), run(SPECS, date(2026, 12, 1))):
        assert not result.graph.cycles
        full = result.context.rollups
        assert _one_by_one(result) == {gid: full.get(gid) for gid in sorted(result.project.goals)}
        assert any(up is not None for up in full.values())


def test_with_a_cycle_one_goal_s_roll_up_is_cut_where_every_roll_up_cuts_it(tmp_path):
    # a1 -> b1 -> c1 -> a1, none of them measured: a walk from c cuts the cycle at a1 (c1 sees no
    # figure from it), a walk from c1 at c1 (and a1 then has d1's); the site must show the first.
    goals = [goal("c", "a"), goal("a1", "m", parent="c"), goal("b1", "n", parent="a1"),
             goal("c1", "o", parent="b1"), goal("d1", "b", parent="a1")]
    goals[1] = goals[1].replace("parent: c", "parent: [c, c1]")
    result = run(tree(tmp_path, goals, {"b": "2026-07-10: 100"}), date(2026, 8, 15))
    assert result.graph.cycles
    full = result.context.rollups
    assert _one_by_one(result) == {gid: full.get(gid) for gid in sorted(result.project.goals)}


def test_rolling_up_leaves_no_reference_cycle(specs):
    """Builds run without the cyclic collector (spec/memory.py): a roll-up (or a trace, or a status
    tree) that left a cycle behind kept every day's progress of the weekly updates alive until the
    build ended. None of them leaves one."""
    import gc

    from goalspec.data.rollup import rollups, serving
    from goalspec.report.status import rows
    from goalspec.report.trace import chains
    from goalspec.report.status import _as_tree

    result = run(specs, date(2026, 12, 1))
    ctx = result.context
    gc.collect()
    gc.disable()
    try:
        found = rollups(result.project, ctx.progress, ctx.today, serving(result.project))
        paths = [chains(result, gid) for gid in result.project.goals]
        placed = _as_tree(result, rows(result))
        assert found and any(len(p) > 1 for path in paths for p in path) and placed
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_no_function_calls_itself_through_a_closure():
    """The same, for the code to come: a nested function that calls itself is a cycle (its cell
    holds it), kept with all it refers to while the cyclic collector is off."""
    import ast
    from pathlib import Path

    import goalspec

    found = []
    for path in Path(goalspec.__file__).parent.rglob("*.py"):
        for outer in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(outer):
                if inner is not outer and isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                        isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == inner.name
                        for c in ast.walk(inner)):
                    found.append(f"{path.name}: {outer.name}.{inner.name}")
    assert found == []
