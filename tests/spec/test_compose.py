"""compose.py: YAML text to plain values with positions; typing by the core schema; the guards."""

import pytest

from goalspec.spec.compose import ALIAS_SLACK, MAX_DEPTH, SEP, Converter, Reject, compose_all, pack, unpack
from goalspec.diagnostics import Pos


def convert(text: str):
    (node,) = compose_all(text)
    conv = Converter("f.yaml")
    return conv.convert(node, "", None, 0), conv


def test_plain_scalars_follow_the_core_schema_and_dates_stay_text():
    data, _ = convert("a: 12\nb: 0x1F\nc: 1.5\nd: true\ne: ~\nf: 2026-09-30\ng: '12'\nh: 0x\n")
    assert data == {"a": 12, "b": 31, "c": 1.5, "d": True, "e": None, "f": "2026-09-30", "g": "12", "h": "0x"}


def test_positions_are_packed_per_key_path():
    data, conv = convert("goal:\n  target: {value: 3}\n  tags: [a, b]\n")
    key, value = unpack(conv.positions[f"goal{SEP}target{SEP}value"])
    assert (key, value) == (Pos(2, 12), Pos(2, 19))
    assert unpack(conv.positions[f"goal{SEP}tags{SEP}1"])[1] == Pos(3, 13)
    assert unpack(pack(Pos(70000, 3), Pos(1, 65535))) == (Pos(70000, 3), Pos(1, 65535))


@pytest.mark.parametrize("text,message", [
    ("a: !!python/object:os.system x\n", "is not allowed"),
    ("a: !!int nope\n", "is not a valid !!int"),
    ("? [a]\n: 1\n", "a mapping key must be a plain word"),
    ("a: *missing\n", None),  # libyaml's own error, not ours
])
def test_what_is_refused(text, message):
    if message is None:
        with pytest.raises(Exception):
            convert(text)
        return
    with pytest.raises(Reject, match=message):
        convert(text)


def test_deep_nesting_is_refused_before_libyaml_sees_it():
    with pytest.raises(Reject, match="nesting is too deep"):
        compose_all("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n")


def test_alias_expansion_is_budgeted():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(Reject, match="aliases expand"):
        convert("\n".join(lines) + "\n")
    assert ALIAS_SLACK > 0
