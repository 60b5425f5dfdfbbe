"""`goalspec checkin`: the new value is the only change to the file."""

import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from paths import RULES_BASE

BASE = RULES_BASE
CHECKINS = """# Seats sold, one value a month.   (a comment that must survive)
apiVersion: goalspec/v1
kind: CheckIn
kpi: seats
by: ana
values:
  2026-06-30: 310   # June closed late
  2026-07-31:   335
---
# a single check-in in flow style
{apiVersion: goalspec/v1, kind: CheckIn, kpi: churn, date: 2026-07-01, value: 2.5, by: ben}
---
apiVersion: goalspec/v1
kind: CheckIn
kpi: churn
by: ben
values: {2026-08-01: 2.4, 2026-09-01: 2.3}    # flow mapping
"""


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(BASE, root)
    (root / "data").mkdir()
    (root / "data" / "checkins.yaml").write_text(CHECKINS)
    return root


def checkin(tree: Path, *args: str):
    return CliRunner().invoke(main, ["checkin", *args, "--tree", str(tree)])


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]


def test_a_value_joins_the_block_batch_and_nothing_else_changes(tree):
    result = checkin(tree, "seats", "360", "--date", "2026-08-31", "--by", "ana")
    assert result.exit_code == 0, result.output
    after = (tree / "data" / "checkins.yaml").read_text()
    assert changed_lines(CHECKINS, after) == ["+   2026-08-31: 360"]


def test_a_value_joins_a_flow_batch(tree):
    assert checkin(tree, "churn", "2.2", "--date", "2026-10-01", "--by", "ben").exit_code == 0
    after = (tree / "data" / "checkins.yaml").read_text()
    assert changed_lines(CHECKINS, after) == [
        "- values: {2026-08-01: 2.4, 2026-09-01: 2.3}    # flow mapping",
        "+ values: {2026-08-01: 2.4, 2026-09-01: 2.3, 2026-10-01: 2.2}    # flow mapping",
    ]


def test_a_note_makes_a_document_of_its_own_at_the_end(tree):
    assert checkin(tree, "seats", "12", "--date", "2026-08-02", "--by", "ana", "--note", "one: big MSP",
                   "--confidence", "0.7").exit_code == 0
    after = (tree / "data" / "checkins.yaml").read_text()
    assert after.startswith(CHECKINS)
    assert after[len(CHECKINS):] == ("---\napiVersion: goalspec/v1\nkind: CheckIn\nkpi: seats\ndate: 2026-08-02\n"
                                     "value: 12\nby: ana\nnote: 'one: big MSP'\nconfidence: 0.7\n")
    assert CliRunner().invoke(main, ["check", str(tree), "--today", "2026-08-03"]).exit_code == 0


def test_a_kpi_without_check_ins_gets_its_own_file(tree):
    (tree / "kpis.yaml").write_text((tree / "kpis.yaml").read_text() + "---\napiVersion: goalspec/v1\nkind: KPI\n"
                                    "id: calls\nname: Calls\nunit: calls\nowner: cleo\nsource: {type: checkins}\n")
    assert checkin(tree, "calls", "7", "--date", "2026-08-02").exit_code == 0
    assert (tree / "checkins" / "calls.yaml").read_text() == (
        "apiVersion: goalspec/v1\nkind: CheckIn\nkpi: calls\ndate: 2026-08-02\nvalue: 7\n")


@pytest.mark.parametrize("args,why", [
    (["nope", "1"], "KPI `nope` is not defined"),
    (["seats", "1", "--by", "zed"], "person `zed` is not defined"),
    (["seats", "1", "--date", "2026-07-31", "--by", "ana"], "already has a value for 2026-07-31"),
])
def test_refusals_change_nothing(tree, args, why):
    result = checkin(tree, *args)
    assert result.exit_code == 1 and why in result.output
    assert (tree / "data" / "checkins.yaml").read_text() == CHECKINS


def test_a_kpi_read_from_a_file_takes_no_check_ins(tree):
    (tree / "kpis.yaml").write_text((tree / "kpis.yaml").read_text().replace(
        "source: {type: checkins}\n---", "source: {type: csv, path: s.csv, date_column: d, value_column: v}\n---", 1))
    result = checkin(tree, "seats", "1")
    assert result.exit_code == 1 and "csv source" in result.output
