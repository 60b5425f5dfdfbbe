"""The loader: positions, YAML errors, tags, alias bombs, limits, never a traceback.

docs/format.md, Positions: every finding carries the 1-based line and column of the exact key or
value at fault; GS001 is "YAML cannot be parsed" at the parser's mark. Output: `check`
exits 1 on findings at error severity, 2 on a usage error, and never shows a traceback.
"""

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalspec.spec import load
from goalspec.cli import main
from goalspec.diagnostics import Pos
from goalspec.spec.load import load_file, load_text, load_tree


def one(text: str):
    source, docs, diags = load_text(text, "f.yaml")
    return docs, diags


def codes(diags):
    return [(d.code, d.line, d.column) for d in diags]


# --- positions ---------------------------------------------------------------------


def test_positions_of_top_level_keys_and_values():
    docs, diags = one("apiVersion: goalspec/v1\nkind: Goal\nid:    sales.q3\n")
    (doc,) = docs
    assert diags == []
    assert doc.key_pos("apiVersion") == Pos(1, 1) and doc.value_pos("apiVersion") == Pos(1, 13)
    assert doc.key_pos("kind") == Pos(2, 1) and doc.value_pos("kind") == Pos(2, 7)
    # extra spaces before the value: the value's own first character
    assert doc.key_pos("id") == Pos(3, 1) and doc.value_pos("id") == Pos(3, 8)
    # the document itself is its first node
    assert doc.value_pos("") == Pos(1, 1)


def test_positions_of_keys_values_and_items():
    docs, diags = one(
        "apiVersion: goalspec/v1\n"
        "kind: Goal\n"
        "target: {value: 12, change: '+1%'}\n"
        "parent:\n"
        "  - a\n"
        "  - b\n"
        "tags: [x, y]\n"
        "nested:\n"
        "    deeper: 1\n")
    (doc,) = docs
    assert diags == []
    assert doc.key_pos("kind") == Pos(2, 1) and doc.value_pos("kind") == Pos(2, 7)
    assert doc.key_pos("target") == Pos(3, 1) and doc.value_pos("target") == Pos(3, 9)
    assert doc.key_pos("target/value") == Pos(3, 10) and doc.value_pos("target/value") == Pos(3, 17)
    assert doc.key_pos("target/change") == Pos(3, 21) and doc.value_pos("target/change") == Pos(3, 29)
    assert doc.value_pos("parent/0") == Pos(5, 5)
    assert doc.value_pos("parent/1") == Pos(6, 5)
    assert doc.value_pos("tags/0") == Pos(7, 8)
    assert doc.value_pos("tags/1") == Pos(7, 11)
    assert doc.key_pos("nested/deeper") == Pos(9, 5) and doc.value_pos("nested/deeper") == Pos(9, 13)
    # a path that does not exist falls back to its nearest stored ancestor
    assert doc.value_pos("target/baseline/period") == Pos(3, 9)
    assert not doc.has("target/baseline") and doc.has("target/value")


def test_a_list_item_key_points_at_the_item():
    # docs/format.md, Positions: a finding about a list item points at that item; items have no key,
    # so their key position is the item itself.
    docs, _ = one("members:\n  - id: ana\n    name: Ana\n  - {id: ben, name: Ben}\n")
    doc = docs[0]
    assert doc.key_pos("members/0") == doc.value_pos("members/0") == Pos(2, 5)
    assert doc.key_pos("members/0/name") == Pos(3, 5) and doc.value_pos("members/0/name") == Pos(3, 11)
    assert doc.key_pos("members/1") == doc.value_pos("members/1") == Pos(4, 5)
    assert doc.key_pos("members/1/id") == Pos(4, 6) and doc.value_pos("members/1/id") == Pos(4, 10)
    assert doc.value_pos("members/1/name") == Pos(4, 21)


def test_positions_in_a_later_document_are_file_positions():
    docs, _ = one("a: 1\n---\n# comment\nb: 2\n---\nc:   3\n")
    assert [d.index for d in docs] == [0, 1, 2]
    assert docs[0].key_pos("a") == Pos(1, 1)
    assert docs[1].key_pos("b") == Pos(4, 1) and docs[1].value_pos("b") == Pos(4, 4)
    assert docs[1].value_pos("") == Pos(4, 1)
    assert docs[2].value_pos("c") == Pos(6, 6)


