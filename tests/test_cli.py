"""The command line: help, rules, explain, trace, graph."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec import __version__
from goalspec.cli import main
from goalspec.rules import CODES, RULES

BASE = Path(__file__).parent / "rules" / "base"
runner = CliRunner()


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(BASE, root)
    (root / "more.yaml").write_text(
        "apiVersion: goalspec/v1\nkind: Goal\nid: sales.orphan\ntitle: Close 5 seats\nowner: ben\n"
        "team: sales\nparent: company.gone\nkpi: seats\ntarget: {value: 5}\ndeadline: 2026-Q3\n---\n"
        "apiVersion: goalspec/v1\nkind: Goal\nid: sales.q3-north\ntitle: Close 400 seats in the north\n"
        "owner: ana\nteam: sales\nparent: [sales.q3, sales.orphan]\nkpi: seats\ntarget: {value: 400}\n"
        "deadline: 2026-Q3\n")
    return root


def test_version():
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", [[], ["check"], ["trace"], ["graph"], ["rules"], ["explain"]])
def test_help_has_an_example(command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output


def test_rules_lists_every_rule():
    lines = runner.invoke(main, ["rules"]).output.splitlines()
    assert [line.split()[0] for line in lines] == list(CODES)
    for line, code in zip(lines, CODES):
        assert line.split()[1] == RULES[code].severity.value and RULES[code].summary in line


@pytest.mark.parametrize("code", ["GS101", "gs101"])
def test_explain(code):
    result = runner.invoke(main, ["explain", code])
    assert result.exit_code == 0
    assert result.output.startswith("GS101 (error): Goal title is vague")
    assert "*Anti-pattern*" in result.output and "*Best practice*" in result.output


def test_explain_unknown_code():
    result = runner.invoke(main, ["explain", "GS999"])
    assert result.exit_code == 2 and "no rule GS999" in result.output


def test_trace_shows_the_chain(tree):
    result = runner.invoke(main, ["trace", "sales.q3", str(tree)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("sales.q3: Close 900 seats by the end of Q3  [team sales; owner ben")
    assert "└─ serves company.q3: Sell 1100 seats" in result.output
    assert result.output.rstrip().endswith("sales.q3 traces to a company goal")


def test_trace_with_two_parents_shows_both_branches(tree):
    result = runner.invoke(main, ["trace", "sales.q3-north", str(tree), "--format", "json"])
    doc = json.loads(result.output)
    assert result.exit_code == 0 and doc["traces"] is True
    assert [[step["id"] for step in chain] for chain in doc["chains"]] == [
        ["sales.q3-north", "sales.orphan", "company.gone"],
        ["sales.q3-north", "sales.q3", "company.q3"],
    ]
    assert doc["chains"][0][-1] == {"id": "company.gone", "defined": False}


def test_trace_of_a_goal_that_does_not_reach_a_company_goal(tree):
    result = runner.invoke(main, ["trace", "sales.orphan", str(tree)])
    assert result.exit_code == 1
    assert "company.gone  (not defined)" in result.output and "does not trace" in result.output


def test_trace_unknown_goal(tree):
    result = runner.invoke(main, ["trace", "sales.q4", str(tree)])
    assert result.exit_code == 2 and "did you mean `sales.q3`" in result.output.lower()


def test_graph_json(tree):
    result = runner.invoke(main, ["graph", str(tree)])
    doc = json.loads(result.output)
    edges = {(e["source"], e["target"], e["kind"]) for e in doc["edges"]}
    assert ("goal:sales.q3", "goal:company.q3", "serves") in edges
    assert ("goal:sales.q3", "kpi:seats", "measured_by") in edges
    assert ("goal:sales.q3", "team:sales", "belongs_to") in edges
    assert ("goal:sales.q3", "person:ben", "owned_by") in edges
    assert ("person:ana", "team:sales", "member_of") in edges
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert nodes["goal:company.q3"]["company"] is True and nodes["goal:company.gone"]["defined"] is False
    assert [n["id"] for n in doc["nodes"]] == sorted(nodes)


def test_graph_dot_and_mermaid(tree):
    dot = runner.invoke(main, ["graph", str(tree), "--format", "dot"]).output
    assert dot.startswith("digraph goalspec {") and dot.rstrip().endswith("}")
    assert '"goal:sales.q3" -> "goal:company.q3" [label="serves"];' in dot
    assert '"goal:company.gone" [label="company.gone", shape=box, style=dashed];' in dot
    mermaid = runner.invoke(main, ["graph", str(tree), "--format", "mermaid"]).output
    assert mermaid.startswith("flowchart BT\n")
    assert "-->|serves|" in mermaid


def test_graph_escapes_quotes(tmp_path):
    root = tmp_path / "t"
    shutil.copytree(BASE, root)
    goals = (root / "goals.yaml").read_text().replace("Sell 1100 seats by the end of Q3", "'Sell 1100 \"big\" seats'")
    (root / "goals.yaml").write_text(goals)
    dot = runner.invoke(main, ["graph", str(root), "--format", "dot"]).output
    assert 'Sell 1100 \\"big\\" seats' in dot
    mermaid = runner.invoke(main, ["graph", str(root), "--format", "mermaid"]).output
    assert "Sell 1100 #quot;big#quot; seats" in mermaid


@pytest.mark.parametrize("fmt", ["json", "dot", "mermaid"])
def test_graph_is_byte_identical(tree, fmt):
    outputs = {runner.invoke(main, ["graph", str(tree), "--format", fmt]).output for _ in range(2)}
    assert len(outputs) == 1


def test_internal_errors_exit_2_without_a_traceback(tree, monkeypatch):
    import goalspec.check

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(goalspec.check, "run", boom)
    result = runner.invoke(main, ["check", str(tree)])
    assert result.exit_code == 2
    assert "internal error" in result.output and "Traceback" not in result.output
