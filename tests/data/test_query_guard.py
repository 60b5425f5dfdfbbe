"""The read-only guard in front of every SQL source, judged on sqlglot's parse tree: one SELECT,
nothing that writes anywhere inside it, and no function that reaches past the session."""

from __future__ import annotations

import logging

import pytest

from goalspec.data.query import REFUSED
from goalspec.data.sources import SourceProblem, check_query


@pytest.mark.parametrize("query, function", [
    ("select now(), n from dblink_exec('dbname=crm', 'delete from seats') as t(n text)", "dblink_exec"),
    ("select day, n from seats, lateral dblink('host=elsewhere', 'select 1') as d(x int)", "dblink"),
    ("select d.* from PG_CATALOG.\"DBLINK_CONNECT\"('x') as d", "dblink_connect"),
    ("select current_date, length(pg_read_file('/etc/passwd'))", "pg_read_file"),
    ("select current_date, length(pg_catalog.pg_read_binary_file('/etc/passwd'))", "pg_read_binary_file"),
    ("select current_date, lo_import('/etc/passwd')", "lo_import"),
    ("select current_date, lo_export(16384, '/tmp/x')", "lo_export"),
    ("with w as (select postgres_fdw_disconnect_all() as x) select current_date, x from w", "postgres_fdw_disconnect_all"),
    ("select current_date, 1 from t where exists (select query_to_xml('delete from t', true, false, ''))",
     "query_to_xml"),
    ("select current_date, set_config('default_transaction_read_only', 'off', false)", "set_config"),
    ("select current_date, count(*) from pg_ls_dir('/')", "pg_ls_dir"),
    ("select day, n from seats union all select current_date, load_extension('/tmp/evil.so')", "load_extension"),
])
def test_a_function_that_reaches_past_the_session_is_refused(query, function):
    with pytest.raises(SourceProblem) as refused:
        check_query(query, "postgresql")
    assert f"calls `{function}`" in str(refused.value) and refused.value.field == "source/query"
    assert refused.value.hint


@pytest.mark.parametrize("query", [
    "with gone as (delete from seats returning day, n) select day, n from gone",  # a write inside a CTE
    "with a as (select 1), b as (insert into seats values (now(), 1) returning *) select * from a, b",
    "select day, n from seats where n > (with x as (update seats set n = 0 returning n) select max(n) from x)",
    "select day, n into backup from seats",
    "select day, n from seats for update",
    "explain analyze delete from seats",
    "copy (select day, n from seats) to program 'rm -rf /'",
    "select 1; delete from seats",
    "select 1; select 2",
    "",
])
def test_anything_but_one_reading_select_is_refused(query):
    with pytest.raises(SourceProblem, match="goalspec only reads|one SELECT"):
        check_query(query, "postgresql")


@pytest.mark.parametrize("query", [
    "select day, n from seats where note = 'a; b'",  # a semicolon in a string is not a second statement
    "select day, \"update\" from seats",  # a column may be called anything
    "select day, n from seats where note = 'drop table seats'",
    "with recursive c(x) as (select 1 union all select x + 1 from c where x < 3) select current_date, x from c",
    "select day::date, sum(n) over (order by day) from seats",
    "select current_date, pg_sleep(0)",  # slow is the time limit's business, not the guard's
    "select day, n from seats;",
])
def test_reading_queries_pass(query):
    check_query(query, "postgresql")


def test_a_query_that_is_not_sql_says_where():
    with pytest.raises(SourceProblem, match=r"cannot be read as SQL: .*\(line 1, column \d+\)"):
        check_query("select day, n from seats where (", "sqlite")


def test_the_guard_prints_nothing(caplog, capsys):
    with caplog.at_level(logging.WARNING), pytest.raises(SourceProblem):
        check_query("explain analyze delete from seats", "postgresql")
    assert caplog.records == [] and capsys.readouterr() == ("", "")


def test_the_refused_functions_are_the_documented_ones():
    from paths import ROOT
    text = (ROOT / "docs" / "data.md").read_text()
    for name in ("dblink", "postgres_fdw", "pg_read_file", "pg_read_binary_file", "lo_import", "lo_export",
                 "query_to_xml", "set_config", "load_extension"):
        assert f"`{name}" in text, name
        assert name in REFUSED or name.startswith(("dblink", "postgres_fdw", "lo_")), name
