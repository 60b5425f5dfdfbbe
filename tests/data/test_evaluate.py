"""The criteria evaluator: every operator on numbers, text, dates and lists, nesting, missing fields, reasons."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from goalspec.data.evaluate import compile_criteria
from goalspec.spec.criteria import describe, leaves, problem, sentence
from goalspec.spec.models import Criterion


def crit(data) -> Criterion:
    return Criterion.model_validate(data)


def run(data, record: dict, case_sensitive: bool = True) -> tuple[bool, str | None]:
    """(meets, reason) for one record given as a dict, laid out as a row like the readers do."""
    columns = {name: i for i, name in enumerate(record)}
    compiled = compile_criteria(crit(data), columns, case_sensitive)
    row = list(record.values())
    return compiled.test(row), compiled.why(row)


def leaf(field, op, value=None, **extra):
    node = {"field": field, "op": op, **extra}
    if value is not None or op != "exists":
        node["value"] = value
    return node


# -- numbers -------------------------------------------------------------------

@pytest.mark.parametrize("op,value,record,meets,why", [
    ("gte", 250, "250", True, None),
    ("gte", 250, "120", False, "seats 120 is below 250"),
    ("gt", 250, "250", False, "seats 250 is not more than 250"),
    ("gt", 250, "251", True, None),
    ("lt", 250, "249.5", True, None),
    ("lt", 250, "250", False, "seats 250 is not less than 250"),
    ("lte", 250, "250", True, None),
    ("lte", 250, "300", False, "seats 300 is above 250"),
    ("eq", 250, "250.0", True, None),  # numbers compare as numbers, not as text
    ("eq", 250, "0250", True, None),
    ("ne", 250, "250", False, "seats is 250"),
    ("ne", 250, "251", True, None),
    ("gte", 1000, "1,200", True, None),  # a thousands separator in an export
    ("in", [50, 250], "250.0", True, None),
    ("in", [50, 250], "100", False, "seats 100 is not one of 50, 250"),
    ("not_in", [50, 250], "50", False, "seats 50 is one of 50, 250"),
    ("not_in", [50, 250], "51", True, None),
    ("gte", 250, "lots", False, "seats lots is not a number"),
    ("gte", "250", "300", True, None),  # a quoted number still orders as a number
])
def test_numbers(op, value, record, meets, why):
    assert run(leaf("seats", op, value), {"seats": record}) == (meets, why)


def test_numbers_from_a_database_keep_their_type():
    assert run(leaf("seats", "gte", 250), {"seats": 300})[0] is True
    assert run(leaf("seats", "gte", 250), {"seats": Decimal("249.99")}) == (False, "seats 249.99 is below 250")
    assert run(leaf("seats", "eq", 2.5), {"seats": 2.5})[0] is True
    # true is not the number 1
    assert run(leaf("seats", "eq", 1), {"seats": True}) == (False, "seats true is not a number")


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6), st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"]))
def test_numeric_operators_agree_with_python(record, value, op):
    expected = {"gt": record > value, "gte": record >= value, "lt": record < value, "lte": record <= value,
                "eq": record == value, "ne": record != value}[op]
    assert run(leaf("n", op, value), {"n": str(record)})[0] is expected
    assert run(leaf("n", op, value), {"n": record})[0] is expected


# -- text --------------------------------------------------------------------------

@pytest.mark.parametrize("op,value,record,meets,why", [
    ("eq", "MSP", "MSP", True, None),
    ("eq", "MSP", "msp", False, "company_type msp is not MSP"),  # case-sensitive by default
    ("ne", "MSP", "reseller", True, None),
    ("ne", "MSP", "MSP", False, "company_type is MSP"),
    ("in", ["MSP", "VAR"], "VAR", True, None),
    ("in", ["MSP", "VAR"], "reseller", False, "company_type reseller is not one of MSP, VAR"),
    ("not_in", ["competitor"], "competitor", False, "company_type competitor is one of competitor"),
    ("not_in", ["competitor"], "MSP", True, None),
    ("contains", "managed", "fully managed services", True, None),
    ("contains", "managed", "resale", False, "company_type resale does not contain managed"),
    ("contains", "Managed", "fully managed", False, "company_type fully managed does not contain Managed"),
    ("gte", "2026-01-01", "MSP", False, "company_type MSP is not a date (YYYY-MM-DD)"),
])
def test_text(op, value, record, meets, why):
    assert run(leaf("company_type", op, value), {"company_type": record}) == (meets, why)


@pytest.mark.parametrize("op,value,record", [
    ("eq", "MSP", "msp"), ("in", ["MSP", "VAR"], "var"), ("contains", "Managed", "fully MANAGED"),
])
def test_case_insensitive_by_leaf_or_definition(op, value, record):
    assert run(leaf("t", op, value), {"t": record})[0] is False
    assert run(leaf("t", op, value, case_sensitive=False), {"t": record})[0] is True
    assert run(leaf("t", op, value), {"t": record}, case_sensitive=False)[0] is True
    # a leaf may insist on case even when the definition does not
    assert run(leaf("t", op, value, case_sensitive=True), {"t": record}, case_sensitive=False)[0] is False


def test_ne_and_not_in_are_case_insensitive_when_asked():
    assert run(leaf("t", "ne", "MSP", case_sensitive=False), {"t": "msp"}) == (False, "t is MSP")
    assert run(leaf("t", "not_in", ["MSP"], case_sensitive=False), {"t": "Msp"})[0] is False


def test_text_compares_exactly_and_numbers_in_text_stay_text():
    # a quoted value that is not a number compares as text, character for character
    assert run(leaf("code", "eq", "007"), {"code": "7"})[0] is False
    assert run(leaf("code", "eq", "007"), {"code": "007"})[0] is True
    assert run(leaf("flag", "eq", True), {"flag": "yes"})[0] is True
    assert run(leaf("flag", "eq", True), {"flag": "false"}) == (False, "flag false is not true")
    assert run(leaf("flag", "eq", False), {"flag": "maybe"}) == (False, "flag maybe is not true or false")


# -- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("op,value,record,meets,why", [
    ("before", "2027-09-30", "2027-08-15", True, None),
    ("before", "2027-09-30", "2027-09-30", False, "switch_by 2027-09-30 is not before 2027-09-30"),
    ("before", "2027-09-30", "2027-10-15", False, "switch_by 2027-10-15 is not before 2027-09-30"),
    ("after", "2027-09-30", "2027-10-01", True, None),
    ("after", "2027-09-30", "2027-09-30", False, "switch_by 2027-09-30 is not after 2027-09-30"),
    ("before", "2027-09-30", "2027-09-29T23:59:00", True, None),  # a timestamp compares by its day
    ("gte", "2027-09-30", "2027-09-30", True, None),
    ("lt", "2027-09-30", "2027-10-01", False, "switch_by 2027-10-01 is not less than 2027-09-30"),
    ("eq", "2027-09-30", "2027-09-30T08:00:00", True, None),
    ("in", ["2027-09-30", "2027-12-31"], "2027-12-31", True, None),
    ("before", "2027-09-30", "soon", False, "switch_by soon is not a date (YYYY-MM-DD)"),
    ("before", "2027-09-30", "30/09/2027", False, "switch_by 30/09/2027 is not a date (YYYY-MM-DD)"),
])
def test_dates(op, value, record, meets, why):
    assert run(leaf("switch_by", op, value), {"switch_by": record}) == (meets, why)


def test_dates_from_a_database():
    assert run(leaf("d", "before", "2027-09-30"), {"d": date(2027, 1, 1)})[0] is True
    assert run(leaf("d", "after", "2027-09-30"), {"d": datetime(2027, 9, 30, 23, 0)})[0] is False
    assert run(leaf("d", "before", "2027-09-30"), {"d": 20270101}) == (
        False, "d 20270101 is not a date (YYYY-MM-DD)")


def test_dates_order_as_dates_not_as_text():
    # as text "2027-10-01" < "2027-9-30"; as dates it is later. A date value makes the leaf compare dates.
    assert run(leaf("d", "gt", "2027-09-30"), {"d": "2027-10-01"})[0] is True


# -- lists -----------------------------------------------------------------------------

def test_lists_in_records():
    tags = {"tags": ["cloud", "security"]}
    assert run(leaf("tags", "contains", "cloud"), tags)[0] is True
    assert run(leaf("tags", "contains", "backup"), tags) == (False, "tags cloud, security does not contain backup")
    assert run(leaf("tags", "in", ["security", "network"]), tags)[0] is True  # any item
    assert run(leaf("tags", "in", ["network"]), tags) == (False, "tags cloud, security is not one of network")
    assert run(leaf("tags", "not_in", ["network"]), tags)[0] is True
    assert run(leaf("tags", "not_in", ["cloud"]), tags)[0] is False
    assert run(leaf("sizes", "contains", 250), {"sizes": [50, 250]})[0] is True
    assert run(leaf("sizes", "gte", 250), {"sizes": [50, 250]}) == (False, "sizes 50, 250 is a list, not a single value")
    assert run(leaf("tags", "exists"), {"tags": []})[0] is False


# -- missing fields and exists ------------------------------------------------------------

@pytest.mark.parametrize("op,value", [
    ("eq", "MSP"), ("ne", "MSP"), ("in", ["MSP"]), ("not_in", ["MSP"]), ("gt", 1), ("gte", 1), ("lt", 1),
    ("lte", 1), ("contains", "M"), ("before", "2027-01-01"), ("after", "2027-01-01"),
])
@pytest.mark.parametrize("record", [{"other": "x"}, {"seats": ""}, {"seats": None}, {"seats": "  "}])
def test_a_missing_field_fails_every_leaf_with_that_reason(op, value, record):
    assert run(leaf("seats", op, value), record) == (False, "seats is missing")


def test_exists():
    assert run(leaf("phone", "exists"), {"phone": "+1 555"}) == (True, None)
    assert run(leaf("phone", "exists"), {"phone": ""}) == (False, "phone is missing")
    assert run(leaf("phone", "exists"), {"other": 1}) == (False, "phone is missing")
    assert run(leaf("phone", "exists", False), {"phone": ""}) == (True, None)
    assert run(leaf("phone", "exists", False), {"other": 1}) == (True, None)
    assert run(leaf("phone", "exists", False), {"phone": "+1 555"}) == (False, "phone +1 555 is filled in")


# -- nesting and reasons -----------------------------------------------------------------------

SQL = {"all": [
    leaf("company_type", "eq", "MSP"),
    leaf("seats", "gte", 250),
    {"not": leaf("region", "in", ["embargoed"])},
    {"any": [leaf("switch_by", "before", "2027-09-30"), leaf("champion", "exists")]},
]}


@pytest.mark.parametrize("record,meets,why", [
    ({"company_type": "MSP", "seats": "300", "region": "EMEA", "switch_by": "2027-08-01", "champion": ""}, True, None),
    ({"company_type": "MSP", "seats": "300", "region": "EMEA", "switch_by": "2028-01-01", "champion": "Jo"}, True, None),
    # `all` gives the first criterion that failed, in the definition's order
    ({"company_type": "VAR", "seats": "10", "region": "EMEA", "switch_by": "", "champion": ""}, False,
     "company_type VAR is not MSP"),
    ({"company_type": "MSP", "seats": "120", "region": "embargoed", "switch_by": "", "champion": ""}, False,
     "seats 120 is below 250"),
    # `not` says what held
    ({"company_type": "MSP", "seats": "300", "region": "embargoed", "switch_by": "2027-01-01", "champion": ""}, False,
     "excluded: region is one of embargoed"),
    # `any` gives every alternative's reason
    ({"company_type": "MSP", "seats": "300", "region": "EMEA", "switch_by": "2028-01-01", "champion": ""}, False,
     "none of: switch_by 2028-01-01 is not before 2027-09-30; champion is missing"),
])
def test_nested_all_any_not(record, meets, why):
    assert run(SQL, record) == (meets, why)


def test_double_negation_and_deep_nesting():
    twice = {"not": {"not": leaf("seats", "gte", 250)}}
    assert run(twice, {"seats": "300"})[0] is True
    assert run(twice, {"seats": "100"}) == (False, "excluded: not (seats is at least 250)")
    deep = {"any": [{"all": [leaf("a", "eq", "x"), {"any": [leaf("b", "gt", 1), leaf("c", "exists")]}]}, leaf("d", "eq", "y")]}
    assert run(deep, {"a": "x", "b": "2", "c": "", "d": ""})[0] is True
    assert run(deep, {"a": "x", "b": "0", "c": "", "d": "z"}) == (
        False, "none of: none of: b 0 is not more than 1; c is missing; d z is not y")


def test_reasons_are_the_same_for_repeated_values():
    # reasons are remembered per value; the remembered text must be the right one for each record
    compiled = compile_criteria(crit(leaf("seats", "gte", 250)), {"seats": 0})
    for n in (120, 90, 120, 300, 90):
        expect = None if n >= 250 else f"seats {n} is below 250"
        assert compiled.why([str(n)]) == expect


def test_short_rows_and_unknown_columns_never_raise():
    compiled = compile_criteria(crit(SQL), {"company_type": 0})
    assert compiled.test(["MSP"]) is False
    assert compiled.why(["MSP"]) == "seats is missing"


# -- what a definition may say ------------------------------------------------------------------

@pytest.mark.parametrize("data,message", [
    (leaf("region", "in", "EMEA"), "needs a list value"),
    (leaf("region", "not_in", [["EMEA"]]), "a list of single values"),
    (leaf("switch_by", "before", 2027), "needs a date value"),
    (leaf("switch_by", "after", "soon"), "needs a date value"),
    (leaf("seats", "gte", "many"), "needs a number or a date"),
    (leaf("seats", "eq", {"a": 1}), "needs a single value"),
    (leaf("phone", "exists", "yes"), "takes `true` or `false`"),
    ({"field": "seats", "op": "gte"}, "needs a `value`"),
    ({"all": [], "field": "x", "op": "exists"}, "exactly one of"),
    ({"all": [leaf("a", "exists")], "case_sensitive": False}, "exactly one of"),
])
def test_values_that_cannot_work_with_their_operator_are_rejected(data, message):
    with pytest.raises(ValidationError, match=message):
        crit(data)


def test_problem_accepts_what_the_evaluator_handles():
    assert problem("in", ["a", 1]) is None
    assert problem("before", "2027-09-30") is None
    assert problem("gte", 250) is None and problem("gte", "2027-01-01") is None
    assert problem("exists", None) is None and problem("exists", False) is None


# -- words -----------------------------------------------------------------------------------

def test_sentences_and_description():
    assert sentence("seats", "gte", 250) == "seats is at least 250"
    assert sentence("region", "in", ["EMEA", "NA", "APAC"]) == "region is one of EMEA, NA or APAC"
    assert sentence("phone", "exists", None) == "phone is filled in"
    assert sentence("phone", "exists", False) == "phone is empty"
    assert describe(crit(SQL)) == (
        "all of (company_type is MSP; seats is at least 250; not (region is one of embargoed); "
        "any of (switch_by is before 2027-09-30; champion is filled in))")


def test_leaves_carry_their_key_paths():
    assert [(path, node.field) for path, node in leaves(crit(SQL))] == [
        ("criteria/all/0", "company_type"), ("criteria/all/1", "seats"), ("criteria/all/2/not", "region"),
        ("criteria/all/3/any/0", "switch_by"), ("criteria/all/3/any/1", "champion")]


CELLS = st.one_of(st.text(max_size=12), st.from_regex(r"-?[0-9]{1,5}(\.[0-9]{1,2})?", fullmatch=True),
                  st.dates().map(date.isoformat), st.sampled_from(["", " ", "MSP", "1,200", "2027-09-30T10:00"]))
LEAVES = st.sampled_from([
    ("eq", "MSP"), ("ne", "MSP"), ("in", ["MSP", "VAR"]), ("not_in", ["MSP"]), ("gte", 250), ("lt", -3.5),
    ("eq", 250), ("before", "2027-09-30"), ("after", "2000-01-01"), ("gt", "2027-09-30"),
])


@given(LEAVES, CELLS)
def test_the_fast_path_agrees_with_the_general_one(spec, cell):
    """CSV cells take a shortcut; it must decide exactly as the general comparison does."""
    from goalspec.data import evaluate
    node = crit(leaf("f", *spec))
    built = evaluate._leaf(node, {"f": 0}, False)
    assert evaluate._fast(built, evaluate._compile_leaf(built))([cell]) is evaluate._compile_leaf(built)([cell])
