"""Lead records counted where they live: the same summaries as the Python evaluator, with few rows fetched."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner

from pgserver import MISSING, server  # noqa: F401  (a fixture)
from test_leads import COLUMNS, definition, generated_leads, write_csv

from goalspec.check import run
from goalspec.cli import main
from goalspec.data import engines
from goalspec.data.sources import SourceProblem
from paths import ROOT

SPECS = ROOT / "specs"
OPTIONS = dict(date_column="booked_on", as_of=datetime(2026, 11, 24), track_filled=True)


def definitions():
    result = run(SPECS, date(2026, 11, 23))
    return sorted((lid, obj.model) for lid, obj in result.project.leads.items())


def same(a, b) -> None:
    for name in ("records", "counts", "stages", "conversions", "follow_ups", "daily", "undated", "filled"):
        assert getattr(a, name) == getattr(b, name), name


def test_duckdb_counts_the_example_tree_as_python_does():
    source = engines.Source("data/leads.csv", path=SPECS / "data" / "leads.csv")
    duck = engines.summary(source, definitions(), python=False, **OPTIONS)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    assert duck.engine == "DuckDB" and python.engine == "Python" and duck.note is None
    same(duck, python)
    assert duck.counts == {"marketing-qualified-msp": 93, "sales-qualified-msp": 70}


def test_odd_values_are_left_to_python_and_merged_in_order(tmp_path):
    rows = generated_leads(300, seed=11)
    rows[5].update(seats="1e3", company_type="MSP", switch_by="2027-01-01")  # an exponent: Python reads it
    rows[9].update(handed_over_at="2026-07-01T09:00:00.5", first_follow_up_at="")  # a fraction of a second
    rows[12]["booked_on"] = "2026-W30-1"  # a week date
    path = write_csv(tmp_path / "leads.csv", rows)
    source = engines.Source("leads.csv", path=path)
    duck = engines.summary(source, definitions(), python=False, **OPTIONS)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    same(duck, python)
    assert duck.engine == "DuckDB" and duck.fetched < 300


def test_sqlite_counts_with_group_by(tmp_path):
    rows = generated_leads(400, seed=3)
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TABLE leads ({', '.join(COLUMNS)})")
        conn.executemany(f"INSERT INTO leads VALUES ({', '.join('?' * len(COLUMNS))})",
                         [[r[c] for c in COLUMNS] for r in rows])
    conn.close()
    source = engines.Source("crm", root=tmp_path, url="sqlite:///crm.db", query="SELECT * FROM leads")
    database = engines.summary(source, definitions(), **OPTIONS)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    assert database.engine == "SQLite"
    same(database, python)


@pytest.mark.skipif(bool(MISSING), reason=f"needs {', '.join(MISSING)} (bash .ci/run installs them)")
def test_postgresql_counts_with_few_rows_leaving_it(server, tmp_path):  # noqa: F811
    import psycopg

    rows = generated_leads(3000, seed=5)
    for r in rows:  # no follow-up times: the late leads' ids are the only rows the summary names
        r["handed_over_at"] = r["first_follow_up_at"] = ""
    with psycopg.connect(f"host=127.0.0.1 port={server} user=goalspec dbname=postgres", autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS crm_leads")
        conn.execute(f"CREATE TABLE crm_leads (n serial, {', '.join(c + ' text' for c in COLUMNS)})")
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO crm_leads ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",
                            [[r[c] for c in COLUMNS] for r in rows])
    source = engines.Source("pg", root=tmp_path, url=f"postgresql+psycopg://goalspec@127.0.0.1:{server}/postgres",
                            query=f"SELECT {', '.join(COLUMNS)} FROM crm_leads ORDER BY n")
    database = engines.summary(source, definitions(), **OPTIONS)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    assert database.engine == "PostgreSQL"
    same(database, python)
    # the counts are grouped by day and definitions met: a few hundred rows for 3000 records
    days = len({r["booked_on"] for r in rows})
    assert database.fetched <= 4 * days + 2 < len(rows) // 5


def test_classify_explains_its_sql_and_counts_a_csv_with_duckdb_when_asked():
    args = ["leads", "classify", str(SPECS / "data" / "leads.csv"), "--tree", str(SPECS), "--today", "2026-11-23",
            "--summary"]
    explained = CliRunner().invoke(main, [*args, "--explain-sql", "--engine", "database"])
    assert explained.exit_code == 0, explained.output
    assert explained.output.startswith("-- DuckDB: ") and "GROUP BY" in explained.output
    summary, late = explained.output.split(";\n\n")
    # the summary depends on no order of the records (DuckDB reads them on every core); the late
    # leads are found by a query of their own, which stops at its LIMIT
    assert " OVER (" not in summary and "row_number() OVER ()" in late
    assert late.startswith("-- the first late leads of `sales-qualified-msp`") and late.endswith("LIMIT 50;\n")
    python = CliRunner().invoke(main, args)
    duck = CliRunner().invoke(main, [*args, "--engine", "database"])
    assert duck.output == python.output and "93" in python.output


def test_a_parquet_export_is_counted_by_duckdb(tmp_path):
    import duckdb

    path = tmp_path / "leads.parquet"
    duckdb.sql(f"COPY (SELECT 'L' || i AS lead_id, CASE WHEN i % 3 = 0 THEN 'reseller' ELSE 'MSP' END AS company_type,"
               f" i * 10 AS seats, DATE '2027-09-01' + CAST(i AS INTEGER) AS switch_by FROM range(100) t(i)) TO '{path}' (FORMAT parquet)")
    source = engines.Source("leads.parquet", path=path)
    database = engines.summary(source, definitions())
    python = engines.summary(source, definitions(), python=True)
    assert database.engine == "DuckDB" and python.engine == "Python"
    same(database, python)
    assert database.counts["marketing-qualified-msp"] == len([i for i in range(100) if i % 3 and i * 10 >= 50])


def test_a_definition_the_engine_cannot_run_falls_back_with_one_note(tmp_path):
    import duckdb

    path = tmp_path / "leads.parquet"  # a list column: SQL cannot compare it as goalspec does
    duckdb.sql(f"COPY (SELECT 'L' || i AS lead_id, ['MSP'] AS company_type, 300 AS seats, DATE '2027-01-01' AS switch_by"
               f" FROM range(3) t(i)) TO '{path}' (FORMAT parquet)")
    out = CliRunner().invoke(main, ["leads", "classify", str(path), "--tree", str(SPECS), "--summary"])
    assert out.exit_code == 0, out.output
    assert out.stderr.count("note: evaluated in Python: field `company_type` holds values SQL cannot compare") == 1
    assert "3 lead records in" in out.output and "  SQL          sales-qualified-msp              3" in out.output


def test_each_column_is_read_once_in_the_compiled_sql():
    # seats is a number in both definitions, switch_by a day, the hand-over times in the follow-up terms:
    # each reading is written once, in the layers under the statements, whichever leaves use it
    args = ["leads", "classify", str(SPECS / "data" / "leads.csv"), "--tree", str(SPECS), "--today", "2026-11-23",
            "--summary", "--explain-sql", "--engine", "database"]
    sql = CliRunner().invoke(main, args).output.split(";\n")[0]  # the counts; then the rows Python must see
    # the number's shape, for seats: as the cell stands, and for the few cells that are trimmed first
    assert sql.count("~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$'") == 2
    assert sql.count("~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'") == 1  # the day's shape, for switch_by
    assert sql.count("AS TIMESTAMP)") == 2  # each time column cast once
    assert sql.count("regexp_replace(") == 3  # the trim: seats, and the two times (not for text compared equal)


def _source(tmp_path, engine: str, rows: list[dict]) -> engines.Source:
    """The records as a CSV file DuckDB reads, or as a SQLite table."""
    path = write_csv(tmp_path / "leads.csv", rows)
    if engine == "duckdb":
        return engines.Source("leads.csv", path=path)
    with sqlite3.connect(tmp_path / "crm.db") as conn:
        conn.execute(f"CREATE TABLE leads ({', '.join(COLUMNS)})")
        conn.executemany(f"INSERT INTO leads VALUES ({', '.join('?' * len(COLUMNS))})",
                         [[r[c] for c in COLUMNS] for r in rows])
    conn.close()
    return engines.Source("crm", root=tmp_path, url="sqlite:///crm.db", query="SELECT * FROM leads")


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_follow_up_times_at_their_edges_read_as_python_reads_them(tmp_path, engine):
    edges = ["2026-07-01T24:00:00", "2026-07-01T23:59:60", "2027-02-29T10:00:00", "2028-02-29T10:00:00",
             "0000-01-01", "2026-07-01T10:00:00+24:00", "2026-07-01T10:00:00Z", "2026-07-01 10:00:00-02:30",
             "2026-07-02T09:59:59+23:59", "2026-07-03", " 2026-07-01T10:00:00 ", "2026-13-01T10:00:00", "soon", "",
             # nineteen characters DuckDB's strptime would read with a number short (its shortcut must refuse them)
             "2026-07-01T10:00:0 ", "2026-07-01T10:00:0\t", " 026-07-01T10:00:00", "2026-07-01T1:00:00 ",
             "0000-07-01T10:00:00", "2026-07-01T10:00:00",
             # blank but not empty, and digits beyond ASCII (Python's to read)
             "  ", "\t", "٢٠٢٦-07-01T10:00:00", "2026-07-01T10:00:00\u00a0",
             # the first and last moments Python holds, with offsets that take them out of it (or not)
             "0001-01-01T00:00:00+01:00", "0001-01-01T01:00:00+01:00", "9999-12-31T23:59:59-01:00",
             "9999-12-31T22:59:59-01:00"]
    rows = generated_leads(2 * len(edges) ** 2 // 4, seed=17)
    for i, r in enumerate(rows):
        r.update(company_type="MSP", seats="300", switch_by="2027-01-01", handed_over_at=edges[i % len(edges)],
                 first_follow_up_at=edges[(i // len(edges)) % len(edges)])
    source = _source(tmp_path, engine, rows)
    database = engines.summary(source, definitions(), python=False, **OPTIONS)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    assert database.engine != "Python" and database.note is None
    same(database, python)
    assert python.follow_ups[0].late and python.follow_ups[0].unreadable and python.follow_ups[0].in_time


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_times_of_records_that_do_not_qualify_are_never_read(tmp_path, engine):
    # Python reads a follow-up time only for a qualified record: odd times elsewhere change nothing and,
    # in DuckDB, are not read at all (so nothing is left to Python for them).
    odd = ["2026-07-01T10:00:00.5", "soon", "2026-07-01T24:00:00", "0000-01-01", " 2026-07-01T10:00:00 ", "١٢"]
    rows = generated_leads(120, seed=31)
    for i, r in enumerate(rows):
        r["booked_on"] = "2026-08-01"  # one day: few groups
        if i % 2:
            r.update(company_type="reseller", handed_over_at=odd[i % len(odd)], first_follow_up_at=odd[-1 - i % len(odd)])
        else:
            r.update(company_type="MSP", seats="300", switch_by="2027-01-01", handed_over_at="2026-08-01T10:00:00",
                     first_follow_up_at="2026-08-02T10:00:00" if i % 4 else "")
    source = _source(tmp_path, engine, rows)
    database = engines.summary(source, definitions(), python=False, **OPTIONS)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    same(database, python)
    (follow,) = database.follow_ups
    assert follow.handed_over == 60 and follow.unreadable == 0
    if engine == "duckdb":
        groups = engines.summary(source, definitions(), python=False, **{**OPTIONS, "track_filled": False})
        assert groups.fetched <= 45  # a few groups and 30 named late leads; the 60 odd records are not fetched


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_late_leads_are_counted_in_the_database_and_only_the_first_are_fetched(tmp_path, engine):
    rows = generated_leads(600, seed=23)
    for i, r in enumerate(rows):  # every lead qualifies and is handed over, none followed up: all late
        r.update(lead_id=f"L{i:04d}", company_type="MSP", seats="300", switch_by="2027-01-01", booked_on="2026-08-01",
                 handed_over_at=f"2026-08-01T{i % 24:02d}:00:00", first_follow_up_at="")
    rows[70]["handed_over_at"] = "2026-08-01T10:00:00.5"  # a fraction of a second: Python reads this one
    source = _source(tmp_path, engine, rows)
    database = engines.summary(source, definitions(), python=False, **OPTIONS)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    same(database, python)
    (follow,) = database.follow_ups
    assert follow.late_count == 600 and follow.late == tuple(f"L{i:04d}" for i in range(50))
    assert database.fetched <= 1 + 50 + 1 + 2  # one group, the first 50 late leads, the odd record, GS409's row
    text = CliRunner().invoke(main, ["leads", "classify", str(tmp_path / "leads.csv"), "--tree", str(SPECS), "--summary",
                                     "--today", "2026-11-23", "--engine", "database"]).output
    assert "600 late" in text and "L0049 and 550 more" in text


def _late_queries(monkeypatch) -> list[str]:
    """The late-lead queries DuckDB runs from now on (their text ends in their LIMIT)."""
    ran: list[str] = []
    real = engines._duck_rows

    def recording(con, text, width=None):
        if " LIMIT " in text:
            ran.append(text)
        return real(con, text, width)
    monkeypatch.setattr(engines, "_duck_rows", recording)
    return ran


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_each_agreement_names_its_own_first_late_leads(tmp_path, engine, monkeypatch):
    # Two definitions agree follow-ups of their own: a record is late under one, both or neither, and each
    # agreement's first late leads are found by a query of its own that asks for no more than it counted.
    two = [("fast", definition(id="fast", stage="MQL", handed_to="sales", follow_up_within="1d",
                               criteria={"field": "company_type", "op": "eq", "value": "MSP"})),
           ("slow", definition(id="slow", stage="SQL", handed_to="sales", follow_up_within="3d",
                               criteria={"field": "seats", "op": "gte", "value": 300}))]
    source = _source(tmp_path, engine, generated_leads(400, seed=31))
    options = dict(OPTIONS, id_column="lead_id")
    ran = _late_queries(monkeypatch)
    database = engines.summary(source, two, python=False, **options)
    python = engines.summary(source, two, python=True, **options)
    same(database, python)
    fast, slow = database.follow_ups
    assert fast.late_count > 50 and len(fast.late) == 50 and 0 < slow.late_count == len(slow.late) < 50
    assert set(fast.late) != set(slow.late) and set(fast.late) & set(slow.late)
    if engine == "duckdb":
        assert [q.rsplit(" LIMIT ", 1)[1] for q in ran] == ["50", str(slow.late_count)]


def test_no_late_lead_no_late_query(tmp_path, monkeypatch):
    rows = generated_leads(200, seed=37)
    for r in rows:  # every lead handed over is followed up within the hour
        if r["handed_over_at"]:
            r["first_follow_up_at"] = (datetime.fromisoformat(r["handed_over_at"]) + timedelta(hours=1)).isoformat()
    ran = _late_queries(monkeypatch)
    database = engines.summary(_source(tmp_path, "duckdb", rows), definitions(), python=False, **OPTIONS)
    assert database.engine == "DuckDB" and database.follow_ups[0].in_time > 0
    assert database.follow_ups[0].late_count == 0 and ran == []


def test_equal_records_python_must_read_count_once_each_without_a_follow_up_agreement(tmp_path):
    rows = generated_leads(50, seed=29)
    for r in rows[:3]:  # three equal records with an exponent, which Python reads
        r.update(lead_id="same", company="same", seats="1e3", company_type="MSP", switch_by="2027-01-01")
    path = write_csv(tmp_path / "leads.csv", rows)
    source = engines.Source("leads.csv", path=path)
    options = dict(date_column="booked_on", handed_over_column="none", track_filled=True)
    database = engines.summary(source, definitions(), python=False, **options)
    python = engines.summary(source, definitions(), python=True, **options)
    assert database.engine == "DuckDB" and not database.follow_ups
    same(database, python)
    assert database.counts["sales-qualified-msp"] >= 3


def test_auto_counts_a_large_csv_file_with_duckdb_and_a_small_one_with_python(monkeypatch):
    source = engines.Source("data/leads.csv", path=SPECS / "data" / "leads.csv")
    assert engines.summary(source, definitions(), **OPTIONS).engine == "Python"  # 104 records: Python is quicker
    monkeypatch.setattr(engines, "DUCKDB_FROM", 1000)
    large = engines.summary(source, definitions(), **OPTIONS)
    assert large.engine == "DuckDB"
    same(large, engines.summary(source, definitions(), python=True, **OPTIONS))


def test_a_list_of_numbers_led_by_a_whole_one_keeps_its_fractions(tmp_path):
    # SQLAlchemy writes a literal list led by an int as ints: 2.5 became 2, and `in [250, 2.5]` missed 2.5
    from goalspec.spec.models import LeadDefinition

    d = LeadDefinition.model_validate({"apiVersion": "goalspec/v1", "kind": "LeadDefinition", "id": "d", "name": "D",
                                       "stage": "SQL", "agreed_by": ["a", "b"],
                                       "criteria": {"field": "c", "op": "in", "value": [250, 2.5]}})
    path = tmp_path / "leads.csv"
    path.write_text("a,b,c\n1,x,2.5\n2,x,250\n3,x,2\n")
    for python in (False, True):
        assert engines.summary(engines.Source("leads.csv", path=path), [("d", d)], python=python).counts == {"d": 2}


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
@pytest.mark.parametrize("day", ["20260701  x", "2026-07-0 1", " 20260701 x", "2026-07-01x", "20260701 ", " 2026-07-01 ",
                                 # ten bytes or fewer led by a digit: DuckDB's key is the cell as it stands
                                 "20260701  ", "20260701", "2026-7-1", "2026-07-1\t", "2026-07-٠1"])
def test_the_day_a_record_is_counted_on_is_read_as_python_reads_it(tmp_path, engine, day):
    # Python reads the first ten characters of the stripped cell, whatever follows them: a day the
    # database cut out must not be stripped again (`20260701  ` is no day, `20260701` is one)
    rows = generated_leads(30, seed=8)
    rows[4]["booked_on"] = day
    source = _source(tmp_path, engine, rows)
    try:
        python = engines.summary(source, definitions(), python=True, **OPTIONS)
    except SourceProblem as problem:
        with pytest.raises(SourceProblem) as database:
            engines.summary(source, definitions(), python=False, **OPTIONS)
        assert str(database.value) == str(problem)
    else:
        database = engines.summary(source, definitions(), python=False, **OPTIONS)
        assert database.engine != "Python"
        same(database, python)


@pytest.mark.parametrize("line", [
    'L1,A,MSP,"3"00,2027-01-01,2026-08-01,,\n',  # Python's csv module reads 300
    'L2,A,"MS"P,300,2027-01-01,2026-08-01,,\n',
    'L3,"a""b"c,MSP,300,2027-01-01,2026-08-01,,\n',
    'L4,A,MSP,300,2027-01-01,2026-08-01,,\r\r\nL5,A,MSP,300,2027-01-01,2026-08-01,,\r\n',
    'L6,A,MSP,300,2027-01-01,2026-08-01,,,one too many\n',
    "L7,A,MSP," + "9" * 200_000 + ",2027-01-01,2026-08-01,,\n",  # past the csv module's default field limit
    'L8,A,M"S"P,300,2027-01-01,2026-08-01,,\n',
    'L9,A,MSP, "300",2027-01-01,2026-08-01,,\n',  # Python keeps the space and the quotes: no number
    'L10,A,"MSP" ,300,2027-01-01,2026-08-01,,\n',
    'L11,A,MSP,\t"300",2027-01-01,2026-08-01,,\n',
])
def test_a_csv_file_python_reads_its_own_way_is_never_counted_otherwise_by_duckdb(tmp_path, line):
    path = write_csv(tmp_path / "leads.csv", generated_leads(20, seed=5))
    with path.open("a", newline="") as fh:
        fh.write(line)
    source = engines.Source("leads.csv", path=path)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    same(engines.summary(source, definitions(), python=False, **OPTIONS), python)


def test_lines_near_the_longest_allowed_across_duckdbs_buffers_are_read_as_python_reads_them(tmp_path):
    # DuckDB reads a file in buffers of twice the longest line allowed (32 MiB), one per core: three
    # lines of nearly 16 MiB, in a file of more than one buffer, fall across their edges
    from goalspec.data.leads import FIELD_LIMIT

    rows = generated_leads(3000, seed=12)
    for i in (5, 1500, 2990):
        rows[i]["company"] = "x" * (FIELD_LIMIT - 200)
    path = write_csv(tmp_path / "leads.csv", rows)
    assert path.stat().st_size > 2 * FIELD_LIMIT
    source = engines.Source("leads.csv", path=path)
    database = engines.summary(source, definitions(), python=False, **OPTIONS)
    assert database.engine == "DuckDB" and database.note is None and database.records == 3000
    same(database, engines.summary(source, definitions(), python=True, **OPTIONS))


def test_a_blob_where_sqlite_reads_text_is_left_to_python(tmp_path):
    rows = generated_leads(30, seed=4)
    source = _source(tmp_path, "sqlite", rows)
    with sqlite3.connect(tmp_path / "crm.db") as conn:  # a BLOB that is no UTF-8, where a number is read
        conn.execute("UPDATE leads SET seats = x'ff' WHERE lead_id = 'G0003'")
    conn.close()
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    database = engines.summary(source, definitions(), python=False, **OPTIONS)
    same(database, python)
    assert database.engine == "SQLite"  # the BLOB is Python's to read, the rest SQLite's


def test_a_time_and_offset_before_a_final_newline_is_read_with_its_offset_in_sqlite(tmp_path):
    # SQLite's REGEXP is Python's: its `$` also matches before a final newline
    rows = generated_leads(10, seed=2)
    for r in rows:
        r.update(company_type="MSP", seats="300", switch_by="2027-01-01", handed_over_at="2026-08-01T10:00:00+05:00\n",
                 first_follow_up_at="2026-08-03T07:00:00")
    source = _source(tmp_path, "sqlite", rows)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    database = engines.summary(source, definitions(), python=False, **OPTIONS)
    assert database.engine == "SQLite" and python.follow_ups[0].late_count == 10
    same(database, python)


@pytest.mark.parametrize("blob", ["x'323032362d30382d3032'", "x'ff'"])
def test_a_blob_where_a_day_is_counted_on_is_named_by_python_as_in_python(tmp_path, blob):
    source = _source(tmp_path, "sqlite", generated_leads(20, seed=6))
    with sqlite3.connect(tmp_path / "crm.db") as conn:  # `2026-08-02` as bytes, and bytes that are no text
        conn.execute(f"UPDATE leads SET booked_on = {blob} WHERE lead_id = 'G0002'")
    conn.close()
    with pytest.raises(SourceProblem) as python:
        engines.summary(source, definitions(), python=True, **OPTIONS)
    with pytest.raises(SourceProblem) as database:
        engines.summary(source, definitions(), python=False, **OPTIONS)
    assert str(database.value) == str(python.value) and "row" in str(python.value)


def test_a_statement_the_database_fails_on_leaves_the_records_to_python(tmp_path, monkeypatch):
    # the query alone runs; the criteria's statement fails inside the database (a function raising)
    from goalspec.data import sources

    source = _source(tmp_path, "sqlite", generated_leads(30, seed=9))

    def failing(pattern, value):
        raise ValueError("no")
    monkeypatch.setattr(sources, "_regexp", failing)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    database = engines.summary(source, definitions(), python=False, **OPTIONS)
    same(database, python)
    assert database.engine == "Python" and database.note.startswith("the database cannot run it")


@pytest.mark.parametrize(("content", "spaced"), [
    (b"", False), (b'a,b\n"c",d\n', False), (b'a, "b"\n', True), (b'a,"b" \n', True), (b'a,\t"b"\n', True),
    (b"x" * ((1 << 22) - 1) + b' "b"', True),  # the pair across the first chunk's end
    (b"x" * ((1 << 22) - 1) + b'" b', True), (b"x" * ((1 << 22) - 1) + b',"b"', False),
])
def test_a_quote_next_to_a_space_is_found_anywhere_in_the_file(tmp_path, content, spaced):
    (tmp_path / "f.csv").write_bytes(content)
    assert engines._spaced_quote(tmp_path / "f.csv") is spaced
