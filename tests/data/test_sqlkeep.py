"""The SQL text a CSV file's DuckDB summary compiles to is kept between runs: a warm run never
builds the statement (nor imports SQLAlchemy), and no kept text ever answers for other inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from test_engines import definitions, same
from test_leads import generated_leads, write_csv

from goalspec.data import engines, leads, sqlkeep
from paths import ROOT

OPTIONS = dict(date_column="booked_on", as_of=datetime(2026, 11, 24), track_filled=True)

SUMMARY = """
import json, sys
from datetime import datetime, timedelta
from pathlib import Path
from test_engines import definitions
from goalspec.data import engines
s = engines.summary(engines.Source("leads.csv", path=Path(sys.argv[1])), definitions(), python=False,
                    date_column="booked_on", as_of=datetime(2026, 11, 24), track_filled=True)
print(json.dumps([s.engine, s.counts, [f.late_count for f in s.follow_ups], "sqlalchemy" in sys.modules]))
"""


def summarize_in_a_process(path: Path, cache: Path) -> list:
    env = {"GOALSPEC_CACHE_DIR": str(cache), "PYTHONPATH": f"{ROOT}{':'}{ROOT / 'tests'}{':'}{ROOT / 'tests' / 'data'}",
           "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", SUMMARY, str(path)], capture_output=True, text=True, check=True,
                         env=env, cwd=ROOT)
    return json.loads(out.stdout)


def test_a_second_run_reads_the_kept_sql_and_never_imports_sqlalchemy(tmp_path):
    path = write_csv(tmp_path / "leads.csv", generated_leads(300, seed=5))
    first = summarize_in_a_process(path, tmp_path / "cache")
    second = summarize_in_a_process(path, tmp_path / "cache")
    assert first[0] == second[0] == "DuckDB"
    assert first[3] is True and second[3] is False
    assert first[:3] == second[:3]
    assert list((tmp_path / "cache").rglob("*.marshal"))


def variants(tmp_path: Path):
    """Inputs that each change the SQL: every one must be answered by its own text."""
    rows = generated_leads(400, seed=9)
    path = write_csv(tmp_path / "leads.csv", rows)
    defs = definitions()
    lid, first = defs[0]
    # a stricter first definition: the same ids, a different threshold in the criteria
    text = json.dumps(first.criteria.model_dump(mode="json", exclude_none=True))
    assert "50" in text
    stricter = type(first).model_validate({**first.model_dump(mode="json", exclude_none=True),
                                           "criteria": json.loads(text.replace("50", "400"))})
    reordered = write_csv(tmp_path / "other" / "leads.csv", rows)  # the same records at another path
    return [
        (path, defs, OPTIONS),
        (path, [(lid, stricter), *defs[1:]], OPTIONS),
        (path, defs, {**OPTIONS, "as_of": datetime(2026, 8, 1)}),
        (path, defs, {**OPTIONS, "date_column": None}),
        (path, defs, {**OPTIONS, "track_filled": False}),
        (path, defs, {**OPTIONS, "id_column": "company"}),
        (path, defs, {**OPTIONS, "followed_up_column": "handed_over_at"}),
        (reordered, defs, OPTIONS),
    ]


def test_each_input_is_answered_by_its_own_text(tmp_path):
    cases = variants(tmp_path)
    for _ in range(2):  # the second round reads every text kept by the first
        for path, defs, options in cases:
            source = engines.Source("leads.csv", path=path)
            duck = engines.summary(source, defs, python=False, **options)
            assert duck.engine == "DuckDB" and duck.note is None
            same(duck, engines.summary(source, defs, python=True, **options))
    counts = {json.dumps(engines.summary(engines.Source("x", path=p), d, python=False, **o).counts)
              for p, d, o in cases[:2]}
    assert len(counts) == 2  # the stricter definition counts otherwise: the cases are not all alike


def test_the_key_holds_every_input(tmp_path):
    keys = {sqlkeep.key(path, ("lead_id",), defs, options, options["as_of"]) for path, defs, options in variants(tmp_path)}
    assert len(keys) == len(variants(tmp_path))
    now = datetime(2026, 11, 24)
    assert sqlkeep.key(Path("a.csv"), ("x", "y"), [], {}, now) != sqlkeep.key(Path("a.csv"), ("y", "x"), [], {}, now)
    assert sqlkeep.key(Path("a.csv"), ("x",), [], {}, now) != sqlkeep.key(Path("a.csv"), ("x",), [], {}, datetime.now())


def test_the_code_that_writes_the_sql_keys_it():
    names = {f"{p.parent.name}/{p.name}" for p in sqlkeep.code_files()}
    for module in ("pushdown", "sqlcriteria", "sqlduck", "sqllets", "engines", "leads", "evaluate", "tally"):
        assert f"data/{module}.py" in names
    assert "spec/criteria.py" in names and "spec/models.py" in names


@pytest.mark.parametrize("damage", [b"", b"not marshal", "marshal"])
def test_a_damaged_entry_is_a_miss_and_is_written_again(tmp_path, damage):
    import marshal

    path = write_csv(tmp_path / "leads.csv", generated_leads(200, seed=2))
    source = engines.Source("leads.csv", path=path)
    engines.summary(source, definitions(), python=False, **OPTIONS)
    entry = sqlkeep.store()._path(sqlkeep.key(path, source.header(), definitions(), OPTIONS, OPTIONS["as_of"]))
    assert entry.exists()
    entry.write_bytes(marshal.dumps({"summary": 3, "shape": []}) if damage == "marshal" else damage)
    duck = engines.summary(source, definitions(), python=False, **OPTIONS)
    assert duck.engine == "DuckDB" and duck.note is None
    same(duck, engines.summary(source, definitions(), python=True, **OPTIONS))
    assert sqlkeep.usable(marshal.loads(entry.read_bytes()))


def test_with_the_cache_off_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("GOALSPEC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GOALSPEC_NO_CACHE", "1")
    path = write_csv(tmp_path / "leads.csv", generated_leads(100, seed=4))
    source = engines.Source("leads.csv", path=path)
    same(engines.summary(source, definitions(), python=False, **OPTIONS),
         engines.summary(source, definitions(), python=True, **OPTIONS))
    assert not (tmp_path / "cache").exists()


def test_a_kept_text_reads_only_its_file_and_a_failing_one_is_built_again(tmp_path):
    # whoever wrote the cache folder, the kept text runs in the session locked to that one file
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    path = write_csv(tmp_path / "leads.csv", generated_leads(50, seed=1))
    source = engines.Source("leads.csv", path=path)
    engines.summary(source, definitions(), python=False, **OPTIONS)
    entry = sqlkeep.store()._path(sqlkeep.key(path, source.header(), definitions(), OPTIONS, OPTIONS["as_of"]))
    import marshal

    import duckdb

    kept = marshal.loads(entry.read_bytes())
    kept["summary"] = f"SELECT * FROM read_csv('{secret}')"
    con, _ = engines.duck_connect(path)
    with pytest.raises(duckdb.Error):
        con.execute(kept["summary"])
    con.close()
    entry.write_bytes(marshal.dumps(kept))
    duck = engines.summary(source, definitions(), python=False, **OPTIONS)
    assert duck.engine == "DuckDB" and duck.note is None
    same(duck, engines.summary(source, definitions(), python=True, **OPTIONS))
    assert "secret" not in marshal.loads(entry.read_bytes())["summary"]


def test_a_kept_text_that_selects_other_columns_is_built_again(tmp_path):
    import marshal

    path = write_csv(tmp_path / "leads.csv", generated_leads(80, seed=6))
    source = engines.Source("leads.csv", path=path)
    engines.summary(source, definitions(), python=False, **OPTIONS)
    entry = sqlkeep.store()._path(sqlkeep.key(path, source.header(), definitions(), OPTIONS, OPTIONS["as_of"]))
    kept = marshal.loads(entry.read_bytes())
    kept["summary"] = "SELECT 1 AS f0, 2 AS n"  # runs, and names fewer columns than its shape
    entry.write_bytes(marshal.dumps(kept))
    duck = engines.summary(source, definitions(), python=False, **OPTIONS)
    assert duck.engine == "DuckDB" and duck.note is None
    same(duck, engines.summary(source, definitions(), python=True, **OPTIONS))


@pytest.mark.parametrize("broken", [{}, {"at": {}}, {"at": {"f0": 0, "n": 5}, "n_defs": 2, "width": 8, "states": [],
                                                      "track_filled": False},
                                    {"at": {"f0": "0"}, "n_defs": 1, "width": 8, "states": [], "track_filled": False}])
def test_a_kept_shape_that_is_not_whole_is_a_miss(tmp_path, broken):
    import marshal

    path = write_csv(tmp_path / "leads.csv", generated_leads(50, seed=2))
    source = engines.Source("leads.csv", path=path)
    engines.summary(source, definitions(), python=False, **OPTIONS)
    entry = sqlkeep.store()._path(sqlkeep.key(path, source.header(), definitions(), OPTIONS, OPTIONS["as_of"]))
    kept = marshal.loads(entry.read_bytes())
    assert sqlkeep.usable(kept)
    kept["shape"] = broken
    assert not sqlkeep.usable(kept)
    entry.write_bytes(marshal.dumps(kept))
    duck = engines.summary(source, definitions(), python=False, **OPTIONS)
    assert duck.engine == "DuckDB"
    same(duck, engines.summary(source, definitions(), python=True, **OPTIONS))


@pytest.mark.parametrize("late", [None, {}, {"1": 3}, {"1": "SELECT 1", "2": "SELECT 2"}, "runs, selects three"])
def test_kept_late_lead_texts_that_are_not_whole_are_a_miss(tmp_path, late):
    import marshal

    rows = generated_leads(120, seed=8)
    for r in rows:  # every lead qualifies and is late: the late-lead text is run
        r.update(company_type="MSP", seats="300", switch_by="2027-01-01", first_follow_up_at="")
    path = write_csv(tmp_path / "leads.csv", rows)
    source = engines.Source("leads.csv", path=path)
    engines.summary(source, definitions(), python=False, **OPTIONS)
    entry = sqlkeep.store()._path(sqlkeep.key(path, source.header(), definitions(), OPTIONS, OPTIONS["as_of"]))
    kept = marshal.loads(entry.read_bytes())
    assert sqlkeep.usable(kept) and list(kept["late"]) == ["1"]
    if late is None:
        del kept["late"]
    elif late == "runs, selects three":
        kept["late"]["1"] = "SELECT 1, 2, 3"
    else:
        kept["late"] = late
    assert sqlkeep.usable(kept) == (late == "runs, selects three")
    entry.write_bytes(marshal.dumps(kept))
    duck = engines.summary(source, definitions(), python=False, **OPTIONS)
    assert duck.engine == "DuckDB" and duck.note is None and duck.follow_ups[0].late_count > 50
    same(duck, engines.summary(source, definitions(), python=True, **OPTIONS))
    assert marshal.loads(entry.read_bytes())["late"]["1"].startswith("SELECT numbered.number")


def test_as_of_left_to_now_is_not_answered_by_an_earlier_runs_now(tmp_path, monkeypatch):
    # No as_of: the Classifier takes datetime.now(), which the SQL holds as a literal: the key holds
    # that moment, not the options as given, so a later run never reads the first run's "now".
    now = datetime.now().replace(microsecond=0)
    rows = generated_leads(60, seed=3)
    for r in rows:
        r.update(company_type="MSP", seats="300", switch_by="2027-01-01",
                 handed_over_at=(now - timedelta(hours=1)).isoformat(), first_follow_up_at="")
    source = engines.Source("leads.csv", path=write_csv(tmp_path / "leads.csv", rows))
    options = dict(date_column="booked_on", track_filled=True)
    first = engines.summary(source, definitions(), python=False, **options)
    assert first.engine == "DuckDB" and first.follow_ups[0].waiting > 0 and first.follow_ups[0].late_count == 0

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return now + timedelta(days=30)

    monkeypatch.setattr(leads, "datetime", Later)  # a month later: every lead is late
    duck = engines.summary(source, definitions(), python=False, **options)
    python = engines.summary(source, definitions(), python=True, **options)
    assert python.follow_ups[0].waiting == 0
    same(duck, python)


def test_a_datetime_value_and_its_iso_text_are_not_one_key(tmp_path):
    # A datetime criterion value compares as a day, its ISO text as text (spec.criteria.value_type):
    # the key writes each value with its type.
    options = dict(date_column="booked_on", as_of=datetime(2026, 11, 24), track_filled=True)
    rows = generated_leads(40, seed=2)
    for r in rows[::2]:
        r["switch_by"] = "2027-01-01"
    source = engines.Source("leads.csv", path=write_csv(tmp_path / "leads.csv", rows))
    lid, first = definitions()[0]

    def defined(value):
        d = first.model_dump(mode="python", by_alias=True, exclude_none=True)
        d["criteria"] = {"field": "switch_by", "op": "eq", "value": value}
        return [(lid, type(first).model_validate(d))]

    as_day, as_text = defined(datetime(2027, 1, 1)), defined("2027-01-01T00:00:00")
    same(engines.summary(source, as_day, python=False, **options),
         engines.summary(source, as_day, python=True, **options))
    same(engines.summary(source, as_text, python=False, **options),
         engines.summary(source, as_text, python=True, **options))


def test_a_file_duckdb_cannot_parse_is_read_by_python_without_a_second_duckdb_pass(tmp_path, monkeypatch):
    # a newline inside a quoted cell: DuckDB's reader stops on it, the kept text is not at fault
    path = write_csv(tmp_path / "leads.csv", generated_leads(40, seed=3))
    with path.open("a") as fh:
        fh.write('L9,"two\nlines",MSP,300,2027-01-01,2026-08-01,,\n')
    source = engines.Source("leads.csv", path=path)
    first = engines.summary(source, definitions(), python=False, **OPTIONS)
    runs = []
    real = engines._duck_rows
    monkeypatch.setattr(engines, "_duck_rows", lambda *a: (runs.append(1), real(*a))[1])
    again = engines.summary(source, definitions(), python=False, **OPTIONS)
    python = engines.summary(source, definitions(), python=True, **OPTIONS)
    assert first.engine == "Python" and "DuckDB cannot run it" in first.note
    assert again.engine == "Python" and "DuckDB cannot run it" in again.note
    assert len(runs) == 1  # the kept text, once: built again, it was the same text
    same(again, python)


def test_without_a_follow_up_agreement_the_moment_of_the_run_does_not_key_the_text(tmp_path):
    # no as_of given and nothing judged at it: a second run reads the text the first kept
    path = write_csv(tmp_path / "leads.csv", generated_leads(40, seed=8))
    source = engines.Source("leads.csv", path=path)
    options = dict(handed_over_column="-")
    first = engines.summary(source, definitions(), python=False, **options)
    before = {p: p.stat().st_mtime_ns for p in sqlkeep.store().folder.rglob("*.marshal")}
    again = engines.summary(source, definitions(), python=False, **options)
    after = {p: p.stat().st_mtime_ns for p in sqlkeep.store().folder.rglob("*.marshal")}
    assert first.counts == again.counts and before == after  # nothing written: the text was found
