"""The one-pass reading of plain files gives exactly what the composer and converter give."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.error import YAMLError

from goalspec.spec.compose import PATH_BUDGET_RATIO, PATH_BUDGET_SLACK, Converter, Reject, compose_all
from goalspec.spec.stream import documents
from paths import ROOT


def _full_way(text: str) -> list | None:
    """What compose.py gives a file, or None where it reports a problem (the stream gives up there too)."""
    try:
        nodes = compose_all(text)
    except (YAMLError, Reject):
        return None
    budget, out = PATH_BUDGET_RATIO * len(text) + PATH_BUDGET_SLACK, []
    for node in nodes:
        conv = Converter("f.yaml", budget)
        try:
            data = conv.convert(node, "", None, 0)
        except Reject:
            return None
        if conv.diagnostics:
            return None
        budget = conv.path_budget
        out.append((data, conv.positions))
    return out


def _same(text: str) -> bool:
    """True when the stream read the file; fails when it read it differently."""
    fast = documents(text, PATH_BUDGET_RATIO * len(text) + PATH_BUDGET_SLACK)
    if fast is None:
        return False
    full = _full_way(text)
    assert full is not None, text
    assert len(fast) == len(full)
    for (data, positions), (want_data, want_positions) in zip(fast, full):
        assert json.dumps(data, default=str) == json.dumps(want_data, default=str)  # types too: 1 is not "1"
        assert data == want_data
        assert positions == want_positions
    return True


def test_every_yaml_file_of_the_repository_reads_the_same_either_way():
    files = sorted(p for folder in ("specs", "tests", "examples") for p in (ROOT / folder).rglob("*.y*ml"))
    read = [p for p in files if _same(p.read_text(encoding="utf-8"))]
    assert len(files) > 60 and len(read) > len(files) // 2  # most files are plain


def test_what_the_stream_leaves_to_the_full_way():
    for text in ("a: &x 1\nb: *x\n", "a: !!str 1\n", "<<: {a: 1}\n", "a: 1\na: 2\n", "? [a]\n: 1\n",
                 "a: [1, 2\n", "'': 1\n", "k" * 300 + ": 1\n", "[" * 70 + "]" * 70 + "\n"):
        assert documents(text, 1 << 20) is None, text
    assert documents("a: " + "[" * 10 + "]" * 10 + "\n", 1 << 20) is not None
    assert documents("- " * 5 + "x\n", 10) is None  # the key-path budget, spent as the converter spends it


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["yes", "no", "~", "null", "0x1F", "0o17", "1_000", ".inf", "-.nan", "2026-12-01", "1e3",
                     "+1", "- a", "a: b", "#x", "", " ", "'q'", "\"d\"", "<<", "3.", ".5", "1__"]))
_keys = st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8),
                  st.sampled_from(["id", "kind", "2026-10", "<<", "1", "true", "a b", "x:y"]))
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(_keys, inner, max_size=4)), max_leaves=12)


def _dump(value, style: int, indent: int = 0) -> str:
    """YAML in three styles: JSON flow, block with quoted strings, block with plain strings where YAML allows."""
    pad = " " * indent
    if isinstance(value, dict) and value and style:
        return "".join(f"{pad}{json.dumps(k)}:" + (f"\n{_dump(v, style, indent + 2)}" if isinstance(v, (dict, list)) and v
                                                    else f" {_dump(v, style)}\n") for k, v in value.items())
    if isinstance(value, list) and value and style:
        return "".join(f"{pad}-" + (f"\n{_dump(v, style, indent + 2)}" if isinstance(v, (dict, list)) and v
                                     else f" {_dump(v, style)}\n") for v in value)
    if style == 2 and isinstance(value, str) and value.isalnum() and value.isascii():
        return value  # plain: typed by the core schema, as a spec's author writes it
    return json.dumps(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_values, min_size=1, max_size=3), st.integers(0, 2))
def test_generated_documents_read_the_same_either_way(docs, style):
    text = "".join("---\n" + _dump(doc, style) + ("\n" if not style or not isinstance(doc, (dict, list)) or not doc else "")
                   for doc in docs)
    _same(text)  # a file the stream leaves to the full way proves nothing here, and that is fine


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("ab:-[]{},'\"#&*!|>?<\n\r\t  1é~.%@`\ufeff")), max_size=40))
def test_arbitrary_text_reads_the_same_either_way_or_goes_the_full_way(text):
    _same(text)
