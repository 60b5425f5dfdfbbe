"""Lead records through the definitions: counts, stages, conversion, follow-up, leads KPIs, `leads classify`."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.check import run
from goalspec.cli import main
from goalspec.data.leads import Classifier, Records, duration, moment, read_csv, stage_order
from goalspec.spec.models import LeadDefinition
from goalspec.data.sources import SourceProblem
from goalspec.data.values import read_all
from paths import ROOT

SPECS = ROOT / "specs"
TODAY = date(2026, 11, 23)
COLUMNS = ["lead_id", "company", "company_type", "seats", "switch_by", "booked_on", "handed_over_at",
           "first_follow_up_at"]


def generated_leads(n: int, seed: int = 7) -> list[dict[str, str]]:
    """Lead records with every kind of value a CRM export holds, edge values included."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        handed = datetime(2026, 7, 1, 9) + timedelta(hours=rng.randint(0, 24 * 120))
        follow = handed + timedelta(hours=rng.choice([1, 20, 47, 48, 49, 80])) if rng.random() < 0.8 else None
        rows.append({
            "lead_id": f"G{i:04d}",
            "company": f"Company {i}",
            "company_type": rng.choice(["MSP", "MSP", "MSP", "msp", "enterprise", "reseller", ""]),
            "seats": rng.choice([str(rng.randint(1, 900)), "250", "249", "50", "49", "", "1,200", "n/a"]),
            "switch_by": rng.choice(["2027-09-29", "2027-09-30", "2027-10-01", "2027-03-15", "", "soon",
                                     f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]),
            "booked_on": f"2026-{rng.randint(7, 10):02d}-{rng.randint(1, 28):02d}",
            "handed_over_at": handed.isoformat() if rng.random() < 0.7 else "",
            "first_follow_up_at": follow.isoformat() if follow else "",
        })
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


# The example tree's definitions, restated by hand: the independent computation.
def is_mql(r: dict) -> bool:
    seats = number(r["seats"])
    return r["company_type"] == "MSP" and seats is not None and seats >= 50


def is_sql(r: dict) -> bool:
    seats, switch = number(r["seats"]), day(r["switch_by"])
    return (r["company_type"] == "MSP" and seats is not None and seats >= 250
            and switch is not None and switch < date(2027, 9, 30))


@pytest.fixture
def tree(tmp_path) -> Path:
    out = tmp_path / "specs"
    shutil.copytree(SPECS, out)
    return out


def test_the_example_definitions_over_200_generated_leads(tree):
    rows = generated_leads(240)
    write_csv(tree / "data" / "leads.csv", rows)
    result = run(tree, TODAY)
    assert [d for d in result.diagnostics if d.severity == "error"] == []
    data = read_all(result.project, today=TODAY)
    summary = data.leads["data/leads.csv"]

    mql = [r for r in rows if is_mql(r)]
    sql = [r for r in rows if is_sql(r)]
    assert 10 < len(sql) < len(mql) < len(rows)  # the generator gives every outcome
    assert summary.records == 240
    assert summary.counts == {"marketing-qualified-msp": len(mql), "sales-qualified-msp": len(sql)}
    assert summary.stages == (("MQL", len(mql)), ("SQL", len(sql)))
    (conv,) = summary.conversions
    assert (conv.source, conv.target, conv.reached, conv.of) == ("MQL", "SQL", len([r for r in sql if is_mql(r)]),
                                                                   len(mql))

    # the leads KPI counts qualified records per booking day; a day with records and none qualified is 0
    expected: dict[date, int] = {date.fromisoformat(r["booked_on"]): 0 for r in rows}
    for r in sql:
        expected[date.fromisoformat(r["booked_on"])] += 1
    series = data.series["qualified-calls"]
    assert {p.day: p.value for p in series.points} == {d: float(n) for d, n in expected.items()}

    # follow-up: sales agreed to follow up within 2 days of the hand-over
    (follow,) = summary.follow_ups
    handed = [r for r in sql if r["handed_over_at"]]
    as_of = datetime(2026, 11, 24)
    late = [r["lead_id"] for r in handed if (
        datetime.fromisoformat(r["first_follow_up_at"]) - datetime.fromisoformat(r["handed_over_at"])
        if r["first_follow_up_at"] else as_of - datetime.fromisoformat(r["handed_over_at"])) > timedelta(days=2)]
    assert (follow.definition, follow.team, follow.within) == ("sales-qualified-msp", "sales", "2d")
    assert follow.handed_over == len(handed)
    assert list(follow.late) == late and follow.in_time == len(handed) - len(late) and follow.waiting == 0


