"""Options and helpers every command shares: the tree argument, --today, --rev, --base, and the group
that turns a bug into exit 2. Command modules import from here, never from each other."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import click

from goalspec.spec.text import printable

TREE = click.argument("tree", default="specs", type=click.Path(file_okay=False, path_type=Path))
TODAY = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                     help="Date to check against, YYYY-MM-DD (default: today). Makes date findings reproducible.")


def resolve_today(value) -> date:
    return value.date() if value is not None else date.today()


def existing_tree(tree: Path) -> Path:
    if not tree.is_dir():
        raise click.UsageError(f"spec tree `{tree}` is not a folder", ctx=click.get_current_context())
    return tree


REV = click.option("--rev", metavar="REV", default=None,
                   help="Read the tree as it was at this git revision (through git; the working tree and index are untouched).")


@contextmanager
def tree_at_rev(tree: Path, rev: str | None) -> Iterator[Path]:
    """The folder to read: the tree itself, or a temporary copy of it at a git revision."""
    if rev is None:
        yield existing_tree(tree)
        return
    from goalspec.vcs.revision import RevisionError, tree_at

    try:
        with tree_at(tree, rev) as (folder, _):
            yield folder
    except RevisionError as exc:
        raise click.BadParameter(str(exc), param_hint="'--rev'") from None


def base_at_rev(root: Path, rev: str, cache):
    from goalspec.check import base_revision
    from goalspec.vcs.revision import RevisionError

    try:
        return base_revision(root, rev, cache)
    except RevisionError as exc:
        raise click.BadParameter(str(exc), param_hint="'--base'") from None


class Group(click.Group):
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


def echo_text(text: str, **kwargs) -> None:
    """Echo text that quotes specs or data: control characters are shown escaped, never run."""
    click.echo(printable(text), **kwargs)
