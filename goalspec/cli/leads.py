"""`goalspec leads`: lead definitions run over lead records."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from goalspec.cli.options import TODAY, Group, echo_text, existing_tree, resolve_today


@click.group("leads", cls=Group)
def leads_group() -> None:
    """Run the lead definitions over lead records.

    \b
    Example:
      goalspec leads classify specs/data/leads.csv --tree specs
    """


@leads_group.command("classify")
@click.argument("data")
@click.option("--tree", "tree", default="specs", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Spec tree holding the lead definitions.")
@click.option("--definition", "only", multiple=True, metavar="ID", help="Only this definition (repeatable).")
@click.option("--query", help="With an SQLAlchemy URL as DATA: a read-only SELECT returning one row per record.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--summary", "summary_only", is_flag=True, help="Only the summary, not each record (text and json).")
@click.option("--id-column", metavar="COLUMN", help="Column naming each record (default: the first column).")
@click.option("--handed-over-column", default="handed_over_at", show_default=True, metavar="COLUMN",
              help="Column holding when a lead was handed over.")
@click.option("--followed-up-column", default="first_follow_up_at", show_default=True, metavar="COLUMN",
              help="Column holding the first follow-up after the hand-over.")
@click.option("--explain-sql", is_flag=True, help="Print the SQL the database would run, and run nothing.")
@click.option("--engine", type=click.Choice(["auto", "python", "database"]), default="auto", show_default=True,
              help="Where the counts are made: Python (the reference), the database (DuckDB for a file), or "
                   "auto (the database, but Python for a CSV file under 16 MB).")
@TODAY
def leads_classify(data: str, tree: Path, only: tuple[str, ...], query: str | None, fmt: str, summary_only: bool,
                   id_column: str | None, handed_over_column: str, followed_up_column: str, explain_sql: bool,
                   engine: str, today) -> None:
    """Say which lead definitions each record in DATA meets, and why it fails the others.

    DATA is a CSV file, or an SQLAlchemy URL with --query (read-only, as for KPI
    sources; `sqlite:///` paths are relative to the current folder). Each record
    is tried against every lead definition of the tree; for each one it fails, the
    first criterion that failed is given in words ("seats 120 is below 250"). The
    summary counts records per definition and stage, the conversion between
    stages (MQL → SQL), and, for definitions that agree a follow-up time, the
    leads handed over and not followed up in time, per team (as of the end of
    --today). Exits 2 when DATA cannot be read.

    DATA may also be a Parquet file. The counts are made where the records are
    (--engine): by the database for a URL, by DuckDB for a Parquet file and for
    a CSV file of 16 MB or more (smaller ones by Python, unless --engine
    database), with only the rows Python must see fetched; each record's row is
    fetched, streamed, only when it is printed (a CSV file's by Python).
    When the definitions cannot run there, they are evaluated in Python, and a
    note on stderr says why.

    \b
    Example:
      goalspec leads classify specs/data/leads.csv --tree specs
      goalspec leads classify sqlite:///crm.db --query "SELECT * FROM leads" --format json
      goalspec leads classify exports/leads.parquet --summary --explain-sql
    """
    from datetime import datetime, time, timedelta

    from goalspec.check import run
    from goalspec.data.classify import write
    from goalspec.data import engines
    from goalspec.data.classify import summary_text, summary_json
    from goalspec.data.leads import Classifier
    from goalspec.data.sources import SourceProblem
    from goalspec.spec.secrets import redact

    result = run(existing_tree(tree), resolve_today(today))
    definitions = sorted((lid, obj.model) for lid, obj in result.project.leads.items())
    for lid in only:
        if lid not in result.project.leads:
            close = difflib.get_close_matches(lid, list(result.project.leads), n=1, cutoff=0.6)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            raise click.BadParameter(f"lead definition `{lid}` is not defined in {tree}.{hint}", param_hint="--definition")
    if only:
        definitions = [(lid, d) for lid, d in definitions if lid in only]
    if not definitions:
        raise click.UsageError(f"{tree} defines no lead definition (kind: LeadDefinition)")
    is_url = "://" in data
    if is_url != (query is not None):
        raise click.UsageError("give --query with an SQLAlchemy URL, and only then" if is_url or query
                               else "DATA is a CSV file or an SQLAlchemy URL")
    source = (engines.Source(redact(data), root=Path.cwd(), url=data, query=query, confined=False) if is_url
              else engines.Source(data, path=Path(data)))
    options = dict(id_column=id_column, handed_over_column=handed_over_column, followed_up_column=followed_up_column,
                   as_of=datetime.combine(resolve_today(today) + timedelta(days=1), time()))
    python = {"auto": None, "python": True, "database": False}[engine]
    try:
        if explain_sql:
            echo_text(engines.explain(source, definitions, summary_only=summary_only,
                                      **options).rstrip("\n"))
            return
        if summary_only and fmt != "csv":
            summary = engines.summary(source, definitions, python=python, **options)
            classifier = Classifier(definitions, engines.Records(summary.source, summary.columns, iter(())), **options)
            if fmt == "json":
                import json
                sys.stdout.write(json.dumps({"records": [], "summary": summary_json(summary, classifier)},
                                            sort_keys=True, ensure_ascii=False) + "\n")
            else:
                echo_text(summary_text(summary, classifier).rstrip("\n"))
            note = summary.note
        else:
            classifier, rows, note = engines.verdicts(source, lambda records: Classifier(definitions, records,
                                                                                         **options), python=python)
            write(classifier, fmt, sys.stdout, records=True, verdicts=rows)
    except SourceProblem as problem:
        echo_text(f"goalspec: {redact(data)}: {problem}", err=True)
        sys.exit(2)
    if note:
        echo_text(f"note: evaluated in Python: {note}", err=True)
    errors = sum(d.severity == "error" for d in result.diagnostics)
    if errors:
        click.echo(f"note: {tree} has {errors} error{'s' if errors != 1 else ''}; run `goalspec check {tree}`", err=True)
