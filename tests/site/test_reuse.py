"""serve's rebuilds keep what did not change: files re-parsed and pages re-rendered only when their inputs did."""

from __future__ import annotations

import importlib.util
import os
import multiprocessing
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from goalspec.site.build import build
from goalspec.site.output import Reuse
from goalspec.spec import cores
from goalspec.spec.cache import MemoryCache
from goalspec.spec.load import load_tree
from paths import SPECS

TODAY = date(2027, 1, 15)


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_rebuild_renders_only_the_pages_whose_inputs_changed(tmp_path):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    reuse = Reuse()
    first = build(tree, tmp_path / "site", TODAY, reuse=reuse)
    assert reuse.rendered == first.pages > 20

    build(tree, tmp_path / "site", TODAY, reuse=reuse)
    assert reuse.rendered == 0  # nothing changed: every page kept

    # A goal's description is on its own page (and in the search index): not on the other pages.
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    again = build(tree, tmp_path / "site", TODAY, reuse=reuse)
    assert 1 <= reuse.rendered <= 3, reuse.rendered
    assert "reviewed weekly with the CFO" in (tmp_path / "site" / "goals" / "sales.msp-seats.html").read_text()

    fresh = build(tree, tmp_path / "fresh", TODAY)
    assert again.pages == fresh.pages
    assert _files(tmp_path / "site") == _files(tmp_path / "fresh")  # the same bytes as a build from scratch


def test_a_title_changes_every_page_that_shows_it_and_no_other(tmp_path):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    reuse = Reuse()
    build(tree, tmp_path / "site", TODAY, reuse=reuse)
    _edit(tree / "goals" / "company.yaml", "Increase seats sold", "Grow seats sold")
    built = build(tree, tmp_path / "site", TODAY, reuse=reuse)
    assert 1 < reuse.rendered < built.pages
    build(tree, tmp_path / "fresh", TODAY)
    assert _files(tmp_path / "site") == _files(tmp_path / "fresh")


def test_a_changed_template_renders_every_page(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    reuse = Reuse()
    first = build(SPECS, tmp_path / "site", TODAY, templates=templates, reuse=reuse)
    (templates / "404.html").write_text("{% extends 'base.html' %}{% block main %}<h1>Lost</h1>{% endblock %}")
    build(SPECS, tmp_path / "site", TODAY, templates=templates, reuse=reuse)
    assert reuse.rendered == first.pages


def test_the_memory_cache_forgets_versions_no_longer_in_the_tree(tmp_path):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    cache = MemoryCache()
    load_tree(tree, cache)
    cache.keep_used()
    before = len(cache._entries)
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    load_tree(tree, cache)
    assert len(cache._entries) == before + 1  # the new version beside the old, until the rebuild is done
    cache.keep_used()
    assert len(cache._entries) == before


def test_serve_says_how_many_pages_a_save_rendered(tmp_path):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    proc = subprocess.Popen([sys.executable, "-m", "goalspec", "serve", str(tree), "--port", "0", "--today",
                             "2027-01-15"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []

        def until(pattern: str) -> re.Match:
            while True:
                line = proc.stdout.readline()
                assert line, "".join(lines)
                lines.append(line)
                if m := re.search(pattern, line):
                    return m

        first = until(r"rebuilt in \S+ \((\d+) of (\d+) pages rendered\)")
        assert first.group(1) == first.group(2)
        until(r"serving ")
        _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
        second = until(r"rebuilt in \S+ \((\d+) of (\d+) pages rendered\)")
        assert 1 <= int(second.group(1)) <= 3 and int(second.group(2)) == int(first.group(2))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_files_parsed_by_forked_workers_are_remembered_by_the_parent(tmp_path):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    cache = MemoryCache()
    first = load_tree(tree, cache, jobs=2)
    assert len(cache._entries) == len(first.files)
    again = load_tree(tree, cache, jobs=2)  # every file from memory: nothing left for workers
    assert again.documents == first.documents and again.diagnostics == first.diagnostics


def test_jobs_1_builds_a_large_site_without_forking(tmp_path, monkeypatch):
    """serve rebuilds from its watcher thread, while the server's threads run: a fork there could
    leave a worker stuck on a lock another thread held, so its rebuilds never fork."""
    spec = importlib.util.spec_from_file_location("gen_tree", SPECS.parent / "bench" / "gen_tree.py")
    gen_tree = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_tree)
    gen_tree.generate(2500, tmp_path / "tree")  # past both thresholds: a megabyte of YAML, 400 pages

    def no_fork(*args, **kwargs):
        raise AssertionError("forked")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    reuse = Reuse()
    built = build(tmp_path / "tree", tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    assert built.written and reuse.rendered == built.pages > 400
    monkeypatch.setattr(cores, "busy", lambda: 0.0)  # idle cores: a build forks
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda pid: {0, 1})
    with pytest.raises(AssertionError, match="forked"):
        build(tmp_path / "tree", tmp_path / "other", TODAY)


def test_a_rebuild_draws_only_the_charts_whose_goal_moved(tmp_path):
    from goalspec.site.chart import _goal_chart

    tree = shutil.copytree(SPECS, tmp_path / "specs")
    reuse = Reuse()
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    drawn = _goal_chart.cache_info().misses
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    assert _goal_chart.cache_info().misses == drawn  # a description moves no chart
    _edit(tree / "goals" / "sales.yaml", "title: Close 1200 seats", "title: Close 1200 MSP seats")
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    assert _goal_chart.cache_info().misses == drawn + 1  # its title is the chart's label


def test_serve_puts_the_weekly_updates_in_place_after_the_rest(tmp_path):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    reuse = Reuse()
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    assert reuse.later and all(p.startswith(("updates/", "reviews/", "feed.xml")) for p in reuse.later)
    before = _files(tmp_path / "site")
    _edit(tree / "goals" / "company.yaml", "Increase seats sold", "Grow seats sold")
    built = build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1, later_apart=True)
    now = _files(tmp_path / "site")
    # The save is on the goal's page at once; the updates are still the last build's, all of them.
    assert "Grow seats sold" in now["goals/company.msp-seats.html"].decode()
    assert {p: now[p] for p in reuse.later} == {p: before[p] for p in reuse.later}
    build(tree, tmp_path / "fresh", TODAY)
    fresh = _files(tmp_path / "fresh")
    assert [p for p in reuse.later if now[p] != fresh[p]]  # the title is in the weeks' digests too
    assert built.finish is not None and built.finish() >= 1
    assert _files(tmp_path / "site") == fresh


def test_weeks_no_longer_shown_go_when_the_updates_are_put_in_place(tmp_path):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    reuse = Reuse()
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    later = TODAY + timedelta(days=14)  # two Mondays on: two weeks in, two out
    built = build(tree, tmp_path / "site", later, reuse=reuse, jobs=1, later_apart=True)
    built.finish()
    build(tree, tmp_path / "fresh", later)
    site, fresh = _files(tmp_path / "site"), _files(tmp_path / "fresh")
    assert sorted(p for p in site if p.startswith("updates/")) == sorted(p for p in fresh if p.startswith("updates/"))
    assert site == fresh


def test_a_build_without_a_previous_one_makes_everything_at_once(tmp_path):
    built = build(SPECS, tmp_path / "site", TODAY, reuse=Reuse(), jobs=1, later_apart=True)
    assert built.finish is None and (tmp_path / "site" / "feed.xml").is_file()


def test_updates_that_fail_to_be_put_in_place_are_made_anew_next_time(tmp_path, monkeypatch):
    import goalspec.site.build as build_module

    tree = shutil.copytree(SPECS, tmp_path / "specs")
    reuse = Reuse()
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    _edit(tree / "goals" / "company.yaml", "Increase seats sold", "Grow seats sold")
    built = build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1, later_apart=True)
    real, calls = os.replace, []

    def fail_on_the_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(build_module.os, "replace", fail_on_the_second)
    with pytest.raises(OSError):
        built.finish()
    monkeypatch.setattr(build_module.os, "replace", real)
    assert not any(p in reuse.prints for p in reuse.later)  # one file is new, the rest old: trust no print
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1, later_apart=True).finish()
    build(tree, tmp_path / "fresh", TODAY)
    assert _files(tmp_path / "site") == _files(tmp_path / "fresh")


