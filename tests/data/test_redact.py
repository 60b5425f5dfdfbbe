"""A password written in an SQL URL is shown nowhere: not in findings (text, JSON, SARIF), not in
`status`, not in `leads classify`, not on the site. One function, `redact`, shows every URL."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.spec.secrets import redact, scrub
from paths import RULES_BASE

SECRET = "S3cretPassw0rd"
TODAY = "2026-08-01"


@pytest.mark.parametrize("url, shown", [
    (f"postgresql://ana:{SECRET}@db.example/crm", "postgresql://ana:***@db.example/crm"),
    (f"postgresql+psycopg://ana:{SECRET}@db:5432/crm?sslmode=require",
     "postgresql+psycopg://ana:***@db:5432/crm?sslmode=require"),
    (f"mysql://ana:p@ss{SECRET}@db/crm", "mysql://ana:***@db/crm"),  # an unescaped @ in the password
    (f"postgresql://ana:{SECRET}@db/crm?application_name=a@b", "postgresql://ana:***@db/crm?application_name=a@b"),
    (f"postgresql://db/crm?user=ana&password={SECRET}", "postgresql://db/crm?user=ana&password=***"),
    ("postgresql://ana:${CRM_PASSWORD}@db/crm", "postgresql://ana:${CRM_PASSWORD}@db/crm"),  # not the secret
    ("postgresql://ana@db/crm", "postgresql://ana@db/crm"),
    ("sqlite:///data/crm.db", "sqlite:///data/crm.db"),
])
def test_redact(url, shown):
    assert redact(url) == shown


def test_scrub_hides_the_password_a_driver_repeats_in_its_message():
    url = f"postgresql://ana:{SECRET}%21@db/crm"
    assert scrub(f"cannot connect to {url} with password {SECRET}!", url) == \
        "cannot connect to postgresql://ana:***@db/crm with password ***"


LEADS_DEFINITION = """apiVersion: goalspec/v1
kind: LeadDefinition
id: sql
name: Sales-qualified
stage: SQL
agreed_by: [marketing, sales]
criteria: {field: seat_count, op: gte, value: 250}
"""


def secret_tree(tmp_path: Path) -> Path:
    """A leads KPI read from a database whose URL holds a password (SQLite ignores it, so plain
    `check` reads it), and an SQL KPI on a PostgreSQL server that cannot be reached."""
    tree = tmp_path / "tree"
    shutil.copytree(RULES_BASE, tree)
    (tree / "data").mkdir()
    with sqlite3.connect(tree / "data" / "crm.db") as conn:
        conn.execute("create table leads (lead_id text, seats integer, booked_on text)")
        conn.executemany("insert into leads values (?, ?, ?)", [("A", 300, "2026-07-01"), ("B", 20, "2026-07-02")])
    conn.close()
    (tree / "leads.yaml").write_text(LEADS_DEFINITION)
    (tree / "k.yaml").write_text(f"""apiVersion: goalspec/v1
kind: KPI
id: calls
name: Qualified calls
unit: calls
owner: cleo
source:
  type: leads
  definition: sql
  data: {{type: sql, url: "sqlite://ana:{SECRET}@/data/crm.db", query: "select * from leads", date_column: booked_on}}
---
apiVersion: goalspec/v1
kind: KPI
id: crm
name: Seats in the CRM
unit: seats
owner: ana
source: {{type: sql, url: "postgresql+psycopg://ana:{SECRET}@127.0.0.1:1/crm", query: "select day, n from seats"}}
---
apiVersion: goalspec/v1
kind: Goal
id: marketing.calls
title: Book 10 qualified calls by the end of Q3
owner: cleo
team: marketing
parent: company.q3
kpi: calls
target: {{value: 10}}
deadline: 2026-Q3
""")
    return tree


def test_the_password_is_in_no_output(tmp_path, monkeypatch):
    tree = secret_tree(tmp_path)
    runner = CliRunner()
    outputs = {}
    for fmt in ("text", "json", "sarif"):
        for data in ([], ["--data"]):
            result = runner.invoke(main, ["check", str(tree), "--today", TODAY, "--format", fmt, *data])
            outputs[f"check {fmt} {data}"] = result.output
    outputs["status"] = runner.invoke(main, ["status", str(tree), "--today", TODAY, "--format", "json"]).output
    monkeypatch.chdir(tree)
    for fmt in ("text", "json", "csv"):
        result = runner.invoke(main, ["leads", "classify", f"sqlite://ana:{SECRET}@/data/crm.db", "--query",
                                      "select * from leads", "--tree", str(tree), "--format", fmt])
        outputs[f"classify {fmt}"] = result.output
    failed = runner.invoke(main, ["leads", "classify", f"sqlite://ana:{SECRET}@/data/nope.db", "--query",
                                  "select * from leads", "--tree", str(tree)])
    assert failed.exit_code == 2
    outputs["classify failing"] = failed.output
    site = tmp_path / "site"
    build = runner.invoke(main, ["build", str(tree), "-o", str(site), "--today", TODAY, "--allow-errors"])
    assert build.exit_code == 0, build.output
    for path in sorted(site.rglob("*")):
        if path.is_file():
            outputs[f"site {path.relative_to(site)}"] = path.read_text(errors="replace")

    leaked = [name for name, text in outputs.items() if SECRET in text]
    assert leaked == []
    # …and the URLs are still there to be read, with the password hidden
    shown = "sqlite://ana:***@/data/crm.db"
    assert shown in outputs["check text []"]  # GS409: the records have no field `seat_count`
    assert shown in outputs["classify text"]
    assert "GS204" in outputs["check text ['--data']"]  # the server was tried, and its failure reported
    assert any(shown in text for name, text in outputs.items() if name.startswith("site "))