def test_positions_with_crlf_line_ends_are_the_same_as_with_lf():
    lf = "a: 1\nb: {c: 2}\nd:\n  - e\n"
    (doc_lf,), _ = one(lf)
    (doc_crlf,), _ = one(lf.replace("\n", "\r\n"))
    for path in ("a", "b", "b/c", "d", "d/0"):
        assert doc_crlf.key_pos(path) == doc_lf.key_pos(path)
        assert doc_crlf.value_pos(path) == doc_lf.value_pos(path)
    assert doc_crlf.value_pos("b/c") == Pos(2, 8)


def test_columns_count_characters_not_bytes():
    docs, _ = one("name: Inês Ørsted\nkey: v\ntitle: «x»\nlist: [😀, x]\n")
    assert docs[0].value_pos("title") == Pos(3, 8)
    assert docs[0].value_pos("list/1") == Pos(4, 11)


def test_positions_of_anchors_aliases_and_merge_keys():
    docs, diags = one(
        "base: &b\n"              # 1
        "  owner: ana\n"          # 2
        "  team: sales\n"         # 3
        "goal:\n"                 # 4
        "  <<: *b\n"              # 5
        "  team: marketing\n"     # 6
        "other: *b\n")            # 7
    assert diags == []
    doc = docs[0]
    assert doc.data["goal"] == {"team": "marketing", "owner": "ana"}
    assert doc.data["other"] == {"owner": "ana", "team": "sales"}
    # an explicit key next to the merge is where it is written
    assert doc.key_pos("goal/team") == Pos(6, 3) and doc.value_pos("goal/team") == Pos(6, 9)
    # a merged key points at the text it came from: the anchored mapping
    assert doc.key_pos("goal/owner") == Pos(2, 3) and doc.value_pos("goal/owner") == Pos(2, 10)
    # an alias: its key is where it is used, its contents where they are written
    assert doc.key_pos("other") == Pos(7, 1)
    assert doc.value_pos("other") == doc.value_pos("base") == Pos(1, 7)
    assert doc.key_pos("other/team") == Pos(3, 3) and doc.value_pos("other/team") == Pos(3, 9)


def test_anchor_alias_and_merge_keys_in_flow_style():
    docs, diags = one("base: &b {owner: ana, team: sales}\ngoal:\n  <<: *b\n  team: marketing\nother: *b\n")
    assert diags == []
    data = docs[0].data
    assert data["goal"] == {"team": "marketing", "owner": "ana"}
    assert data["other"] == {"owner": "ana", "team": "sales"}
    assert docs[0].key_pos("goal/owner") == Pos(1, 11) and docs[0].value_pos("goal/owner") == Pos(1, 18)


def test_merge_of_a_list_of_mappings_keeps_the_first():
    # YAML merge: with `<<: [*a, *b]`, a key in the earlier mapping wins
    docs, diags = one("b: {<<: [{x: 1}, {x: 2, z: 3}], y: 3}\n")
    assert diags == [] and docs[0].data["b"] == {"y": 3, "x": 1, "z": 3}


def test_chained_merge_keys_resolve():
    docs, diags = one("common: &c {team: sales}\nbase: &b {<<: *c, owner: ana}\ngoal: {<<: *b, id: x}\n")
    assert diags == [] and docs[0].data["goal"] == {"id": "x", "owner": "ana", "team": "sales"}


def test_chained_merge_keys_point_at_where_the_value_is_written():
    docs, diags = one(
        "common: &c {team: sales}\n"
        "base: &b {<<: *c, owner: ana}\n"
        "goal: {<<: *b, id: x}\n")
    assert diags == []
    assert docs[0].key_pos("goal/team") == Pos(1, 13) and docs[0].value_pos("goal/team") == Pos(1, 19)
    assert docs[0].key_pos("goal/owner") == Pos(2, 19)


@pytest.mark.parametrize("text", ["b: {<<: {[1]: 2}}\n", "? [a]\n: 1\n", "!!python/name:os.system x: 1\n",
                                  "!foo k: 1\n"])
def test_odd_keys_are_gs001(text):
    docs, diags = one(text)
    assert docs == [] and [d.code for d in diags] == ["GS001"]


@pytest.mark.parametrize("text,pos", [
    ("? [a]\n: 1\n", (1, 3)),
    ("b: {<<: {[1]: 2}}\n", (1, 10)),
    ("!!python/name:os.system x: 1\n", (1, 1)),
    ("!foo k: 1\n", (1, 1)),
    ("a: 1\nb: {!foo k: 1}\n", (2, 5)),
])
def test_non_scalar_or_tagged_keys_are_gs001_at_the_key(text, pos):
    docs, diags = one(text)
    assert docs == [] and codes(diags) == [("GS001", *pos)]