def test_updates_put_in_place_whose_old_weeks_cannot_be_removed_keep_no_fingerprint(tmp_path, monkeypatch):
    import goalspec.site.build as build_module

    tree = shutil.copytree(SPECS, tmp_path / "specs")
    reuse = Reuse()
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    _edit(tree / "goals" / "company.yaml", "Increase seats sold", "Grow seats sold")
    later = TODAY + timedelta(days=14)  # weeks move on: the oldest two are removed after the rest is in place
    built = build(tree, tmp_path / "site", later, reuse=reuse, jobs=1, later_apart=True)
    real = os.unlink
    monkeypatch.setattr(build_module.os, "unlink", lambda path: (_ for _ in ()).throw(PermissionError(13, "denied")))
    with pytest.raises(PermissionError):
        built.finish()
    monkeypatch.setattr(build_module.os, "unlink", real)
    _edit(tree / "goals" / "company.yaml", "Grow seats sold", "Increase seats sold")  # the save is undone
    build(tree, tmp_path / "site", later, reuse=reuse, jobs=1, later_apart=True).finish()
    build(tree, tmp_path / "fresh", later)
    assert _files(tmp_path / "site") == _files(tmp_path / "fresh")


def _broken_links(site: Path) -> set[tuple[str, str]]:
    files = _files(site)
    out = set()
    for path, body in files.items():
        if path.endswith(".html"):
            for href in re.findall(rb'href="([^"#?:]+)', body):
                target = os.path.normpath(os.path.join(os.path.dirname(path), href.decode()))
                if target not in files:
                    out.add((path, target))
    return out


def test_a_removed_goal_stays_until_the_updates_no_longer_link_to_it(tmp_path):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    reuse = Reuse()
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    assert not _broken_links(tmp_path / "site")
    text = (tree / "goals" / "marketing.yaml").read_text()
    (tree / "goals" / "marketing.yaml").write_text(text[:text.index("---")])  # the second goal goes
    built = build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1, later_apart=True, allow_errors=True)
    assert (tmp_path / "site" / "goals" / "marketing.msp-webinars.html").is_file()  # the old reviews link to it
    assert not _broken_links(tmp_path / "site")
    built.finish()
    assert not _broken_links(tmp_path / "site")
    build(tree, tmp_path / "fresh", TODAY, allow_errors=True)
    assert _files(tmp_path / "site") == _files(tmp_path / "fresh")  # and now it is gone


def test_a_goal_in_a_quarter_not_yet_reviewed_makes_the_whole_site_at_once(tmp_path):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    reuse = Reuse()
    build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1)
    _edit(tree / "goals" / "marketing.yaml", "start: 2026-Q4\ndeadline: 2026-Q4", "start: 2026-Q4\ndeadline: 2027-Q1")
    built = build(tree, tmp_path / "site", TODAY, reuse=reuse, jobs=1, later_apart=True, allow_errors=True)
    assert built.finish is None  # its page links to 2027-Q1's review, which only a whole build makes
    assert not _broken_links(tmp_path / "site")
