"""The weekly digests of the last ``WEEKS`` weeks, for the site's updates section and its feed.

A week ends on a Monday (the day the scheduled digest goes out, examples/weekly-digest.yml) and its
digest is the one `goalspec digest --today MONDAY --since 7d` prints: the tree as it stood that
Monday evening (the newest commit made on or before it), compared with the tree the Monday before.

Cost is what matters here: the site of a 10,000-goal tree is built in seconds, and eight
weeks must not multiply that. So:

- a tree is loaded and validated once per distinct content (git's tree id of the spec folder), not
  per week nor per commit: weeks without a change to the specs share one load, and a week whose
  tree is the one being built shares the build's own check; parsing goes through the file cache;
- no rule runs for a past week: a digest needs statuses and progress, not findings;
- KPI values are read once per tree and cut at each week's day (progress only counts values up
  to its day), and every goal's progress is prepared once and evaluated per day, when that
  day's week is made (``_Prepared``: one week holds two days' progress); only lead records, whose follow-up lateness depends on the
  day, are read again per week, and only in trees that count leads.

Outside git there is one tree, the current one, and the weeks come from its values: from the week
of the oldest KPI value (or only the latest week when there is none), each the tree as it is,
measured on that week's day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterator

from goalspec.check import Result, Summary
from goalspec.data.progress import Prepared, Progress, all_progress, evaluate_all, prepare_all
from goalspec.data.rollup import rollups, serving
from goalspec.data.sources import Data
from goalspec.data.values import read_kpi_sources
from goalspec.graph import build_graph
from goalspec.report.digest import Digest, digest
from goalspec.report.status import rows
from goalspec.rules import KNOWN_CODES, Context
from goalspec.spec.cache import FileCache
from goalspec.spec.validate import Project, validate
from goalspec.vcs.revision import RevisionError, git_text, load_at, locate, resolve, tree_at

WEEKS = 8  # weekly updates on the site and in its feed: two months (each week costs a check's worth of progress)


def mondays(today: date, weeks: int = WEEKS) -> list[date]:
    """The last ``weeks`` Mondays up to ``today`` (today when it is one), newest first."""
    last = today - timedelta(days=today.weekday())
    return [last - timedelta(days=7 * k) for k in range(weeks)]


@dataclass(frozen=True)
class Week:
    day: date  # the Monday the week ends on
    digest: Digest


class Stopped(Exception):
    """``weekly``'s ``stop`` said to stop: what it was making is no longer wanted."""


def weekly(result: Result, tree: Path, rev: str | None = None, cache: FileCache | None = None,
           weeks: int = WEEKS, memo: dict | None = None, stop: Callable[[], bool] | None = None) -> list[Week]:
    """The digests of the last ``weeks`` weeks up to the result's day, newest first; weeks before the
    tree existed are left out. ``result`` is the build's check of the tree (at ``rev``, else as it is).

    ``memo`` (serve keeps one across saves) holds the weeks whose two trees are both past commits
    other than the one built: those digests are the commits' alone, and a save does not change them.
    ``stop`` (serve: the tree was saved again) is asked between the steps, each a fraction of the
    whole; when it says so, Stopped is raised and nothing is kept."""
    return list(each_week(result, tree, rev, cache, weeks, memo, stop))


