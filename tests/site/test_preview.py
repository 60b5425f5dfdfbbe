"""serve's site: every page known after a save, each rendered when asked for, byte for byte what a build writes."""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from paths import SPECS

from goalspec.site.build import build
from goalspec.site.preview import Preview
from goalspec.site.templates import TemplateProblem
from goalspec.spec import cores
from goalspec.spec.cache import MemoryCache
from goalspec.spec.load import load_tree

TODAY = date(2027, 1, 15)


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != ".goalspec-site"}


def _served(preview: Preview, goals_first: bool = False) -> dict[str, bytes]:
    """Every file served. ``goals_first``: the goal pages are asked for before any list has made
    its tables, as after a save a browser asks for the saved goal's page first."""
    paths = sorted(list(preview.now.pages) + [f"assets/{name}" for name in preview.now.assets])
    if goals_first:
        paths.sort(key=lambda path: not path.startswith("goals/"))
    return {path: preview.get(path) for path in paths}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def tree(tmp_path) -> Path:
    return shutil.copytree(SPECS, tmp_path / "specs")


def _preview(tree: Path, today: date = TODAY, templates: Path | None = None) -> Preview:
    preview = Preview(tree, lambda: today, templates, cache=MemoryCache())
    assert preview.rebuild() is None  # the first build makes everything at once
    return preview


def test_every_file_is_byte_for_byte_what_a_build_writes(tree, tmp_path):
    preview = _preview(tree)
    build(tree, tmp_path / "site", TODAY)
    assert _served(preview) == _files(tmp_path / "site")
    _edit(tree / "goals" / "company.yaml", "Increase seats sold", "Grow seats sold")
    preview.rebuild()()
    build(tree, tmp_path / "fresh", TODAY)
    assert _served(preview, goals_first=True) == _files(tmp_path / "fresh")


def test_a_save_renders_no_page_until_one_is_asked_for(tree):
    preview = _preview(tree)
    templates = {page.template for page in preview.now.pages.values()}
    assert preview.renders == len(templates)  # each template's first page: a broken one shows at once
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    finish = preview.rebuild()
    finish()
    assert preview.renders == len(templates)
    assert "reviewed weekly with the CFO" in preview.get("goals/sales.msp-seats.html").decode()
    assert preview.renders == len(templates) + 1
    preview.get("goals/sales.msp-seats.html")
    assert preview.renders == len(templates) + 1  # rendered once per save


def test_a_saved_template_is_used_at_once(tree, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    preview = _preview(tree, templates=templates)
    (templates / "404.html").write_text("{% extends 'base.html' %}{% block main %}<h1>Lost</h1>{% endblock %}")
    assert preview.rebuild() is None  # a template saved: built whole
    assert b"<h1>Lost</h1>" in preview.get("404.html")


def test_a_broken_template_fails_every_rebuild_until_it_is_mended(tree, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    preview = _preview(tree, templates=templates)
    shown = preview.now
    (templates / "team.html").write_text("{% extends 'base.html' %}{% block main %}\n{{ nope }}{% endblock %}")
    for _ in range(2):  # the second rebuild sees no newer template, yet must not take the broken one
        with pytest.raises(TemplateProblem, match="team.html:2: 'nope' is undefined"):
            preview.rebuild()
        assert preview.now is shown
    (templates / "team.html").unlink()  # the templates are those of the pages shown again
    preview.rebuild()
    assert preview.now is not shown and b"nope" not in preview.get("teams/sales.html")


def test_a_page_its_template_fails_on_says_so_when_asked_for(tree, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "goal.html").write_text("{% extends 'base.html' %}{% block main %}\n"
                                         "{% if goal.id == 'sales.msp-seats' %}{{ nope }}{% endif %}{% endblock %}")
    preview = _preview(tree, templates=templates)  # the first goal page renders
    with pytest.raises(TemplateProblem, match="goal.html:2: 'nope' is undefined"):
        preview.get("goals/sales.msp-seats.html")


def test_the_memory_cache_forgets_versions_no_longer_in_the_tree(tree):
    cache = MemoryCache()
    load_tree(tree, cache)
    cache.keep_used()
    before = len(cache._entries)
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    load_tree(tree, cache)
    assert len(cache._entries) == before + 1  # the new version beside the old, until the rebuild is done
    cache.keep_used()
    assert len(cache._entries) == before


def test_files_parsed_by_forked_workers_are_remembered_by_the_parent(tree):
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
    built = build(tmp_path / "tree", tmp_path / "site", TODAY, jobs=1)
    assert built.written and built.pages > 400
    preview = Preview(tmp_path / "tree", lambda: TODAY, cache=MemoryCache())
    preview.rebuild(1)
    assert len(preview.now.pages) == built.pages
    monkeypatch.setattr(cores, "busy", lambda: 0.0)  # idle cores: a build forks
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda pid: {0, 1})
    with pytest.raises(AssertionError, match="forked"):
        build(tmp_path / "tree", tmp_path / "other", TODAY)


def test_a_rebuild_draws_only_the_charts_whose_goal_moved(tree):
    from goalspec.site.chart import _goal_chart

    preview = _preview(tree)
    page = "goals/sales.msp-seats.html"
    preview.get(page)
    drawn = _goal_chart.cache_info().misses
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    preview.rebuild()()
    preview.get(page)
    assert _goal_chart.cache_info().misses == drawn  # a description moves no chart
    _edit(tree / "goals" / "sales.yaml", "title: Close 1200 seats", "title: Close 1200 MSP seats")
    preview.rebuild()()
    preview.get(page)
    assert _goal_chart.cache_info().misses == drawn + 1  # its title is the chart's label


def test_the_weekly_updates_come_after_the_rest(tree, tmp_path):
    preview = _preview(tree)
    later = preview.now.later
    assert later and all(p.startswith(("updates/", "reviews/", "feed.xml")) for p in later)
    before = _served(preview)
    _edit(tree / "goals" / "company.yaml", "Increase seats sold", "Grow seats sold")
    finish = preview.rebuild()
    now = _served(preview)
    # The save is on the goal's page at once; the updates are still the last build's, all of them.
    assert "Grow seats sold" in now["goals/company.msp-seats.html"].decode()
    assert {p: now[p] for p in later} == {p: before[p] for p in later}
    build(tree, tmp_path / "fresh", TODAY)
    fresh = _files(tmp_path / "fresh")
    assert [p for p in later if now[p] != fresh[p]]  # the title is in the weeks' digests too
    assert finish is not None and finish() >= 1
    assert _served(preview) == fresh


def test_weeks_no_longer_shown_go_when_the_updates_are_made_anew(tree, tmp_path):
    day = [TODAY]
    preview = Preview(tree, lambda: day[0], cache=MemoryCache())
    preview.rebuild()
    day[0] = TODAY + timedelta(days=14)  # two Mondays on: two weeks in, two out
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    preview.rebuild()()
    build(tree, tmp_path / "fresh", day[0])
    assert _served(preview) == _files(tmp_path / "fresh")


def test_updates_that_fail_to_be_made_leave_the_previous_ones(tree, tmp_path, monkeypatch):
    import goalspec.site.build as build_module

    preview = _preview(tree)
    before = _served(preview)
    _edit(tree / "goals" / "company.yaml", "Increase seats sold", "Grow seats sold")
    real = build_module.update_pages
    monkeypatch.setattr(build_module, "update_pages", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "full")))
    finish = preview.rebuild()
    with pytest.raises(OSError):
        finish()
    now = _served(preview)
    assert {p: now[p] for p in preview.now.later} == {p: before[p] for p in preview.now.later}
    monkeypatch.setattr(build_module, "update_pages", real)
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    preview.rebuild()()
    build(tree, tmp_path / "fresh", TODAY)
    assert _served(preview) == _files(tmp_path / "fresh")


