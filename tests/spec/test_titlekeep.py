"""What was read of a large tree's goal titles, kept between runs (goalspec/spec/titlekeep.py)."""

from __future__ import annotations

import ast
import json
import marshal
from datetime import date
from pathlib import Path

import pytest

from goalspec.check import run
from goalspec.spec import titlekeep, titleread
from goalspec.spec.cache import FileCache
from paths import ROOT, corpus_titles, corpus_tree

TODAY = date(2026, 12, 1)


def test_a_reading_kept_as_plain_data_is_the_reading():
    titles = corpus_titles()
    readings = titleread.read(titles)
    assert any(r[0] is not None for r in readings) and any(r[1][2] for r in readings)  # verdicts and amounts
    assert [titlekeep.told(marshal.loads(marshal.dumps(titlekeep.plain(r)))) for r in readings] == readings


def test_the_readers_are_every_module_a_title_is_read_with():
    # the kept readings are keyed by these modules' content: one missing would let an edited reader
    # be answered by what the old one read
    spec, seen, todo = ROOT / "goalspec" / "spec", set(), ["titleread"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((spec / f"{name}.py").read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "goalspec.spec":
                todo += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("goalspec.spec."):
                todo.append(node.module.rsplit(".", 1)[1])
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("goalspec"):
                pytest.fail(f"{name} reads a title with {node.module}, outside goalspec.spec")
    assert seen == set(titlekeep.READERS)


def _reads(monkeypatch) -> list[str]:
    """The titles this process reads from now on."""
    asked: list[str] = []
    real = titleread.read

    def counting(titles):
        asked.extend(titles)
        return real(titles)
    monkeypatch.setattr(titleread, "read", counting)
    return asked


def test_a_tree_checked_again_reads_only_its_new_titles_and_finds_the_same(tmp_path, monkeypatch):
    tree, cache = tmp_path / "tree", FileCache(tmp_path / "cache")
    tree.mkdir()
    titles = corpus_tree(tree)
    assert len(set(titles)) >= titlekeep.FROM
    alone = run(tree, TODAY, None, jobs=1).diagnostics  # no cache: the rules read every title
    asked = _reads(monkeypatch)
    first = run(tree, TODAY, cache, jobs=1)
    assert sorted(asked) == sorted(set(titles)) and first.diagnostics == alone
    asked.clear()
    again = run(tree, TODAY, cache, jobs=1)
    assert asked == [] and again.diagnostics == alone  # every title's reading was kept
    goals = tree / "goals-0000.yaml"
    new = "Improve the things a test of kept titles names"
    goals.write_text(goals.read_text().replace(json.dumps(titles[0]), json.dumps(new), 1))
    edited = run(tree, TODAY, cache, jobs=1)
    assert asked == [new]
    assert edited.diagnostics == run(tree, TODAY, None, jobs=1).diagnostics


@pytest.mark.parametrize("damage", [b"", b"not marshal", marshal.dumps({"a title": 3}), marshal.dumps([1]),
                                    "readings of the wrong shape"])
def test_a_damaged_entry_is_no_entry(tmp_path, monkeypatch, damage):
    tree, cache = tmp_path / "tree", FileCache(tmp_path / "cache")
    tree.mkdir()
    titles = corpus_tree(tree)
    alone = run(tree, TODAY, cache, jobs=1).diagnostics
    (entry,) = [p for p in (tmp_path / "cache").rglob("*.marshal")
                if isinstance(marshal.loads(p.read_bytes()), dict)]
    if damage == "readings of the wrong shape":  # marshal reads them; the rules would stumble on them
        shapes = [(None, ("10%", (), ()), ()), (None, ((), (), ((1.0, 1, False, "x"),)), ()),
                  (("direction", "improve", "no"), ((), (), ()), ()), (None, ((), (), ()), ((1, "2"),))]
        damage = marshal.dumps({t: shapes[i % len(shapes)] for i, t in enumerate(sorted(set(titles)))})
    entry.write_bytes(damage)
    asked = _reads(monkeypatch)
    assert run(tree, TODAY, cache, jobs=1).diagnostics == alone
    assert sorted(asked) == sorted(set(titles))  # read again, and kept again
    assert len(marshal.loads(entry.read_bytes())) == len(set(titles))


def test_a_small_tree_keeps_nothing(tmp_path):
    cache = FileCache(tmp_path / "cache")
    run(ROOT / "specs", TODAY, cache, jobs=1)
    kept = [marshal.loads(p.read_bytes()) for p in (tmp_path / "cache").rglob("*.marshal")]
    assert kept and not any(isinstance(k, dict) and any(isinstance(v, tuple) and len(v) == 3 for v in k.values())
                            for k in kept)


def test_an_edited_reader_is_not_answered_by_what_the_old_one_read(tmp_path, monkeypatch):
    tree, cache = tmp_path / "tree", FileCache(tmp_path / "cache")
    tree.mkdir()
    titles = corpus_tree(tree)
    run(tree, TODAY, cache, jobs=1)
    monkeypatch.setattr(titlekeep, "_code", lambda: "another reader")
    asked = _reads(monkeypatch)
    run(tree, TODAY, cache, jobs=1)
    assert sorted(asked) == sorted(set(titles))


def test_what_a_file_cache_holds_elsewhere_is_untouched(tmp_path):
    # the entry is the tree's: another tree's check keeps its own
    one, two, cache = tmp_path / "one", tmp_path / "two", FileCache(tmp_path / "cache")
    for folder in (one, two):
        folder.mkdir()
        corpus_tree(folder)
    run(one, TODAY, cache, jobs=1)
    run(two, TODAY, cache, jobs=1)
    entries = [p for p in (tmp_path / "cache").rglob("*.marshal") if isinstance(marshal.loads(p.read_bytes()), dict)]
    assert len(entries) == 2 and Path(entries[0]).parent.parent == tmp_path / "cache"
