"""What each page shows, as plain data: one checked result turned into the dicts the templates
read (references, texts, a goal's figures, chart and notes). site/render.py puts them in pages.
Spec strings stay plain data, escaped by jinja's autoescaping; Markdown is rendered with raw
HTML and images off."""

from __future__ import annotations

from bisect import bisect_right

from markdown_it import MarkdownIt

from goalspec import __version__
from goalspec.check import Result
from goalspec.data.cadence import CADENCE_DAYS
from goalspec.data.progress import decimals
from goalspec.data.statuses import STATUSES
from goalspec.site.chart import goal_chart
from goalspec.spec.criteria import sentence
from goalspec.spec.periods import parse_period
from goalspec.spec.targets import TargetProblem
from goalspec.spec.words import describe_target, figure

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def markdown(text: str | None) -> str:
    return _md.render(text) if text else ""


def goal_url(gid: str) -> str:
    return f"goals/{gid}.html"

class Contexts:
    """Builds page contexts from one checked result; all lookups in one place."""

    def __init__(self, result: Result, built: str | None, history: dict[str, list[dict]] | None = None):
        self.r, self.p, self.g = result, result.project, result.graph
        self.history = history or {}
        self.progress, self.data = result.context.progress, result.context.data
        org = self.p.organization.model if self.p.organization else None
        self.site = {
            "name": org.name if org else "Goals",
            "title": (org.site.title if org and org.site else None) or (f"{org.name} goals" if org else "Goals"),
            "base_url": org.site.base_url if org and org.site else None,
            "built": built,
            "data_updated": self.data.last_updated.isoformat() if self.data.last_updated else None,
            "version": __version__,
            "errors": result.summary.errors,
            "warnings": result.summary.warnings,
        }
        self._goal_refs: dict[str, dict] = {}
        self._party_refs: dict[str, dict] = {}
        self._kpi_refs: dict[str, dict] = {}
        self.incentives_by_goal: dict[str, list] = {}
        self._notes: dict[str, list[dict]] | None = None
        self._decimals: dict[str, int] = {}
        for iid, inc in sorted(self.p.incentives.items()):
            ref = {"id": iid, "label": inc.model.name, "url": f"incentives.html#incentive-{iid}"}
            for goal_id in dict.fromkeys(inc.model.goals):
                self.incentives_by_goal.setdefault(goal_id, []).append(ref)
        self.findings_by_id: dict[str, list] = {}
        for d in result.diagnostics:
            if d.id:
                self.findings_by_id.setdefault(d.id, []).append(self.finding(d))

    # references -------------------------------------------------------------
    # A reference is made once per object and shared by every list and page that shows it (a goal
    # is its parent's child, its owner's, its team's and its KPI's): a build holds the lists of
    # 100,000 goals at once. No page changes a reference; those that add to one copy it.
    def goal_ref(self, gid: str) -> dict:
        ref = self._goal_refs.get(gid)
        if ref is None:
            goal = self.p.goals.get(gid)
            ref = self._goal_refs[gid] = ({"id": gid, "label": gid, "url": None} if goal is None else
                                          {"id": gid, "label": goal.model.title, "url": goal_url(gid)})
        return ref

    def party_ref(self, ident: str) -> dict:
        ref = self._party_refs.get(ident)
        if ref is None:
            ref = self._party_refs[ident] = self._party(ident)
        return ref

    def _party(self, ident: str) -> dict:
        if ident in self.p.teams:
            return {"id": ident, "label": self.p.teams[ident].model.name, "url": f"teams/{ident}.html", "kind": "team"}
        if ident in self.p.people:
            return {"id": ident, "label": self.p.people[ident].model.name, "url": f"people/{ident}.html", "kind": "person"}
        return {"id": ident, "label": ident, "url": None, "kind": "unknown"}

    def kpi_ref(self, kid: str | None) -> dict | None:
        if kid is None:
            return None
        ref = self._kpi_refs.get(kid)
        if ref is None:
            kpi = self.p.kpis.get(kid)
            ref = self._kpi_refs[kid] = {"id": kid, "label": kpi.model.name if kpi else kid,
                                         "url": f"kpis/{kid}.html" if kpi else None}
        return ref

    def lead_ref(self, lid: str) -> dict:
        lead = self.p.leads.get(lid)
        return {"id": lid, "label": lead.model.name if lead else lid, "url": f"leads.html#lead-{lid}" if lead else None}

    def finding(self, d) -> dict:
        return {"code": d.code, "severity": d.severity.value, "file": d.file, "line": d.line, "column": d.column,
                "id": d.id, "message": d.message, "hint": d.hint}

    # objects ------------------------------------------------------------------
    def target_text(self, gid: str) -> str:
        goal = self.p.goals[gid].model
        kpi = self.p.kpis.get(goal.kpi or "")
        unit = kpi.model.unit if kpi and kpi.model.unit else ""
        if goal.target is None:
            return "no target"
        t = self.r.context.targets.get(gid)  # parsed once, for the rules
        if t is None or isinstance(t, TargetProblem):
            return "target not readable"
        return describe_target(t, unit)

    def period_text(self, value: str | None, last: bool) -> str | None:
        if value is None:
            return None
        try:
            period = parse_period(value, self.p.fiscal_year_start)
        except ValueError:
            return str(value)
        day = period.last if last else period.first
        return value if period.first == period.last else f"{value} ({day.isoformat()})"

    def default_start(self, deadline: str | None) -> str | None:
        try:
            first = parse_period(deadline, self.p.fiscal_year_start).first if deadline is not None else None
        except ValueError:
            return None
        return f"{first.isoformat()} (the start of the deadline's period)" if first else None

    def goal(self, gid: str) -> dict:
        """What every page that lists a goal shows of it."""
        m = self.p.goals[gid].model
        children = sorted(self.g.children(gid))
        return {
            "id": gid, "title": m.title, "url": goal_url(gid), "status": m.status, "weight": m.weight, "tags": m.tags,
            "company": m.is_company_goal, "traced": gid in self.g.traced,
            "owner": self.party_ref(m.owner), "team": self.party_ref(m.team) if m.team else None,
            "kpi": self.kpi_ref(m.kpi), "target": self.target_text(gid),
            "deadline": self.period_text(m.deadline, last=True),
            "parents": [self.goal_ref(p) for p in m.parents],
            "children": [self.goal_ref(c) for c in children],
            "progress": self.measured(gid),
        }

    def goal_page(self, gid: str, summary: dict) -> dict:
        """The rest of what a goal's own page shows."""
        obj = self.p.goals[gid]
        m = obj.model
        p = self.progress.get(gid)
        kpi = self.p.kpis.get(m.kpi or "")
        notes = numbered([n for n in self.notes(m.kpi) if p is not None and p.first <= n["day"] <= p.last])
        return {"goal": {
            **summary,
            "start": self.period_text(m.start, last=False) if m.start is not None else self.default_start(m.deadline),
            "description_html": markdown(m.description),
            "chains": [[self.goal_ref(step) for step in chain] for chain in self.chains(gid)],
            "incentives": self.incentives_by_goal.get(gid, []),
            "revisions": [revision(r) for r in m.revisions],
            "outcome": None if m.outcome is None else {"status": m.status, "date": m.outcome.date.isoformat(),
                                                       "score": m.outcome.score, "note": m.outcome.note},
            "findings": self.findings_by_id.get(gid, []),
            "history": self.history.get(gid, []),
            "file": obj.file,
            "chart": goal_chart(p, kpi.model.aggregation, kpi.model.cadence, f"Chart of {m.title}", kpi.model.unit,
                                notes) if p is not None and kpi is not None and not p.milestone else None,  # a yes/no has no line
            "notes": notes,
            "fresh": self.freshness(m.kpi),
            "rollup": self.rollup(gid),
        }}

    def notes(self, kid: str | None) -> list[dict]:
        """What the people reporting a KPI said with its values (check-ins with a note or a
        confidence), newest first."""
        if self._notes is None:
            self._notes = {}
            for checkin in self.p.checkins:
                c = checkin.model
                if c.date is not None and (c.note or c.confidence is not None):
                    self._notes.setdefault(c.kpi, []).append({
                        "day": c.date, "date": c.date.isoformat(), "value": self.kpi_number(c.kpi, c.value),
                        "note": c.note,
                        "confidence": None if c.confidence is None else round(c.confidence * 100),
                        "by": self.party_ref(c.by) if c.by else None})
            for found in self._notes.values():
                found.sort(key=lambda n: n["day"], reverse=True)
        return self._notes.get(kid or "", [])

    def freshness(self, kid: str | None) -> dict | None:
        """When the KPI last had a value, in days before the day the site is built for; stale past its
        cadence (GS501's measure)."""
        series = self.data.series.get(kid or "")
        kpi = self.p.kpis.get(kid or "")
        today = self.r.context.today
        # Points are in day order: the newest one up to today is found by bisection, not a scan per goal.
        upto = bisect_right(series.points, today, key=lambda p: p.day) if series else 0
        if not upto or kpi is None:
            return None
        last = series.points[upto - 1].day
        days = (today - last).days
        when = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
        return {"date": last.isoformat(), "days": days, "text": when,
                "stale": days > CADENCE_DAYS[kpi.model.cadence]}

    def kpi_number(self, kid: str, value: float | None) -> str | None:
        """A value of a KPI as precisely as the KPI's own values are written."""
        if value is None:
            return None
        if value == int(value):
            places = 0
        else:
            if kid not in self._decimals:
                series = self.data.series.get(kid)
                self._decimals[kid] = decimals(series.points) if series and series.points else 2
            places = self._decimals[kid]
        return f"{value:,.{places}f}"

    def rollup(self, gid: str) -> dict | None:
        """The goal's children's progress rolled up by weight, for beside the goal's own."""
        up = self.r.context.rollup(gid)
        if up is None:
            return None
        counts = up.counts()
        return {"percent": None if up.progress is None else round(up.progress * 100), "status": up.status,
                "counts": [{"status": s, "n": counts[s]} for s in STATUSES if s in counts],
                "children": [{"goal": self.goal_ref(c.goal), "share": round(c.weight * 100), "status": c.status,
                              "percent": None if c.progress is None else round(c.progress * 100)}
                             for c in up.children]}

    def measured(self, gid: str) -> dict | None:
        """What the data says about a goal, as texts for the page."""
        p = self.progress.get(gid)
        if p is None:
            return None
        if p.milestone:
            done = p.value == 1
            return {"status": p.status, "target": "done", "forecast": None, "expected": round(p.expected * 100),
                    "value": (f"done on {p.done_on.isoformat()}" if p.done_on else "done") if done else "not yet",
                    "percent": 100 if done else 0}
        kpi = self.p.kpis[self.p.goals[gid].model.kpi].model
        unit = f" {kpi.unit}" if kpi.unit and kpi.unit != "%" else (kpi.unit or "")

        def num(value: float | None) -> str | None:
            # As precise as the KPI's own values: a forecast of a count is a count.
            return None if value is None else f"{figure(value, p.decimals)}{unit}"

        return {
            "status": p.status, "value": num(p.value), "target": num(p.target),
            "percent": None if p.progress is None else round(p.progress * 100),
            "expected": round(p.expected * 100), "forecast": num(p.forecast),
        }

    def chains(self, gid: str) -> list[list[str]]:
        """Every path up to a company goal, each from the company goal down to this goal."""
        from goalspec.report.trace import chains

        return [list(reversed(c)) for c in chains(self.r, gid) if c[-1] in self.g.company_goals]

    def criteria(self, node) -> dict:
        if node.all is not None:
            return {"kind": "all", "items": [self.criteria(n) for n in node.all]}
        if node.any is not None:
            return {"kind": "any", "items": [self.criteria(n) for n in node.any]}
        if node.not_ is not None:
            return {"kind": "not", "items": [self.criteria(node.not_)]}
        text = sentence(node.field, node.op, node.value)
        if node.case_sensitive is False:
            text += " (any case)"
        return {"kind": "leaf", "text": text}

    def lead_figures(self, lid: str) -> list[dict]:
        """What the lead records say of one definition: counts, conversion into its stage, follow-up."""
        out = []
        for name, summary in sorted(self.data.leads.items()):
            if lid not in summary.counts:
                continue
            stage = self.p.leads[lid].model.stage
            conversion = next((c for c in summary.conversions if c.target == stage), None)
            follow = next((f for f in summary.follow_ups if f.definition == lid), None)
            out.append({
                "source": name, "records": summary.records, "count": summary.counts[lid],
                "percent": percent(summary.counts[lid], summary.records),
                "conversion": None if conversion is None else {
                    "from": conversion.source, "to": conversion.target, "reached": conversion.reached,
                    "of": conversion.of, "percent": percent(conversion.reached, conversion.of)},
                "follow_up": None if follow is None else {
                    "team": self.party_ref(follow.team), "within": follow.within, "handed_over": follow.handed_over,
                    "in_time": follow.in_time, "waiting": follow.waiting, "late": follow.late_count,
                    "late_percent": percent(follow.late_count, follow.handed_over), "unreadable": follow.unreadable},
            })
        return out

def numbered(notes: list[dict]) -> list[dict]:
    """Notes (newest first) numbered oldest first: the numbers of the chart's markers."""
    return [{**n, "n": len(notes) - i} for i, n in enumerate(notes)]


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def revision(r) -> dict:
    return {"date": r.date.isoformat(), "field": r.field, "from": r.from_, "to": r.to, "reason": r.reason}
