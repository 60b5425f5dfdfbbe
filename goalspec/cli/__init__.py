"""The `goalspec` command line. Each command's docstring is its --help text."""

from __future__ import annotations

import gc
import importlib
import os
import sys
import types

import click

from goalspec import __version__
from goalspec.cli import check, digest, edit, leads, report, rules, site
from goalspec.cli.options import Group

# pydantic looks for plugins (which observe every validation) among the entry points of
# every installed package, on the first validation; goalspec's models want none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _no_plugin_loader() -> None:
    """Even with every plugin disabled, pydantic imports its plugin loader on the first model it
    builds, and the loader imports importlib.metadata (with email, zipfile, csv...: ≈10 ms of each
    command) only to return no plugin. Stand in for it while every plugin is disabled: what it
    returns then is nothing; anything else asked of it is the real loader's."""
    name = "pydantic.plugin._loader"
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ("__all__", "1", "true") or name in sys.modules:
        return
    stub = types.ModuleType(name)
    stub.get_plugins = lambda: ()  # type: ignore[attr-defined]

    def real(attr: str):
        if attr.startswith("__"):  # what the import system and repr() ask of any module
            raise AttributeError(attr)
        sys.modules.pop(name, None)
        return getattr(importlib.import_module(name), attr)

    stub.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[name] = stub


_no_plugin_loader()


class _Process(Group):
    def __call__(self, *args, **kwargs):
        """The process's own run (the `goalspec` script, `python -m goalspec`); tests call main.main()."""
        try:
            return super().__call__(*args, **kwargs)
        finally:
            # At exit the interpreter's last collections walk every object still alive: ≈30 ms of
            # a check of the example tree, more for a larger one, to free memory the exit returns
            # anyway. Frozen objects are not walked; atexit handlers still run, files are still
            # flushed and closed, and reference counting still frees what it frees.
            gc.freeze()


@click.group(cls=_Process, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="goalspec")
def main() -> None:
    """goalspec: company goals as code.

    Keep goals, KPIs, lead definitions and incentives as YAML in git; check that
    every goal is specific, measurable, time-bound and traces to a company goal.

    \b
    Example:
      goalspec check specs
    """


for _command in (check.check, report.trace, report.graph, report.status, report.diff, site.build, site.serve,
                 edit.checkin, edit.close_cmd, edit.init_cmd, edit.fmt_cmd, edit.schema_cmd, rules.rules_cmd, rules.explain,
                 leads.leads_group, digest.digest, digest.due):
    main.add_command(_command)
