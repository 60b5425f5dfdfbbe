"""The example tree in specs/ is the quickstart: it must check clean and tell the story."""

from datetime import date

import pytest
from click.testing import CliRunner

from goalspec.check import run
from goalspec.cli import main
from paths import SPECS



@pytest.fixture(scope="module")
def result():
    return run(SPECS, date(2027, 1, 15))


def test_clean_on_the_real_date():
    outcome = CliRunner().invoke(main, ["check", str(SPECS)])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.startswith("no problems:")


def test_clean_through_the_year(result):
    assert result.diagnostics == ()


def test_one_company_goal_that_every_goal_serves(result):
    assert result.graph.company_goals == {"company.msp-seats-q3"}
    assert result.graph.traced == set(result.project.goals)
    company = result.project.goals["company.msp-seats-q3"].model
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
                  if "company.msp-seats-q3" in i.model.goals}
    assert recipients == {"marketing", "sales"}


def test_everything_has_an_owner_who_exists(result):
    people = set(result.project.people)
    for goal in result.project.goals.values():
        assert goal.model.owner in people
    for kpi in result.project.kpis.values():
        assert kpi.model.owner in people
