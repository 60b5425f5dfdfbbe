"""The site's weekly updates: a page per week from git history, their index, and the Atom feed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from goalspec.check import run
from goalspec.report import weeks as weeks_module
from goalspec.report.weeks import WEEKS, mondays, weekly
from goalspec.site.build import build
from goalspec.site.updates import update_pages
from gitrepo import Repo, isolated_git  # noqa: F401 (fixture)
from revisions import FIRST, SEATS, SECOND, seats_note
from trees import BASE, write_tree

TODAY = date(2026, 8, 15)  # a Saturday: the newest week ends on Monday 2026-08-10
NOTE = seats_note("2026-07-16")


@pytest.fixture
def repo(tmp_path) -> Repo:
    """The tree committed on 2026-07-01; re-parented, its target lowered and a check-in with a note
    added on 2026-07-15 (in the week to Monday 2026-07-20)."""
    r = Repo(tmp_path / "repo")
    r.commit("first", {**FIRST, "specs/checkins/seats.yaml": SEATS})
    r.day = 14
    r.commit("second", {**SECOND, "specs/checkins/seats.yaml": SEATS + NOTE})
    return r


@pytest.fixture
def site(repo, tmp_path) -> Path:
    built = build(repo.path / "specs", tmp_path / "site", TODAY, allow_errors=True)
    assert built.written
    return tmp_path / "site"


def test_mondays_end_the_weeks_newest_first():
    assert mondays(date(2026, 8, 15), 3) == [date(2026, 8, 10), date(2026, 8, 3), date(2026, 7, 27)]
    assert mondays(date(2026, 8, 10), 1) == [date(2026, 8, 10)]  # a Monday's own week
    assert len(mondays(TODAY)) == WEEKS


def test_a_page_per_week_since_the_tree_was_committed(site):
    pages = sorted(p.name for p in (site / "updates").glob("2026-*.html"))
    # 2026-06-29 is before the first commit: no page
    assert pages == [f"{d.isoformat()}.html" for d in sorted(mondays(TODAY, 6))]
    week = (site / "updates" / "2026-07-20.html").read_text()
    assert "<h1>Week to 2026-07-20</h1>" in week
    assert "Re-parented" in week and "Targets and deadlines moved" in week
    assert "Two &lt;big&gt; deals slipped" in week  # the check-in's note, escaped
    quiet = (site / "updates" / "2026-07-27.html").read_text()
    assert "Re-parented" not in quiet and "Nothing: no status, check-in or goal changed." in quiet


def test_the_index_lists_the_weeks_newest_first_and_links_the_feed(site):
    index = (site / "updates" / "index.html").read_text()
    days = re.findall(r'href="\.\./updates/(2026-\d\d-\d\d)\.html"', index)
    assert days == [d.isoformat() for d in mondays(TODAY, 6)]
    assert 'href="../feed.xml"' in index


def test_every_page_links_the_feed_from_its_head_and_the_nav(site):
    for page in [site / "index.html", site / "goals" / "company.q3.html", site / "updates" / "2026-08-10.html"]:
        text = page.read_text()
        head = text.split("</head>")[0]
        assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="(\.\./)?feed\.xml">', head)
        nav = text.split('<nav aria-label="Site">')[1].split("</nav>")[0]
        assert "feed.xml" in nav and "updates/index.html" in nav


def test_the_feed_parses_and_every_entry_links_to_a_page(site):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Acme goals: weekly updates"
    assert len(feed.entries) == 6
    base = (site / "feed.xml").as_uri()
    ids = set()
    for entry in feed.entries:
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entry.id)
        ids.add(entry.id)
        target = urljoin(base, entry.link)  # relative: resolved against the feed's own address
        assert target.startswith("file://") and Path(target[len("file://"):]).is_file(), entry.link
        assert entry.updated.endswith("T00:00:00Z") and entry.updated[:10] in entry.link
        assert "Where" not in entry.summary and "needing attention" in entry.summary
        assert "Company goal" in entry.content[0].value  # the week's digest, as HTML
    assert len(ids) == 6
    assert [e.updated[:10] for e in feed.entries] == [d.isoformat() for d in mondays(TODAY, 6)]
    assert feed.feed.updated == "2026-08-10T00:00:00Z"


def test_two_builds_write_the_same_bytes(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1786000000")
    for name in ("a", "b"):
        assert build(repo.path / "specs", tmp_path / name, TODAY, allow_errors=True).written
    for rel in ["feed.xml", "updates/index.html", "updates/2026-07-20.html", "reviews/index.html"]:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_ids_stay_with_the_week_and_links_are_absolute_under_a_base_url(repo, tmp_path):
    org = (repo.path / "specs" / "goalspec.yaml").read_text() + "site:\n  title: Acme goals\n  base_url: https://goals.example.com/acme/\n"
    repo.commit("base url", {"specs/goalspec.yaml": org})
    assert build(repo.path / "specs", tmp_path / "site", TODAY, allow_errors=True).written
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert not feed.bozo
    links = [e.link for e in feed.entries]
    assert links[0] == "https://goals.example.com/acme/updates/2026-08-10.html"
    assert all(link.startswith("https://goals.example.com/acme/updates/") for link in links)
    # a week's id depends on the site and the week only: the same in a later build
    later = build(repo.path / "specs", tmp_path / "later", date(2026, 8, 17), allow_errors=True)
    assert later.written
    again = {e.link: e.id for e in feedparser.parse((tmp_path / "later" / "feed.xml").read_bytes()).entries}
    assert all(again[e.link] == e.id for e in feed.entries if e.link in again)


def test_source_date_epoch_dates_a_feed_without_weeks(repo, tmp_path):
    r = Repo(tmp_path / "young")
    r.day = 44  # first commit on 2026-08-13, after the last Monday
    r.commit("first", {**FIRST})
    result = run(r.path / "specs", TODAY)
    site = {"name": "Acme", "title": "Acme goals", "base_url": None, "version": "x"}
    pages = {p.path: p for p in update_pages(result, r.path / "specs", site, environ={"SOURCE_DATE_EPOCH": "1786000000"})}
    assert list(pages) == ["updates/index.html", "feed.xml"]
    assert pages["feed.xml"].context["updated"] == "2026-08-06T07:06:40Z"
    assert pages["feed.xml"].context["weeks"] == []
    without = {p.path: p for p in update_pages(result, r.path / "specs", site, environ={})}
    assert without["feed.xml"].context["updated"] == "2026-08-15T00:00:00Z"


def test_a_tree_outside_git_has_weeks_from_its_values(tmp_path):
    checkins = """apiVersion: goalspec/v1
