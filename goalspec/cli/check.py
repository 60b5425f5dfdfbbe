"""`goalspec check`: the compiler's command, for people, CI and pre-commit."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from goalspec.spec.cache import FileCache, MemoryCache
from goalspec.spec.text import printable
from goalspec.cli.options import REV, TODAY, base_at_rev, existing_tree, resolve_today, tree_at_rev


@click.command()
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
@click.option("--hook", is_flag=True,
              help="As a pre-commit hook: the files given (maybe none) are the changed ones; also checks `specs` "
                   "unless trees are given.")
def check(paths: tuple[Path, ...], today, fmt: str, remote_data: bool, since: str | None, quiet: bool,
          verbose: bool, rev: str | None, base_rev: str | None, hook: bool) -> None:
    """Check a spec tree (default: specs) and report every finding.

    Given spec files instead of a tree, checks the whole tree each file
    belongs to (the nearest folder up with goalspec.yaml) and reports every
    error in it, so a reference broken elsewhere is caught, and the warnings
    in those files only; a file in no tree is skipped, saying so on stderr.
    --hook (what the pre-commit hook runs) does the same for the changed
    files, none when only deletions are staged, and always checks the trees
    given among them, or `specs` when none is. --rev checks the tree as
    committed at a revision; --base compares with a base revision (GS601:
    moved goalposts). Exits 0 when nothing at error severity was found, 1
    when something was, 2 on a usage error.

    \b
    Example:
      goalspec check specs --format json --today 2026-09-01
      goalspec check specs --base origin/main
      goalspec check --hook specs/goals/sales.yaml
    """
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if hook:
        if rev is not None or since is not None:
            raise click.UsageError("--hook checks the working tree: it takes neither --rev nor --changed-since")
        _check(_hook_targets(paths), today, fmt, remote_data, quiet, verbose, base_rev, errors_anywhere=True)
        return
    if rev is not None:
        if since is not None:
            raise click.UsageError("--rev reads a committed tree; --changed-since compares the working tree: give one")
        if len(paths) > 1 or (paths and paths[0].is_file()):
            raise click.UsageError("--rev takes a tree, not spec files")
        tree = paths[0] if paths else Path("specs")
        with tree_at_rev(tree, rev) as folder:
            _check({folder: None}, today, fmt, remote_data, quiet, verbose, base_rev, shown_as=tree)
        return
    if not paths or (len(paths) == 1 and not paths[0].is_file()):
        root = existing_tree(paths[0] if paths else Path("specs"))
        targets: dict[Path, set[str] | None] = {root: None}
        if since is not None:
            from goalspec.vcs.history import changed_files

            try:
                targets = {root: changed_files(root, since)}
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--changed-since") from None
    elif since is not None:
        raise click.UsageError("give spec files or --changed-since, not both")
    else:
        targets = dict(_trees_of(paths))
        _check(targets, today, fmt, remote_data, quiet, verbose, base_rev, errors_anywhere=True)
        return
    _check(targets, today, fmt, remote_data, quiet, verbose, base_rev)


def _check(targets: dict[Path, set[str] | None], today, fmt: str, remote_data: bool, quiet: bool, verbose: bool,
           base_rev: str | None, shown_as: Path | None = None, errors_anywhere: bool = False) -> None:
    """Check each tree, report, and exit; ``shown_as`` is the tree's own path when a copy of it is read (--rev).

    A tree's set of files limits the report to them (--changed-since), or with
    ``errors_anywhere`` only its warnings (spec files given, --hook)."""
    from dataclasses import replace

    from goalspec.check import only_errors, only_files, run
    from goalspec.report.findings import held_back_line, render

    failed = False
    # The base revision shares most files with the tree: each is parsed once.
    cache = MemoryCache(FileCache.default()) if base_rev is not None else FileCache.default()
    for root, files in targets.items():
        started = time.perf_counter()
        base = base_at_rev(shown_as or root, base_rev, cache) if base_rev is not None else None
        result = run(root, resolve_today(today), cache, remote_data=remote_data, base=base)
        if shown_as is not None:
            result = replace(result, root=shown_as)
        if verbose:
            p = result.project
            click.echo(f"goalspec: checked {shown_as or root} in {time.perf_counter() - started:.2f}s as of {resolve_today(today)}: "
                       f"{result.summary.files} files, {len(p.teams)} teams, {len(p.people)} people, "
                       f"{len(p.kpis)} KPIs, {len(p.goals)} goals ({len(result.graph.company_goals)} company goals), "
                       f"{len(p.leads)} lead definitions, {len(p.incentives)} incentives, {len(p.checkins)} check-ins"
                       + (f"; reporting {'errors anywhere, warnings in ' if errors_anywhere else ''}"
                          f"{len(files)} {'given' if errors_anywhere else 'changed'} files" if files is not None else ""),
                       err=True)
        if files is not None:
            result = _errors_and_warnings_in(result, files) if errors_anywhere else only_files(result, files)
        if quiet:
            result = only_errors(result)
        workspace = os.environ.get("GITHUB_WORKSPACE")
        click.echo(render(result, fmt, color=_color(), workspace=Path(workspace) if workspace else None), nl=False)
        held = held_back_line(result)
        if held and fmt != "json":  # JSON carries it in its summary
            click.echo(held, err=True)
        failed = failed or result.failed
    sys.exit(1 if failed else 0)


def _color() -> bool:
    """Never colour when NO_COLOR is set (https://no-color.org); otherwise colour is written
    and click.echo strips it unless stdout is a terminal."""
    return not os.environ.get("NO_COLOR")


def _errors_and_warnings_in(result, files: set[str]):
    """Every error of the tree, and the warnings in the given files only (relative to the tree)."""
    from dataclasses import replace

    from goalspec.diagnostics import Severity

    kept = tuple(d for d in result.diagnostics if d.severity is Severity.ERROR or d.file in files)
    summary = replace(result.summary, errors=sum(d.severity is Severity.ERROR for d in kept),
                      warnings=sum(d.severity is Severity.WARNING for d in kept))
    return replace(result, diagnostics=kept, summary=summary)


def _hook_targets(paths: tuple[Path, ...]) -> dict[Path, set[str]]:
    """The trees a commit can break and the changed files in each: the trees given (else
    `specs`, if it is a folder), and the tree of each changed file. A deleted file is never
    given (pre-commit passes none), so the trees are checked whatever the files."""
    folders = [path for path in paths if path.is_dir()]
    trees: dict[Path, set[str]] = {existing_tree(folder).resolve(): set() for folder in folders}
    if not folders and Path("specs").is_dir():
        trees[Path("specs").resolve()] = set()
    for root, files in _trees_of(tuple(path for path in paths if not path.is_dir())).items():
        trees.setdefault(root, set()).update(files)
    if not trees:
        click.echo("goalspec: no spec tree to check (no `specs` folder, and no spec file given)", err=True)
    return dict(sorted(trees.items()))


def _trees_of(paths: tuple[Path, ...]) -> dict[Path, set[str]]:
    """Spec files grouped by the tree they belong to, as paths relative to its root; a file in
    no tree is skipped, saying so on stderr."""
    trees: dict[Path, set[str]] = {}
    for path in paths:
        if path.is_dir():
            raise click.UsageError(f"give either one tree or spec files, not the folder {path} among files")
        try:
            full = path.parent.resolve() / path.name  # a linked spec file is named as the link
        except (OSError, RuntimeError):
            full = None  # its folder cannot be reached: no tree to check
        root = full and next((folder for folder in full.parents if (folder / "goalspec.yaml").is_file()), None)
        if root is None:
            click.echo(f"goalspec: {printable(str(path))} is in no spec tree (no goalspec.yaml above it): skipped",
                       err=True)
            continue
        trees.setdefault(root, set()).add(full.relative_to(root).as_posix())
    return dict(sorted(trees.items()))

