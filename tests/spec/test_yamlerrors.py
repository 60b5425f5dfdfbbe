"""GS001 in words, at the mistake: tabs, unclosed quotes and brackets (where they opened), a
missing comma, a stray colon, a line with no key, bad indentation; never past the last line."""

import pytest
from hypothesis import given, strategies as st
from ruamel.yaml.error import MarkedYAMLError

from goalspec.spec.compose import compose_all
from goalspec.spec.load import load_text
from goalspec.spec.yamlerrors import explain_yaml_error, salvage


def explain(text: str):
    with pytest.raises(MarkedYAMLError) as info:
        compose_all(text)
    pos, message, hint = explain_yaml_error(info.value, text)
    return (pos.line, pos.column), message, hint


@pytest.mark.parametrize("text,at,says,fix", [
    ("a: 1\nb:\n\tc: 2\n", (3, 1), "a tab is used for indentation on line 3", "spaces"),
    ("kind: KPI\nunit: seats\n\tdirection: increase\n", (3, 1), "tab", "spaces"),
    ('kind: KPI\nname: "Seats sold\nunit: seats\nowner: x\n', (2, 7), 'the " opened here is never closed',
     'closing "'),
    ("kind: KPI\nname: 'Seats sold\nunit: seats\n", (2, 7), "the ' opened here is never closed", "closing '"),
    ('kind: KPI\nname: "Seats\nunit: seats\n---\nkind: Goal\n', (2, 7), "the next document", 'closing "'),
    ("kind: KPI\nsource: {type: checkins\ndescription: x\n", (2, 9), "the '{' opened here is never closed",
     "closing '}'"),
    ("kind: Goal\nparent: [a, b\ntitle: x\n", (2, 9), "the '[' opened here is never closed", "closing ']'"),
    ("kind: KPI\nsource: {type: checkins path: x}\n", (2, 29), "a ',' or '}' is missing here", "comma"),
    ("kind: Goal\ntitle: Close 5 deals: the big ones\n", (2, 21), "reads as a new key", "quote the value"),
    ("kind: Goal\ntitle x\nowner: y\n", (2, 1), "neither `key: value` nor a list item", "add ': '"),
    ("kind: Goal\ntarget:\n    value: 1\n  change: 2\n", (4, 3), "indentation does not match", "indent"),
])
def test_each_mistake_is_said_where_it_is(text, at, says, fix):
    pos, message, hint = explain(text)
    assert pos == at and says in message and fix in hint
    assert message.startswith("YAML cannot be parsed: ")


@given(st.text(alphabet="ab: -{}[]\"'\t\n#,", max_size=60))
def test_a_finding_never_points_past_the_last_line(text):
    _, _, diags = load_text(text, "x.yaml")
    lines = max(len(text.split("\n")) - (1 if text.endswith("\n") else 0), 1)
    for d in diags:
        assert 1 <= d.line <= lines and d.column >= 1


def test_salvage_reads_ids_and_kinds_of_a_broken_file():
    text = 'kind: Team\nid: sales\nname: "Sales\nmembers: [{id: ben, name: Ben}, {id: "ana"}]\n---\nkind: KPI\n'
    assert salvage(text) == {"sales", "ben", "ana", "kind:Team", "kind:KPI"}
    assert salvage("{{{") == frozenset()
