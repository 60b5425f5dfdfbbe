"""What a rule is, and what every rule's check receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from types import ModuleType
from typing import Callable, Iterable

from goalspec.diagnostics import DEFAULT_SEVERITY, Diagnostic, Severity
from goalspec.graph import AlignmentGraph
from goalspec.rules.catalogue import describe
from goalspec.spec.models import Goal
from goalspec.spec.periods import day_or_none
from goalspec.data.progress import Progress, all_progress
from goalspec.data.rollup import Rollup, rollups, serving
from goalspec.data.sources import Data
from goalspec.data.values import read_all
from goalspec.spec.targets import ParsedTarget, TargetProblem, parse_target
from goalspec.spec.validate import Obj, Project

Check = Callable[["Context"], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    explain: str
    # None for findings made by the loader or validator (GS001-GS005).
    check: Check | None

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        summary, explain = describe(module.__doc__)
        code = module.__name__.rpartition(".")[2].upper()
        return cls(code=code, severity=DEFAULT_SEVERITY[code], summary=summary, explain=explain,
                   check=getattr(module, "check", None))


@dataclass(frozen=True)
class BaseRevision:
    """The tree as it was at the base revision of a change (check --base), for GS601."""

    project: Project
    name: str  # how findings name it, e.g. "main (1a2b3c4)"


@dataclass(frozen=True)
class Context:
    """What a rule's check sees: the validated project, its graph and today's date."""

    project: Project
    graph: AlignmentGraph
    today: date
    # Read databases outside the tree too (check --data); local data is always read.
    remote_data: bool = False
    # Only with check --base: rules that compare with the base revision stay silent without it.
    base: BaseRevision | None = None
    # What contexts of one tree on several days (the site's weekly updates) share: figures that do
    # not depend on the day, computed on the first day that asks (see gs503.missed_twice).
    shared: dict | None = None
    # What one check hands the next in `goalspec serve` (spec.cache.MemoryCache.kept): figures worked
    # out from objects a save did not change (values.read_all's and progress.all_progress's ``keep``).
    keep: dict | None = None

    @property
    def fy(self) -> int:
        return self.project.fiscal_year_start

    @cached_property
    def deadlines(self) -> dict[str, date]:
        """Valid deadlines by goal id (the period's last day); invalid ones are GS302's."""
        return {gid: d for gid, d in ((gid, self._day(g.model.deadline, last=True))
                                      for gid, g in self.project.goals.items()) if d is not None}

    @cached_property
    def starts(self) -> dict[str, date]:
        """Valid starts by goal id; a goal with no start begins with its deadline's period."""
        out = {}
        for gid, goal in self.project.goals.items():
            m = goal.model
            day = self._day(m.start, last=False) if m.start is not None else self._day(m.deadline, last=False)
            if day is not None:
                out[gid] = day
        return out

    @cached_property
    def targets(self) -> dict[str, ParsedTarget | TargetProblem]:
        out: dict[str, ParsedTarget | TargetProblem] = {}
        for gid, goal in self.project.goals.items():
            if goal.model.target is not None:
                try:
                    out[gid] = parse_target(goal.model.target)
                except TargetProblem as problem:
                    out[gid] = problem
        return out

    @cached_property
    def data(self) -> Data:
        """Every KPI's values, read from its source once, when a rule first needs them."""
        return read_all(self.project, remote=self.remote_data, today=self.today, keep=self.keep)

    @cached_property
    def progress(self) -> dict[str, Progress]:
        return all_progress(self.project, self.data, self.today, self.keep)

    @cached_property
    def rollups(self) -> dict[str, Rollup]:
        """Each goal with children: their progress rolled up by weight (status and the site show it)."""
        return rollups(self.project, self.progress, self.today, self.serving)

    @cached_property
    def serving(self) -> dict[str, list[str]]:
        """Each goal's children (rollup.serving), made once for the rules and the roll-ups."""
        return serving(self.project)

    def rollup(self, gid: str) -> Rollup | None:
        """``rollups[gid]``, worked out from the goal's own subtree when no parent link makes a cycle
        (serve's goal page needs one roll-up, not 7,000). With a cycle, which goal a walk starts from
        decides where it is cut: then every roll-up is made, in the one order status and the site use."""
        if "rollups" in self.__dict__ or self.graph.cycles:
            return self.rollups.get(gid)
        some = self.__dict__.setdefault("_some_rollups", {})
        if gid not in some:
            some.update(rollups(self.project, self.progress, self.today, self.serving, only=[gid]))
            some.setdefault(gid, None)
        return some[gid]

    def goals(self) -> Iterable[tuple[str, Obj[Goal]]]:
        return self.project.goals.items()

    def _day(self, value: str | None, *, last: bool) -> date | None:
        return day_or_none(value, self.fy, last=last)
