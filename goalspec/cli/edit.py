"""`goalspec init / fmt / schema / checkin`: the commands that write specs."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from goalspec.cli.options import TREE, echo_text, existing_tree, resolve_today



@click.command("init")
@click.argument("folder", default="specs", type=click.Path(file_okay=False, path_type=Path))
def init_cmd(folder: Path) -> None:
    """Write a small, commented spec tree to start from (it checks clean).

    Refuses to overwrite any file that exists, or to write through a link. Each file names the JSON Schema
    written beside it, so editors complete fields and flag typos.

    \b
    Example:
      goalspec init goals/
    """
    from goalspec.edit.init import InitError, init

    try:
        written = init(folder, date.today())
    except InitError as exc:
        echo_text(f"goalspec: {exc}", err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: edit the files, then run `goalspec check {folder}`")


@click.command("fmt")
@TREE
@click.option("--check", "check_only", is_flag=True, help="Change nothing; list the files fmt would change, exit 1 if any.")
def fmt_cmd(tree: Path, check_only: bool) -> None:
    """Give every spec file one canonical layout, keeping every comment.

    Keys in the order docs/format.md lists them, two-space indentation. Running it twice changes
    nothing the second time. A file the loader refuses (too big, binary, not
    UTF-8, nested too deep, aliases that expand too far), a link out of the tree
    or a read-only file is left as it is and named; the exit status is then 1.

    \b
    Example:
      goalspec fmt specs --check
    """
    from goalspec.edit.fmt import fmt

    outcome = fmt(existing_tree(tree), write=not check_only)
    for path in outcome.changed:
        echo_text(f"{'would reformat' if check_only else 'reformatted'} {path}")
    for why in outcome.refused:
        echo_text(f"goalspec: not formatted: {why}", err=True)
    if outcome.refused or (check_only and outcome.changed):
        sys.exit(1)


@click.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema (draft-07) of every kind, for editors and other validators.

    \b
    Example:
      goalspec schema > goalspec.schema.json
    """
    from goalspec.edit.schema import render

    click.echo(render(), nl=False)


@click.command()
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

    Refuses a KPI or person that is not defined, a second value for the same day
    (also when two check-ins race), and a read-only file.

    \b
    Example:
      goalspec checkin msp-seats 1040 --by farid --note "two MSPs signed late"
    """
    from goalspec.check import run
    from goalspec.edit.checkin import RecordError, record

    result = run(existing_tree(tree), date.today())
    try:
        path = record(result.project, kpi, value, resolve_today(day), by, note, confidence)
    except RecordError as exc:
        echo_text(f"goalspec: not recorded: {exc}", err=True)
        sys.exit(1)
    click.echo(f"recorded {kpi} = {value:g} on {resolve_today(day).isoformat()} in {path}")



@click.command("close")
@click.argument("goal")
@click.option("--outcome", type=click.Choice(["achieved", "missed", "cancelled"]), required=True,
              help="How the goal ended; it becomes the goal's `status`.")
@click.option("--score", type=click.FloatRange(0, 1), help="How far the goal was reached, 0 to 1.")
@click.option("--note", help="What we learned: the goal's page and the period's review show it.")
@click.option("--tree", "tree", default="specs", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The spec tree.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Day the goal was closed, YYYY-MM-DD (default: today).")
def close_cmd(goal: str, outcome: str, score: float | None, note: str | None, tree: Path, day) -> None:
    """Record how a goal ended: its status and an `outcome` (date, score, note) in its own document.

    Keeps every comment and the layout of the file; written like `checkin`
    (locked, atomic). Refuses a goal that is not defined or was closed already.

    \b
    Example:
      goalspec close sales.msp-seats --outcome missed --score 0.9 --note "Two MSPs slipped to January"
    """
    from goalspec.check import run
    from goalspec.edit.close import CloseError, close

    result = run(existing_tree(tree), date.today())
    try:
        path = close(result.project, goal, outcome, resolve_today(day), score, note)
    except CloseError as exc:
        echo_text(f"goalspec: not closed: {exc}", err=True)
        sys.exit(1)
    click.echo(f"closed {goal}: {outcome} on {resolve_today(day).isoformat()} in {path}")