def test_the_example_tree_classifies_its_own_lead_records():
    out = CliRunner().invoke(main, ["leads", "classify", str(SPECS / "data" / "leads.csv"), "--tree", str(SPECS),
                                    "--today", "2026-11-23"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert "L001: meets marketing-qualified-msp, sales-qualified-msp" in lines
    assert lines[lines.index("L004: meets marketing-qualified-msp") + 1] == "  not sales-qualified-msp: seats 180 is below 250"
    assert lines[lines.index("L009: meets marketing-qualified-msp") + 1] == \
        "  not sales-qualified-msp: switch_by 2027-10-15 is not before 2027-09-30"
    assert "L003: meets no definition" in lines
    assert "conversion MQL → SQL: 70 of 93 (75%)" in lines
    assert "follow-up within 2d by sales (sales-qualified-msp): 70 handed over, 59 in time, 2 waiting, 9 late" in lines
    assert "  not followed up in time: L005, L012, L020, L041, L050, L051, L053, L054, L065" in lines


def classify(*args: str, tree: Path = SPECS):
    return CliRunner().invoke(main, ["leads", "classify", *args, "--tree", str(tree), "--today", "2026-11-23"])


def test_json_is_one_document_with_every_record_and_the_summary(tmp_path):
    rows = generated_leads(50, seed=3)
    path = write_csv(tmp_path / "leads.csv", rows)
    out = classify(str(path), "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert [r["id"] for r in doc["records"]] == [r["lead_id"] for r in rows]
    assert [r["row"] for r in doc["records"]] == list(range(2, 52))
    for record, row in zip(doc["records"], rows):
        assert ("sales-qualified-msp" in record["meets"]) is is_sql(row)
        assert ("marketing-qualified-msp" in record["fails"]) is not is_mql(row)
        assert all(record["fails"].values())  # every failure says why
    counts = {d["id"]: d["count"] for d in doc["summary"]["definitions"]}
    assert counts == {"marketing-qualified-msp": sum(map(is_mql, rows)), "sales-qualified-msp": sum(map(is_sql, rows))}
    assert doc["summary"]["conversions"][0]["from"] == "MQL"
    assert doc == json.loads(classify(str(path), "--format", "json").output)  # same input, same output


def test_csv_has_a_row_per_record_and_definition(tmp_path):
    rows = generated_leads(30, seed=5)
    path = write_csv(tmp_path / "leads.csv", rows)
    out = classify(str(path), "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out.output)))
    assert len(table) == 60
    assert list(table[0]) == ["row", "id", "definition", "stage", "qualifies", "reason"]
    for line in table:
        row = rows[int(line["row"]) - 2]
        meets = is_sql(row) if line["definition"] == "sales-qualified-msp" else is_mql(row)
        assert line["qualifies"] == ("yes" if meets else "no")
        assert bool(line["reason"]) is not meets


def test_one_definition_and_summary_only():
    out = classify(str(SPECS / "data" / "leads.csv"), "--definition", "sales-qualified-msp", "--summary")
    assert out.exit_code == 0
    assert out.output.startswith("104 lead records in ")
    assert "marketing-qualified-msp" not in out.output
    assert re.search(r"^  SQL +sales-qualified-msp +70 +67%$", out.output, re.MULTILINE)
    doc = json.loads(classify(str(SPECS / "data" / "leads.csv"), "--summary", "--format", "json").output)
    assert doc["records"] == [] and doc["summary"]["records"] == 104


@pytest.mark.parametrize("args,message", [
    (["--definition", "sales-qualified"], "Did you mean `sales-qualified-msp`?"),
    (["--id-column", "nope"], "no column `nope`"),
    (["--query", "SELECT 1"], "give --query with an SQLAlchemy URL"),
])
def test_usage_errors_exit_2(args, message):
    out = classify(str(SPECS / "data" / "leads.csv"), *args)
    assert out.exit_code == 2 and message in out.output


def test_unreadable_data_exits_2_with_the_reason(tmp_path):
    out = classify(str(tmp_path / "missing.csv"))
    assert out.exit_code == 2 and "does not exist" in out.output
    (tmp_path / "empty.csv").write_text("")
    assert "needs a header row" in classify(str(tmp_path / "empty.csv")).output
    assert classify("sqlite:///nowhere.db").exit_code == 2  # a URL needs --query


def test_records_from_sqlite_with_typed_columns(tmp_path, monkeypatch):
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE leads (lead_id TEXT, company_type TEXT, seats INTEGER, switch_by DATE)")
        conn.executemany("INSERT INTO leads VALUES (?, ?, ?, ?)", [
            ("A", "MSP", 300, "2027-01-31"), ("B", "MSP", 120, "2027-01-31"), ("C", "MSP", None, "2027-01-31")])
    monkeypatch.chdir(tmp_path)
    out = classify("sqlite:///crm.db", "--query", "SELECT * FROM leads", "--definition", "sales-qualified-msp")
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[:5] == [
        "A: meets sales-qualified-msp", "B: meets no definition", "  not sales-qualified-msp: seats 120 is below 250",
        "C: meets no definition", "  not sales-qualified-msp: seats is missing"]
    written = classify("sqlite:///crm.db", "--query", "DELETE FROM leads")
    assert written.exit_code == 2 and "goalspec only reads" in written.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM leads").fetchone() == (3,)


# -- the classifier's parts ----------------------------------------------------------------

def definition(**fields) -> LeadDefinition:
    base = {"apiVersion": "goalspec/v1", "kind": "LeadDefinition", "id": "d", "name": "D", "stage": "SQL",
            "agreed_by": ["a", "b"], "criteria": {"field": "ok", "op": "eq", "value": "y"}}
    return LeadDefinition.model_validate({**base, **fields})


def records(columns, rows) -> Records:
    return Records("test", tuple(columns), iter(rows), first_row=1)


def test_follow_up_in_time_late_and_waiting_as_of_today():
    d = definition(handed_to="sales", follow_up_within="48h")
    rows = [
        ("1", "y", "2026-11-01T09:00:00", "2026-11-03T09:00:00"),  # exactly 48 h: in time
        ("2", "y", "2026-11-01T09:00:00", "2026-11-03T09:00:01"),  # a second late
        ("3", "y", "2026-11-22T12:00:00", ""),  # not yet, but the agreed time has not run out
        ("4", "y", "2026-11-01T09:00:00", ""),  # never followed up
        ("5", "n", "2026-11-01T09:00:00", ""),  # does not qualify: not part of the agreement
        ("6", "y", "", ""),  # never handed over
        ("7", "y", "yesterday", ""),  # cannot be read
        ("8", "y", "2026-11-01T09:00:00+02:00", "2026-11-03T08:00:00Z"),  # time zones: 49 h later
    ]
    c = Classifier([("d", d)], records(["id", "ok", "handover", "called"], rows), handed_over_column="handover",
                   followed_up_column="called", as_of=datetime(2026, 11, 24))
    (f,) = c.run().follow_ups
    assert (f.handed_over, f.in_time, f.waiting, f.late, f.unreadable) == (5, 1, 1, ("2", "4", "8"), 1)


def test_follow_up_needs_the_hand_over_column():
    d = definition(handed_to="sales", follow_up_within="2d")
    c = Classifier([("d", d)], records(["id", "ok"], [("1", "y")]))
    assert c.run().follow_ups == () and c.handed_over_missing


def test_stages_order_counts_and_conversion_chain():
    defs = [("opp", definition(stage="opportunity", criteria={"field": "s", "op": "gte", "value": 3})),
            ("mql", definition(stage="MQL", criteria={"field": "s", "op": "gte", "value": 1})),
            ("sql", definition(stage="SQL", criteria={"field": "s", "op": "gte", "value": 2})),
            ("won", definition(stage="won", criteria={"field": "s", "op": "gte", "value": 4}))]
    assert stage_order(defs) == ["MQL", "SQL", "opportunity", "won"]
    rows = [(str(i), str(s)) for i, s in enumerate([0, 1, 1, 2, 2, 3, 4, 4])]
    s = Classifier(defs, records(["id", "s"], rows)).run()
    assert s.stages == (("MQL", 7), ("SQL", 5), ("opportunity", 3), ("won", 2))
    assert [(c.source, c.target, c.reached, c.of) for c in s.conversions] == [
        ("MQL", "SQL", 5, 7), ("SQL", "opportunity", 3, 5), ("opportunity", "won", 2, 3)]
    assert s.counts == {"opp": 3, "mql": 7, "sql": 5, "won": 2}


def test_filled_columns_and_daily_counts():
    rows = [("1", "y", "2026-07-01", ""), ("2", "y", "2026-07-01", ""), ("3", "n", "2026-07-02", ""),
            ("4", "y", "", "")]
    c = Classifier([("d", definition())], records(["id", "ok", "day", "empty"], rows), date_column="day",
                   track_filled=True)
    s = c.run()
    assert s.filled == {"id", "ok", "day"}
    assert s.daily == {"d": {date(2026, 7, 1): 2, date(2026, 7, 2): 0}} and s.undated == 1


def test_short_csv_rows_are_padded_and_blank_lines_skipped(tmp_path):
    (tmp_path / "l.csv").write_text("id,ok,extra\n1,y\n\n2,n,x,surplus\n3\n")
    c = Classifier([("d", definition(criteria={"field": "extra", "op": "exists", "value": False}))],
                   read_csv(tmp_path / "l.csv"))
    assert [(n, row, flags) for n, row, flags in c.verdicts()] == [
        (2, ["1", "y", ""], (True,)), (4, ["2", "n", "x"], (False,)), (5, ["3", "", ""], (True,))]


def test_a_csv_file_that_turns_unreadable_halfway_is_a_source_problem(tmp_path):
    # past the first read's buffer, so the header reads and the bad bytes come while classifying
    (tmp_path / "l.csv").write_bytes(b"id,ok\n" + b"1,y\n" * 50_000 + b"2,\xff\xfe\n")
    c = Classifier([("d", definition())], read_csv(tmp_path / "l.csv"))
    with pytest.raises(SourceProblem, match="cannot be read"):
        c.run()


def test_durations_and_moments():
    assert duration("2d") == timedelta(days=2) and duration("48h") == timedelta(hours=48)
    assert duration("1.5w") == timedelta(days=10.5)
    assert moment("2026-07-02") == datetime(2026, 7, 2)
    assert moment("2026-07-02T10:00:00+02:00") == datetime(2026, 7, 2, 8)
    assert moment("") is None and moment(None) is None
    with pytest.raises(ValueError):
        moment("soon")


# -- leads KPIs in the check ------------------------------------------------------------------------

def test_a_leads_kpi_without_a_date_column_is_gs204(tree):
    path = tree / "kpis" / "leads.yaml"
    path.write_text(path.read_text().replace(", date_column: booked_on", ""))
    found = [d for d in run(tree, TODAY).diagnostics if d.code == "GS204"]
    assert [(d.file, d.message) for d in found] == [
        ("kpis/leads.yaml", "a leads KPI needs `date_column` to date each lead record")]


def test_lead_records_with_a_bad_date_are_gs204_naming_the_row(tree):
    rows = generated_leads(5)
    rows[3]["booked_on"] = "next week"
    rows[3].update(company_type="MSP", seats="300", switch_by="2027-01-01")
    write_csv(tree / "data" / "leads.csv", rows)
    (found,) = [d for d in run(tree, TODAY).diagnostics if d.code == "GS204"]
    assert "row 5" in found.message and "next week" in found.message


def test_a_leads_kpi_feeds_progress(tree):
    # The example's marketing goal is for 2026-Q4, and its lead records run through November.
    out = CliRunner().invoke(main, ["status", str(tree), "--today", "2026-12-01", "--format", "json"])
    goal = next(g for g in json.loads(out.output)["goals"] if g["goal"] == "marketing.qualified-calls")
    with (tree / "data" / "leads.csv").open(newline="") as fh:
        booked = [r for r in csv.DictReader(fh) if is_sql(r) and "2026-10-01" <= r["booked_on"] <= "2026-12-01"]
    assert len(booked) > 3
    assert goal["value"] == len(booked)  # the KPI sums the qualified records booked in the quarter


def test_lead_records_outside_the_tree_are_never_read(tree):
    (tree.parent / "outside.csv").write_text("lead_id,booked_on\nX,2026-07-01\n")
    path = tree / "kpis" / "leads.yaml"
    path.write_text(path.read_text().replace("path: data/leads.csv", "path: ../outside.csv"))
    (found,) = [d for d in run(tree, TODAY).diagnostics if d.code == "GS204"]
    assert found.message == "CSV path `../outside.csv` is outside the spec tree"


def test_classify_text_shows_control_characters_from_records_escaped(tmp_path):
    """A CRM cell holding an OSC 52 sequence must not write the reader's clipboard."""
    from click.testing import CliRunner

    from goalspec.cli import main

    data = tmp_path / "leads.csv"
    data.write_text("lead_id,seats,company_type\n\x1b]52;c;SGVsbG8=\x07lead,12,\x1b[2Jmsp\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["leads", "classify", str(data), "--tree", str(ROOT / "specs")])
    assert "\x1b" not in result.output and "\x07" not in result.output, result.output
    assert "\\x1b]52;c;SGVsbG8=\\x07lead" in result.output
