"""`goalspec fmt`: canonical key order and indentation, comments kept, idempotent."""

import shutil
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from goalspec.check import run
from goalspec.cli import main
from goalspec.edit.fmt import format_text
from goalspec.spec.load import load_tree
from paths import ROOT


MESSY = """# Q3 goals for the sales team   (a leading comment)
kind: Goal
apiVersion: goalspec/v1
title: Close 900 seats by the end of Q3   # the number is the target
id: sales.q3
deadline: 2026-Q3
target: {value: 900, baseline: 800}
owner: ben
parent:
    - company.q3
team: sales

kpi: seats   # after a blank line
description: &why |
    Seats are what we sell.
tags: [msp, 'q3']
---
apiVersion: goalspec/v1
kind: Team
members:
      -   name: Ana
          id: ana
lead: ana
name: Sales
id: sales
"""


def test_keys_follow_the_format_and_comments_stay():
    out = format_text(MESSY)
    lines = out.splitlines()
    assert lines[0] == "# Q3 goals for the sales team   (a leading comment)"
    keys = [line.split(":")[0] for line in lines if line and line[0].isalpha()]
    assert keys[:12] == ["apiVersion", "kind", "id", "title", "owner", "team", "parent", "kpi", "target",
                         "deadline", "tags", "description"]
    assert "title: Close 900 seats by the end of Q3   # the number is the target" in lines
    assert "kpi: seats   # after a blank line" in lines
    assert "target: {value: 900, baseline: 800}" in lines      # flow style kept
    assert "tags: [msp, 'q3']" in lines                        # quotes kept
    assert "description: &why |" in lines                      # anchors kept
    assert "  - company.q3" in lines                           # two-space indentation
    assert lines.count("") == MESSY.count("\n\n")              # blank-line groups kept
    team = out.split("---\n")[1].splitlines()
    assert team[:5] == ["apiVersion: goalspec/v1", "kind: Team", "id: sales", "name: Sales", "lead: ana"]
    assert "  - id: ana" in team and "    name: Ana" in team


def test_twice_changes_nothing():
    once = format_text(MESSY)
    assert format_text(once) == once


def test_the_data_is_the_same_after_formatting(tmp_path):
    before = tmp_path / "before"
    shutil.copytree(ROOT / "tests" / "rules" / "base", before)
    (before / "extra.yaml").write_text(MESSY.split("---\n")[0].replace("sales.q3", "sales.q3b"))
    after = tmp_path / "after"
    shutil.copytree(before, after)
    CliRunner().invoke(main, ["fmt", str(after)])
    assert _data(before) == _data(after)
    assert [d.code for d in run(before, date(2026, 8, 1)).diagnostics] == \
        [d.code for d in run(after, date(2026, 8, 1)).diagnostics]


def _data(tree: Path) -> list:
    return [(d.file, d.data) for d in load_tree(tree).documents]


def test_check_lists_files_and_changes_nothing(tmp_path):
    (tmp_path / "goalspec.yaml").write_text("kind: Organization\napiVersion: goalspec/v1\nname: Acme\n")
    (tmp_path / "broken.yaml").write_text("a: [1\n")  # left for `check` to report
    result = CliRunner().invoke(main, ["fmt", str(tmp_path), "--check"])
    assert result.exit_code == 1 and "would reformat" in result.output and "goalspec.yaml" in result.output
    assert (tmp_path / "goalspec.yaml").read_text().startswith("kind: Organization")
    assert CliRunner().invoke(main, ["fmt", str(tmp_path)]).exit_code == 0
    assert CliRunner().invoke(main, ["fmt", str(tmp_path), "--check"]).exit_code == 0
    assert (tmp_path / "broken.yaml").read_text() == "a: [1\n"


def test_the_example_tree_is_formatted():
    assert CliRunner().invoke(main, ["fmt", str(ROOT / "specs"), "--check"]).exit_code == 0


def test_a_file_whose_comments_ruamel_would_drop_is_left_alone():
    text = "# above the document marker\n---\nkind: Team\nid: x\napiVersion: goalspec/v1\n"
    assert format_text(text) is None
    assert format_text("---\nkind: Team  # stays\napiVersion: goalspec/v1\n") == \
        "---\napiVersion: goalspec/v1\nkind: Team  # stays\n"


def test_lead_definition_revisions_come_last_with_their_keys_in_order():
    messy = ("kind: LeadDefinition\napiVersion: goalspec/v1\nrevisions:\n  - {reason: Smaller MSPs buy too, "
             "field: criteria, date: 2026-07-15}\ncriteria: {field: seats, op: gte, value: 50}\nid: sql-msp\n"
             "name: SQL\nstage: SQL\n")
    assert format_text(messy) == (
        "apiVersion: goalspec/v1\nkind: LeadDefinition\nid: sql-msp\nname: SQL\nstage: SQL\n"
        "criteria: {field: seats, op: gte, value: 50}\n"
        "revisions:\n  - {date: 2026-07-15, field: criteria, reason: Smaller MSPs buy too}\n")
