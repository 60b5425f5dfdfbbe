"""The validated project as pages, through jinja templates.

``pages()`` turns a checked project into page descriptions (output path,
template, context); ``site.output.write()`` renders them. Every template gets ``root`` (the
relative way back to the site's root, so the folder works from ``file://`` and
under any sub-path) and ``site``. What each template receives is documented in
docs/site.md; what each page shows is made in site/contexts.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, Callable

from goalspec.check import Result
from goalspec.data.rollup import earned
from goalspec.diagnostics import Severity
from goalspec.site.chart import kpi_chart
from goalspec.site.contexts import Contexts, markdown, numbered, revision
from goalspec.site.layout import layout_map


@dataclass(frozen=True)
class Page:
    path: str       # where the page goes, relative to the site's root
    template: str
    context: dict[str, Any]
    # Extra context computed when the page is rendered, in whichever worker renders
    # it: the costly parts of ten thousand goal pages are spread over the cores.
    more: Callable[[], dict[str, Any]] | None = None

def _earned(e, s: Contexts) -> dict:
    return {"percent": round(e.share * 100), "measured": round(e.measured * 100),
            "unmeasured": [s.goal_ref(g) for g in e.unmeasured]}

def pages(result: Result, built: str | None = None, history: dict[str, list[dict]] | None = None,
          deferred: bool = False, reviews: dict[str, dict[str, str]] | None = None) -> list[Page]:
    """Every page of the site but the accountability page, the weekly updates and the reviews.
    ``history``: each goal's commits, from history.site_history (none outside git).

    What a page shows is made when it is rendered (``Page.more``): a goal's page needs only its
    goal, so `goalspec serve` shows a saved goal without making the other 14,000 pages' data;
    what the lists share (every goal's summary, the teams, people and KPIs) is made once, by
    whichever page needs it first. Unless ``deferred``, those tables are made now: a build renders
    in forked workers, and each would make them again. ``reviews``: each reviewed goal's link to
    its quarter's review (reviews.review_links), for its page's ``review``."""
    t = _Tables(Contexts(result, built, history))
    if not deferred:
        t.by_id, t.company, t.leads, t.incentives  # noqa: B018 - made once, before any fork
    p, common = result.project, {"site": t.s.site}
    out = [Page(path, template, common if path.endswith(".html") else {}, partial(t.context, path))
           for path, template in _SINGLE]
    out += [Page(f"goals/{gid}.html", "goal.html", common if reviews is None else {**common, "review": reviews.get(gid)},
                 partial(t.goal_page, gid)) for gid in sorted(p.goals)]
    out += [Page(f"teams/{tid}.html", "team.html", common, partial(t.one, "teams", tid)) for tid in sorted(p.teams)]
    out += [Page(f"people/{pid}.html", "person.html", common, partial(t.one, "people", pid))
            for pid in sorted(p.people)]
    out += [Page(f"kpis/{kid}.html", "kpi.html", common, partial(t.one, "kpis", kid)) for kid in sorted(p.kpis)]
    return out


# The pages that are one of a kind, and their templates: the first of pages(), each reading the
# whole site.
_SINGLE = (("index.html", "index.html"), ("map.html", "map.html"), ("leads.html", "leads.html"),
           ("incentives.html", "incentives.html"), ("findings.html", "findings.html"), ("search.html", "search.html"),
           ("404.html", "404.html"), ("assets/search-index.js", "search-index.js"))
ONE_OF_A_KIND = len(_SINGLE)


class _Tables:
    """What the pages show, each table made when a page first needs it."""

    def __init__(self, s: Contexts):
        self.s = s

    def goal_page(self, gid: str) -> dict:
        made = self.__dict__.get("goals")  # the lists' table, when made: the goal's summary is in it
        return self.s.goal_page(gid, made[gid] if made is not None else self.s.goal(gid))

    def one(self, kind: str, key: str) -> dict:
        row = self.by_id[kind][key]
        if kind == "kpis":  # the chart is the KPI page's alone: made when that page is rendered
            row = {**row, "chart": self.kpi_chart(key, row["notes"])}
        return {_ONE[kind]: row}

    def kpi_chart(self, kid: str, notes: list[dict]) -> dict | None:
        s = self.s
        if kid not in s.data.series:
            return None
        m = s.p.kpis[kid].model
        return kpi_chart(s.data.series[kid].points, m.unit, m.aggregation, m.cadence, f"Chart of {m.name}", notes)

    def context(self, path: str) -> dict:
        if path == "assets/search-index.js":
            index = _search_index(self.goals, self.teams, self.people, self.kpis, self.leads)
            return {"index_json": json.dumps(index, ensure_ascii=False, sort_keys=True,
                                                           separators=(",", ":"))}
        if path == "index.html":
            return {"company_goals": self.company, "teams": self.teams, "counts": _counts(self.s.p),
                    "untraced": [goal for goal in self.goals.values() if not goal["traced"]], "recent": _recent(self.s)}
        if path == "map.html":
            return {"map": layout_map(self.goals, self.incentives, sorted(self.s.g.company_goals))}
        if path == "leads.html":
            return {"leads": self.leads}
        if path == "incentives.html":
            return {"incentives": self.incentives}
        if path == "findings.html":
            findings = [self.s.finding(d) for d in self.s.r.diagnostics]
            return {"findings": findings, "errors": [f for f in findings if f["severity"] == Severity.ERROR.value],
                    "warnings": [f for f in findings if f["severity"] != Severity.ERROR.value]}
        return {}

    @cached_property
    def by_id(self) -> dict[str, dict[str, dict]]:
        return {kind: {x["id"]: x for x in getattr(self, kind)} for kind in _ONE}

    @cached_property
    def goals(self) -> dict[str, dict]:
        return {gid: self.s.goal(gid) for gid in sorted(self.s.p.goals)}

    @cached_property
    def company(self) -> list[dict]:
        # The home page: each company goal with the goals that serve it directly (deeper ones are a click
        # away on those goals' pages), their roll-up and its counts, so it stays readable at 60+ goals.
        goals = self.goals
        return [{**goals[gid], "rollup": self.s.rollup(gid),
                 "serving": [goals[c["id"]] for c in goals[gid]["children"] if c["id"] in goals]}
                for gid in sorted(self.s.g.company_goals)]

    @cached_property
    def grouped(self) -> tuple[dict[str, list], dict[str, list], dict[str, list]]:
        """Goals grouped once by team, owner and KPI: pages list them, in id order."""
        by_team: dict[str, list] = {}
        by_owner: dict[str, list] = {}
        by_kpi: dict[str, list] = {}
        for goal in self.goals.values():
            if goal["team"]:
                by_team.setdefault(goal["team"]["id"], []).append(goal)
            by_owner.setdefault(goal["owner"]["id"], []).append(goal)
            if goal["kpi"]:
                by_kpi.setdefault(goal["kpi"]["id"], []).append(goal)
        return by_team, by_owner, by_kpi

    @cached_property
    def teams(self) -> list[dict]:
        s, p = self.s, self.s.p
        by_team = self.grouped[0]
        # Who is in, leads and is paid by what, indexed once: a page per person must not scan every team.
        leads_of_team: dict[str, list] = {}
        for lid, lead in sorted(p.leads.items()):
            for tid in dict.fromkeys(lead.model.agreed_by):
                leads_of_team.setdefault(tid, []).append(s.lead_ref(lid))
        incentives_for: dict[str, list] = {}
        for iid, inc in sorted(p.incentives.items()):
            incentives_for.setdefault(inc.model.for_, []).append(
                {"id": iid, "label": inc.model.name, "url": f"incentives.html#incentive-{iid}"})
        teams = []
        for tid, team in sorted(p.teams.items()):
            m = team.model
            teams.append({
                "id": tid, "name": m.name, "url": f"teams/{tid}.html", "description_html": markdown(m.description),
                "lead": s.party_ref(m.lead),
                "members": [{**s.party_ref(x.id), "role": x.role, "email": x.email} for x in m.members],
                "goals": by_team.get(tid, []),
                "leads": leads_of_team.get(tid, []),
                "incentives": incentives_for.get(tid, []),
            })
        return teams

    @cached_property
    def people(self) -> list[dict]:
        s, p = self.s, self.s.p
        by_owner = self.grouped[1]
        kpis_of: dict[str, list] = {}
        for kid, kpi in sorted(p.kpis.items()):
            kpis_of.setdefault(kpi.model.owner, []).append(s.kpi_ref(kid))
        member_of: dict[str, list] = {}
        led_by: dict[str, list] = {}
        for t in self.teams:
            ref = {"id": t["id"], "label": t["name"], "url": t["url"]}
            for pid in dict.fromkeys(x["id"] for x in t["members"]):
                member_of.setdefault(pid, []).append(ref)
            led_by.setdefault(t["lead"]["id"], []).append(ref)
        people = []
        for pid, person in sorted(p.people.items()):
            m = person.model
            people.append({
                "id": pid, "name": m.name, "role": m.role, "email": m.email, "url": f"people/{pid}.html",
                "teams": [s.party_ref(t["id"]) for t in member_of.get(pid, [])],
                "goals": by_owner.get(pid, []),
                "kpis": kpis_of.get(pid, []),
                "leads": led_by.get(pid, []),
            })
        return people

    @cached_property
    def kpis(self) -> list[dict]:
        s, p = self.s, self.s.p
        by_kpi = self.grouped[2]
        kpis = []
        for kid, kpi in sorted(p.kpis.items()):
            m = kpi.model
            source = m.source
            notes = numbered(s.notes(kid))
            kpis.append({
                "id": kid, "name": m.name, "url": f"kpis/{kid}.html", "unit": m.unit, "direction": m.direction,
                "aggregation": m.aggregation, "cadence": m.cadence, "owner": s.party_ref(m.owner),
                "source": _source_text(source), "lead": s.lead_ref(source.definition)
                if source is not None and source.type == "leads" and source.definition else None,
                "description_html": markdown(m.description),
                "goals": by_kpi.get(kid, []),
                "findings": s.findings_by_id.get(kid, []),
                "notes": notes,
                "fresh": s.freshness(kid),
            })
        return kpis

    @cached_property
    def leads(self) -> list[dict]:
        s, p = self.s, self.s.p
        kpis_counting: dict[str, list] = {}
        for k in self.kpis:
            if k["lead"]:
                kpis_counting.setdefault(k["lead"]["id"], []).append(s.kpi_ref(k["id"]))
        leads = []
        for lid, lead in sorted(p.leads.items()):
            m = lead.model
            leads.append({
                "id": lid, "name": m.name, "stage": m.stage, "description": m.description,
                "agreed_by": [s.party_ref(t) for t in m.agreed_by],
                "handed_to": s.party_ref(m.handed_to) if m.handed_to else None,
                "follow_up_within": m.follow_up_within, "criteria": s.criteria(m.criteria),
                "kpis": kpis_counting.get(lid, []),
                "figures": s.lead_figures(lid), "case_sensitive": m.case_sensitive,
                "revisions": [revision(r) for r in m.revisions],
            })
        return leads

    @cached_property
    def incentives(self) -> list[dict]:
        s, p, goals = self.s, self.s.p, self.goals
        incentives = []
        for iid, inc in sorted(p.incentives.items()):
            m = inc.model
            incentives.append({
                "id": iid, "name": m.name, "for": s.party_ref(m.for_), "period": m.period,
                "description_html": markdown(m.description),
                "pays_on": [{"goal": s.goal_ref(x.goal), "share": share,
                             "progress": goals[x.goal]["progress"] if x.goal in goals else None,
                             "chains": [[s.goal_ref(step) for step in chain] for chain in s.chains(x.goal)]}
                            for x, share in zip(m.pays_on, m.shares())],
                "shares_total": sum(m.shares()),
                "earned": _earned(earned(p, s.progress, iid), s),
            })
        return incentives


_ONE = {"teams": "team", "people": "person", "kpis": "kpi"}


def _recent(s: Contexts, most: int = 8) -> list[dict]:
    """Each KPI's newest day, newest first: what changed lately, with the KPI's value as its goals
    measure it (a summed KPI's total so far in the goal's period, not the last day's count)."""
    measured_by: dict[str, str] = {}
    for gid, p in sorted(s.progress.items()):
        kid = s.p.goals[gid].model.kpi
        if kid and not p.milestone and p.value is not None:
            measured_by.setdefault(kid, gid)
    latest = []
    for kid, series in s.data.series.items():
        if series.points and kid in s.p.kpis:
            point = series.points[-1]
            unit = s.p.kpis[kid].model.unit or ""
            shown_unit = f"{'' if unit == '%' else ' '}{unit}".rstrip()
            gid = measured_by.get(kid)
            if gid is not None and s.p.kpis[kid].model.aggregation != "last":
                p = s.progress[gid]
                value = f"{s.kpi_number(kid, p.value)}{shown_unit} so far ({p.first.isoformat()} to {p.last.isoformat()})"
            else:
                value = f"{s.kpi_number(kid, point.value)}{shown_unit}"
            latest.append({"kpi": s.kpi_ref(kid), "day": point.day.isoformat(), "value": value})
    latest.sort(key=lambda r: (r["day"], r["kpi"]["id"]), reverse=True)
    return latest[:most]


def _counts(p) -> dict:
    return {"goals": len(p.goals), "teams": len(p.teams), "people": len(p.people), "kpis": len(p.kpis),
            "leads": len(p.leads), "incentives": len(p.incentives)}


def _source_text(source) -> str:
    if source is None:
        return "no source"
    if source.type == "checkins":
        return "check-ins"
    if source.type == "csv":
        return f"CSV file {source.path} ({source.date_column}, {source.value_column})"
    if source.type == "sql":
        return "SQL query"
    return "lead records counted by a lead definition"


def _search_index(goals, teams, people, kpis, leads) -> list[dict]:
    items = [{"k": "goal", "t": g["title"], "s": " · ".join(x for x in (g["id"], g["owner"]["label"],
              g["team"]["label"] if g["team"] else "company goal") if x), "u": g["url"]} for g in goals.values()]
    items += [{"k": "team", "t": t["name"], "s": t["id"], "u": t["url"]} for t in teams]
    items += [{"k": "person", "t": x["name"], "s": " · ".join(v for v in (x["id"], x["role"]) if v), "u": x["url"]}
              for x in people]
    items += [{"k": "KPI", "t": k["name"], "s": f"{k['id']} · {k['unit'] or ''}", "u": k["url"]} for k in kpis]
    items += [{"k": "lead definition", "t": d["name"], "s": f"{d['id']} · {d['stage']} · {d['description'] or ''}",
               "u": f"leads.html#lead-{d['id']}"} for d in leads]
    return items
