"""`goalspec init / fmt / schema / rules / explain`: tools for writing specs. Registered on the main command group by goalspec.cli."""

from __future__ import annotations

import difflib
import sys
from datetime import date
from pathlib import Path

import click

from goalspec.cli import TREE, _tree, main


@main.command("init")
@click.argument("folder", default="specs", type=click.Path(file_okay=False, path_type=Path))
def init_cmd(folder: Path) -> None:
    """Write a small, commented spec tree to start from (it checks clean).

    Refuses to overwrite any file that exists. Each file names the JSON Schema
    written beside it, so editors complete fields and flag typos.

    \b
    Example:
      goalspec init goals/
    """
    from goalspec.init import InitError, init

    try:
        written = init(folder, date.today())
    except InitError as exc:
        click.echo(f"goalspec: {exc}", err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: edit the files, then run `goalspec check {folder}`")


@main.command("fmt")
@TREE
@click.option("--check", "check_only", is_flag=True, help="Change nothing; list the files fmt would change, exit 1 if any.")
def fmt_cmd(tree: Path, check_only: bool) -> None:
    """Give every spec file one canonical layout, keeping every comment.

    Keys in FORMAT.md's order, two-space indentation. Running it twice changes
    nothing the second time.

    \b
    Example:
      goalspec fmt specs --check
    """
    from goalspec.fmt import fmt

    changed = fmt(_tree(tree), write=not check_only)
    for path in changed:
        click.echo(f"{'would reformat' if check_only else 'reformatted'} {path}")
    if check_only and changed:
        sys.exit(1)


@main.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema (draft-07) of every kind, for editors and other validators.

    \b
    Example:
      goalspec schema > goalspec.schema.json
    """
    from goalspec.schema import render

    click.echo(render(), nl=False)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def rules_cmd(fmt: str) -> None:
    """List every rule: code, default severity and summary.

    \b
    Example:
      goalspec rules
    """
    from goalspec.rules import RULES

    if fmt == "markdown":
        from goalspec.explain import rules_markdown

        click.echo(rules_markdown(), nl=False)
        return
    for code, rule in RULES.items():
        click.echo(f"{code}  {rule.severity.value:<8} {rule.summary}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Explain a rule: what it catches, why, how to fix it, a bad and a good example.

    \b
    Example:
      goalspec explain GS101
    """
    from goalspec.explain import explain_text
    from goalspec.rules import RULES

    code = code.upper()
    if code not in RULES:
        # A code cut short (GS10) means one that starts with it, before any that merely looks alike.
        close = [c for c in RULES if c.startswith(code)] or difflib.get_close_matches(code, list(RULES), n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]}?" if close else " Run `goalspec rules` for the list."
        raise click.UsageError(f"no rule {code}.{hint}")
    click.echo(explain_text(code), nl=False)