def test_a_str_tag_on_a_key_is_allowed():
    docs, diags = one("a: {!!str k: 1}\n")
    assert diags == [] and docs[0].data == {"a": {"k": 1}}


def test_scalar_types_follow_yaml_1_2_core():
    docs, _ = one("a: yes\nb: off\nc: 2026\nd: 2026-09-30\ne: 1.5\nf: ~\ng: true\nh: '12'\ni: 0x1F\nj: 1_000\n"
                  "k: .inf\nl: 2026-Q3\nm: !!str 12\n")
    data = docs[0].data
    assert data == {"a": "yes", "b": "off", "c": 2026, "d": "2026-09-30", "e": 1.5, "f": None, "g": True,
                    "h": "12", "i": 31, "j": 1000, "k": float("inf"), "l": "2026-Q3", "m": "12"}


# --- YAML syntax errors: GS001 at the parser's mark ------------------------------


@pytest.mark.parametrize("text,pos", [
    # unclosed flow sequence: the parser reaches the end of the stream; the mistake is the [
    ("tags: [a, b\n", (1, 7)),
    # unclosed flow sequence followed by more keys: the parser fails at line 2's `:`; the
    # mistake is the [ that opened at line 1 column 4
    ("a: [1, 2\nb: 3\n", (1, 4)),
    # `a: b: c`: the second `:` (column 5) is a mapping value where none is allowed
    ("a: b: c\n", (1, 5)),
    # a tab used for indentation: the tab at line 2 column 1 cannot start a token
    ("a:\n\tb: 1\n", (2, 1)),
    # a tab before a list item inside a block sequence
    ("key:\n  - a\n\t- b\n", (3, 1)),
    # a key less indented than its siblings: the ` c` at line 3, column 2
    ("a:\n  b: 1\n c: 2\n", (3, 2)),
    # an unclosed quote runs to the end of the stream: it is reported where it opened
    ("a: 'unclosed\n", (1, 4)),
    # a mapping after a top-level sequence
    ("- a\nb: 1\n", (2, 1)),
    # an error in the second document is reported at its line in the file (where the [ opened)
    ("a: 1\n---\nb: [\n", (3, 4)),
    # an alias to an anchor that does not exist
    ("a: *nope\n", (1, 4)),
])
def test_syntax_errors_are_gs001_at_the_mistake(text, pos):
    docs, diags = one(text)
    assert docs == []
    assert codes(diags) == [("GS001", *pos)]
    assert diags[0].message.startswith("YAML cannot be parsed") and diags[0].hint


# --- duplicate keys ------------------------------------------------------------------


def test_duplicate_key_is_gs004_at_the_second_key_and_the_first_value_stays():
    docs, diags = one("id: a\nname: first\nname: second\n")
    assert codes(diags) == [("GS004", 3, 1)]
    assert docs[0].data["name"] == "first"
    assert "line 2" in diags[0].message
    # the first key's position is kept too
    assert docs[0].key_pos("name") == Pos(2, 1) and docs[0].value_pos("name") == Pos(2, 7)


@pytest.mark.parametrize("text,pos,path,value", [
    ("t:\n  v: 1\n  v: 2\n", (3, 3), ("t", "v"), 1),
    ("{a: 1, a: 2}\n", (1, 8), ("a",), 1),
    ("l:\n  - {k: x, k: y}\n", (2, 12), ("l", 0, "k"), "x"),
])
def test_nested_and_flow_duplicate_keys(text, pos, path, value):
    docs, diags = one(text)
    assert codes(diags) == [("GS004", *pos)]
    got = docs[0].data
    for step in path:
        got = got[step]
    assert got == value


# --- tags: no spec ever builds an object or runs code ----------------------------


