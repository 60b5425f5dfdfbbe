"""`goalspec status`: the table, filters, sorting, bars and JSON."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.report.status import bar

ORG = "apiVersion: goalspec/v1\nkind: Organization\nname: Acme\n"
TEAMS = ("apiVersion: goalspec/v1\nkind: Team\nid: sales\nname: Sales\nlead: ana\nmembers: [{id: ana, name: Ana}]\n---\n"
         "apiVersion: goalspec/v1\nkind: Team\nid: ops\nname: Ops\nlead: bo\nmembers: [{id: bo, name: Bo}]\n")
KPI = ("apiVersion: goalspec/v1\nkind: KPI\nid: {k}\nname: {k}\nunit: seats\nowner: ana\naggregation: sum\n"
       "source: {{type: checkins}}\n")


def goal(gid, team, owner, kpi, target, status="active"):
    parent = "" if team is None else f"team: {team}\nparent: company\n"
    return (f"apiVersion: goalspec/v1\nkind: Goal\nid: {gid}\ntitle: Sell {target} seats\nowner: {owner}\n{parent}"
            f"kpi: {kpi}\ntarget: {{value: {target}}}\ndeadline: 2026-Q3\nstatus: {status}\n")


@pytest.fixture
def tree(tmp_path) -> Path:
    files = {
        "goalspec.yaml": ORG, "teams.yaml": TEAMS,
        "kpis.yaml": "---\n".join(KPI.format(k=k) for k in ("a", "b", "c", "d")),
        "goals.yaml": "---\n".join([
            goal("company", None, "ana", "a", 100),
            goal("sales.fast", "sales", "ana", "b", 100),
            goal("ops.slow", "ops", "bo", "c", 100),
            goal("ops.none", "ops", "bo", "d", 100),
            goal("ops.draft", "ops", "bo", "d", 100, status="draft"),
        ]),
        "checkins.yaml": "---\n".join(
            f"apiVersion: goalspec/v1\nkind: CheckIn\nkpi: {k}\nby: ana\nvalues: {{{v}}}\n"
            for k, v in (("a", "2026-07-10: 60"), ("b", "2026-07-05: 50, 2026-08-05: 60"), ("c", "2026-07-20: 10"))),
    }
    for rel, text in files.items():
        (tmp_path / rel).write_text(text)
    return tmp_path


def status(tree, *args):
    result = CliRunner().invoke(main, ["status", str(tree), "--today", "2026-08-15", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_table_has_every_column_and_a_summary(tree):
    out = status(tree).splitlines()
    assert out[0].split() == ["goal", "owner", "value", "target", "progress", "expected", "status", "forecast"]
    table = out[2:out.index("")]
    rows = {line.split()[0]: line for line in table if "rolled up" not in line}
    assert set(rows) == {"company", "sales.fast", "ops.slow", "ops.none"}  # the draft is left out
    assert table[0].startswith("company ") and table[1].startswith("  ↳ 3 goals rolled up")
    assert all(line.startswith("  ") for line in table[1:])  # the team goals sit under the company goal
    assert "company: 1 at risk · 1 achieved · 1 no data" in out
    assert "achieved" in rows["sales.fast"] and "█" * 10 in rows["sales.fast"] and "100%" in rows["sales.fast"]
    assert "at risk" in rows["ops.slow"] and "no data" in rows["ops.none"]
    assert out[-1].startswith("1 on track, 1 at risk, 1 achieved, 1 no data · as of 2026-08-15")
    assert out[-1].endswith("data last updated 2026-08-05")


def test_filters(tree):
    assert [line.split()[0] for line in status(tree, "--team", "ops").splitlines()[2:-2]] == ["ops.none", "ops.slow"]
    assert [line.split()[0] for line in status(tree, "--owner", "ana").splitlines()[2:-2]] == ["company", "sales.fast"]
    assert [line.split()[0] for line in status(tree, "--status", "at risk").splitlines()[2:-2]] == ["ops.slow"]


def test_sorting(tree):
    by_status = [line.split()[0] for line in status(tree, "--sort", "status").splitlines()[2:-2]]
    assert by_status == ["ops.slow", "ops.none", "company", "sales.fast"]
    by_progress = [line.split()[0] for line in status(tree, "--sort", "progress").splitlines()[2:-2]]
    assert by_progress == ["ops.slow", "company", "sales.fast", "ops.none"]


def test_json(tree):
    doc = json.loads(status(tree, "--format", "json"))
    assert doc["as_of"] == "2026-08-15" and doc["data_last_updated"] == "2026-08-05"
    rows = {r["goal"]: r for r in doc["goals"]}
    assert rows["company"]["value"] == 60 and rows["company"]["target"] == 100
    assert rows["company"]["progress"] == pytest.approx(0.6) and rows["company"]["status"] == "on track"
    assert rows["company"]["expected"] == pytest.approx(46 / 92)
    assert rows["ops.none"]["progress"] is None and rows["ops.none"]["status"] == "no data"
    assert set(rows["company"]) == {"goal", "title", "team", "owner", "unit", "value", "target", "progress",
                                    "start_value", "milestone", "done_on", "expected", "status", "forecast", "deadline",
                                    "rollup"}


@pytest.mark.parametrize("share,text", [(None, " " * 10), (0, " " * 10), (1, "█" * 10), (0.5, "█████     "),
                                        (0.55, "█████▌    "), (2, "█" * 10)])
def test_bar(share, text):
    assert bar(share) == text