def each_week(result: Result, tree: Path, rev: str | None = None, cache: FileCache | None = None,
              weeks: int = WEEKS, memo: dict | None = None, stop: Callable[[], bool] | None = None) -> Iterator[Week]:
    """weekly's weeks one at a time: a week's digest holds a status row per goal, and a caller that
    keeps only what it shows of each (the site's pages) never holds more than one week's rows.
    ``memo`` is added to only once the last week is made."""
    def step() -> None:
        if stop is not None and stop():
            raise Stopped()

    days = mondays(result.context.today, weeks)
    days.append(days[-1] - timedelta(days=7))  # the week before the oldest: what it is compared with
    pairs = list(zip(days, days[1:]))
    history = _commits(tree, rev, days)
    keys: dict[date, tuple] = {}
    if history is None:  # not in git: the tree as it is, from the week of its oldest value
        oldest = min((s.points[0].day for s in result.context.data.series.values() if s.points), default=None)
        kept = [d for d in days if oldest is not None and d >= oldest] or days[:2]  # a week ends on its day
        found = {d: (state, None) for d, state in _measure(result, kept).items()}
    else:
        built, commits = history
        if memo is not None:
            keys = {now: (now, then, commits[now], commits[then]) for now, then in pairs
                    if commits[now] is not None and commits[now][1] != built
                    and (commits[then] is None or commits[then][1] != built)}
        needed = {d for now, then in pairs if keys.get(now) not in memo for d in (now, then)} if keys else set(days)
        found = _from_git(result, tree, [d for d in days if d in needed], built, commits, cache, step)
    tables: dict[date, list[dict]] = {}  # each day's rows, now one week and then the next

    def table(day: date) -> list[dict] | None:
        if day not in tables and day in found:
            step()
            tables[day] = rows(found[day][0])
        return tables.get(day)

    made: dict = {}  # this call's new weeks: into ``memo`` only once every week is made
    for now_day, then_day in pairs:  # newest first: a day is "now" once, after being "then" once
        key = keys.get(now_day)
        if key is not None and key in memo:
            yield memo[key]
        else:
            step()
            now, _ = found.get(now_day, (None, None))
            if now is not None:
                then, commit = found.get(then_day, (None, None))
                week = Week(now_day, digest(now, then, then_day, commit, table=table(now_day), was=table(then_day)))
                if key is not None:
                    made[key] = week
                yield week
                week = None  # not held while the next week is made
        tables.pop(now_day, None)  # neither this week's rows nor its state is asked for again
        found.pop(now_day, None)
    if memo is not None:
        memo.update(made)
    if memo:
        for stale in memo.keys() - set(keys.values()):  # weeks no longer shown, or commits no longer there
            del memo[stale]


def _commits(tree: Path, rev: str | None, days: list[date]) -> tuple[str, dict[date, tuple[str, str] | None]] | None:
    """The id of the spec folder's tree in the commit built, and per day the newest commit on or
    before it with that folder's id in it (None when the folder did not exist yet); None when the
    tree is not in git."""
    try:
        repo = locate(tree)
        head = resolve(repo, rev or "HEAD")
    except RevisionError:
        return None

    def folder_id(commit: str) -> str:
        return git_text(repo.top, "rev-parse", "--verify", "--quiet",
                        f"{commit}:{repo.prefix}" if repo.prefix else f"{commit}^{{tree}}").strip()

    out: dict[date, tuple[str, str] | None] = {}
    for day in days:
        commit = git_text(repo.top, "rev-list", "-1", f"--before={day.isoformat()}T23:59:59+00:00", head).strip()
        folder = None
        if commit:
            try:
                folder = folder_id(commit)
            except RevisionError:
                folder = None  # the spec folder did not exist in that commit
        out[day] = (commit, folder) if folder else None
    try:
        built = folder_id(head)
    except RevisionError:
        built = ""
    return built, out


def _from_git(result: Result, tree: Path, days: list[date], head_tree: str, commits: dict,
              cache: FileCache | None, step: Callable[[], None] = lambda: None) -> dict:
    by_tree: dict[str, list[date]] = {}
    for day in days:
        if commits[day] is not None:
            by_tree.setdefault(commits[day][1], []).append(day)
    found: dict[date, tuple[Result, str]] = {}
    for folder_id, its_days in by_tree.items():
        step()  # each past tree is a load and a check of its own
        if folder_id == head_tree:  # the tree being built: its check is already there
            states = _measure(result, its_days)
        else:
            states = _measure(_load_at(tree, commits[its_days[0]][0], max(its_days), cache), its_days)
        for day in its_days:
            found[day] = (states[day], commits[day][0])
    return found