@pytest.mark.parametrize("text,pos", [
    ('a: !!python/object/apply:os.system ["touch {marker}"]\n', (1, 4)),
    ('a: !!python/object/new:os.system ["touch {marker}"]\n', (1, 4)),
    ('a: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]\n', (1, 4)),
    ('%TAG !e! tag:yaml.org,2002:python/\n---\na: !e!object/apply:os.system ["touch {marker}"]\n', (3, 4)),
    ("a: !!python/name:os.system\n", (1, 4)),
    ("x: 1\ny: !!python/name:os.system\n", (2, 4)),
    ("b: 1\na: !!python/object:collections.OrderedDict {{}}\n", (2, 4)),
    ("a: !foo bar\n", (1, 4)),
    ("a: !foo {{x: 1}}\n", (1, 4)),
    ("a: [b, !foo c]\n", (1, 8)),
    ("- !foo\n", (1, 3)),
    ("a: !vault secret\n", (1, 4)),
    ("a: !!binary aGVsbG8=\n", (1, 4)),
    ("a: !!set {{x}}\n", (1, 4)),
])
def test_tags_are_findings_and_nothing_runs(tmp_path, text, pos):
    marker = tmp_path / "ran"
    docs, diags = one(text.format(marker=marker))
    assert codes(diags) == [("GS001", *pos)]
    assert "not allowed" in diags[0].message
    assert docs == []
    assert not marker.exists()


def test_python_tag_through_load_file_runs_nothing(tmp_path):
    marker = tmp_path / "x"
    path = tmp_path / "evil.yaml"
    path.write_text(f'a: !!python/object/apply:os.system ["touch {marker}"]\n'
                    f'b: !!python/object/apply:subprocess.call [["touch", "{marker}"]]\n')
    _, docs, diags = load_file(path, "evil.yaml")
    assert docs == [] and codes(diags) == [("GS001", 1, 4)]
    assert not marker.exists()


@pytest.mark.parametrize("text,value", [
    ("a: !!int 12\n", 12), ("a: !!float 1\n", 1.0), ("a: !!bool true\n", True), ("a: !!null ~\n", None),
    ("a: !!str 2026\n", "2026"), ("a: !!timestamp 2026-01-01\n", "2026-01-01"), ("a: !!seq [1]\n", [1]),
    ("a: !!map {b: 1}\n", {"b": 1}),
])
def test_core_schema_tags_are_allowed(text, value):
    docs, diags = one(text)
    assert diags == [] and docs[0].data["a"] == value


@pytest.mark.parametrize("text", ["a: !!int twelve\n", "a: !!bool yes\n", "a: !!null x\n", "a: !!map [1]\n"])
def test_core_schema_tags_that_do_not_fit_are_gs001(text):
    docs, diags = one(text)
    assert codes(diags) == [("GS001", 1, 4)]


# --- alias bombs and nesting -------------------------------------------------------


