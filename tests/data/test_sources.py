"""KPI sources: check-ins, CSV and SQL (a real SQLite file), read-only, with readable reasons."""

import sqlite3
import shutil
from datetime import date
from pathlib import Path

import pytest

from goalspec.data import sources
from goalspec.check import run
from goalspec.data.sources import Point, SourceProblem, check_query, expand_url
from goalspec.data.values import read_all
from paths import RULES_BASE

BASE = RULES_BASE
TODAY = date(2026, 8, 1)


def tree_with(tmp_path: Path, source: str, extra: dict[str, str] | None = None) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(BASE, tree)
    (tree / "k.yaml").write_text("apiVersion: goalspec/v1\nkind: KPI\nid: calls\nname: Calls\nunit: calls\n"
                                 f"owner: cleo\nsource: {source}\n")
    for rel, text in (extra or {}).items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    return tree


def series(tree: Path, remote: bool = True):
    result = run(tree, TODAY)
    return read_all(result.project, remote=remote).series["calls"], result


def test_checkins_single_and_batch(tmp_path):
    tree = tree_with(tmp_path, "{type: checkins}", {"c.yaml": (
        "apiVersion: goalspec/v1\nkind: CheckIn\nkpi: calls\nby: cleo\nvalues: {2026-07-02: 3, 2026-07-01: 2}\n---\n"
        "apiVersion: goalspec/v1\nkind: CheckIn\nkpi: calls\ndate: 2026-07-03\nvalue: 4.5\nby: cleo\n")})
    s, _ = series(tree)
    assert s.points == (Point(date(2026, 7, 1), 2), Point(date(2026, 7, 2), 3), Point(date(2026, 7, 3), 4.5))


def test_equal_check_in_points_are_one_object_and_zero_keeps_its_sign(tmp_path):
    checkin = "apiVersion: goalspec/v1\nkind: CheckIn\nkpi: {kpi}\nby: cleo\nvalues: {{2026-07-01: 3, 2026-07-02: {z}}}\n"
    tree = tree_with(tmp_path, "{type: checkins}", {
        "c.yaml": checkin.format(kpi="calls", z="0.0") + "---\n" + checkin.format(kpi="calls2", z="-0.0"),
        "k2.yaml": "apiVersion: goalspec/v1\nkind: KPI\nid: calls2\nname: Calls\nunit: calls\nowner: cleo\n"
                   "source: {type: checkins}\n"})
    result = run(tree, TODAY)
    got = read_all(result.project).series
    a, b = got["calls"].points, got["calls2"].points
    assert a == b and a[0] is b[0]  # 3 on 2026-07-01, in both KPIs
    assert str(a[1].value) == "0.0" and str(b[1].value) == "-0.0"


def test_csv_rows_dates_and_empty_cells(tmp_path):
    tree = tree_with(tmp_path, "{type: csv, path: data/calls.csv, date_column: day, value_column: n}", {
        "data/calls.csv": "day,n\n2026-07-02T09:00:00,\"1,200\"\n2026-07-01,3\n2026-07-03,\n"})
    s, result = series(tree)
    assert s.problem is None and result.diagnostics == ()
    assert s.points == (Point(date(2026, 7, 1), 3), Point(date(2026, 7, 2), 1200))


def test_csv_bad_row_is_gs204_with_the_row(tmp_path):
    tree = tree_with(tmp_path, "{type: csv, path: data/calls.csv, date_column: day, value_column: n}", {
        "data/calls.csv": "day,n\n2026-07-01,3\nlast week,4\n"})
    _, result = series(tree)
    (d,) = result.diagnostics
    assert (d.code, d.file, d.line, d.column) == ("GS204", "k.yaml", 7, 27)
    assert "row 3" in d.message and "not a date" in d.message


def _db(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("create table calls (day text, n integer)")
        conn.executemany("insert into calls values (?, ?)", [("2026-07-01", 5), ("2026-07-08", 7), ("2026-07-15", None)])


def test_sqlite_file_in_the_tree(tmp_path):
    tree = tree_with(tmp_path, '{type: sql, url: "sqlite:///data/crm.db", query: "select day, n from calls order by day"}')
    _db(tree / "data" / "crm.db")
    s, result = series(tree)
    assert result.diagnostics == ()
    assert s.points == (Point(date(2026, 7, 1), 5), Point(date(2026, 7, 8), 7))


def test_credentials_come_from_the_environment(tmp_path, monkeypatch):
    tree = tree_with(tmp_path, '{type: sql, url: "sqlite:///${CRM_DB}", query: "select day, n from calls"}')
    _db(tree / "data" / "crm.db")
    monkeypatch.setenv("CRM_DB", "data/crm.db")
    s, result = series(tree, remote=True)
    assert len(s.points) == 2
    # a URL with ${VAR} is outside the tree: plain `check` does not reach it
    assert read_all(result.project, remote=False).series["calls"].supported is False
    monkeypatch.delenv("CRM_DB")
    with pytest.raises(SourceProblem, match="CRM_DB"):
        expand_url("sqlite:///${CRM_DB}")


@pytest.mark.parametrize("query", [
    "delete from calls", "select 1; drop table calls", "update calls set n = 0", "insert into calls values (1, 2)",
    "with x as (delete from calls returning *) select * from x", "pragma writable_schema = 1",
    "select * into copy from calls",
])
def test_a_query_that_writes_is_refused(query):
    with pytest.raises(SourceProblem):
        check_query(query)


@pytest.mark.parametrize("query", ["select day, n from calls", "  WITH w AS (SELECT 1 AS a) SELECT a, a FROM w",
                                   "select day, n from calls where note = 'update later'"])
def test_reading_queries_pass(query):
    check_query(query)


def test_the_database_itself_refuses_writes(tmp_path, monkeypatch):
    tree = tree_with(tmp_path, '{type: sql, url: "sqlite:///data/crm.db", query: "insert into calls values (1, 2)"}')
    _db(tree / "data" / "crm.db")
    monkeypatch.setattr(sources, "check_query", lambda *a: None)  # pretend the first guard missed it
    s, _ = series(tree)
    assert s.problem and "readonly" in s.problem.replace("-", "").replace(" ", "").lower()
    with sqlite3.connect(tree / "data" / "crm.db") as conn:
        assert conn.execute("select count(*) from calls").fetchone() == (3,)


def test_failing_query_is_gs204_at_the_query(tmp_path):
    tree = tree_with(tmp_path, '{type: sql, url: "sqlite:///data/crm.db", query: "select day, n from nope"}')
    _db(tree / "data" / "crm.db")
    (d,) = run(tree, TODAY).diagnostics
    assert (d.code, d.line, d.column) == ("GS204", 7, 58) and "no such table" in d.message
