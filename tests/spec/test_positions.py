"""A document's positions, compact (goalspec/spec/positions.py), read exactly as the dict they replace."""

import gc
import sys

from hypothesis import given, strategies as st

from goalspec.diagnostics import Pos
from goalspec.spec import positions as P
from goalspec.spec.compose import pack, unpack
from goalspec.spec.load import load_text
from goalspec.spec.positions import Positions

POS = st.builds(Pos, st.integers(1, 10 * 1024 * 1024), st.integers(1, 0xFFFF))


@given(st.dictionaries(st.text(max_size=12), st.tuples(POS, POS), max_size=30))
def test_read_like_the_dict(spec):
    packed = {path: pack(k, v) for path, (k, v) in spec.items()}
    found = Positions(packed)
    assert list(found) == list(packed) and len(found) == len(packed)
    assert found == packed and found.as_dict() == packed and dict(found.items()) == packed
    for path, (k, v) in spec.items():
        assert path in found and unpack(found[path]) == (k, v) and found.get(path) == packed[path]
    assert "\x00missing" not in found and found.get("\x00missing") is None


def test_documents_written_alike_share_their_paths():
    text = "".join(f"---\nkind: Goal\nid: g{i}\ntitle: Sell {i} seats\ntarget: {{value: {i}}}\n" for i in range(3))
    _, docs, diags = load_text(text, "goals.yaml")
    assert not diags and len(docs) == 3
    assert docs[0].positions._shape is docs[2].positions._shape
    assert docs[0].positions != docs[2].positions  # the same paths, other lines
    assert docs[2].value_pos("target/value") == Pos(15, 17) and docs[2].key_pos("title") == Pos(14, 1)


def test_smaller_than_the_dict():
    packed = {f"field{i}": pack(Pos(1000 + i, 3), Pos(1000 + i, 10)) for i in range(15)}
    found = Positions(packed)
    size = sys.getsizeof(found) + sys.getsizeof(found._at)
    as_dict = sys.getsizeof(packed) + sum(sys.getsizeof(v) for v in packed.values())
    assert size * 2 < as_dict


def test_a_shape_goes_with_its_last_document():
    found = Positions({"a-path-no-other-test-uses": 1})
    key = ("a-path-no-other-test-uses",)
    assert key in P._SHAPES
    del found
    gc.collect()
    assert key not in P._SHAPES


def test_a_copy_is_equal_to_its_original():
    import copy
    import pickle

    found = Positions({"a": pack(Pos(1, 1), Pos(1, 4)), "b": pack(Pos(2, 1), Pos(2, 4))})
    for again in (pickle.loads(pickle.dumps(found)), copy.deepcopy(found)):
        assert again == found and again.as_dict() == found.as_dict()
    assert Positions({"a": 1, "b": 3}) != found


NARROW = st.builds(Pos, st.integers(1, 0xFFFF), st.integers(1, 0xFFFF))


@given(st.dictionaries(st.text(max_size=12), st.tuples(NARROW, NARROW), max_size=30))
def test_lines_and_columns_under_65536_take_one_number_a_path_and_read_the_same(spec):
    packed = {path: pack(k, v) for path, (k, v) in spec.items()}
    found = Positions(packed)
    assert not found._wide and len(found._at) == len(packed)
    assert found == packed and dict(found.items()) == packed
    for path, (k, v) in spec.items():
        assert unpack(found[path]) == (k, v)


def test_one_line_past_65535_keeps_the_document_wide():
    packed = {"a": pack(Pos(65535, 0xFFFF), Pos(65535, 0xFFFF)), "b": pack(Pos(65536, 1), Pos(70000, 2))}
    found = Positions(packed)
    assert found._wide and len(found._at) == 4
    assert unpack(found["a"]) == (Pos(65535, 0xFFFF), Pos(65535, 0xFFFF))
    assert unpack(found["b"]) == (Pos(65536, 1), Pos(70000, 2))
    assert found == packed and found != Positions({"a": packed["a"], "b": pack(Pos(1, 1), Pos(2, 2))})