def _load_at(tree: Path, commit: str, day: date, cache: FileCache | None) -> Result:
    """The tree at a commit, validated, its KPI values read: what a check gives, without the rules.
    The specs are read from git's objects; the whole tree is written out only when a KPI reads a
    file beside them (CSV, SQLite, lead records)."""
    repo = locate(tree)
    loaded = load_at(repo, commit, tree, cache)
    project, _ = validate(loaded, KNOWN_CODES)
    if not any(k.model.source is not None and k.model.source.type != "checkins" for k in project.kpis.values()):
        return _checked(project, loaded, tree, day)
    with tree_at(tree, commit) as (folder, _):
        return _checked(replace(project, root=folder), loaded, tree, day)  # its files are read from the copy


def _checked(project: Project, loaded, tree: Path, day: date) -> Result:
    graph = build_graph(project)
    ctx = Context(project, graph, day, remote_data=True)
    ctx.data  # noqa: B018 (read now, while the folder with the tree's data files exists)
    return Result(tree, (), Summary(0, 0, len(project.goals), len(project.kpis), len(loaded.files)), project,
                  graph, ctx)


def _measure(base: Result, days: list[date]) -> dict[date, Result]:
    """The tree of ``base`` on each day: its KPI values and progress as they stood then, each
    worked out when the day is first asked for (one week's digest at a time holds two days)."""
    project, graph, ctx = base.project, base.graph, base.context
    leads = _counts_leads(project)
    prepared = None if leads else _Prepared(project, ctx.data)
    # What does not depend on the day is shared with the tree's own context, or between the days.
    fixed = {"deadlines": ctx.deadlines, "starts": ctx.starts, "targets": ctx.targets}
    children, company, shared = serving(project), sorted(graph.company_goals), {}
    out = {}
    for day in days:
        at = _OnDay(project, graph, day, remote_data=True, shared=None if leads else shared, prepared=prepared,
                    values=ctx.data, children=children, company=company)
        at.__dict__.update(fixed)
        out[day] = Result(base.root, (), base.summary, project, graph, at)
    return out


class _Prepared:
    """Every goal of a tree on one set of KPI values, prepared when a day first asks; each day's
    progress is evaluated from them when its week is made."""

    def __init__(self, project: Project, data: Data):
        self.project, self.data = project, data

    @cached_property
    def goals(self) -> list[tuple[str, Prepared]]:
        return prepare_all(self.project, self.data)

    def on(self, day: date) -> dict[str, Progress]:
        return evaluate_all(self.goals, day)  # a memo of its own: the day is in its keys


@dataclass(frozen=True)
class _OnDay(Context):
    """The tree on a past day (weekly's): its values, progress and company goals' roll-ups (all a
    digest needs of them) made when first asked for."""

    prepared: _Prepared | None = None  # None: lead records are counted on the day (their lateness depends on it)
    values: Data | None = None  # the tree's own
    children: dict | None = None
    company: list | None = None

    @cached_property
    def data(self) -> Data:
        return self.values if self.prepared is not None else _with_leads(self.project, self.values, self.today)

    @cached_property
    def progress(self) -> dict[str, Progress]:
        if self.prepared is not None:
            return self.prepared.on(self.today)
        return all_progress(self.project, self.data, self.today)

    @cached_property
    def rollups(self) -> dict:
        return rollups(self.project, self.progress, self.today, self.children, self.company)


def _counts_leads(project: Project) -> bool:
    return any(k.model.source is not None and k.model.source.type == "leads" for k in project.kpis.values())


def _with_leads(project: Project, data: Data, day: date) -> Data:
    """The data with lead records counted as of ``day``: which follow-ups were late then."""
    series, summaries = read_kpi_sources(project, True, day)
    return Data({**data.series, **series}, summaries)

