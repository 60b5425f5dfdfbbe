"""`goalspec schema`: draft-07, current in the repository, and it agrees with the checker.

The agreement is tested both ways: the period and day patterns against the parser on every
form a period can take (and near misses), and whole documents against `check`, read from
the same YAML text, so both see what the loader makes of it.
"""

import json
import re
from datetime import date
from itertools import product

import jsonschema
import pytest
from click.testing import CliRunner
from pydantic import TypeAdapter, ValidationError

from goalspec.check import run
from goalspec.cli import main
from goalspec.edit.init import init
from goalspec.spec.load import load_tree
from goalspec.spec.models import DAY_SCHEMA, PERIOD_SCHEMA, Day
from goalspec.spec.periods import parse_period
from goalspec.edit.schema import SCHEMA_ID, render
from paths import ROOT
from trees import BASE, write_tree

COMMITTED = ROOT / "schema" / "goalspec-v1.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(render())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_the_committed_schema_is_current():
    assert COMMITTED.read_text() == render(), "regenerate with: goalspec schema > schema/goalspec-v1.schema.json"


def test_the_command_prints_it_with_sorted_keys():
    out = CliRunner().invoke(main, ["schema"]).output
    doc = json.loads(out)
    assert doc["$schema"] == "http://json-schema.org/draft-07/schema#" and doc["$id"] == SCHEMA_ID
    assert out == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "$defs" not in out and "discriminator" not in out
    goal = doc["definitions"]["Goal"]["properties"]
    assert goal["deadline"]["description"].startswith("Date or period")


def test_it_is_ready_for_schemastore():
    """SchemaStore serves a schema under a stable https id, with a title and a description."""
    doc = json.loads(render())
    assert doc["$id"] == "https://json.schemastore.org/goalspec-v1.json"
    assert doc["title"] and doc["description"].startswith("One document of a goalspec spec tree")
    # A period is written once and referenced: start, deadline, incentive period, baseline period, plan keys.
    text = render()
    assert text.count('"$ref": "#/definitions/Period"') == 5 and text.count("0000") == 4  # the Period, and the days of a revision, an outcome and a check-in


@pytest.fixture(scope="module")
def init_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("init")
    init(root, date(2026, 11, 22))
    return root


@pytest.mark.parametrize("tree", ["specs", "tests/rules/base", "init"])
def test_every_document_of_a_clean_tree_validates(validator, init_tree, tree):
    documents = load_tree(init_tree if tree == "init" else ROOT / tree).documents
    assert documents
    for doc in documents:
        errors = list(validator.iter_errors(doc.data))
        assert errors == [], (doc.file, [e.message for e in errors])


GOAL = {"apiVersion": "goalspec/v1", "kind": "Goal", "id": "sales.x", "title": "Close 5 seats", "owner": "ben",
        "team": "sales", "parent": "company.q3", "kpi": "seats", "target": {"value": 5}, "deadline": "2026-Q3"}


@pytest.mark.parametrize("change,valid", [
    ({}, True),
    ({"deadline": 2026}, True),            # YAML reads a year as a number
    ({"target": 5}, True),                 # the bare-number shorthand
    ({"parent": ["company.q3", "x"]}, True),
    ({"dealine": "2026-Q3"}, False),       # a typo'd field
    ({"kind": "Gaol"}, False),
    ({"id": "Sales X"}, False),
    ({"weight": 0}, False),
    ({"status": "done"}, False),
])
def test_schema_accepts_and_rejects_like_the_checker(validator, change, valid):
    doc = {**GOAL, **change}
    assert validator.is_valid(doc) is valid


# Every form a period can take, near misses around each bound, and case and space variants.
_YEARS = ["0000", "0001", "1900", "2000", "2024", "2027", "9999"]
_TAILS = ([""] + [f"-{m:02d}" for m in (0, 1, 2, 4, 9, 12, 13)] + ["-1", "-123"]
          + [f"-{m:02d}-{d:02d}" for m, d in product((1, 2, 4, 6, 11, 12, 13), (0, 1, 28, 29, 30, 31, 32))]
          + [f"-{q}{n}" for q, n in product("QqHh", range(6))] + ["-Q", "-W3", "Q3"])