kind: CheckIn
kpi: seats
by: ana
values:
  2026-07-16: 300
  2026-08-03: 700
"""
    tree = write_tree(tmp_path / "tree", {**BASE, "checkins.yaml": checkins})
    result = run(tree, TODAY)
    found = weekly(result, tree)
    # from the week holding the oldest value (Thursday 2026-07-16: the week to Monday 2026-07-20) to the newest
    assert [w.day for w in found] == [date(2026, 8, 10), date(2026, 8, 3), date(2026, 7, 27), date(2026, 7, 20)]
    by_day = {w.day: w.digest for w in found}
    assert [n.value for n in by_day[date(2026, 8, 3)].checkins] == [700]  # only what is dated in the week
    assert [n.value for n in by_day[date(2026, 7, 20)].checkins] == [300]
    assert by_day[date(2026, 7, 20)].data_last_updated == date(2026, 7, 16)  # later values are not news yet
    assert all(w.digest.baseline is None and not w.digest.changes or
               all(c.kind == "status" for c in w.digest.changes) for w in found)
    assert build(tree, tmp_path / "site", TODAY).written
    assert (tmp_path / "site" / "updates" / "2026-07-20.html").is_file()


def test_a_tree_is_loaded_once_per_distinct_content(repo, monkeypatch):
    loads = []
    real = weeks_module.load_at
    monkeypatch.setattr(weeks_module, "load_at", lambda *args: loads.append(args[1]) or real(*args))
    repo.commit("not about the specs", {"README.md": "hello\n"})  # a new commit, the same spec tree
    result = run(repo.path / "specs", TODAY)
    found = weekly(result, repo.path / "specs")
    assert len(found) == 6
    # the tree as built serves every week since 2026-07-15 without a load; the first commit's tree is
    # loaded once for its two weeks
    assert len(loads) == 1


def test_the_weekly_digest_is_the_digest_command(repo):
    from goalspec.report.digest import build as digest_build
    from goalspec.report.digest_text import as_json

    result = run(repo.path / "specs", TODAY)
    # `digest --today DAY` reads the tree as it is now: the same as the week's when nothing was
    # committed since that Monday (the weeks since the second commit, on 2026-07-15)
    recent = [w for w in weekly(result, repo.path / "specs") if w.day >= date(2026, 7, 15)]
    assert len(recent) == 4
    for w in recent:
        assert as_json(w.digest) == as_json(digest_build(repo.path / "specs", w.day, w.digest.since)), w.day


def test_a_past_tree_of_check_ins_is_read_from_git_objects(tmp_path, monkeypatch):
    r = Repo(tmp_path / "plain")
    first = "apiVersion: goalspec/v1\nkind: CheckIn\nkpi: seats\nby: ana\nvalues:\n  2026-07-06: 300\n"
    r.commit("first", {f"specs/{k}": v for k, v in {**BASE, "checkins.yaml": first}.items()})
    r.day = 14
    r.commit("second", {"specs/checkins.yaml": first + "  2026-07-13: 500\n"})

    def no_copy(*args):
        raise AssertionError("a tree whose KPIs read no file is not written out")

    monkeypatch.setattr(weeks_module, "tree_at", no_copy)
    found = {w.day: w.digest for w in weekly(run(r.path / "specs", TODAY), r.path / "specs")}
    assert [n.value for n in found[date(2026, 7, 6)].checkins] == [300]
    # the week to 2026-07-13 is the first commit's: the value dated 07-13 was only committed on 07-15,
    # so it is news in the week it was committed in
    assert [n.value for n in found[date(2026, 7, 13)].checkins] == []
    assert [n.value for n in found[date(2026, 7, 20)].checkins] == [500]


def test_a_broken_update_template_is_reported_from_the_worker_that_made_the_weeks(repo, tmp_path):
    from goalspec.site.output import environment, write
    from goalspec.site.render import pages
    from goalspec.site.templates import TemplateProblem

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "update.html").write_text('{% extends "base.html" %}{% block main %}\n{{ week.nope }}{% endblock %}')
    result = run(repo.path / "specs", TODAY, remote_data=True)
    site_pages = pages(result)
    site = site_pages[0].context["site"]
    for jobs in (1, 2):  # made and rendered in the parent, or in a forked worker: the same report
        with pytest.raises(TemplateProblem) as caught:
            write(site_pages, environment(tmp_path / "templates"), tmp_path / f"jobs{jobs}", jobs=jobs,
                  later=lambda: update_pages(result, repo.path / "specs", site))
        assert str(caught.value) == f"{tmp_path}/templates/update.html:2: 'dict object' has no attribute 'nope'"
    written = write(site_pages, environment(None), tmp_path / "ok", jobs=2,
                    later=lambda: update_pages(result, repo.path / "specs", site))
    assert written == len(site_pages) + 6 + 2
    assert (tmp_path / "ok" / "updates" / "2026-08-10.html").is_file() and (tmp_path / "ok" / "feed.xml").is_file()


def test_serve_keeps_the_weeks_of_past_commits_from_one_save_to_the_next(repo, tmp_path, monkeypatch):
    from goalspec.site.preview import Preview
    from goalspec.spec.cache import MemoryCache

    made = []
    real = weeks_module.digest
    monkeypatch.setattr(weeks_module, "digest", lambda *a, **k: made.append(a[2]) or real(*a, **k))
    specs = repo.path / "specs"
    preview = Preview(specs, lambda: TODAY, cache=MemoryCache())
    preview.rebuild()
    assert len(made) == 6 and len(preview.weeks) == 2  # the weeks to 07-06 and 07-13 are the first commit's alone
    made.clear()
    seats = specs / "checkins" / "seats.yaml"
    seats.write_text(seats.read_text().replace("Two <big> deals", "Three <big> deals"))  # a save, not committed
    preview.rebuild()()
    assert len(made) == 4  # the weeks that read the tree as it is now
    build(specs, tmp_path / "fresh", TODAY, allow_errors=True)
    fresh = {p.relative_to(tmp_path / "fresh").as_posix(): p.read_bytes()
             for p in sorted((tmp_path / "fresh").rglob("*")) if p.is_file() and p.name != ".goalspec-site"}
    assert {path: preview.get(path) for path in fresh} == fresh
    repo.commit("third")  # a new commit: the weeks it begins are remade, the older ones kept
    made.clear()
    preview.rebuild()()
    assert len(made) == 4 and len(preview.weeks) == 2


def test_weeks_stopped_by_a_new_save_keep_nothing_half_made(repo, tmp_path):
    from goalspec.report.weeks import Stopped

    result = run(repo.path / "specs", TODAY, remote_data=True)
    steps = []
    weekly(result, repo.path / "specs", memo={}, stop=lambda: steps.append(1) or False)
    memo: dict = {}
    asked = []

    def stop():  # at the last step: every week but the oldest is made when it says stop
        asked.append(1)
        return len(asked) == len(steps)

    with pytest.raises(Stopped):
        weekly(result, repo.path / "specs", memo=memo, stop=stop)
    assert memo == {}  # a week made before the stop is not kept: the next call makes them all
    assert len(weekly(result, repo.path / "specs", memo=memo)) == len(weekly(result, repo.path / "specs"))
    assert len(memo) == 2


def test_weeks_are_made_one_at_a_time(repo, monkeypatch):
    """A week's digest holds a row per goal: the weeks come one at a time, each week's rows made
    when it is reached, so the site's pages never hold more than two weeks' rows at once."""
    from goalspec.report import weeks

    result = run(repo.path / "specs", TODAY, remote_data=True)
    made, measured = [], []
    real, on = weeks.rows, weeks._Prepared.on
    monkeypatch.setattr(weeks, "rows", lambda state: made.append(state) or real(state))
    monkeypatch.setattr(weeks._Prepared, "on", lambda self, day: measured.append(day) or on(self, day))
    every = weeks.all_progress  # a tree that counts leads: its days are measured one by one, as here
    monkeypatch.setattr(weeks, "all_progress", lambda project, data, day: measured.append(day) or every(project, data, day))
    found = weeks.each_week(result, repo.path / "specs")
    first = next(found)
    assert len(made) == 2  # that week and the one before it
    assert len(measured) == 2  # nor is any other day's progress worked out yet
    rest = list(found)
    assert rest and len(made) <= len(rest) + 2  # each day once (the oldest week may have none before it)
    assert [first, *rest] == weekly(result, repo.path / "specs")
