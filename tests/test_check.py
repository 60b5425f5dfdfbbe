"""One mistake, one finding: a spec file that cannot be parsed (GS001) contributes nothing else.
The findings its objects would answer ("KPI not defined", "no company goal", "owner not
defined") are held back and counted; unrelated findings stay."""

import json
from datetime import date

import pytest
from click.testing import CliRunner

from goalspec.check import run
from goalspec.cli import main

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("breakage,line", [
    (("unit: seats\n", "unit: seats\n\tdirection: increase\n"), 7),        # a tab, on the line after unit
    (("name: Seats sold through MSPs\n", 'name: "Seats sold through MSPs\n'), 5),  # an unclosed quote
    (("source: {type: checkins}\n", "source: {type: checkins\n"), 11),      # an unclosed {
])
def test_a_broken_kpi_file_gives_exactly_one_error_at_its_line(specs, breakage, line):
    path = specs / "kpis" / "channel.yaml"
    text = path.read_text()
    old, new = breakage
    assert old in text
    path.write_text(text.replace(old, new, 1))
    result = run(specs, TODAY)
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert [(d.code, d.file, d.line) for d in errors] == [("GS001", "kpis/channel.yaml", line)]
    assert result.summary.held_back >= 5  # GS202 on both goals and the check-ins, the seats' GS502/GS503
    assert not any(d.code in ("GS202", "GS405", "GS404") for d in result.diagnostics)


def test_the_run_says_how_many_findings_were_held_back(specs):
    path = specs / "kpis" / "channel.yaml"
    path.write_text(path.read_text().replace("unit: seats\n", "unit: seats\n\tdirection: increase\n", 1))
    runner = CliRunner()
    text = runner.invoke(main, ["check", str(specs), "--today", "2026-12-01"])
    assert text.exit_code == 1
    assert "held back" in text.stderr and "held back" not in text.stdout
    assert text.stdout.strip().splitlines()[-1].startswith("1 error")
    as_json = runner.invoke(main, ["check", str(specs), "--today", "2026-12-01", "--format", "json"])
    summary = json.loads(as_json.stdout)["summary"]
    assert summary["errors"] == 1 and summary["held_back"] >= 5
    clean = json.loads(runner.invoke(main, ["check", str(specs), "--today", "2026-12-01", "--format", "json"])
                       .stdout)
    assert clean == json.loads(as_json.stdout)  # deterministic


def test_findings_the_broken_file_cannot_answer_stay(specs):
    (specs / "kpis" / "channel.yaml").write_text(
        (specs / "kpis" / "channel.yaml").read_text().replace("unit: seats\n", "unit: seats\n\tx: 1\n", 1))
    goal = specs / "goals" / "sales.yaml"
    goal.write_text(goal.read_text().replace("owner: ben", "owner: nobody-at-all", 1))
    codes = {(d.code, d.file) for d in run(specs, TODAY).diagnostics}
    assert ("GS405", "goals/sales.yaml") in codes  # no broken file names `nobody-at-all`
    assert not any(code == "GS202" for code, _ in codes)


def test_a_clean_tree_holds_nothing_back(specs):
    result = run(specs, TODAY)
    assert result.summary.held_back == 0
    out = CliRunner().invoke(main, ["check", str(specs), "--today", "2026-12-01", "--format", "json"]).stdout
    assert "held_back" not in json.loads(out)["summary"]  # the contract's keys, exactly


def test_a_check_finds_the_same_whether_workers_read_the_titles_or_not(tmp_path, monkeypatch):
    """The parse workers read every goal title (spec/load.py); GS101, GS103 and GS306 then find
    exactly what they find when this process reads the titles."""
    from goalspec.spec import load, vague, when
    from paths import corpus_tree

    titles = corpus_tree(tmp_path)
    monkeypatch.setattr(vague, "_told", {})
    monkeypatch.setattr(when, "_told", {})
    alone = run(tmp_path, TODAY, jobs=1)
    assert vague._told == {} and when._told == {}
    assert {"GS101", "GS103", "GS306"} <= {d.code for d in alone.diagnostics}  # they have something to say
    monkeypatch.setattr(load, "CHUNK", 3)
    helped = run(tmp_path, TODAY, jobs=2)
    assert len(vague._told) == len(set(titles)) and when._told is vague._told  # the workers read every title
    assert helped.diagnostics == alone.diagnostics