_PERIODS = ([f"{fy}{y}{t}" for fy, y, t in product(("", "FY", "fy", "Fy"), _YEARS, _TAILS)]
            + [" 2027-Q1 ", "2027-Q1\t", "2027 -Q1", "2027-Q1x", "x2027", "20270", "next quarter", "", "FY", "-2027"])


def _pattern(schema: dict) -> re.Pattern:
    branch = next(b for b in schema.get("anyOf", [schema]) if b.get("type") == "string")
    return re.compile(branch["pattern"])


def _parses(text: str) -> bool:
    try:
        parse_period(text)
    except ValueError:
        return False
    return True


def test_the_period_pattern_accepts_exactly_what_the_parser_reads():
    pattern = _pattern(PERIOD_SCHEMA)
    disagree = [p for p in _PERIODS if bool(pattern.search(p)) != _parses(p)]
    assert disagree == [] and len(_PERIODS) > 1000
    assert _parses("2028-02-29") and not _parses("2027-02-29") and not _parses("1900-02-29")


def test_the_day_pattern_accepts_exactly_what_a_date_field_reads():
    pattern, day = _pattern(DAY_SCHEMA), TypeAdapter(Day)

    def reads(text):
        try:
            day.validate_python(text)
        except ValidationError:
            return False
        return True

    days = [p for p in _PERIODS if not p.startswith(("FY", "fy", "Fy"))]
    # pydantic reads a string of digits as a Unix time (`0000` is 1970-01-01); the format has no such date.
    timestamps = [p for p in days if p.isdigit()]
    assert [p for p in days if p not in timestamps and bool(pattern.search(p)) != reads(p)] == []
    assert timestamps and not any(pattern.search(p) for p in timestamps)


# One document per case, written as YAML; fields are raw YAML text, so `2027` is a number, as in a spec.
_GOAL = {"apiVersion": "goalspec/v1", "kind": "Goal", "id": "sales.case", "title": "Close 500 seats by the end of Q3",
         "owner": "ben", "team": "sales", "parent": "company.q3", "kpi": "seats", "target": "{value: 500}",
         "deadline": "2026-Q3"}
_INCENTIVE = {"apiVersion": "goalspec/v1", "kind": "Incentive", "id": "sales.bonus", "name": "Bonus", "for": "sales",
              "pays_on": "[sales.q3]", "period": "2026-Q3"}
_CHECKIN = {"apiVersion": "goalspec/v1", "kind": "CheckIn", "kpi": "seats", "date": "2026-07-01", "value": "5"}
_LEAD = {"apiVersion": "goalspec/v1", "kind": "LeadDefinition", "id": "sql", "name": "SQL", "stage": "SQL",
         "follow_up_within": "2d", "criteria": "{field: seats, op: gte, value: 250}"}
_REVISION = "[{{date: {}, field: deadline, from: 2026-Q2, to: 2026-Q3, reason: slipped}}]"
CODES = {"GS003", "GS201", "GS302"}  # a wrong type or shape, a target that is no number, a bad period

