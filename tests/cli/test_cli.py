"""The command line: help, rules, explain, trace, graph.

Every test builds its own small spec tree in tmp_path.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec import __version__
from goalspec.cli import main
from goalspec.rules import CODES, RULES
from trees import BASE, write_tree

TODAY = "2026-08-01"


def goal(gid: str, parent: str, title: str, owner: str = "ben", team: str = "sales", target: int = 900) -> str:
    return (f"apiVersion: goalspec/v1\nkind: Goal\nid: {gid}\ntitle: {title}\nowner: {owner}\nteam: {team}\n"
            f"parent: {parent}\nkpi: seats\ntarget: {{value: {target}}}\ndeadline: 2026-Q3\n")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def tree(tmp_path) -> Path:
    return write_tree(tmp_path / "specs", BASE)


@pytest.fixture
def wider(tmp_path) -> Path:
    """The base tree plus a goal whose parent is missing and a goal serving two parents."""
    return write_tree(tmp_path / "wide", {
        **BASE,
        "more.yaml": goal("sales.orphan", "company.gone", "Close 5 seats") + "---\n"
        + goal("sales.q3-north", "[sales.q3, sales.orphan]", "Close 400 seats in the north", owner="ana", target=400),
        "deep/marketing.yaml": goal("marketing.calls", "sales.q3-north", "Book 120 calls", owner="cleo",
                                    team="marketing", target=120),
    })


def test_base_tree_checks_clean(tree):
    result = invoke("check", tree, "--today", TODAY)
    assert result.exit_code == 0 and result.stdout.startswith("no problems")


# --- help -------------------------------------------------------------------

def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_top_level_help_has_an_example_and_lists_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    for name in ("check", "trace", "graph", "rules", "explain"):
        assert name in result.stdout


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_help_has_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    # the example is a real invocation of this command
    assert re.search(rf"^\s+goalspec {re.escape(command)}\b", result.stdout, re.MULTILINE), result.stdout


def test_the_commands_of_the_contract_exist():
    assert {"check", "trace", "graph", "rules", "explain"} <= set(main.commands)


# --- rules ------------------------------------------------------------------

def test_rules_lists_every_code_with_its_severity():
    result = invoke("rules")
    assert result.exit_code == 0
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert set(CODES) <= set(rows)
    for code in CODES:
        fields = rows[code].split()
        assert fields[1] == RULES[code].severity.value
        assert RULES[code].summary in rows[code]


def test_rules_are_listed_in_code_order():
    listed = [line.split()[0] for line in invoke("rules").stdout.splitlines() if line.strip()]
    assert [c for c in listed if c in CODES] == list(CODES)


# --- explain ----------------------------------------------------------------

@pytest.mark.parametrize("code", ["GS101", "gs101", "Gs101"])
def test_explain(code):
    result = invoke("explain", code)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("GS101 (error): ")
    assert RULES["GS101"].summary in out
    assert "*Anti-pattern*" in out and "*Best practice*" in out
    assert out.index("*Anti-pattern*") < out.index("*Best practice*")


def test_explain_lower_case_gives_the_same_text():
    assert invoke("explain", "gs101").stdout == invoke("explain", "GS101").stdout


@pytest.mark.parametrize("code", sorted(CODES))
def test_explain_every_rule(code):
    result = invoke("explain", code)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{code} ({RULES[code].severity.value}): {RULES[code].summary}")


def test_explain_unknown_code_exits_2():
    result = invoke("explain", "GS999")
    assert result.exit_code == 2
    assert "GS999" in result.output and result.stdout == ""


def test_explain_near_miss_suggests_a_code():
    result = invoke("explain", "GS10")
    assert result.exit_code == 2 and re.search(r"did you mean GS10\d", result.output, re.IGNORECASE)


# --- trace ------------------------------------------------------------------

def test_trace_prints_the_chain_to_the_company_goal(tree):
    result = invoke("trace", "sales.q3", tree)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("sales.q3: Close 1100 seats by the end of Q3")
    assert "team sales" in lines[0] and "owner ben" in lines[0]
    (serves,) = [line for line in lines if "company.q3" in line]
    assert "serves company.q3: Sell 1100 seats by the end of Q3" in serves
    assert lines.index(serves) > 0
    assert lines[-1] == "sales.q3 traces to a company goal"


def test_trace_of_a_company_goal(tree):
    result = invoke("trace", "company.q3", tree)
    assert result.exit_code == 0 and "company goal" in result.stdout


def test_trace_through_two_levels(wider):
    result = invoke("trace", "marketing.calls", wider, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["goal"] == "marketing.calls" and doc["traces"] is True
    chains = [[step["id"] for step in chain] for chain in doc["chains"]]
    assert ["marketing.calls", "sales.q3-north", "sales.q3", "company.q3"] in chains
    assert ["marketing.calls", "sales.q3-north", "sales.orphan", "company.gone"] in chains


def test_trace_with_a_missing_parent_exits_1(wider):
    result = invoke("trace", "sales.orphan", wider)
    assert result.exit_code == 1
    assert "company.gone" in result.stdout and "not defined" in result.stdout
    assert result.stdout.splitlines()[-1] == "sales.orphan does not trace to a company goal"


def test_trace_with_two_parents_one_missing_exits_0(wider):
    result = invoke("trace", "sales.q3-north", wider)
    assert result.exit_code == 0
    assert "company.q3" in result.stdout and "company.gone" in result.stdout


def test_trace_unknown_goal_exits_2_with_did_you_mean(tree):
    result = invoke("trace", "sales.q4", tree)
    assert result.exit_code == 2
    assert "did you mean" in result.output.lower() and "sales.q3" in result.output
    assert result.stdout == ""


def test_trace_unknown_goal_with_nothing_close(tree):
    result = invoke("trace", "zzzzzz", tree)
    assert result.exit_code == 2 and "zzzzzz" in result.output


# --- graph ------------------------------------------------------------------

def test_graph_json(tree):
    result = invoke("graph", tree, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert set(doc) >= {"nodes", "edges"}
    ids = [n["id"] for n in doc["nodes"]]
    assert len(ids) == len(set(ids))
    assert {"goal:company.q3", "goal:sales.q3", "kpi:seats", "team:sales", "person:ben"} <= set(ids)
    edges = {(e["source"], e["target"], e["kind"]) for e in doc["edges"]}
    assert ("goal:sales.q3", "goal:company.q3", "serves") in edges
    assert ("goal:company.q3", "goal:sales.q3", "serves") not in edges
    assert ("goal:sales.q3", "kpi:seats", "measured_by") in edges
    for source, target, _ in edges:
        assert source in ids and target in ids
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert nodes["goal:company.q3"]["company"] is True and nodes["goal:sales.q3"]["company"] is False


def test_graph_json_is_the_default(tree):
    assert invoke("graph", tree).stdout == invoke("graph", tree, "--format", "json").stdout


def test_graph_json_marks_undefined_parents(wider):
    doc = json.loads(invoke("graph", wider).stdout)
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert nodes["goal:company.gone"]["defined"] is False
    edges = {(e["source"], e["target"], e["kind"]) for e in doc["edges"]}
    assert ("goal:sales.q3-north", "goal:sales.q3", "serves") in edges
    assert ("goal:sales.q3-north", "goal:sales.orphan", "serves") in edges


def test_graph_dot(tree):
    result = invoke("graph", tree, "--format", "dot")
    assert result.exit_code == 0
    dot = result.stdout
    assert dot.startswith("digraph")
    assert dot.rstrip().endswith("}") and dot.count("{") == dot.count("}")
    assert re.search(r'"goal:sales\.q3"\s*->\s*"goal:company\.q3"\s*\[label="serves"\]', dot)


def test_graph_mermaid(tree):
    result = invoke("graph", tree, "--format", "mermaid")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("flowchart")
    declared = {}
    for line in lines[1:]:
        m = re.fullmatch(r'\s*(\w+)\["(.*)"\]', line)
        if m:
            declared[m[2]] = m[1]
    edges = [re.fullmatch(r"\s*(\w+) -->\|(\w+)\| (\w+)", line) for line in lines[1:] if "-->" in line]
    assert edges and all(edges)
    for e in edges:
        assert e[1] in declared.values() and e[3] in declared.values()
    sales = next(v for k, v in declared.items() if k.startswith("goal: sales.q3"))
    company = next(v for k, v in declared.items() if k.startswith("goal: company.q3"))
    assert any(e[1] == sales and e[2] == "serves" and e[3] == company for e in edges)


@pytest.mark.parametrize("fmt", ["json", "dot", "mermaid"])
def test_graph_is_byte_identical_across_runs(wider, fmt):
    first, second = (invoke("graph", wider, "--format", fmt) for _ in range(2))
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes and first.stdout_bytes


@pytest.mark.parametrize("fmt", ["json", "dot", "mermaid"])
def test_graph_does_not_depend_on_file_creation_order(tmp_path, fmt):
    files = {**BASE, "b.yaml": goal("sales.b", "company.q3", "Close 10 seats", target=10),
             "a/a.yaml": goal("sales.a", "sales.b", "Close 5 seats", target=5)}
    one = write_tree(tmp_path / "one" / "specs", files)
    two = write_tree(tmp_path / "two" / "specs", dict(reversed(list(files.items()))))
    assert invoke("graph", one, "--format", fmt).stdout_bytes == invoke("graph", two, "--format", fmt).stdout_bytes


@pytest.mark.parametrize("fmt", ["json", "dot", "mermaid"])
def test_graph_does_not_depend_on_document_order(tmp_path, fmt):
    # docs/format.md: the result never depends on the order of documents; the graph has no positions
    docs = [goal("sales.b", "company.q3", "Close 10 seats", target=10),
            goal("sales.a", "sales.b", "Close 5 seats", target=5),
            goal("marketing.c", "sales.a", "Book 3 calls", owner="cleo", team="marketing", target=3)]
    one = write_tree(tmp_path / "one", {**BASE, "more.yaml": "---\n".join(docs)})
    two = write_tree(tmp_path / "two", {**BASE, "more.yaml": "---\n".join(reversed(docs))})
    assert invoke("graph", one, "--format", fmt).stdout_bytes == invoke("graph", two, "--format", fmt).stdout_bytes


def test_graph_unknown_format_exits_2(tree):
    assert invoke("graph", tree, "--format", "png").exit_code == 2


def test_internal_errors_exit_2_without_a_traceback(tree, monkeypatch):
    import goalspec.check

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(goalspec.check, "run", boom)
    result = invoke("check", tree, "--today", TODAY)
    assert result.exit_code == 2
    assert "internal error" in result.output and "Traceback" not in result.output


def test_check_given_files_reports_every_error_of_their_tree_and_only_their_warnings(tmp_path):
    root = write_tree(tmp_path / "specs", {**BASE, "extra.yaml": "apiVersion: goalspec/v1\nkind: Team\nid: x\n",
                                           "more.yaml": "apiVersion: goalspec/v1\nkind: Team\nid: y\nname: Y\nlead: zed\n"})
    (tmp_path / "elsewhere.yaml").write_text("not: [a spec\n")
    # 2026-12-01: both goals of goals.yaml are past their deadline (GS305 warnings)
    result = CliRunner().invoke(main, ["check", str(root / "more.yaml"), str(tmp_path / "elsewhere.yaml"),
                                       "--format", "json", "--today", "2026-12-01"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(d["file"], d["code"]) for d in doc["diagnostics"]] == [("extra.yaml", "GS003")] * 2 + [("more.yaml", "GS405")]
    assert doc["summary"]["errors"] == 3 and doc["summary"]["warnings"] == 0 and doc["summary"]["files"] == 6
    assert "elsewhere.yaml is in no spec tree" in result.stderr
    given = CliRunner().invoke(main, ["check", str(root / "goals.yaml"), "--format", "json", "--today", "2026-12-01"])
    codes = [(d["file"], d["code"]) for d in json.loads(given.stdout)["diagnostics"]]
    assert codes == [("extra.yaml", "GS003")] * 2 + [("goals.yaml", "GS305")] * 2 + [("more.yaml", "GS405")]


def test_verbose_says_what_was_checked_on_stderr(tmp_path):
    root = write_tree(tmp_path / "specs", BASE)
    result = CliRunner().invoke(main, ["check", str(root), "-v", "--format", "json", "--today", "2026-08-01"])
    assert result.exit_code == 0
    assert "goalspec: checked" in result.stderr and "2 goals (1 company goals)" in result.stderr
    assert json.loads(result.stdout)["summary"]["goals"] == 2  # stdout stays machine-readable
