"""The `goalspec` command line. Each command's docstring is its --help text."""

from __future__ import annotations

import difflib
import os
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import click

from goalspec import __version__
from goalspec.cache import FileCache, MemoryCache

TREE = click.argument("tree", default="specs", type=click.Path(file_okay=False, path_type=Path))
TODAY = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                     help="Date to check against, YYYY-MM-DD (default: today). Makes date findings reproducible.")


def _today(value) -> date:
    return value.date() if value is not None else date.today()


def _tree(tree: Path) -> Path:
    if not tree.is_dir():
        raise click.UsageError(f"spec tree `{tree}` is not a folder", ctx=click.get_current_context())
    return tree


REV = click.option("--rev", metavar="REV", default=None,
                   help="Read the tree as it was at this git revision (through git; the working tree and index are untouched).")


@contextmanager
def _at(tree: Path, rev: str | None) -> Iterator[Path]:
    """The folder to read: the tree itself, or a temporary copy of it at a git revision."""
    if rev is None:
        yield _tree(tree)
        return
    from goalspec.revision import RevisionError, tree_at

    try:
        with tree_at(tree, rev) as (folder, _):
            yield folder
    except RevisionError as exc:
        raise click.BadParameter(str(exc), param_hint="'--rev'") from None


def _base(root: Path, rev: str, cache):
    from goalspec.check import base_revision
    from goalspec.revision import RevisionError

    try:
        return base_revision(root, rev, cache)
    except RevisionError as exc:
        raise click.BadParameter(str(exc), param_hint="'--base'") from None


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `goalspec rules | head`: the reader left; nothing is wrong
            sys.stderr.close()
            ctx.exit(0)
        except Exception as exc:  # a bug in goalspec must still exit 2, never look like findings
            click.echo(f"goalspec: internal error: {type(exc).__name__}: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="goalspec")
def main() -> None:
    """goalspec: company goals as code.

    Keep goals, KPIs, lead definitions and incentives as YAML in git; check that
    every goal is specific, measurable, time-bound and traces to a company goal.

    \b
    Example:
      goalspec check specs
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@TODAY
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default=None,
              help="Output format [default: github on GitHub Actions, else text].")
@click.option("--data", "remote_data", is_flag=True,
              help="Also read KPI databases outside the tree (SQL sources other than SQLite files in the tree).")
@click.option("--changed-since", "since", metavar="REV",
              help="Report only findings in files changed since this git revision (the whole tree is still checked).")
@click.option("-q", "--quiet", is_flag=True, help="Only the findings at error severity, and the summary.")
@click.option("-v", "--verbose", is_flag=True, help="Also say on stderr what was checked and how long it took.")
@REV
@click.option("--base", "base_rev", metavar="REV",
              help="Compare with the tree at this git revision: targets lowered and deadlines pushed out (GS601).")
def check(paths: tuple[Path, ...], today, fmt: str, remote_data: bool, since: str | None, quiet: bool,
          verbose: bool, rev: str | None, base_rev: str | None) -> None:
    """Check a spec tree (default: specs) and report every finding.

    Given spec files instead of a tree (as pre-commit does), checks the whole
    tree each file belongs to (the nearest folder up with goalspec.yaml) and
    reports only the findings in those files; files in no tree are skipped.
    --rev checks the tree as committed at a revision; --base compares with a
    base revision (GS601: moved goalposts). Exits 0 when nothing at error
    severity was found, 1 when something was, 2 on a usage error.

    \b
    Example:
      goalspec check specs --format json --today 2026-09-01
      goalspec check specs --base origin/main
    """
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if rev is not None:
        if since is not None:
            raise click.UsageError("--rev reads a committed tree; --changed-since compares the working tree: give one")
        if len(paths) > 1 or (paths and paths[0].is_file()):
            raise click.UsageError("--rev takes a tree, not spec files")
        tree = paths[0] if paths else Path("specs")
        with _at(tree, rev) as folder:
            _check({folder: None}, today, fmt, remote_data, quiet, verbose, base_rev, shown_as=tree)
        return
    if not paths or (len(paths) == 1 and not paths[0].is_file()):
        root = _tree(paths[0] if paths else Path("specs"))
        targets: dict[Path, set[str] | None] = {root: None}
        if since is not None:
            from goalspec.history import changed_files

            try:
                targets = {root: changed_files(root, since)}
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--changed-since") from None
    elif since is not None:
        raise click.UsageError("give spec files or --changed-since, not both")
    else:
        targets = dict(_trees_of(paths))
    _check(targets, today, fmt, remote_data, quiet, verbose, base_rev)


def _check(targets: dict[Path, set[str] | None], today, fmt: str, remote_data: bool, quiet: bool, verbose: bool,
           base_rev: str | None, shown_as: Path | None = None) -> None:
    """Check each tree, report, and exit; ``shown_as`` is the tree's own path when a copy of it is read (--rev)."""
    from dataclasses import replace

    from goalspec.check import only_errors, only_files, run
    from goalspec.report import render

    failed = False
    # The base revision shares most files with the tree: each is parsed once.
    cache = MemoryCache(FileCache.default()) if base_rev is not None else FileCache.default()
    for root, files in targets.items():
        started = time.perf_counter()
        base = _base(shown_as or root, base_rev, cache) if base_rev is not None else None
        result = run(root, _today(today), cache, remote_data=remote_data, base=base)
        if shown_as is not None:
            result = replace(result, root=shown_as)
        if verbose:
            p = result.project
            click.echo(f"goalspec: checked {shown_as or root} in {time.perf_counter() - started:.2f}s as of {_today(today)}: "
                       f"{result.summary.files} files, {len(p.teams)} teams, {len(p.people)} people, "
                       f"{len(p.kpis)} KPIs, {len(p.goals)} goals ({len(result.graph.company_goals)} company goals), "
                       f"{len(p.leads)} lead definitions, {len(p.incentives)} incentives, {len(p.checkins)} check-ins"
                       + (f"; reporting {len(files)} changed files" if files is not None else ""), err=True)
        if files is not None:
            result = only_files(result, files)
        if quiet:
            result = only_errors(result)
        click.echo(render(result, fmt, color=_color()), nl=False)
        failed = failed or result.failed
    sys.exit(1 if failed else 0)


def _color() -> bool:
    """Never colour when NO_COLOR is set (https://no-color.org); otherwise colour is written
    and click.echo strips it unless stdout is a terminal."""
    return not os.environ.get("NO_COLOR")


def _trees_of(paths: tuple[Path, ...]) -> dict[Path, set[str]]:
    """Spec files grouped by the tree they belong to, as paths relative to its root."""
    trees: dict[Path, set[str]] = {}
    for path in paths:
        if path.is_dir():
            raise click.UsageError(f"give either one tree or spec files, not the folder {path} among files")
        full = path.resolve()
        root = next((folder for folder in full.parents if (folder / "goalspec.yaml").is_file()), None)
        if root is not None:
            trees.setdefault(root, set()).add(full.relative_to(root).as_posix())
    return dict(sorted(trees.items()))


@main.command()
@click.argument("goal_id")
@TREE
@TODAY
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def trace(goal_id: str, tree: Path, today, fmt: str) -> None:
    """Show how a goal traces up to the company goal(s) it serves.

    Exits 1 when the goal does not reach a company goal.

    \b
    Example:
      goalspec trace marketing.q3-qualified-calls specs
    """
    from goalspec.check import run
    from goalspec.trace import render_trace

    result = run(_tree(tree), _today(today))
    if goal_id not in result.project.goals:
        close = difflib.get_close_matches(goal_id, list(result.project.goals), n=1, cutoff=0.6)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        raise click.UsageError(f"goal `{goal_id}` is not defined in {tree}.{hint}")
    out, traced = render_trace(result, goal_id, fmt)
    click.echo(out, nl=False)
    sys.exit(0 if traced else 1)


@main.command()
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
    from goalspec.export import export

    result = run(_tree(tree), _today(today))
    click.echo(export(result.graph, fmt), nl=False)


@main.command()
@TREE
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), default="site",
              show_default=True, help="Folder to write the site to (replaced as a whole on success).")