CASES = [
    # the values the schema used to accept and check rejects
    (_GOAL, {"deadline": "2027-Q5"}, False),
    (_GOAL, {"deadline": "next quarter"}, False),
    (_GOAL, {"start": "2027-13"}, False),
    (_GOAL, {"deadline": "2027-02-30"}, False),
    (_GOAL, {"target": "{value: lots}"}, False),
    # every other place a period, a day or a target value is fixed
    (_GOAL, {"deadline": "2027-04-31"}, False),
    (_GOAL, {"deadline": "2027-02-29"}, False),
    (_GOAL, {"deadline": "FY2027-05"}, False),
    (_GOAL, {"deadline": "2027-H3"}, False),
    (_GOAL, {"deadline": "0"}, False),
    (_GOAL, {"deadline": "20270"}, False),
    (_GOAL, {"deadline": "true"}, False),
    (_GOAL, {"plan": "{2026-13: 250}"}, False),
    (_GOAL, {"target": '{change: "+10%", baseline: {period: 2026-Q5}}'}, False),
    (_GOAL, {"target": '{change: "+10%", baseline: {period: null}}'}, False),
    (_GOAL, {"target": '{change: "+10%", baseline: {period: 2026-Q2, x: 1}}'}, False),
    (_GOAL, {"target": '{change: "+10%", baseline: lots}'}, False),
    (_GOAL, {"target": '{change: "ten percent", baseline: 100}'}, False),
    (_GOAL, {"target": "{value: true}"}, False),
    (_GOAL, {"target": "{done: false}"}, False),
    (_GOAL, {"target": "lots"}, False),
    (_GOAL, {"revisions": _REVISION.format("2026-02-30")}, False),
    (_INCENTIVE, {"period": "2026-Q5"}, False),
    (_CHECKIN, {"date": "2026-02-30"}, False),
    (_CHECKIN, {"date": None, "value": None, "values": "{2026-06-31: 5}"}, False),
    (_LEAD, {"follow_up_within": "soon"}, False),
    (_LEAD, {"follow_up_within": "2"}, False),
    # and what both accept
    (_GOAL, {}, True),
    (_GOAL, {"deadline": "2026"}, True),
    (_GOAL, {"deadline": "fy2027-h1", "start": '" 2026-q3 "'}, True),
    (_GOAL, {"deadline": "2028-02-29"}, True),
    (_GOAL, {"plan": "{2026-08: 100, 2026-08-31: 200, 2026: 300}"}, True),
    (_GOAL, {"target": '{change: "\u22125 %", baseline: {period: 2026}}'}, True),
    (_GOAL, {"target": "{change: -5, baseline: 100}"}, True),
    (_GOAL, {"target": "500"}, True),
    (_GOAL, {"title": "Ship the portal by the end of Q3", "kpi": None, "target": "{done: true}"}, True),
    (_GOAL, {"revisions": _REVISION.format("2026-02-28")}, True),
    (_INCENTIVE, {"period": "FY2027"}, True),
    (_CHECKIN, {"date": None, "value": None, "values": "{2026-06-30: 5, 2024-02-29: 6}"}, True),
    (_LEAD, {"follow_up_within": "48 h"}, True),
]


@pytest.mark.parametrize("base,change,valid", CASES, ids=[f"{b['kind']}-{c}" for b, c, _ in CASES])
def test_schema_and_check_agree_on_each_field_the_format_fixes(validator, tmp_path, base, change, valid):
    fields = {k: v for k, v in {**base, **change}.items() if v is not None}
    text = "".join(f"{k}: {v}\n" for k, v in fields.items())
    tree = write_tree(tmp_path, {**BASE, "case.yaml": text})
    found = {d.code for d in run(tree, date(2026, 7, 15)).diagnostics if d.file == "case.yaml"} & CODES
    data = next(doc.data for doc in load_tree(tree).documents if doc.file == "case.yaml")
    assert (found == set()) is valid, found
    assert validator.is_valid(data) is valid, [e.message for e in validator.iter_errors(data)]


def test_the_schemastore_entry_in_the_docs_names_this_schema():
    """docs/editors.md's catalog entry is what gets submitted (the editor tests also run its globs)."""
    text = (ROOT / "docs" / "editors.md").read_text()
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S)]
    entry = next(b for b in blocks if "fileMatch" in b)
    assert entry["url"] == SCHEMA_ID == entry["versions"]["v1"] and entry["name"] and entry["description"]
    assert "**/goalspec.yaml" in entry["fileMatch"] and "**/specs/**/*.yaml" not in entry["fileMatch"]
    settings = next(b for b in blocks if "yaml.schemas" in b)
    assert list(settings["yaml.schemas"].values()) == [["specs/**/*.yaml", "specs/**/*.yml"]]