def _bomb(levels: int = 9, width: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_rejected_in_bounded_memory():
    # 9 levels of 10 aliases each over a list of 10: 10**10 strings if expanded
    tracemalloc.start()
    try:
        docs, diags = one(_bomb())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert docs == [] and [d.code for d in diags] == ["GS001"]
    assert "aliases" in diags[0].message
    assert diags[0].line >= 1 and diags[0].column >= 1
    assert peak < 50 * 1024 * 1024


def test_billion_laughs_of_mappings_and_merges_is_rejected():
    lines = ["m0: &m0 {" + ", ".join(f"k{j}: lol" for j in range(10)) + "}"]
    for i in range(1, 10):
        lines.append(f"m{i}: &m{i} {{" + ", ".join(f"k{j}: *m{i - 1}" for j in range(10)) + "}")
    lines.append("z: {<<: *m9}")
    tracemalloc.start()
    try:
        docs, diags = one("\n".join(lines) + "\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert docs == [] and [d.code for d in diags] == ["GS001"]
    assert peak < 50 * 1024 * 1024


def test_a_shared_block_used_a_few_times_is_fine():
    docs, diags = one("base: &b {x: [1, 2, 3]}\nuse: [*b, *b, *b, *b]\n")
    assert diags == [] and len(docs[0].data["use"]) == 4


def test_a_recursive_alias_is_a_finding():
    docs, diags = one("a: &x [*x]\n")
    assert docs == [] and codes(diags) == [("GS001", 1, 4)]


@pytest.mark.parametrize("depth", [100, 200, 5000, 200_000])
def test_deep_flow_nesting_is_a_finding(depth):
    docs, diags = one("a: " + "[" * depth + "]" * depth + "\n")
    assert docs == [] and [d.code for d in diags] == ["GS001"]
    assert "too deep" in diags[0].message


@pytest.mark.parametrize("text", ["[" * 200, "a: " + "[" * 200 + "\n", "{a: " * 200, "- " * 200 + "x\n"])
def test_unclosed_deep_nesting_is_a_finding(text):
    docs, diags = one(text)
    assert docs == [] and [d.code for d in diags] == ["GS001"]
    assert diags[0].line >= 1 and diags[0].column >= 1


def test_deep_block_nesting_is_a_finding():
    text = "".join(" " * i + "k:\n" for i in range(100))
    docs, diags = one(text)
    assert [d.code for d in diags] == ["GS001"]


def test_nesting_within_the_limit_loads():
    docs, diags = one("a: " + "[" * 50 + "1" + "]" * 50 + "\n")
    assert diags == []


def test_brackets_inside_strings_are_not_nesting():
    docs, diags = one("a: '" + "[" * 500 + "'\n")
    assert diags == [] and docs[0].data["a"] == "[" * 500


# --- files: size, empty, binary, encoding -----------------------------------------


def test_file_over_the_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n")
    _, docs, diags = load_file(path, "big.yaml")
    assert docs == [] and codes(diags) == [("GS001", 1, 1)] and "limit" in diags[0].message
    small = tmp_path / "small.yaml"
    small.write_text("a: 1\n")
    assert load_file(small, "small.yaml")[2] == []


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file_is_a_finding(text):
    docs, diags = one(text)
    if text == "---\n":
        # an explicit empty document: a null, which validation reports
        assert [d.data for d in docs] == [None]
    else:
        assert docs == [] and codes(diags) == [("GS002", 1, 1)]


def test_binary_and_non_utf8_files(tmp_path):
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"a: 1\nb: \x00\x01\x02")
    _, docs, diags = load_file(binary, "b.yaml")
    assert docs == [] and codes(diags) == [("GS001", 2, 4)] and "binary" in diags[0].message
    latin = tmp_path / "l.yaml"
    latin.write_bytes("a: 1\nname: Ren\xe9e\n".encode("latin-1"))
    _, docs, diags = load_file(latin, "l.yaml")
    assert docs == [] and codes(diags) == [("GS001", 2, 10)] and "UTF-8" in diags[0].message


def test_invalid_utf8_column_counts_characters_before_the_bad_byte(tmp_path):
    path = tmp_path / "u.yaml"
    # `Ø` is two bytes but one character: the bad byte is character 8 of line 3
    path.write_bytes(b"a: 1\nb: 2\nname: \xc3\x98\xff\n")
    _, _, diags = load_file(path, "u.yaml")
    assert codes(diags) == [("GS001", 3, 8)]


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffa: 1\n".encode("utf-8"))
    _, docs, diags = load_file(path, "bom.yaml")
    assert diags == [] and docs[0].data == {"a": 1}
    assert docs[0].key_pos("a") == Pos(1, 1)


# --- inline ignores ------------------------------------------------------------------


def test_ignore_comments():
    source, _, _ = load_text("a: 1  # goalspec: ignore[gs101, GS103]\n# goalspec: ignore\nb: 2\n", "f.yaml")
    assert source.ignores == {1: frozenset({"GS101", "GS103"}), 2: frozenset()}


def test_ignore_comment_spacing_and_case():
    source, _, _ = load_text("a: 1\nb: 2 #goalspec:ignore[gs301]\nc: 3\n#   goalspec:   ignore[ Gs101 ,gs102 ]\n",
                             "f.yaml")
    assert source.ignores == {2: frozenset({"GS301"}), 4: frozenset({"GS101", "GS102"})}


def test_no_ignore_comment_means_no_ignores():
    source, _, _ = load_text("a: 1  # a comment\nb: 2\n", "f.yaml")
    assert source.ignores == {}


# Once a bug: the ignore text inside a quoted string silenced the line.
def test_ignore_text_inside_a_string_is_not_a_comment():
    source, _, _ = load_text('title: "Improve things # goalspec: ignore"\n', "f.yaml")
    assert source.ignores == {}
    source, _, _ = load_text("a: 'x # y'  # goalspec: ignore[GS101]\nb: it's # goalspec: ignore\n", "f.yaml")
    assert source.ignores == {1: frozenset({"GS101"}), 2: frozenset()}


def test_ignores_survive_a_file_that_does_not_parse():
    source, docs, diags = load_text("a: [1\n# goalspec: ignore[GS001]\n", "f.yaml")
    assert docs == [] and source.ignores == {2: frozenset({"GS001"})}


# --- discovery -------------------------------------------------------------------------


def test_discovery_is_sorted_and_skips_hidden(tmp_path):
    for rel in ("b.yaml", "a/z.yml", "a/b.yaml", ".git/x.yaml", "c/.hidden.yaml", "notes.txt", "a.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x: 1\n")
    loaded = load_tree(tmp_path)
    assert [f.path for f in loaded.files] == ["a.yaml", "a/b.yaml", "a/z.yml", "b.yaml"]


# --- never a traceback: property tests ------------------------------------------------


def _positions_ok(docs, diags):
    for d in diags:
        assert d.line >= 1 and d.column >= 1 and d.code.startswith("GS")
    for doc in docs:
        for path in doc.positions:
            for pos in (doc.key_pos(path), doc.value_pos(path)):
                assert pos.line >= 1 and pos.column >= 1


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_any_text_loads_without_raising(text):
    _, docs, diags = load_text(text, "f.yaml")
    _positions_ok(docs, diags)


_YAMLISH = st.lists(st.sampled_from(list("ab1:-[]{}&*!<>|#'\"?,. \n\t%@`") + ["---\n", "<<: ", "*a", "&a "]),
                    max_size=60).map("".join)


@given(_YAMLISH)
@settings(max_examples=200, deadline=None)
def test_yaml_like_text_loads_without_raising(text):
    _, docs, diags = load_text(text, "f.yaml")
    _positions_ok(docs, diags)


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_load_without_raising(tmp_path, raw):
    path = tmp_path / "f.yaml"
    path.write_bytes(raw)
    _, docs, diags = load_file(path, "f.yaml")
    _positions_ok(docs, diags)


_KEY = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda k: k not in {"null", "true", "false"})


