"""`goalspec rules / explain`: the rule catalogue, from each rule module's docstring."""

from __future__ import annotations

import difflib

import click


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def rules_cmd(fmt: str) -> None:
    """List every rule: code, default severity and summary.

    \b
    Example:
      goalspec rules
    """
    from goalspec.rules.catalogue import catalogue

    if fmt == "markdown":
        from goalspec.report.explain import rules_markdown

        click.echo(rules_markdown(), nl=False)
        return
    for code, rule in catalogue().items():
        click.echo(f"{code}  {rule.severity.value:<8} {rule.summary}")


@click.command()
@click.argument("code")
def explain(code: str) -> None:
    """Explain a rule: what it catches, why, how to fix it, a bad and a good example.

    \b
    Example:
      goalspec explain GS101
    """
    from goalspec.report.explain import explain_text
    from goalspec.rules.catalogue import catalogue

    code = code.upper()
    rules = catalogue()
    if code not in rules:
        # A code cut short (GS10) means one that starts with it, before any that merely looks alike.
        close = [c for c in rules if c.startswith(code)] or difflib.get_close_matches(code, list(rules), n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]}?" if close else " Run `goalspec rules` for the list."
        raise click.UsageError(f"no rule {code}.{hint}")
    click.echo(explain_text(code), nl=False)
