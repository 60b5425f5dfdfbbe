"""The files a source names, and the values in them: SQLite files stay inside the tree like CSV
files; pipes, devices and symbolic link loops are refused before they are opened; values must be
finite numbers; an SQLite query has a time limit. Each problem is GS204 at the field at fault."""

from __future__ import annotations

import os
import signal
import sqlite3
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.check import run
from goalspec.cli import main
from goalspec.data.values import read_all
from paths import RULES_BASE

TODAY = date(2026, 8, 1)
GOAL = ("apiVersion: goalspec/v1\nkind: Goal\nid: marketing.calls\ntitle: Book 100 calls by the end of Q3\n"
        "owner: cleo\nteam: marketing\nparent: company.q3\nkpi: calls\ntarget: {value: 100}\ndeadline: 2026-Q3\n")
CSV = "{type: csv, path: data/calls.csv, date_column: day, value_column: n}"


def tree_with(tmp_path: Path, source: str, extra: dict[str, str] | None = None) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(RULES_BASE, tree)
    (tree / "k.yaml").write_text("apiVersion: goalspec/v1\nkind: KPI\nid: calls\nname: Calls\nunit: calls\n"
                                 f"owner: cleo\nsource: {source}\n---\n{GOAL}")
    for rel, text in (extra or {}).items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    return tree


