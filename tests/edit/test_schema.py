"""`goalspec schema`: draft-07, current in the repository, and it agrees with the checker."""

import json

import jsonschema
import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.spec.load import load_tree
from goalspec.edit.schema import render
from paths import ROOT

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
    assert doc["$schema"] == "http://json-schema.org/draft-07/schema#" and doc["$id"] == "urn:goalspec:schema:v1"
    assert out == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "$defs" not in out and "discriminator" not in out
    goal = doc["definitions"]["Goal"]["properties"]
    assert goal["deadline"]["description"].startswith("Date or period")


@pytest.mark.parametrize("tree", ["specs", "tests/rules/base"])
def test_every_document_of_a_clean_tree_validates(validator, tree):
    documents = load_tree(ROOT / tree).documents
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