def _broken_links(files: dict[str, bytes]) -> set[tuple[str, str]]:
    out = set()
    for path, body in files.items():
        if path.endswith(".html"):
            for href in re.findall(rb'href="([^"#?:]+)', body):
                target = os.path.normpath(os.path.join(os.path.dirname(path), href.decode()))
                if target not in files:
                    out.add((path, target))
    return out


def test_a_removed_goal_stays_until_the_updates_no_longer_link_to_it(tree, tmp_path):
    preview = _preview(tree)
    assert not _broken_links(_served(preview))
    text = (tree / "goals" / "marketing.yaml").read_text()
    (tree / "goals" / "marketing.yaml").write_text(text[:text.index("---")])  # the second goal goes
    finish = preview.rebuild()
    assert "goals/marketing.msp-webinars.html" in preview.now.pages  # the old reviews link to it
    assert not _broken_links(_served(preview))
    finish()
    assert not _broken_links(_served(preview))
    build(tree, tmp_path / "fresh", TODAY, allow_errors=True)
    assert _served(preview) == _files(tmp_path / "fresh")  # and now it is gone


def test_a_goal_in_a_quarter_not_yet_reviewed_makes_the_whole_site_at_once(tree):
    preview = _preview(tree)
    _edit(tree / "goals" / "marketing.yaml", "start: 2026-Q4\ndeadline: 2026-Q4", "start: 2026-Q4\ndeadline: 2027-Q1")
    assert preview.rebuild() is None  # its page links to 2027-Q1's review, which the previous pages lack
    assert not _broken_links(_served(preview))


def test_a_goal_s_page_is_made_without_the_other_pages_data(tree, monkeypatch):
    from goalspec.site.contexts import Contexts

    preview = _preview(tree)
    made = []
    real = Contexts.goal
    monkeypatch.setattr(Contexts, "goal", lambda self, gid: made.append(gid) or real(self, gid))
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    preview.rebuild()
    assert made == []  # the save made no page's data
    preview.get("goals/sales.msp-seats.html")
    assert made == ["sales.msp-seats"]  # its own goal's summary, not every goal's
    preview.get("index.html")
    assert sorted(made) == sorted(["sales.msp-seats", *tree_goals(preview)])  # every goal's, for the lists


def tree_goals(preview: Preview) -> list[str]:
    return sorted(preview.now.result.project.goals)


def test_updates_stopped_by_a_new_save_leave_the_pages_shown_as_they_were(tree, tmp_path):
    from goalspec.report.weeks import Stopped

    preview = _preview(tree)
    _edit(tree / "goals" / "company.yaml", "Increase seats sold", "Grow seats sold")
    finish = preview.rebuild()
    shown = preview.now
    asked = []

    def stop():  # the third time it is asked, the tree was saved again
        asked.append(1)
        return len(asked) == 3

    with pytest.raises(Stopped):
        finish(stop=stop)
    assert len(asked) == 3 and preview.now is shown  # the previous updates stay, all of them
    assert not _broken_links(_served(preview))
    _edit(tree / "goals" / "sales.yaml", "reviewed weekly with the CEO", "reviewed weekly with the CFO")
    preview.rebuild()(stop=lambda: False)
    build(tree, tmp_path / "fresh", TODAY)
    assert _served(preview) == _files(tmp_path / "fresh")
