"""The loader: positions, YAML errors, tags, alias bombs, limits, never a traceback."""

import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from goalspec import load
from goalspec.cli import main
from goalspec.diagnostics import Pos
from goalspec.load import load_file, load_text, load_tree


def one(text: str):
    source, docs, diags = load_text(text, "f.yaml")
    return docs, diags


def codes(diags):
    return [(d.code, d.line, d.column) for d in diags]


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
    assert doc.key_pos("target/value") == Pos(3, 10) and doc.value_pos("target/value") == Pos(3, 17)
    assert doc.value_pos("target/change") == Pos(3, 29)
    assert doc.value_pos("parent/1") == Pos(6, 5)
    assert doc.value_pos("tags/1") == Pos(7, 11)
    assert doc.key_pos("nested/deeper") == Pos(9, 5)
    assert doc.value_pos("") == Pos(1, 1)
    # a path that does not exist falls back to its nearest stored ancestor
    assert doc.value_pos("target/baseline/period") == Pos(3, 9)


def test_positions_in_a_later_document_are_file_positions():
    docs, _ = one("a: 1\n---\n# comment\nb: 2\n---\nc:   3\n")
    assert [d.index for d in docs] == [0, 1, 2]
    assert docs[1].key_pos("b") == Pos(4, 1)
    assert docs[2].value_pos("c") == Pos(6, 6)


def test_columns_count_characters_not_bytes():
    docs, _ = one("name: Inês Ørsted\nkey: v\ntitle: «x»\n")
    assert docs[0].value_pos("title") == Pos(3, 8)


def test_scalar_types_follow_yaml_1_2_core():
    docs, _ = one("a: yes\nb: off\nc: 2026\nd: 2026-09-30\ne: 1.5\nf: ~\ng: true\nh: '12'\ni: 0x1F\nj: 1_000\n"
                  "k: .inf\nl: 2026-Q3\nm: !!str 12\n")
    data = docs[0].data
    assert data == {"a": "yes", "b": "off", "c": 2026, "d": "2026-09-30", "e": 1.5, "f": None, "g": True,
                    "h": "12", "i": 31, "j": 1000, "k": float("inf"), "l": "2026-Q3", "m": "12"}


def test_anchor_alias_and_merge_keys():
    docs, diags = one("base: &b {owner: ana, team: sales}\ngoal:\n  <<: *b\n  team: marketing\nother: *b\n")
    assert diags == []
    data = docs[0].data
    assert data["goal"] == {"team": "marketing", "owner": "ana"}
    assert data["other"] == {"owner": "ana", "team": "sales"}


@pytest.mark.parametrize("text,pos", [
    ("a: [1, 2\nb: 3\n", (2, 2)),
    ("a: b: c\n", (1, 5)),
    ("a:\n  b: 1\n c: 2\n", (3, 2)),
    ("a: 'unclosed\n", (2, 1)),
    ("- a\nb: 1\n", (2, 1)),
])
def test_syntax_errors_are_gs001_at_the_parser_mark(text, pos):
    docs, diags = one(text)
    assert docs == []
    assert codes(diags) == [("GS001", *pos)]
    assert diags[0].hint


def test_duplicate_key_is_gs004_at_the_second_key_and_the_first_value_stays():
    docs, diags = one("id: a\nname: first\nname: second\n")
    assert codes(diags) == [("GS004", 3, 1)]
    assert docs[0].data["name"] == "first"
    assert "line 2" in diags[0].message


@pytest.mark.parametrize("text,pos", [
    ('a: !!python/object/apply:os.system ["touch {marker}"]\n', (1, 4)),
    ("a: !!python/name:os.system\n", (1, 4)),
    ("b: 1\na: !!python/object:collections.OrderedDict {{}}\n", (2, 4)),
    ("a: !vault secret\n", (1, 4)),
    ("a: !!binary aGVsbG8=\n", (1, 4)),
    ("a: !!set {{x}}\n", (1, 4)),
])
def test_tags_are_findings_and_nothing_runs(tmp_path, text, pos):
    marker = tmp_path / "ran"
    docs, diags = one(text.format(marker=marker))
    assert codes(diags) == [("GS001", *pos)]
    assert "not allowed" in diags[0].message
    assert not marker.exists()


