"""The site's page contexts grow linearly with the company: nothing is looked up by scanning
every team (or KPI, lead, incentive) once per person, team or goal.

Work is counted, not timed: the lines of ``site/render.py`` and ``site/contexts.py`` executed
while ``pages()`` builds every context (each goal page's deferred part included), for a company and for one four times
its size. A scan of all teams per person makes that count grow sixteenfold.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import goalspec.site.contexts as contexts
import goalspec.site.render as render
from goalspec.check import run
from trees import write_tree

TODAY = date(2026, 8, 1)


def company(teams: int) -> dict[str, str]:
    """``teams`` teams of five people, each team with a KPI, an incentive, a lead definition agreed
    with the next team, and four goals under the one company goal."""
    docs = ["apiVersion: goalspec/v1\nkind: Organization\nname: Acme\n",
            "apiVersion: goalspec/v1\nkind: Goal\nid: company\ntitle: Sell 10000 seats by the end of Q3\n"
            "owner: p0x0\nkpi: k0\ntarget: {value: 10000}\ndeadline: 2026-Q3\n"]
    for t in range(teams):
        people = [f"p{t}x{i}" for i in range(5)]
        members = "\n".join(f"  - {{id: {p}, name: Person {p}}}" for p in people)
        docs.append(f"apiVersion: goalspec/v1\nkind: Team\nid: t{t}\nname: Team {t}\nlead: {people[0]}\n"
                    f"members:\n{members}\n")
        docs.append(f"apiVersion: goalspec/v1\nkind: KPI\nid: k{t}\nname: Seats {t}\nunit: seats\n"
                    f"direction: increase\nowner: {people[1]}\ncadence: monthly\nsource: {{type: checkins}}\n")
        docs.append(f"apiVersion: goalspec/v1\nkind: Incentive\nid: i{t}\nname: Bonus {t}\nfor: t{t}\n"
                    f"period: 2026-Q3\npays_on: [g{t}x0]\n")
        docs.append(f"apiVersion: goalspec/v1\nkind: LeadDefinition\nid: l{t}\nname: Lead {t}\nstage: MQL\n"
                    f"agreed_by: [t{t}, t{(t + 1) % teams}]\ncriteria: {{field: region, op: eq, value: EMEA}}\n")
        for g in range(4):
            docs.append(f"apiVersion: goalspec/v1\nkind: Goal\nid: g{t}x{g}\n"
                        f"title: Sell {100 + g} seats by the end of Q3\nowner: {people[g + 1]}\nteam: t{t}\n"
                        f"parent: company\nkpi: k{t}\ntarget: {{value: {100 + g}}}\ndeadline: 2026-Q3\n")
        docs.append(f"apiVersion: goalspec/v1\nkind: CheckIn\nkpi: k{t}\ndate: 2026-07-15\nvalue: 40\n"
                    f"note: On plan\nby: {people[1]}\n")
    return {"goalspec.yaml": docs[0], "all.yaml": "---\n".join(docs[1:])}


def lines_run(tree: Path) -> int:
    result = run(tree, TODAY)
    assert result.summary.errors == 0, [d.message for d in result.diagnostics if d.severity.value == "error"]
    count = 0
    sources = {render.__file__, contexts.__file__}

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename not in sources:
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        for page in render.pages(result, built="2026-08-01"):
            if page.more is not None:
                page.more()
    finally:
        sys.settrace(None)
    return count


def test_page_contexts_grow_linearly_with_the_company(tmp_path):
    small = lines_run(write_tree(tmp_path / "small", company(10)))
    large = lines_run(write_tree(tmp_path / "large", company(40)))
    # Four times the teams, people, KPIs, goals: about four times the work (sorting adds a
    # little); a scan of every team per person alone would make it far more.
    assert large / small < 4.6, (small, large)


def test_a_reference_is_one_object_and_a_kpi_chart_is_its_page_s_alone(tmp_path):
    """What a build holds while it renders: one reference per goal, person, team and KPI, however
    many lists show it; a KPI's chart is made by its page, not kept in the table every page reads."""
    write_tree(tmp_path, company(3))
    site_pages = render.pages(run(tmp_path, TODAY))
    tables = site_pages[-1].more.func.__self__
    goals = tables.goals
    assert goals["g0x0"]["team"] is goals["g0x1"]["team"] is tables.s.party_ref("t0")
    assert goals["g0x0"]["kpi"] is goals["g0x1"]["kpi"] is tables.s.kpi_ref("k0")
    assert goals["g0x0"]["parents"][0] is goals["g1x0"]["parents"][0] is tables.s.goal_ref("company")
    assert goals["company"]["children"][0] is tables.s.goal_ref("g0x0")
    kpi_page = next(p for p in site_pages if p.path == "kpis/k0.html")
    assert "chart" not in tables.by_id["kpis"]["k0"]
    assert kpi_page.more()["kpi"]["chart"]["svg"].startswith("<svg")