@given(st.lists(st.tuples(_KEY, st.integers(0, 4), st.integers(-10**6, 10**6)), min_size=1, max_size=12,
                unique_by=lambda t: t[0]))
@settings(max_examples=100, deadline=None)
def test_positions_of_generated_mappings_are_exact(rows):
    text = "".join(f"{key}:{' ' * (1 + pad)}{value}\n" for key, pad, value in rows)
    docs, diags = one(text)
    assert diags == []
    (doc,) = docs
    for line, (key, pad, value) in enumerate(rows, 1):
        assert doc.data[key] == value
        assert doc.key_pos(key) == Pos(line, 1)
        assert doc.value_pos(key) == Pos(line, len(key) + 2 + pad + 1)


# --- through the command line ----------------------------------------------------------


ORG = "apiVersion: goalspec/v1\nkind: Organization\nname: Acme\n"
BOMB = _bomb()
GOAL = ("apiVersion: goalspec/v1\nkind: Goal\nid: company.q3\ntitle: Sell 1100 seats by the end of Q3\n"
        "owner: ana\nkpi: seats\ntarget: {value: 1100}\ndeadline: 2026-Q3\n")


def _tree(tmp_path: Path, files: dict) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    for rel, content in {"goalspec.yaml": ORG, **files}.items():
        if content is None:
            (tree / rel).unlink(missing_ok=True)
        elif isinstance(content, bytes):
            (tree / rel).write_bytes(content)
        else:
            (tree / rel).write_text(content)
    return tree


def _check(tree: Path, *extra: str):
    return CliRunner().invoke(main, ["check", str(tree), "--today", "2026-01-01", *extra])


BAD_INPUTS = {
    "syntax": {"bad.yaml": "a: [1, 2\n"},
    "tab-indent": {"bad.yaml": "a:\n\tb: 1\n"},
    "wrong-type": {"bad.yaml": "apiVersion: goalspec/v1\nkind: Team\nid: t\nname: [1]\nlead: p\n"},
    "python-tag": {"bad.yaml": "apiVersion: goalspec/v1\nkind: Team\nid: !!python/object/apply:os.system [id]\n"},
    "python-name": {"bad.yaml": "a: !!python/name:os.system\n"},
    "custom-tag": {"bad.yaml": "a: !foo bar\n"},
    "alias-bomb": {"bad.yaml": BOMB},
    "deep": {"bad.yaml": "a: " + "[" * 200 + "\n"},
    "empty-file": {"bad.yaml": ""},
    "binary": {"bad.yaml": b"\x00\xff\xfe binary"},
    "not-utf8": {"bad.yaml": b"a: caf\xe9\n"},
    "duplicate-key": {"bad.yaml": GOAL + "owner: ben\n"},
    "empty-tree": {"goalspec.yaml": None},
}