@TODAY
@click.option("--allow-errors", is_flag=True, help="Build even when the check finds errors, and show them.")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of templates that replace the built-in ones, file by file.")
@REV
@click.option("--no-history", is_flag=True, help="Leave out each goal's git history (faster on long histories).")
def build(tree: Path, out: Path, today, allow_errors: bool, templates: Path | None, rev: str | None,
          no_history: bool) -> None:
    """Check the tree, then render the goals site as static files.

    A tree with errors is not built (exit 1) unless --allow-errors is given; the
    previous site stays as it was until a new one is complete. In a git
    repository each goal's page lists the commits that changed it (up to --rev,
    else HEAD).

    \b
    Example:
      goalspec build specs -o site/
    """
    from goalspec.build import BuildError
    from goalspec.build import build as build_site
    from goalspec.report import render

    bar = None

    def progress(total: int):
        nonlocal bar
        # A bar only where someone watches: stderr on a terminal, and a site large enough to wait for.
        if total < 1000 or not sys.stderr.isatty():
            return None
        bar = click.progressbar(length=total, label="rendering pages", file=sys.stderr)
        bar.__enter__()
        return bar.update

    try:
        built = build_site(tree if rev is not None else _tree(tree), out, _today(today), allow_errors=allow_errors,
                           templates=templates, cache=FileCache.default(), progress=progress, rev=rev,
                           history=not no_history)
    except BuildError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if not built.written:
        click.echo(render(built.result, "text"), nl=False, err=True)
        click.echo(f"not built: fix the errors above, or use --allow-errors; {out} is unchanged", err=True)
        sys.exit(1)
    click.echo(f"built {built.pages} pages into {out}")


