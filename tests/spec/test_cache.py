"""The per-file load cache: same findings with or without it, and a bad entry is only a miss."""

import shutil
from datetime import date
from pathlib import Path

from goalspec.spec.cache import FileCache
from goalspec.check import run
from goalspec.report.findings import as_json
from paths import RULES_BASE

BASE = RULES_BASE
TODAY = date(2026, 8, 1)


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(BASE, tree)
    (tree / "broken.yaml").write_text("apiVersion: goalspec/v1\nkind: Team\nid: ops\nname: [unclosed\n")
    (tree / "odd.yaml").write_text(
        "apiVersion: goalspec/v1\nkind: Goal\nid: sales.z\ntitle: Improve things\nowner: ben\n"
        "team: sales\nparent: company.q3\nkpi: seats\ntarget: {value: 5}  # goalspec: ignore[GS103]\n"
        "deadline: 2026-Q3\ndeadline: 2026-Q4\n")
    return tree


def test_cached_run_equals_uncached_run(tmp_path):
    tree = _tree(tmp_path)
    cache = FileCache(tmp_path / "cache")
    plain = as_json(run(tree, TODAY))
    first = as_json(run(tree, TODAY, cache))
    assert any((tmp_path / "cache").rglob("*.marshal"))
    second = as_json(run(tree, TODAY, cache))
    assert plain == first == second
    assert '"GS001"' in plain and '"GS004"' in plain and '"GS101"' in plain


def test_damaged_entries_are_misses(tmp_path):
    tree = _tree(tmp_path)
    cache = FileCache(tmp_path / "cache")
    expected = as_json(run(tree, TODAY, cache))
    for entry in (tmp_path / "cache").rglob("*.marshal"):
        entry.write_bytes(b"\x00garbage")
    assert as_json(run(tree, TODAY, cache)) == expected
    for entry in (tmp_path / "cache").rglob("*.marshal"):
        entry.write_bytes(__import__("marshal").dumps(("not", "an", "entry", "shape")))
    assert as_json(run(tree, TODAY, cache)) == expected


def test_an_edit_is_never_served_from_the_cache(tmp_path):
    tree = _tree(tmp_path)
    cache = FileCache(tmp_path / "cache")
    run(tree, TODAY, cache)
    (tree / "odd.yaml").unlink()
    (tree / "broken.yaml").write_text("apiVersion: goalspec/v1\nkind: Team\nid: ops\nname: Ops\nlead: ana\n")
    assert run(tree, TODAY, cache).diagnostics == ()


def test_environment_switches(monkeypatch, tmp_path):
    monkeypatch.setenv("GOALSPEC_CACHE_DIR", str(tmp_path / "here"))
    assert FileCache.default().folder == tmp_path / "here"
    monkeypatch.setenv("GOALSPEC_NO_CACHE", "1")
    assert FileCache.default() is None


def test_unwritable_cache_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    tree = _tree(tmp_path)
    assert run(tree, TODAY, FileCache(blocker / "cache")).diagnostics == run(tree, TODAY).diagnostics


def test_memory_cache_parses_each_content_once_and_fills_the_disk_cache(tmp_path, monkeypatch):
    import goalspec.spec.load
    from goalspec.spec.cache import MemoryCache
    from goalspec.spec.load import load_bytes

    parsed = []
    real = goalspec.spec.load.load_text
    monkeypatch.setattr(goalspec.spec.load, "load_text", lambda text, rel: parsed.append(rel) or real(text, rel))
    raw = b"apiVersion: goalspec/v1\nkind: Team\nid: ops\nname: Ops\nlead: ana\n"
    disk = FileCache(tmp_path / "cache")
    memory = MemoryCache(disk)
    first = load_bytes(raw, "a.yaml", memory)
    moved = load_bytes(raw, "b/moved.yaml", memory)
    assert parsed == ["a.yaml"]
    # The same content under another path: the documents say where they are now.
    assert [d.file for d in moved[1]] == ["b/moved.yaml"] and moved[1][0].data == first[1][0].data
    assert load_bytes(raw, "c.yaml", MemoryCache(disk))[1][0].data == first[1][0].data and parsed == ["a.yaml"]
    load_bytes(raw + b"description: x\n", "a.yaml", memory)
    assert parsed == ["a.yaml", "a.yaml"]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.marshal"))


