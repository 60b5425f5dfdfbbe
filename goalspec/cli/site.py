"""`goalspec build / serve`: the goals site, written once or served with rebuilds on save."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from goalspec.spec.cache import FileCache
from goalspec.cli.options import REV, TODAY, TREE, existing_tree, resolve_today


@click.command()
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
    from goalspec.site.build import BuildError
    from goalspec.site.build import build as build_site
    from goalspec.site.templates import TemplateProblem
    from goalspec.report.findings import render

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
        built = build_site(tree if rev is not None else existing_tree(tree), out, resolve_today(today), allow_errors=allow_errors,
                           templates=templates, cache=FileCache.default(), progress=progress, rev=rev,
                           history=not no_history)
    except BuildError as exc:
        raise click.UsageError(str(exc)) from None
    except TemplateProblem as exc:
        # file:line first, as editors and CI annotate it; no usage text, the command line was fine
        click.echo(f"{exc} (not built; {out} is unchanged)", err=True)
        sys.exit(2)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if not built.written:
        click.echo(render(built.result, "text"), nl=False, err=True)
        click.echo(f"not built: fix the errors above, or use --allow-errors; {out} is unchanged", err=True)
        sys.exit(1)
    click.echo(f"built {built.pages} pages into {out}")


@click.command()
@TREE
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@TODAY
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of templates that replace the built-in ones, file by file.")
def serve(tree: Path, host: str, port: int, today, templates: Path | None) -> None:
    """Serve the goals site locally and rebuild it whenever a spec is saved.

    Binds to 127.0.0.1 unless --host says otherwise (an IPv4 or IPv6 address, or
    a name); answers only requests that name it by a loopback name or that host.
    A tree with errors is still served, with its findings shown on every page; a
    build that fails shows what failed until a save fixes it.

    \b
    Example:
      goalspec serve specs --port 8000
    """
    from goalspec.site.serve import ServeError
    from goalspec.site.serve import serve as serve_site

    root = existing_tree(tree)
    try:
        serve_site(root, lambda: resolve_today(today), host, port, templates, click.echo)
    except ServeError as exc:
        raise click.UsageError(str(exc)) from None

