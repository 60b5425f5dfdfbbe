"""`goalspec digest / due`: the weekly update, and what each person owes."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from goalspec.spec.cache import FileCache
from goalspec.cli.options import TODAY, TREE, echo_text, existing_tree, resolve_today

FORMATS = ("text", "markdown", "html", "json", "slack")


@click.command()
@TREE
@click.option("--since", default=None, metavar="DATE|Nd|Nw",
              help="Compare with this day: YYYY-MM-DD, or so many days (7d) or weeks (2w) before --today "
                   "(default: 7d, or with --send the `since` under `digest:`).")
@TODAY
@click.option("--team", help="Only this team's goals and what its people owe (company goals are always shown).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="markdown and html read well as an e-mail, slack is Block Kit JSON for an incoming webhook.")
@click.option("--send", is_flag=True, help="Send the digest through every channel under `digest:` in goalspec.yaml.")
@click.option("--dry-run", is_flag=True, help="With --send: print what would be sent to whom, send nothing.")
def digest(tree: Path, since: str, today, team: str | None, fmt: str, send: bool, dry_run: bool) -> None:
    """Say what changed since a day and where the goals stand, company goals first.

    Status changes, new check-ins with their notes and confidence, goals closed,
    added or re-parented, targets and deadlines moved (from git: the tree as it
    was at the newest commit on or before --since), lead-definition changes, and
    what needs attention (the list `goalspec due` shows). Every number is the
    one `goalspec status` shows. The same tree, dates and revision give the same
    bytes. With --send, exits 1 when a channel fails; each failure is named.

    \b
    Example:
      goalspec digest specs --since 7d --format markdown
      goalspec digest specs --send --dry-run
    """
    from goalspec.report.digest import build, parse_since

    from goalspec.report.send import SendError, settings_of

    day = resolve_today(today)
    existing_tree(tree)
    if dry_run and not send:
        raise click.UsageError("--dry-run goes with --send")
    settings = None
    if send:
        try:
            settings = settings_of(tree)
        except SendError as exc:
            echo_text(f"goalspec: {exc}", err=True)
            sys.exit(1)
    try:
        since_day = parse_since(since or (settings.since if settings else "7d"), day)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--since'") from None
    if settings is not None:
        _send(tree, settings, day, since_day, team, dry_run)
        return
    found = build(tree, day, since_day, team, FileCache.default())
    out = render(found, fmt)
    if fmt in ("json", "slack"):
        click.echo(out, nl=False)
    else:
        echo_text(out, nl=False)


def render(found, fmt: str) -> str:
    from goalspec.report.digest_html import as_html
    from goalspec.report.digest_slack import as_slack
    from goalspec.report.digest_text import as_json, as_markdown, as_text

    return {"text": as_text, "markdown": as_markdown, "html": as_html, "json": as_json, "slack": as_slack}[fmt](found)


def _send(tree: Path, settings, day: date, since_day: date, team: str | None, dry_run: bool) -> None:
    from goalspec.report.send import deliver

    failed = False
    for outcome in deliver(tree, settings, day, since_day, team, dry_run, FileCache.default()):
        echo_text(outcome.text, err=not outcome.ok)
        failed = failed or not outcome.ok
    sys.exit(1 if failed else 0)


@click.command()
@TREE
@TODAY
@click.option("--owner", help="Only what this person owes (a person id).")
@click.option("--team", help="Only what concerns this team.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def due(tree: Path, today, owner: str | None, team: str | None, fmt: str) -> None:
    """List, per person, the check-ins due and what is overdue; exit 1 when something is overdue.

    Check-ins due by their KPI's cadence (listed a week ahead, overdue when the KPI
    is stale), goals past their deadline not closed, goals that missed their
    target two periods running, goals at risk, and lead records not followed up
    in the agreed time. The digest's "needs attention" is this list.

    \b
    Example:
      goalspec due specs --owner ben || echo "something is overdue"
    """
    from goalspec.check import run
    from goalspec.report.attention import as_json, as_text, attention, overdue

    result = run(existing_tree(tree), resolve_today(today), FileCache.default(), remote_data=True)
    items = attention(result, team=team, owner=owner)
    if fmt == "json":
        click.echo(as_json(result, items), nl=False)
    else:
        echo_text(as_text(result, items), nl=False)
    sys.exit(1 if overdue(items) else 0)