def test_the_cache_folder_stays_under_its_cap(tmp_path):
    import os

    folder = tmp_path / "cache"
    old = FileCache(folder, max_bytes=1 << 30)
    for i in range(200):
        old.put(f"old file {i}".encode(), {"payload": "x" * 4000})
    for path in folder.rglob("*.marshal"):
        os.utime(path, ns=(1, 1))  # written long ago
    assert _size(folder) > 200 * 4000
    capped = FileCache(folder, max_bytes=300_000)
    capped.put(b"a new file", {"payload": "fresh"})
    assert _size(folder) <= 300_000 * 3 // 4 + 5_000
    assert capped.get(b"a new file") == {"payload": "fresh"}  # the newest entry is kept


def test_the_cap_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GOALSPEC_CACHE_MAX_MB", "0.5")
    assert FileCache(tmp_path).max_bytes == 512 * 1024
    monkeypatch.setenv("GOALSPEC_CACHE_MAX_MB", "lots")
    assert FileCache(tmp_path).max_bytes == 512 * 1024 * 1024


def test_a_long_key_over_a_long_list_is_refused_before_it_costs_memory(tmp_path):
    """Once 66 s, 4 GB and a 2 GB cache entry: every list item's key path repeated the long key."""
    import tracemalloc

    tree = tmp_path / "tree"
    shutil.copytree(BASE, tree)
    items = ",".join(["1"] * 20000)
    nested = "\n".join("  " * i + "k" * 250 + f"{i}:" for i in range(60))
    (tree / "long-key.yaml").write_text(f"apiVersion: goalspec/v1\nkind: Goal\nid: a.b\n? {'k' * 60000}\n: [{items}]\n")
    (tree / "deep-keys.yaml").write_text(f"apiVersion: goalspec/v1\nkind: Goal\nid: a.c\n{nested} [{items}]\n")
    cache = FileCache(tmp_path / "cache")
    tracemalloc.start()
    result = run(tree, TODAY, cache)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    found = {(d.file, d.code) for d in result.diagnostics}
    assert {("long-key.yaml", "GS001"), ("deep-keys.yaml", "GS001")} <= found
    assert peak < 200 * 1024 * 1024
    assert _size(tmp_path / "cache") < 2 * 1024 * 1024


def test_serve_s_memory_cache_hands_back_the_documents_of_files_not_saved_since(tmp_path):
    from goalspec.spec.cache import MemoryCache
    from goalspec.spec.load import load_tree

    tree = _tree(tmp_path)
    cache = MemoryCache()
    load_tree(tree, cache)  # parsed, and the parser's documents kept in the cache's form
    first = {(d.file, d.index): d for d in load_tree(tree, cache).documents}
    cache.keep_used()
    (tree / "goalspec.yaml").write_text((tree / "goalspec.yaml").read_text() + "# saved again\n")
    (tree / "copy.yaml").write_text((tree / "teams.yaml").read_text())  # the same content at another path
    again = {(d.file, d.index): d for d in load_tree(tree, cache).documents}
    kept = [key for key in first if key[0] != "goalspec.yaml"]
    assert kept and all(again[key] is first[key] for key in kept)  # the same objects: nothing made again
    assert again[("goalspec.yaml", 0)] is not first[("goalspec.yaml", 0)]
    assert again[("copy.yaml", 0)].file == "copy.yaml" and again[("copy.yaml", 0)].data == first[("teams.yaml", 0)].data
    cache.keep_used()
    # Every file taken from memory, each at its path; the saved one was parsed, and its old version
    # is forgotten with the old content.
    assert set(cache.loaded) == {path.name for path in tree.glob("*.yaml")} - {"goalspec.yaml"}


def test_an_entry_that_cannot_be_written_leaves_nothing_behind(tmp_path):
    class Text(str):  # marshal writes no subclass of str
        pass

    cache = FileCache(tmp_path / "cache")
    cache.put(b"key", {"a": Text("x")})
    assert cache.get(b"key") is None
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []
