"""The pipeline behind `goalspec check`: load → validate → graph → rules → findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from goalspec.spec.cache import FileCache, MemoryCache
from goalspec.diagnostics import Diagnostic, Severity
from goalspec.graph import AlignmentGraph, build_graph
from goalspec.spec import titlekeep, titleread
from goalspec.spec.load import load_tree
from goalspec.spec.memory import no_cyclic_gc
from goalspec.rules import KNOWN_CODES, RULES, BaseRevision, Context
from goalspec.spec.validate import Project, validate


@dataclass(frozen=True)
class Summary:
    errors: int
    warnings: int
    goals: int
    kpis: int
    files: int
    held_back: int = 0  # findings a file that could not be parsed (GS001) may have caused


@dataclass(frozen=True)
class Result:
    root: Path
    diagnostics: tuple[Diagnostic, ...]
    summary: Summary
    project: Project
    graph: AlignmentGraph
    context: Context  # holds the KPI data and progress, read once and shared with the site

    @property
    def failed(self) -> bool:
        return self.summary.errors > 0


def run(root: Path, today: date, cache: FileCache | None = None, *, remote_data: bool = False,
        base: BaseRevision | None = None, jobs: int | None = None) -> Result:
    """Check a spec tree; every finding is collected, none stops the run.

    KPI values from check-ins, CSV files and SQLite files in the tree are always
    read; other databases only with ``remote_data``. ``base`` (check --base) is
    the tree at the base revision of a change, which GS601 compares with.
    ``jobs=1`` parses in this process, never in forked workers (serve forks no thread's locks).
    """
    with no_cyclic_gc():
        return _run(root, today, cache, remote_data, base, jobs)


def _run(root: Path, today: date, cache: FileCache | None, remote_data: bool, base: BaseRevision | None,
         jobs: int | None = None) -> Result:
    loaded = load_tree(root, cache, jobs)
    # what the parse workers read of the titles, and what an earlier run read of the others:
    # GS101, GS103, GS306 and the site ask
    titleread.tell(titlekeep.complete(root, loaded.documents, loaded.titles, cache))
    project, found = validate(loaded, KNOWN_CODES, cache.models if isinstance(cache, MemoryCache) else None)
    graph = build_graph(project)
    ctx = Context(project, graph, today, remote_data, base,
                  keep=cache.kept if isinstance(cache, MemoryCache) else None)
    findings = list(loaded.diagnostics) + found
    for rule in RULES.values():
        if rule.check is not None:
            findings.extend(rule.check(ctx))
    configured = sorted(set(_configure(findings, project)))
    final = tuple(held_back(configured, [f.broken for f in loaded.files if f.broken is not None]))
    summary = Summary(
        errors=sum(d.severity is Severity.ERROR for d in final),
        warnings=sum(d.severity is Severity.WARNING for d in final),
        goals=len(project.goals),
        kpis=len(project.kpis),
        files=len(loaded.files),
        held_back=len(configured) - len(final),
    )
    return Result(root, final, summary, project, graph, ctx)


# Findings that say something is missing, which a file that could not be parsed may define:
# code -> the kind of object whose absence they report.
_MISSING = {"GS202": "KPI", "GS401": "Goal", "GS405": "Team", "GS408": "LeadDefinition"}
# Findings about the tree as a whole, which any such file defining that kind may change.
_WHOLE = {"GS005": "Organization", "GS404": "Goal", "GS406": "Goal", "GS411": "Goal", "GS501": "CheckIn",
          "GS502": "CheckIn", "GS503": "CheckIn"}


def held_back(findings, broken: list[frozenset[str]]):
    """One mistake, one finding: while a file cannot be parsed, the findings that the objects it
    would define may answer ("KPI `x` is not defined", "no company goal") are held back. A file
    whose text names the id (or the kind) holds it back; one whose text shows nothing holds back
    every such finding."""
    if not broken:
        yield from findings
        return
    blind = any(not names for names in broken)
    ids = frozenset().union(*broken)
    for d in findings:
        if d.code in _MISSING:
            named = re.search(r"`([^`]+)`", d.message)
            if blind or (named and named.group(1) in ids) or f"kind:{_MISSING[d.code]}" in ids and not named:
                continue
        elif d.code in _WHOLE and (blind or f"kind:{_WHOLE[d.code]}" in ids):
            continue
        yield d


def base_revision(root: Path, rev: str, cache: FileCache | None = None) -> BaseRevision:
    """The tree as it was at a git revision, for the rules that compare with it (check --base).

    Raises revision.RevisionError when the tree is not in a repository or rev is no commit."""
    from goalspec.vcs.revision import locate, project_at, resolve, revision_name

    repo = locate(root)
    commit = resolve(repo, rev)
    with no_cyclic_gc():
        return BaseRevision(project_at(repo, commit, root, cache), revision_name(rev, commit))


def only_files(result: Result, files: set[str]) -> Result:
    """The result with only the findings in the given files (paths relative to the tree)."""
    kept = tuple(d for d in result.diagnostics if d.file in files)
    summary = replace(result.summary, errors=sum(d.severity is Severity.ERROR for d in kept),
                      warnings=sum(d.severity is Severity.WARNING for d in kept))
    return replace(result, diagnostics=kept, summary=summary)


def only_errors(result: Result) -> Result:
    """The result with the findings at error severity only (the summary still counts warnings)."""
    return replace(result, diagnostics=tuple(d for d in result.diagnostics if d.severity is Severity.ERROR))


def _configure(findings: list[Diagnostic], project: Project):
    """Apply Organization.rules severities and inline `# goalspec: ignore[...]` comments."""
    overrides = project.organization.model.rules if project.organization else {}
    ignores = {f.path: f.ignores for f in project.files}
    for d in findings:
        silenced = ignores.get(d.file, {})
        if any(line in silenced and (not silenced[line] or d.code in silenced[line]) for line in (d.line, d.line - 1)):
            continue
        level = overrides.get(d.code)
        if level == "off":
            continue
        if level is not None and level != d.severity.value:
            d = _with_severity(d, Severity(level))
        yield d


def _with_severity(d: Diagnostic, severity: Severity) -> Diagnostic:
    return replace(d, severity=severity)
