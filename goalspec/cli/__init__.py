"""The `goalspec` command line. Each command's docstring is its --help text."""

from __future__ import annotations

import os

import click

from goalspec import __version__
from goalspec.cli import check, digest, edit, leads, report, rules, site
from goalspec.cli.options import Group

# pydantic looks for plugins (which observe every validation) among the entry points of
# every installed package, on the first validation; goalspec's models want none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
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
