"""`goalspec trace / graph / status / diff`: what the tree says, read without changing it."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from goalspec.spec.cache import FileCache, MemoryCache
from goalspec.data.statuses import STATUSES
from goalspec.cli.options import REV, TODAY, TREE, echo_text, existing_tree, resolve_today, tree_at_rev


@click.command()
@click.argument("goal_id")
@TREE
@TODAY
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def trace(goal_id: str, tree: Path, today, fmt: str) -> None:
    """Show how a goal traces up to the company goal(s) it serves.

    Exits 1 when the goal does not reach a company goal.

    \b
    Example:
      goalspec trace marketing.qualified-calls specs
    """
    from goalspec.check import run
    from goalspec.report.trace import render_trace

    result = run(existing_tree(tree), resolve_today(today))
    if goal_id not in result.project.goals:
        close = difflib.get_close_matches(goal_id, list(result.project.goals), n=1, cutoff=0.6)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        raise click.UsageError(f"goal `{goal_id}` is not defined in {tree}.{hint}")
    out, traced = render_trace(result, goal_id, fmt)
    _echo(out, fmt)
    sys.exit(0 if traced else 1)


@click.command()
@TREE
@TODAY
@click.option("--format", "fmt", type=click.Choice(["json", "dot", "mermaid"]), default="json", show_default=True)
def graph(tree: Path, today, fmt: str) -> None:
    """Export the alignment graph: goals, KPIs, teams, people, lead definitions, incentives.

    \b
    Example:
      goalspec graph specs --format dot | dot -Tsvg > alignment.svg
    """
    from goalspec.check import run
    from goalspec.report.export import export

    result = run(existing_tree(tree), resolve_today(today))
    _echo(export(result.graph, fmt), fmt)



@click.command()
@TREE
@TODAY
@click.option("--team", help="Only goals of this team.")
@click.option("--owner", help="Only goals this person or team owns.")
@click.option("--status", "status_", type=click.Choice(list(STATUSES)),
              help="Only goals with this status.")
@click.option("--sort", type=click.Choice(["goal", "owner", "team", "progress", "status", "deadline"]), default="goal",
              show_default=True, help="Order of the rows; `status` puts missed and at-risk goals first.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@REV
def status(tree: Path, today, team: str | None, owner: str | None, status_: str | None, sort: str, fmt: str,
           rev: str | None) -> None:
    """Compare actuals against goals: value, target, progress, pace, status, forecast.

    Reads every KPI's data, databases included. Draft and cancelled goals are left out.

    \b
    Example:
      goalspec status specs --team sales --sort status
    """
    from goalspec.check import run
    from goalspec.report.status import as_json, as_text, rows

    with tree_at_rev(tree, rev) as folder:
        result = run(folder, resolve_today(today), FileCache.default(), remote_data=True)
        table = rows(result, team=team, owner=owner, status=status_, sort=sort)
        tree = sort == "goal" and not (team or owner or status_)  # a filtered list has no whole tree to show
        _echo(as_json(result, table) if fmt == "json" else as_text(result, table, tree=tree), fmt)


@click.command()
@click.argument("base", required=False, metavar="[BASE]")
@click.argument("head", required=False, metavar="[HEAD]")
@click.option("--tree", "tree", default="specs", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The spec tree.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="markdown fits a pull-request comment.")
def diff(base: str | None, head: str | None, tree: Path, fmt: str) -> None:
    """Show what changed in the goals between two git revisions, object by object.

    Goals, KPIs, lead definitions, incentives, teams and people are matched by
    kind and id, so a goal moved to another file is "moved", not removed and
    added; each changed field is said in words. BASE defaults to the merge base
    of HEAD with the default branch (origin/HEAD, else main, else master); HEAD
    defaults to the working tree. Exits 0 whatever changed: a diff is a report.

    \b
    Example:
      goalspec diff main --format markdown > goals-diff.md
      goalspec diff v1.0 v1.1 --tree specs
    """
    from goalspec.report.diff import compare, render
    from goalspec.vcs.revision import RevisionError

    try:
        report = compare(tree, base, head, MemoryCache(FileCache.default()))
    except RevisionError as exc:
        raise click.UsageError(str(exc)) from None
    _echo(render(report, fmt), fmt)


def _echo(out: str, fmt: str) -> None:
    # JSON escapes control characters itself; every other format is read on a terminal too.
    if fmt == "json":
        click.echo(out, nl=False)
    else:
        echo_text(out, nl=False)
