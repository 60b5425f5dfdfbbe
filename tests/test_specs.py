"""The example tree in specs/ is the quickstart: it must check without errors, tell the story, and be
live: on the day it was last rolled forward it shows real figures and several statuses."""

from datetime import date

import pytest
from click.testing import CliRunner

from goalspec.check import run
from goalspec.cli import main
from paths import SPECS



# The day the example's data runs to (its goals are for this quarter, its data through last month).
LIVE = date(2026, 12, 1)


@pytest.fixture(scope="module")
def result():
    return run(SPECS, LIVE, remote_data=True)


def test_no_errors_on_the_real_date():
    outcome = CliRunner().invoke(main, ["check", str(SPECS)])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.splitlines()[-1].startswith(("no problems:", "0 errors"))


def test_the_only_findings_are_the_shortfalls_its_data_shows(result):
    found = sorted((d.code, d.id) for d in result.diagnostics)
    assert found == [("GS502", "marketing.qualified-calls"), ("GS502", "sales.msp-seats"),
                     ("GS503", "sales.msp-seats")]


def test_it_is_live_real_figures_and_several_statuses(result):
    statuses = {gid: p.status for gid, p in result.context.progress.items()}
    assert statuses == {"company.msp-seats": "on track", "marketing.qualified-calls": "at risk",
                        "marketing.msp-webinars": "achieved", "sales.msp-seats": "at risk"}
    assert all(p.value is not None and p.forecast is not None for p in result.context.progress.values())
    rolled = result.context.rollups["company.msp-seats"]
    assert rolled.status == "at risk" and sum(c.weight for c in rolled.children) == pytest.approx(1)
    status = CliRunner().invoke(main, ["status", str(SPECS), "--today", LIVE.isoformat()]).output
    assert "company.msp-seats: 2 at risk · 1 achieved" in status


def test_one_company_goal_that_every_goal_serves(result):
    assert result.graph.company_goals == {"company.msp-seats"}
    assert result.graph.traced == set(result.project.goals)
    company = result.project.goals["company.msp-seats"].model
    assert "10%" in company.title and company.target.change == "+10%"


def test_marketing_and_sales_goals_serve_it(result):
    teams = {g.model.team for g in result.project.goals.values() if not g.model.is_company_goal}
    assert teams == {"marketing", "sales"}


def test_the_lead_definition_is_signed_by_both_teams(result):
    sql = result.project.leads["sales-qualified-msp"].model
    assert set(sql.agreed_by) == {"marketing", "sales"}
    assert sql.handed_to == "sales"
    qualified = result.project.kpis["qualified-calls"].model.source
    assert qualified.type == "leads" and qualified.definition == "sales-qualified-msp"


def test_both_teams_bonuses_pay_on_the_company_goal(result):
    recipients = {i.model.for_ for i in result.project.incentives.values()
                  if "company.msp-seats" in i.model.goals}
    assert recipients == {"marketing", "sales"}


def test_everything_has_an_owner_who_exists(result):
    people = set(result.project.people)
    for goal in result.project.goals.values():
        assert goal.model.owner in people
    for kpi in result.project.kpis.values():
        assert kpi.model.owner in people


def test_the_readme_shows_what_status_prints_on_the_live_day():
    """The README's numbers are the tool's numbers: the status block is this command's output."""
    readme = (SPECS.parent / "README.md").read_text()
    block = readme.split("$ goalspec status specs --today 2026-12-01\n", 1)[1].split("```", 1)[0]
    status = CliRunner().invoke(main, ["status", str(SPECS), "--today", LIVE.isoformat()]).output
    assert block == status
