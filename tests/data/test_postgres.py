"""A KPI served by a real PostgreSQL server on loopback, read-only.

The server is Debian's `postgresql` package. `.ci/run` installs and starts it and
says where in GOALSPEC_PG_PORT; without that, these tests start a throwaway
cluster themselves, and are skipped when the server or the psycopg driver is
missing.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from pgserver import MISSING, _fill, server  # noqa: F401  (a fixture)

from goalspec.check import run
from goalspec.data.sources import Point
from goalspec.data.values import read_all
from paths import RULES_BASE

if MISSING:
    pytest.skip(f"needs {', '.join(MISSING)} (bash .ci/run installs them)", allow_module_level=True)

BASE = RULES_BASE


def tree(tmp_path: Path, query: str, timeout: float | None = None) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(BASE, root)
    (root / "k.yaml").write_text(
        "apiVersion: goalspec/v1\nkind: KPI\nid: crm\nname: Seats in the CRM\nunit: seats\nowner: ana\n"
        "source:\n  type: sql\n  url: postgresql+psycopg://goalspec@127.0.0.1:${GOALSPEC_PG_PORT}/postgres\n"
        f"  query: \"{query}\"\n" + (f"  timeout: {timeout}\n" if timeout is not None else ""))
    return root


def seats(port: int) -> int:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={port} user=goalspec dbname=postgres") as conn:
        return conn.execute("select count(*) from seats").fetchone()[0]


def test_a_kpi_reads_its_values_from_postgresql(server, tmp_path, monkeypatch):
    monkeypatch.setenv("GOALSPEC_PG_PORT", str(server))
    root = tree(tmp_path, "select day, n from seats order by day")
    result = run(root, date(2026, 8, 20), remote_data=True)
    assert result.diagnostics == ()
    series = read_all(result.project).series["crm"]
    assert series.points == (Point(date(2026, 7, 1), 300.0), Point(date(2026, 8, 1), 350.0))
    # plain `check` does not reach databases outside the tree
    assert read_all(result.project, remote=False).series["crm"].supported is False


def test_the_server_refuses_a_query_that_writes(server, tmp_path, monkeypatch):
    from goalspec.data import sources
    monkeypatch.setenv("GOALSPEC_PG_PORT", str(server))
    monkeypatch.setattr(sources, "check_query", lambda *a: None)  # past the first guard, the session is read-only
    root = tree(tmp_path, "with gone as (delete from seats returning day, n) select day, n from gone")
    result = run(root, date(2026, 8, 20), remote_data=True)
    (d,) = result.diagnostics
    assert d.code == "GS204" and "read-only transaction" in d.message
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={server} user=goalspec dbname=postgres") as conn:
        assert conn.execute("select count(*) from seats").fetchone() == (3,)


def test_a_writing_query_is_refused_before_it_is_sent(server, tmp_path, monkeypatch):
    monkeypatch.setenv("GOALSPEC_PG_PORT", str(server))
    root = tree(tmp_path, "delete from seats")
    (d,) = run(root, date(2026, 8, 20), remote_data=True).diagnostics
    assert d.code == "GS204" and "goalspec only reads" in d.message


def test_an_unset_credential_variable_is_a_finding(tmp_path, monkeypatch):
    monkeypatch.delenv("GOALSPEC_PG_PORT", raising=False)
    root = tree(tmp_path, "select day, n from seats")
    (d,) = run(root, date(2026, 8, 20), remote_data=True).diagnostics
    assert d.code == "GS204" and "GOALSPEC_PG_PORT" in d.message and (d.line, d.column) == (9, 8)


def test_a_dblink_write_is_refused_before_it_reaches_the_server(server, tmp_path, monkeypatch):
    import psycopg
    from goalspec.data import sources

    with psycopg.connect(f"host=127.0.0.1 port={server} user=goalspec dbname=postgres", autocommit=True) as conn:
        try:
            conn.execute("create extension if not exists dblink")
            dblink = True
        except psycopg.Error:  # the server's contrib modules are not installed
            dblink = False
    monkeypatch.setenv("GOALSPEC_PG_PORT", str(server))
    other = f"host=127.0.0.1 port={server} user=goalspec dbname=postgres"
    root = tree(tmp_path, f"select current_date, dblink_exec('{other}', 'delete from seats')")
    (d,) = run(root, date(2026, 8, 20), remote_data=True).diagnostics
    assert d.code == "GS204" and "calls `dblink_exec`" in d.message and (d.line, d.column) == (10, 10)
    assert seats(server) == 3
    if not dblink:
        return
    # Why the refusal must come before the server: dblink's session is not this read-only one.
    monkeypatch.setattr(sources, "check_query", lambda *a: None)
    try:
        run(root, date(2026, 8, 20), remote_data=True)
        assert seats(server) == 0
    finally:
        _fill(server)


def test_the_session_is_read_only_and_bounded_by_the_sources_timeout(server, tmp_path, monkeypatch):
    monkeypatch.setenv("GOALSPEC_PG_PORT", str(server))
    # 1000 when the transaction is read-only, plus the statement timeout in seconds
    root = tree(tmp_path, "select date '2026-08-01', (current_setting('transaction_read_only') = 'on')::int * 1000"
                          " + extract(epoch from current_setting('statement_timeout')::interval)", timeout=7)
    result = run(root, date(2026, 8, 20), remote_data=True)
    assert result.diagnostics == ()
    assert read_all(result.project).series["crm"].points == (Point(date(2026, 8, 1), 1007.0),)


def test_a_query_past_its_time_limit_is_stopped_by_the_server(server, tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("GOALSPEC_PG_PORT", str(server))
    root = tree(tmp_path, "select current_date, 1 from pg_sleep(5)", timeout=1)
    started = time.monotonic()
    (d,) = run(root, date(2026, 8, 20), remote_data=True).diagnostics
    assert time.monotonic() - started < 4
    assert d.code == "GS204" and d.message == "the query did not finish within its time limit of 1 s"
    assert (d.line, d.column) == (10, 10)


@pytest.mark.parametrize("value", ["'NaN'::numeric", "'Infinity'::numeric", "'-Infinity'::float8"])
def test_a_value_that_is_not_finite_is_gs204(server, tmp_path, monkeypatch, value):
    monkeypatch.setenv("GOALSPEC_PG_PORT", str(server))
    root = tree(tmp_path, f"select day, {value} from seats order by day")
    (d,) = run(root, date(2026, 8, 20), remote_data=True).diagnostics
    assert d.code == "GS204" and d.message.startswith("row 1: `") and d.message.endswith("` is not a finite number")