@pytest.mark.parametrize("files", list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_bad_input_exits_1_with_findings_never_a_traceback(tmp_path, files):
    result = _check(_tree(tmp_path, files))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert ": GS0" in result.output


def test_an_empty_tree_says_there_is_no_organization(tmp_path):
    result = _check(_tree(tmp_path, {"goalspec.yaml": None}))
    assert result.exit_code == 1 and "GS005" in result.output


def test_a_tag_in_a_tree_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    tree = _tree(tmp_path, {"evil.yaml": f'a: !!python/object/apply:os.system ["touch {marker}"]\n'})
    result = _check(tree)
    assert result.exit_code == 1 and "evil.yaml:1:4: GS001" in result.output
    assert not marker.exists()


# A wrong type in many places, each a finding with exit 1.
WRONG_TYPES = {
    "goal-deadline-list": GOAL.replace("deadline: 2026-Q3", "deadline: [2026-Q3]"),
    "goal-deadline-map": GOAL.replace("deadline: 2026-Q3", "deadline: {a: 1}"),
    "goal-start-list": GOAL + "start: [1]\n",
    "goal-target-list": GOAL.replace("target: {value: 1100}", "target: [1100]"),
    "goal-target-value-text": GOAL.replace("target: {value: 1100}", "target: {value: lots}"),
    "goal-baseline-period-list": GOAL.replace("target: {value: 1100}",
                                              "target: {change: '+10%', baseline: {period: [1]}}"),
    "goal-parent-map": GOAL + "parent: {a: 1}\nteam: sales\n",
    "goal-owner-list": GOAL.replace("owner: ana", "owner: [ana]"),
    "goal-id-list": GOAL.replace("id: company.q3", "id: [a]"),
    "goal-title-number": GOAL.replace("title: Sell 1100 seats by the end of Q3", "title: 1100"),
    "goal-weight-text": GOAL + "weight: heavy\n",
    "goal-tags-map": GOAL + "tags: {a: 1}\n",
    "goal-status-list": GOAL + "status: [active]\n",
    "goal-revisions-text": GOAL + "revisions: nope\n",
    "document-is-a-list": "- a\n- b\n",
    "document-is-a-number": "12\n",
    "api-version-list": "apiVersion: [1]\nkind: Goal\nid: x\n",
    "kind-list": "apiVersion: goalspec/v1\nkind: [Goal]\nid: x\n",
    "kind-map": "apiVersion: goalspec/v1\nkind: {a: 1}\nid: x\n",
    "kpi-source-list": "apiVersion: goalspec/v1\nkind: KPI\nid: k\nname: K\nunit: a\ndirection: increase\n"
                       "owner: ana\ncadence: monthly\nsource: [checkins]\n",
    "kpi-unit-map": "apiVersion: goalspec/v1\nkind: KPI\nid: k\nname: K\nunit: {a: 1}\ndirection: increase\n"
                    "owner: ana\ncadence: monthly\nsource: {type: checkins}\n",
    "team-members-text": "apiVersion: goalspec/v1\nkind: Team\nid: t\nname: T\nlead: ana\nmembers: ana\n",
    "team-member-id-map": "apiVersion: goalspec/v1\nkind: Team\nid: t\nname: T\nlead: ana\n"
                          "members: [{id: {a: 1}, name: A}]\n",
    "checkin-value-text": "apiVersion: goalspec/v1\nkind: CheckIn\nkpi: seats\nby: ana\ndate: 2026-01-01\nvalue: lots\n",
    "checkin-values-list": "apiVersion: goalspec/v1\nkind: CheckIn\nkpi: seats\nby: ana\nvalues: [1, 2]\n",
    "incentive-period-list": "apiVersion: goalspec/v1\nkind: Incentive\nid: i\nname: I\nfor: sales\n"
                             "pays_on: [company.q3]\nperiod: [2026]\n",
    "lead-criteria-list": "apiVersion: goalspec/v1\nkind: LeadDefinition\nid: l\nname: L\n"
                          "agreed_by: [sales, marketing]\ncriteria: [1, 2]\n",
}


@pytest.mark.parametrize("name", list(WRONG_TYPES) + ["org-fiscal-year-text"])
def test_a_wrong_type_anywhere_is_a_finding(tmp_path, name):
    if name == "org-fiscal-year-text":
        files = {"goalspec.yaml": ORG + "fiscal_year_start: april\n"}
    else:
        files = {"bad.yaml": WRONG_TYPES[name]}
    result = _check(_tree(tmp_path, files), "--format", "json")
    assert "internal error" not in result.output
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert '"severity": "error"' in result.output


@pytest.mark.parametrize("kind", ["[Goal]", "{a: 1}", "3"])
def test_a_kind_that_is_not_a_word_is_a_finding(tmp_path, kind):
    (tmp_path / "goalspec.yaml").write_text(ORG)
    (tmp_path / "bad.yaml").write_text(f"apiVersion: goalspec/v1\nkind: {kind}\nid: x\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--today", "2026-01-01"])
    assert result.exit_code == 1 and "GS002" in result.output and "internal error" not in result.output