def test_billion_laughs_is_rejected_in_bounded_memory():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    tracemalloc.start()
    try:
        docs, diags = one("\n".join(lines) + "\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert docs == [] and [d.code for d in diags] == ["GS001"]
    assert "aliases" in diags[0].message
    assert peak < 50 * 1024 * 1024


def test_a_shared_block_used_a_few_times_is_fine():
    docs, diags = one("base: &b {x: [1, 2, 3]}\nuse: [*b, *b, *b, *b]\n")
    assert diags == [] and len(docs[0].data["use"]) == 4


@pytest.mark.parametrize("depth", [100, 5000, 200_000])
def test_deep_flow_nesting_is_a_finding(depth):
    docs, diags = one("a: " + "[" * depth + "]" * depth + "\n")
    assert docs == [] and [d.code for d in diags] == ["GS001"]
    assert "too deep" in diags[0].message


def test_deep_block_nesting_is_a_finding():
    text = "".join(" " * i + "k:\n" for i in range(100))
    docs, diags = one(text)
    assert [d.code for d in diags] == ["GS001"]


def test_brackets_inside_strings_are_not_nesting():
    docs, diags = one("a: '" + "[" * 500 + "'\n")
    assert diags == [] and docs[0].data["a"] == "[" * 500


def test_file_over_the_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n")
    _, docs, diags = load_file(path, "big.yaml")
    assert docs == [] and codes(diags) == [("GS001", 1, 1)] and "limit" in diags[0].message


def test_empty_file_is_a_finding():
    docs, diags = one("")
    assert docs == [] and codes(diags) == [("GS002", 1, 1)]


def test_binary_and_non_utf8_files(tmp_path):
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"a: 1\nb: \x00\x01\x02")
    _, _, diags = load_file(binary, "b.yaml")
    assert codes(diags) == [("GS001", 2, 4)] and "binary" in diags[0].message
    latin = tmp_path / "l.yaml"
    latin.write_bytes("a: 1\nname: Ren\xe9e\n".encode("latin-1"))
    _, _, diags = load_file(latin, "l.yaml")
    assert codes(diags) == [("GS001", 2, 10)] and "UTF-8" in diags[0].message


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffa: 1\n".encode("utf-8"))
    _, docs, diags = load_file(path, "bom.yaml")
    assert diags == [] and docs[0].data == {"a": 1}


def test_ignore_comments():
    source, _, _ = load_text("a: 1  # goalspec: ignore[gs101, GS103]\n# goalspec: ignore\nb: 2\n", "f.yaml")
    assert source.ignores == {1: frozenset({"GS101", "GS103"}), 2: frozenset()}


def test_discovery_is_sorted_and_skips_hidden(tmp_path):
    for rel in ("b.yaml", "a/z.yml", "a/b.yaml", ".git/x.yaml", "c/.hidden.yaml", "notes.txt", "a.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x: 1\n")
    loaded = load_tree(tmp_path)
    assert [f.path for f in loaded.files] == ["a.yaml", "a/b.yaml", "a/z.yml", "b.yaml"]


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_loads_without_raising(text):
    _, docs, diags = load_text(text, "f.yaml")
    for d in diags:
        assert d.line >= 1 and d.column >= 1 and d.code.startswith("GS")


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_any_bytes_load_without_raising(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bin") / "f.yaml"
    path.write_bytes(raw)
    _, _, diags = load_file(path, "f.yaml")
    assert all(d.line >= 1 and d.column >= 1 for d in diags)


ORG = "apiVersion: goalspec/v1\nkind: Organization\nname: Acme\n"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i > 1 else "*a"] * 10) + "]\n" for i in range(1, 9))


@pytest.mark.parametrize("files", [
    {"bad.yaml": "a: [1, 2\n"},
    {"bad.yaml": "apiVersion: goalspec/v1\nkind: Team\nid: t\nname: [1]\nlead: p\n"},
    {"bad.yaml": "apiVersion: goalspec/v1\nkind: Team\nid: !!python/object/apply:os.system [id]\n"},
    {"bad.yaml": BOMB},
    {"bad.yaml": ""},
    {"bad.yaml": b"\x00\xff\xfe binary"},
    {"goalspec.yaml": None},
], ids=["syntax", "wrong-type", "python-tag", "alias-bomb", "empty-file", "binary", "empty-tree"])
def test_bad_input_exits_1_with_findings_never_a_traceback(tmp_path, files):
    tree = tmp_path / "tree"
    tree.mkdir()
    for rel, content in {"goalspec.yaml": ORG, **files}.items():
        if content is None:
            (tree / rel).unlink(missing_ok=True)
        elif isinstance(content, bytes):
            (tree / rel).write_bytes(content)
        else:
            (tree / rel).write_text(content)
    result = CliRunner().invoke(main, ["check", str(tree), "--today", "2026-01-01"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert ": GS0" in result.output


def test_missing_tree_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "not a folder" in result.output


def test_chained_merge_keys_resolve():
    docs, diags = one("common: &c {team: sales}\nbase: &b {<<: *c, owner: ana}\ngoal: {<<: *b, id: x}\n")
    assert diags == [] and docs[0].data["goal"] == {"id": "x", "owner": "ana", "team": "sales"}


@pytest.mark.parametrize("text", ["b: {<<: {[1]: 2}}\n", "? [a]\n: 1\n", "!!python/name:os.system x: 1\n",
                                  "!foo k: 1\n"])
def test_odd_keys_are_gs001(text):
    docs, diags = one(text)
    assert docs == [] and [d.code for d in diags] == ["GS001"]


@pytest.mark.parametrize("kind", ["[Goal]", "{a: 1}", "3"])
def test_a_kind_that_is_not_a_word_is_a_finding(tmp_path, kind):
    (tmp_path / "goalspec.yaml").write_text(ORG)
    (tmp_path / "bad.yaml").write_text(f"apiVersion: goalspec/v1\nkind: {kind}\nid: x\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--today", "2026-01-01"])
    assert result.exit_code == 1 and "GS002" in result.output and "internal error" not in result.output
