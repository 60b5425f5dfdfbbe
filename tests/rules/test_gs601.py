"""GS601 through git: `check --base REV` against real commits (the data cases are in rules/cases/GS601.yaml)."""

import json

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from gitrepo import Repo, isolated_git  # noqa: F401 (fixture)
from revisions import CALLS, COMPANY_Q3, FIRST, LEADS, SALES_OLD, SALES_Q3, goal
from trees import ORG

TREE = FIRST | {"specs/data/leads.csv": "seats,segment,booked_on\n120,msp,2026-07-01\n40,msp,2026-07-02\n"}
TODAY = "2026-08-01"  # Q3 has begun
LOWERED = SALES_Q3.replace("Close 900 seats", "Close 800 seats").replace("{value: 900}", "{value: 800}")
REVISION = "revisions:\n  - {date: 2026-07-20, field: target, from: 900, to: 800, reason: Two MSPs left the channel}\n"


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Repo:
    r = Repo(tmp_path / "repo")
    r.commit("first goals", TREE)
    monkeypatch.chdir(r.path)
    return r


def check(*args: str, today: str = TODAY):
    result = CliRunner().invoke(main, ["check", "specs", "--today", today, "--format", "json", *args],
                                catch_exceptions=False)
    return result.exit_code, [d for d in json.loads(result.output)["diagnostics"] if d["code"] == "GS601"]


def test_the_base_tree_is_clean_and_nothing_changed_is_no_finding(repo):
    code, found = check("--base", "HEAD")
    assert code == 0 and found == []


def test_a_lowered_target_is_a_warning_at_the_target_key(repo):
    repo.write({"specs/goals/sales.yaml": LOWERED + "---\n" + SALES_OLD})
    code, found = check("--base", "HEAD")
    assert code == 0
    assert [(d["file"], d["line"], d["column"], d["severity"], d["id"]) for d in found] == [
        ("goals/sales.yaml", 9, 1, "warning", "sales.q3")]
    assert found[0]["message"] == (f"target lowered 900 → 800 seats (−11.1%) since HEAD ({repo.head()[:7]}), "
                                   "after the goal's period began on 2026-07-01")
    assert "revisions" in found[0]["hint"] and "from: 900, to: 800" in found[0]["hint"]
    assert check()[1] == []  # without --base GS601 never fires


def test_text_output_names_the_file_in_the_tree(repo):
    repo.write({"specs/goals/sales.yaml": LOWERED + "---\n" + SALES_OLD})
    out = CliRunner().invoke(main, ["check", "specs", "--today", TODAY, "--base", "main"]).output
    assert f"specs/goals/sales.yaml:9:1: GS601 warning: target lowered 900 → 800 seats (−11.1%) since main ({repo.head()[:7]})" in out


def test_the_organization_can_make_it_an_error(repo):
    repo.write({"specs/goals/sales.yaml": LOWERED + "---\n" + SALES_OLD,
                "specs/goalspec.yaml": ORG + "rules: {GS601: error}\n"})
    code, found = check("--base", "HEAD")
    assert code == 1 and [d["severity"] for d in found] == ["error"]


def test_a_new_revisions_entry_accepts_the_change_and_the_site_shows_it(repo, tmp_path):
    repo.write({"specs/goals/sales.yaml": LOWERED + REVISION + "---\n" + SALES_OLD})
    assert check("--base", "HEAD") == (0, [])
    repo.commit("cut the target, with a reason")
    assert check("--base", "HEAD~1") == (0, [])
    built = CliRunner().invoke(main, ["build", "specs", "-o", str(tmp_path / "site"), "--today", TODAY])
    assert built.exit_code == 0, built.output
    page = (tmp_path / "site" / "goals" / "sales.q3.html").read_text()
    assert "2026-07-20: target 900 → 800 — Two MSPs left the channel" in page
    assert "target 900 → 800 seats (−11.1%)" in page  # the history says it too


def test_a_moved_goal_is_still_compared(repo):
    repo.write({"specs/goals/sales.yaml": SALES_OLD, "specs/goals/q3.yaml": LOWERED})
    code, found = check("--base", "HEAD")
    assert [(d["file"], d["line"]) for d in found] == [("goals/q3.yaml", 9)]


def test_deadline_pushed_out_and_period_not_begun(repo):
    later = COMPANY_Q3.replace("deadline: 2026-Q3", "deadline: 2026-10-15")
    repo.write({"specs/goals/company.yaml": later + "---\n" + FIRST["specs/goals/company.yaml"].split("---\n")[1]})
    code, found = check("--base", "HEAD")
    assert [(d["file"], d["line"], d["column"]) for d in found] == [("goals/company.yaml", 8, 1)]
    assert "deadline pushed out from 2026-Q3 to 2026-10-15 (15 days later)" in found[0]["message"]
    assert check("--base", "HEAD", today="2026-06-30")[1] == []


def test_a_kpi_to_decrease(repo):
    churn = ("---\napiVersion: goalspec/v1\nkind: KPI\nid: churn\nname: Churn\nunit: '%'\ndirection: decrease\n"
             "owner: ana\nsource: {type: checkins}\n")
    keep = goal("sales.churn", "Keep churn under 2% in Q3", "{value: 2}", kpi="churn")
    repo.commit("churn goal", {"specs/kpis.yaml": TREE["specs/kpis.yaml"] + churn, "specs/goals/churn.yaml": keep})
    repo.write({"specs/goals/churn.yaml": keep.replace("2%", "3%").replace("{value: 2}", "{value: 3}")})
    code, found = check("--base", "HEAD")
    assert [(d["id"], d["message"].split(" since")[0]) for d in found] == [
        ("sales.churn", "target raised, on a KPI to decrease, 2 → 3% (+50%)")]
    repo.write({"specs/goals/churn.yaml": keep.replace("2%", "1%").replace("{value: 2}", "{value: 1}")})
    assert check("--base", "HEAD")[1] == []


def test_changed_lead_criteria_counted_by_an_active_goal(repo):
    looser = LEADS.replace("value: 100}", "value: 50}")
    repo.write({"specs/leads.yaml": looser})
    code, found = check("--base", "HEAD")
    assert [(d["file"], d["line"], d["column"], d["id"]) for d in found] == [("leads.yaml", 7, 1, "sql-msp")]
    assert "`marketing.calls`" in found[0]["message"]
    # Said why: accepted.
    repo.write({"specs/leads.yaml": looser + "revisions:\n  - {date: 2026-07-15, field: criteria, "
                                             "reason: Smaller MSPs buy too}\n"})
    assert check("--base", "HEAD")[1] == []
    # No goal under way counts it: free to change.
    repo.write({"specs/leads.yaml": looser, "specs/goals/marketing.yaml": CALLS + "status: draft\n"})
    assert check("--base", "HEAD")[1] == []


def test_rev_and_base_together(repo):
    repo.commit("cut", {"specs/goals/sales.yaml": LOWERED + "---\n" + SALES_OLD})
    repo.commit("unrelated", {"README.md": "x\n"})
    repo.write({"specs/goals/sales.yaml": SALES_Q3 + "---\n" + SALES_OLD})  # the working tree undoes it
    assert check("--base", "HEAD~2")[1] == []
    code, found = check("--rev", "HEAD", "--base", "HEAD~2")
    assert [(d["file"], d["line"]) for d in found] == [("goals/sales.yaml", 9)]


def test_a_bad_base_is_a_usage_error(repo):
    result = CliRunner().invoke(main, ["check", "specs", "--base", "nope"])
    assert result.exit_code == 2 and "--base" in result.output and "`nope` is not a commit" in result.output