def make_db(path: Path, rows=(("2026-07-01", 777),)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("create table calls (day text, n real)")
        conn.executemany("insert into calls values (?, ?)", rows)
    conn.close()
    return path


def gs204(tree: Path, remote: bool = False):
    return [d for d in run(tree, TODAY, remote_data=remote).diagnostics if d.code == "GS204"]


@pytest.fixture
def no_hang():
    """Fail, rather than hang the suite, when a read blocks (a FIFO opened for reading waits for a writer)."""
    def stop(*_):
        raise TimeoutError("the read blocked")
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture
def opened(monkeypatch):
    """Every SQLite file opened, whichever way SQLAlchemy or goalspec reaches sqlite3."""
    seen: list[str] = []
    real = sqlite3.connect

    def connect(database, *args, **kwargs):
        seen.append(str(database))
        return real(database, *args, **kwargs)
    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", connect)
    return seen


# -- SQLite files stay inside the tree ------------------------------------------------------------------

@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
def test_an_sqlite_file_outside_the_tree_is_gs204_and_never_opened(tmp_path, opened, how):
    outside = make_db(tmp_path / "outside" / "crm.db")
    url = {"absolute": f"sqlite:///{outside}", "dotdot": "sqlite:///../outside/crm.db",
           "symlink": "sqlite:///data/link.db"}[how]
    tree = tree_with(tmp_path, f'{{type: sql, url: "{url}", query: "select day, n from calls"}}')
    if how == "symlink":
        (tree / "data").mkdir()
        (tree / "data" / "link.db").symlink_to(outside)
    opened.clear()
    (d,) = gs204(tree)  # plain `check`: the file is not reached, and that is the finding
    assert (d.file, d.line, d.column) == ("k.yaml", 7, 26)
    assert d.message.startswith("SQLite database `") and d.message.endswith("` is outside the spec tree")
    assert "inside the tree" in d.hint
    series = read_all(run(tree, TODAY).project, remote=True).series["calls"]
    assert series.points == () and "outside the spec tree" in series.problem
    assert not any("crm.db" in name or "link.db" in name for name in opened)


def test_an_sqlite_file_named_through_the_environment_is_confined_too(tmp_path, monkeypatch, opened):
    outside = make_db(tmp_path / "outside" / "crm.db")
    tree = tree_with(tmp_path, '{type: sql, url: "sqlite:///${CRM_DB}", query: "select day, n from calls"}')
    monkeypatch.setenv("CRM_DB", str(outside))
    opened.clear()
    (d,) = gs204(tree, remote=True)
    assert "is outside the spec tree" in d.message and "777" not in d.message
    assert opened == []


def test_an_sqlite_file_inside_the_tree_through_a_link_inside_it_is_read(tmp_path):
    tree = tree_with(tmp_path, '{type: sql, url: "sqlite:///data/link.db", query: "select day, n from calls"}')
    make_db(tree / "data" / "crm.db")
    (tree / "data" / "link.db").symlink_to("crm.db")
    assert gs204(tree) == []
    assert [p.value for p in read_all(run(tree, TODAY).project).series["calls"].points] == [777.0]


# -- only regular files, and no symbolic link loops -------------------------------------------------------

SOURCES = {
    "KPI CSV": (CSV, "data/calls.csv", "k.yaml", (7, 27)),
    "SQLite": ('{type: sql, url: "sqlite:///data/calls.csv", query: "select day, n from calls"}', "data/calls.csv",
               "k.yaml", (7, 26)),
    "lead records": ("{type: leads, definition: sql, data: {type: csv, path: data/calls.csv, date_column: day}}",
                     "data/calls.csv", "k.yaml", (7, 64)),
}
LEAD_DEFINITION = ("apiVersion: goalspec/v1\nkind: LeadDefinition\nid: sql\nname: SQL\nstage: SQL\n"
                   "agreed_by: [marketing, sales]\ncriteria: {field: seats, op: gte, value: 250}\n")


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_a_fifo_is_refused_before_it_is_opened(tmp_path, no_hang, kind):
    source, rel, file, where = SOURCES[kind]
    tree = tree_with(tmp_path, source, {"leads.yaml": LEAD_DEFINITION})
    (tree / "data").mkdir(exist_ok=True)
    os.mkfifo(tree / rel)
    (d,) = gs204(tree)
    assert (d.file, (d.line, d.column)) == (file, where)
    assert f"`{rel}` is not a regular file but a named pipe (FIFO)" in d.message
    assert "regular file" in d.hint


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_a_folder_is_not_a_regular_file_either(tmp_path, kind):
    source, rel, _, _ = SOURCES[kind]
    tree = tree_with(tmp_path, source, {"leads.yaml": LEAD_DEFINITION})
    (tree / rel).mkdir(parents=True)
    (d,) = gs204(tree)
    assert f"`{rel}` is not a regular file but a folder" in d.message


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_a_symbolic_link_loop_is_gs204(tmp_path, kind):
    source, rel, file, where = SOURCES[kind]
    tree = tree_with(tmp_path, source, {"leads.yaml": LEAD_DEFINITION})
    (tree / "data").mkdir(exist_ok=True)
    (tree / "data" / "loop").symlink_to("calls.csv")
    (tree / rel).symlink_to("loop")
    (d,) = gs204(tree)
    assert (d.file, (d.line, d.column)) == (file, where)
    assert f"`{rel}` is a symbolic link loop" in d.message


def test_leads_classify_refuses_a_fifo_with_exit_2(tmp_path, no_hang):
    from paths import SPECS
    os.mkfifo(tmp_path / "leads.csv")
    out = CliRunner().invoke(main, ["leads", "classify", str(tmp_path / "leads.csv"), "--tree", str(SPECS)])
    assert out.exit_code == 2 and "is not a regular file but a named pipe (FIFO)" in out.output


# -- values are finite numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-inf", "Infinity", "1e400", "-1e400"])
def test_a_value_that_is_not_finite_is_gs204_naming_file_and_row(tmp_path, value):
    tree = tree_with(tmp_path, CSV, {"data/calls.csv": f"day,n\n2026-07-01,3\n2026-07-02,{value}\n"})
    (d,) = gs204(tree)
    assert (d.file, d.line, d.column) == ("k.yaml", 7, 27)
    assert d.message == f"CSV file `data/calls.csv` row 3, column `n`: `{value}` is not a finite number"
    assert read_all(run(tree, TODAY).project).series["calls"].points == ()


def test_status_and_build_do_not_crash_on_a_value_that_is_not_finite(tmp_path):
    tree = tree_with(tmp_path, CSV, {"data/calls.csv": "day,n\n2026-07-01,3\n2026-07-02,1e400\n"})
    runner = CliRunner()
    status = runner.invoke(main, ["status", str(tree), "--today", "2026-08-01", "--format", "json"])
    assert status.exception is None or isinstance(status.exception, SystemExit), status.output
    assert "internal error" not in status.output and "marketing.calls" in status.output
    site = tmp_path / "site"
    build = runner.invoke(main, ["build", str(tree), "-o", str(site), "--today", "2026-08-01", "--allow-errors"])
    assert build.exit_code == 0, build.output
    page = (site / "kpis" / "calls.html").read_text()
    assert "not a finite number" in page and "nan" not in page.lower().replace("nano", "")


def test_an_sqlite_value_that_is_not_finite_is_gs204_naming_the_row(tmp_path):
    tree = tree_with(tmp_path, '{type: sql, url: "sqlite:///data/crm.db", query: "select day, n from calls"}')
    make_db(tree / "data" / "crm.db", [("2026-07-01", 3), ("2026-07-02", float("inf"))])
    (d,) = gs204(tree)
    assert d.message == "row 2: `inf` is not a finite number" and (d.line, d.column) == (7, 58)


# -- a query has a time limit -----------------------------------------------------------------------------------

SLOW = ("with recursive c(x) as (select 1 union all select x + 1 from c) "
        "select '2026-07-01', count(*) from c where x > 0")


def test_a_slow_sqlite_query_is_stopped_at_its_time_limit(tmp_path):
    tree = tree_with(tmp_path, f'{{type: sql, url: "sqlite:///data/crm.db", query: "{SLOW}", timeout: 1}}')
    make_db(tree / "data" / "crm.db")
    started = time.monotonic()
    (d,) = gs204(tree)
    assert time.monotonic() - started < 10
    assert d.message == "the query did not finish within its time limit of 1 s" and (d.line, d.column) == (7, 58)
    assert "`timeout`" in d.hint


def test_slow_lead_records_are_stopped_too(tmp_path):
    query = "with recursive c(x) as (select 1 union all select x + 1 from c) select x as day from c"
    tree = tree_with(tmp_path, "{type: leads, definition: sql, data: {type: sql, url: 'sqlite:///data/crm.db', "
                               f"query: '{query}', date_column: day, timeout: 0.5}}}}", {"leads.yaml": LEAD_DEFINITION})
    make_db(tree / "data" / "crm.db")
    started = time.monotonic()
    (d,) = gs204(tree)
    assert time.monotonic() - started < 10
    assert d.message == "the query did not finish within its time limit of 0.5 s"


def test_the_time_limit_is_30_seconds_unless_the_source_says(tmp_path):
    from goalspec.spec.models import LeadRecordsSql, SqlSource
    assert SqlSource(type="sql", url="sqlite:///x.db", query="select 1").timeout == 30
    assert LeadRecordsSql(type="sql", url="sqlite:///x.db", query="select 1").timeout == 30
    tree = tree_with(tmp_path, '{type: sql, url: "sqlite:///data/crm.db", query: "select day, n from calls", '
                               'timeout: 0}')
    (d,) = [d for d in run(tree, TODAY).diagnostics if d.file == "k.yaml"]
    assert d.code != "GS204" and "timeout" in d.message  # a schema finding: greater than 0


def test_an_sqlite_file_name_is_never_read_as_options(tmp_path, monkeypatch):
    from goalspec.data import sources
    # `?mode=rwc` in the file's name must stay part of the name, not reopen the file for writing
    tree = tree_with(tmp_path, '{type: sql, url: "sqlite:///data/a%3Fmode%3Drwc.db", '
                               'query: "insert into calls values (1, 2)"}')
    make_db(tree / "data" / "a?mode=rwc.db")
    monkeypatch.setattr(sources, "check_query", lambda *a: None)  # past the parser, SQLite itself refuses
    (d,) = gs204(tree)
    assert "readonly" in d.message.replace("-", "").replace(" ", "").lower()
    with sqlite3.connect(tree / "data" / "a?mode=rwc.db") as conn:
        assert conn.execute("select count(*) from calls").fetchone() == (1,)
    conn.close()
    assert sorted(p.name for p in (tree / "data").iterdir()) == ["a?mode=rwc.db"]
