"""Two revisions of one small tree, shared by the diff, history and GS601 tests."""

from trees import ORG, TEAMS

KPIS = """apiVersion: goalspec/v1
kind: KPI
id: seats
name: Seats sold
unit: seats
owner: ana
source: {type: checkins}
---
apiVersion: goalspec/v1
kind: KPI
id: calls
name: Qualified calls
unit: calls
aggregation: sum
owner: cleo
source:
  type: leads
  definition: sql-msp
  data: {type: csv, path: data/leads.csv, date_column: booked_on}
"""
LEADS = """apiVersion: goalspec/v1
kind: LeadDefinition
id: sql-msp
name: Sales-qualified MSP lead
stage: SQL
agreed_by: [sales, marketing]
criteria:
  all:
    - {field: seats, op: gte, value: 100}
    - {field: segment, op: eq, value: msp}
"""
INCENTIVES = """apiVersion: goalspec/v1
kind: Incentive
id: sales-bonus
name: Sales Q3 bonus
for: sales
pays_on: [sales.q3]
"""


def goal(gid: str, title: str, target: str, deadline: str = "2026-Q3", parent: str | None = "company.q3",
         owner: str = "ben", team: str | None = "sales", kpi: str = "seats", extra: str = "") -> str:
    lines = ["apiVersion: goalspec/v1", "kind: Goal", f"id: {gid}", f"title: {title}", f"owner: {owner}"]
    lines += [f"team: {team}"] if team else []
    lines += [f"parent: {parent}"] if parent else []
    lines += [f"kpi: {kpi}", f"target: {target}", f"deadline: {deadline}"]
    return "\n".join(lines) + "\n" + extra


COMPANY_Q3 = goal("company.q3", "Sell 1100 seats by the end of Q3", "{value: 1100}", parent=None, team=None, owner="ana")
COMPANY_Q4 = goal("company.q4", "Sell 1500 seats by the end of Q4", "{value: 1500}", "2026-Q4", parent=None, team=None,
                  owner="ana")
SALES_Q3 = goal("sales.q3", "Close 900 seats by the end of Q3", "{value: 900}")
SALES_OLD = goal("sales.old", "Close 100 legacy seats by the end of Q3", "{value: 100}")
CALLS = goal("marketing.calls", "Book 120 calls by the end of Q3", "{value: 120}", owner="cleo", team="marketing",
             kpi="calls")

FIRST = {
    "specs/goalspec.yaml": ORG, "specs/teams.yaml": TEAMS, "specs/kpis.yaml": KPIS, "specs/leads.yaml": LEADS,
    "specs/incentives.yaml": INCENTIVES,
    "specs/goals/company.yaml": COMPANY_Q3 + "---\n" + COMPANY_Q4,
    "specs/goals/sales.yaml": SALES_Q3 + "---\n" + SALES_OLD,
    "specs/goals/marketing.yaml": CALLS,
}
SECOND = {
    # sales.q3: target cut, deadline out, new owner, another parent; sales.old deleted;
    # the file renamed; company.q4 moved to its own file; the calls goal untouched but
    # its file renamed.
    "specs/goals/sales.yaml": None,
    "specs/goals/team-sales.yaml": goal("sales.q3", "Close 800 seats by the end of Q3", "{value: 800}", "2026-10-31",
                                        parent="company.q4", owner="ana"),
    "specs/goals/company.yaml": COMPANY_Q3,
    "specs/goals/later.yaml": COMPANY_Q4,
    "specs/goals/marketing.yaml": None,
    "specs/goals/mkt.yaml": CALLS,
    "specs/leads.yaml": LEADS.replace("value: 100}", "value: 50}"),
    "specs/incentives.yaml": INCENTIVES.replace("pays_on: [sales.q3]", "pays_on: [sales.q3, {goal: company.q3, share: 0.5}]"),
    "specs/teams.yaml": TEAMS.replace("  - {id: cleo, name: Cleo}\n", "  - {id: cleo, name: Cleo}\n  - {id: dan, name: Dan}\n"),
    "specs/kpis.yaml": KPIS.replace("unit: calls", "unit: booked calls"),
}


# The seats KPI's values in both revisions (a digest's and the weekly updates' tests add a note).
SEATS = """apiVersion: goalspec/v1
kind: CheckIn
kpi: seats
by: ana
values:
  2026-06-30: 0
  2026-07-01: 20
"""


def seats_note(day: str) -> str:
    """One more seats check-in, on ``day``, with a note a digest must escape and a confidence."""
    return f"""---
apiVersion: goalspec/v1
kind: CheckIn
kpi: seats
date: {day}
value: 100
by: ben
note: Two <big> deals slipped to September & October.
confidence: 0.4
"""