@main.command()
@TREE
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@TODAY
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of templates that replace the built-in ones, file by file.")
def serve(tree: Path, host: str, port: int, today, templates: Path | None) -> None:
    """Serve the goals site locally and rebuild it whenever a spec is saved.

    Binds to 127.0.0.1 unless --host says otherwise. A tree with errors is still
    served, with its findings shown on every page.

    \b
    Example:
      goalspec serve specs --port 8000
    """
    from goalspec.serve import serve as serve_site

    root = _tree(tree)
    serve_site(root, lambda: _today(today), host, port, templates, click.echo)


@main.command()
@TREE
@TODAY
@click.option("--team", help="Only goals of this team.")
@click.option("--owner", help="Only goals this person or team owns.")
@click.option("--status", "status_", type=click.Choice(["on track", "behind", "at risk", "achieved", "missed", "no data"]),
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
    from goalspec.status import as_json, as_text, rows

    with _at(tree, rev) as folder:
        result = run(folder, _today(today), FileCache.default(), remote_data=True)
        table = rows(result, team=team, owner=owner, status=status_, sort=sort)
        click.echo(as_json(result, table) if fmt == "json" else as_text(result, table), nl=False)


@main.command()
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
    from goalspec.diff_report import compare, render
    from goalspec.revision import RevisionError

    try:
        report = compare(tree, base, head, MemoryCache(FileCache.default()))
    except RevisionError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(render(report, fmt), nl=False)


@main.command()
@click.argument("kpi")
@click.argument("value", type=float)
@click.option("--tree", "tree", default="specs", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The spec tree.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Day the value was measured, YYYY-MM-DD (default: today).")
@click.option("--by", help="Person id of whoever reports the value.")
@click.option("--note", help="Context for the value; the check-in becomes a document of its own.")
@click.option("--confidence", type=click.FloatRange(0, 1), help="Reporter's confidence in the goal, 0 to 1.")
def checkin(kpi: str, value: float, tree: Path, day, by: str | None, note: str | None,
            confidence: float | None) -> None:
    """Record a KPI value in the tree's check-in file, keeping every comment and the layout.

    Refuses a KPI or person that is not defined, and a second value for the same day.

    \b
    Example:
      goalspec checkin msp-seats 1040 --by farid --note "two MSPs signed late"
    """
    from goalspec.check import run
    from goalspec.record import RecordError, record

    result = run(_tree(tree), date.today())
    try:
        path = record(result.project, kpi, value, _today(day), by, note, confidence)
    except RecordError as exc:
        click.echo(f"goalspec: not recorded: {exc}", err=True)
        sys.exit(1)
    click.echo(f"recorded {kpi} = {value:g} on {_today(day).isoformat()} in {path}")


# Commands kept in modules of their own; importing them registers them on `main`.
from goalspec import cli_leads, cli_tools  # noqa: E402,F401