def test_missing_tree_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "not a folder" in result.output


def _goalspec_exe() -> list[str]:
    exe = Path(sys.executable).with_name("goalspec")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "goalspec"]


@pytest.mark.parametrize("name", ["syntax", "python-tag", "alias-bomb", "empty-file", "binary", "empty-tree"])
def test_the_installed_command_never_prints_a_traceback(tmp_path, name):
    tree = _tree(tmp_path, BAD_INPUTS[name])
    env = {**os.environ, "GOALSPEC_NO_CACHE": "1"}
    proc = subprocess.run([*_goalspec_exe(), "check", str(tree), "--today", "2026-01-01"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert ": GS0" in proc.stdout


def test_the_installed_command_exits_2_on_a_missing_tree(tmp_path):
    proc = subprocess.run([*_goalspec_exe(), "check", str(tmp_path / "nope")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_parallel_loading_gives_exactly_the_serial_result(tmp_path, monkeypatch):
    """Workers parse chunks of files in turn; the result is the same, in the same order, findings included."""
    files = {
        "goalspec.yaml": "apiVersion: goalspec/v1\nkind: Organization\nname: A\n",
        "a/one.yaml": "kind: Goal\nid: g1\ntitle: x  # goalspec: ignore[GS101]\n---\nkind: Goal\nid: g2\n",
        "a/two.yml": "kind: KPI\nid: k\nname: K\nname: again\n",  # GS004
        "b/bad.yaml": "kind: [unclosed\n",  # GS001
        "b/tagged.yaml": "kind: !!python/object x\n",  # GS001 (tag)
        "c/empty.yaml": "",
        "c/anchors.yaml": "base: &b {owner: ana}\ngoal:\n  <<: *b\n  id: g3\n",
    }
    for i in range(12):
        files[f"d/f{i:02}.yaml"] = f"kind: Goal\nid: g{i}\ntitle: Sell {i} seats\n"
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    serial = load_tree(tmp_path, None, jobs=1)
    monkeypatch.setattr(load, "CHUNK", 3)  # chunks finish out of order; the files come back in theirs
    for jobs in (2, 3, 5):
        assert load_tree(tmp_path, None, jobs=jobs) == serial
    assert {d.code for d in serial.diagnostics} >= {"GS001", "GS004"}
    # with the size threshold lowered, the default itself picks workers; nothing changes
    monkeypatch.setattr(load, "PARALLEL_BYTES", 1)
    assert load_tree(tmp_path, None) == serial


def test_parse_workers_read_each_goal_title_once(tmp_path, monkeypatch):
    """Workers hand back every goal title's reading with the files (titleread.read), for
    titleread.tell; only goals' titles, only text; loading in this process reads none."""
    from goalspec.spec import titleread

    files = {"goalspec.yaml": "apiVersion: goalspec/v1\nkind: Organization\nname: A\n",
             "k.yaml": "kind: KPI\nid: k\ntitle: Improve a KPI's name\n",
             "n.yaml": "kind: Goal\nid: n\ntitle: 2024\n---\nkind: Goal\nid: m\ntitle: [a]\n"}
    titles = ["Improve marketing", "Book 120 calls by the end of Q3", "Ship v2.0 in 4 weeks", "Improve marketing"]
    for i, title in enumerate(titles):
        files[f"g/{i}.yaml"] = f"kind: Goal\nid: g{i}\ntitle: {title}\n"
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.setattr(load, "CHUNK", 2)
    parallel = load_tree(tmp_path, None, jobs=2)
    assert parallel.titles == dict(zip(titles, titleread.read(titles)))
    serial = load_tree(tmp_path, None, jobs=1)
    assert serial == parallel and serial.titles == {}
