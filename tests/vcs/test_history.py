"""Each goal's history from git (vcs/history.py) and the History section of the site's goal pages."""

import filecmp
from pathlib import Path

import pytest
from click.testing import CliRunner

import goalspec.vcs.history
from goalspec.cli import main
from goalspec.vcs.history import history, site_history
from gitrepo import Repo, git, isolated_git  # noqa: F401 (fixture)
from revisions import CALLS, COMPANY_Q3, COMPANY_Q4, FIRST, SALES_OLD, SALES_Q3
from trees import BASE, write_tree

TREE = FIRST | {"specs/data/leads.csv": "seats,segment,booked_on\n120,msp,2026-07-01\n"}
TODAY = "2026-08-01"


@pytest.fixture
def repo(tmp_path) -> Repo:
    """Eight commits: an edit, a file rename, a goal moved out of a file, a branch merged,
    a goal deleted and brought back."""
    r = Repo(tmp_path / "repo")
    r.commit("First goals", TREE)
    cut = SALES_Q3.replace("{value: 900}", "{value: 800}").replace("Close 900", "Close 800")
    r.commit("Cut the sales target", {"specs/goals/sales.yaml": cut + "---\n" + SALES_OLD})
    r("mv", "specs/goals/sales.yaml", "specs/goals/team-sales.yaml")
    r.commit("Rename the sales file", author="Ben Builder")
    r.commit("Give Q4 its own file", {"specs/goals/company.yaml": COMPANY_Q3, "specs/goals/q4.yaml": COMPANY_Q4})
    r("checkout", "-q", "-b", "feature")
    r.commit("Retitle the calls goal", {"specs/goals/marketing.yaml": CALLS.replace("Book 120 calls", "Book 120 qualified calls")})
    r("checkout", "-q", "main")
    r.commit("Drop the legacy goal", {"specs/goals/team-sales.yaml": cut})
    r("merge", "-q", "--no-edit", "feature")
    r.commit("Bring the legacy goal back", {"specs/goals/legacy.yaml": SALES_OLD})
    return r


def events(found, gid):
    return [(e.commit.subject, e.change.status, e.change.from_file, e.change.file, [c.text for c in e.change.changes])
            for e in found.get(("Goal", gid), ())]


def test_each_goal_lists_the_commits_that_changed_it_newest_first(repo):
    found = history(repo.path / "specs")
    assert events(found, "sales.q3") == [
        ("Rename the sales file", "moved", "goals/sales.yaml", "goals/team-sales.yaml", []),
        ("Cut the sales target", "changed", None, "goals/sales.yaml",
         ['title "Close 900 seats by the end of Q3" → "Close 800 seats by the end of Q3"', "target 900 → 800 (−11.1%)"]),
        ("First goals", "added", None, "goals/sales.yaml", []),
    ]
    assert events(found, "company.q4") == [
        ("Give Q4 its own file", "moved", "goals/company.yaml", "goals/q4.yaml", []),
        ("First goals", "added", None, "goals/company.yaml", []),
    ]
    # The merge commit adds nothing of its own: the change shows at the branch's commit.
    assert [e[0] for e in events(found, "marketing.calls")] == ["Retitle the calls goal", "First goals"]
    assert [(e[0], e[1]) for e in events(found, "sales.old")] == [
        ("Bring the legacy goal back", "added"), ("Drop the legacy goal", "removed"),
        ("Rename the sales file", "moved"), ("First goals", "added")]
    assert ("Goal", "company.q3") in found and all(k[0] == "Goal" for k in found)


def test_commits_carry_date_author_and_hash(repo):
    (first, *_) = reversed(history(repo.path / "specs")[("Goal", "sales.q3")])
    rename = history(repo.path / "specs")[("Goal", "sales.q3")][0]
    assert first.commit.date == "2026-07-01" and first.commit.author == "Ana Author"
    assert rename.commit.author == "Ben Builder" and rename.commit.date == "2026-07-03"
    assert rename.commit.sha == repo("rev-parse", "HEAD~4").strip()


def test_history_up_to_a_revision(repo):
    found = history(repo.path / "specs", "HEAD~5")  # after the cut, before the rename
    assert [e[0] for e in events(found, "sales.q3")] == ["Cut the sales target", "First goals"]


def test_units_come_from_the_lookup(repo):
    texts = site_history(repo.path / "specs", "HEAD", _project(repo.path / "specs"))["sales.q3"][1]["changes"]
    assert "target 900 → 800 seats (−11.1%)" in texts


def _project(tree: Path):
    from goalspec.spec.load import load_tree
    from goalspec.spec.validate import validate

    return validate(load_tree(tree), frozenset())[0]


def test_only_the_files_each_commit_touched_are_read(tmp_path, monkeypatch):
    r = Repo(tmp_path / "r")
    r.commit("first", TREE)
    for n in range(10):
        r.commit(f"step {n}", {"specs/goals/marketing.yaml": CALLS.replace("{value: 120}", f"{{value: {121 + n}}}")})
    parsed = []
    real = goalspec.vcs.history.load_bytes
    monkeypatch.setattr(goalspec.vcs.history, "load_bytes", lambda raw, rel, cache=None: parsed.append(raw) or real(raw, rel, cache))
    found = history(r.path / "specs")
    spec_files = sum(1 for p in (r.path / "specs").rglob("*.yaml"))
    # Each distinct content once: the first commit's files, then one new marketing file per commit.
    assert len(parsed) == len(set(parsed)) == spec_files + 10
    assert len(found[("Goal", "marketing.calls")]) == 11


def test_shallow_clones_do_not_pretend_goals_were_added(repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone))
    found = history(clone / "specs")
    assert [(e[0], e[1]) for e in events(found, "sales.old")] == [("Bring the legacy goal back", "added")]
    assert events(found, "sales.q3") == []


def test_outside_git_there_is_no_history(tmp_path):
    write_tree(tmp_path / "specs", BASE)
    assert site_history(tmp_path / "specs", "HEAD", _project(tmp_path / "specs")) == {}
    empty = Repo(tmp_path / "empty")  # a repository without a commit
    write_tree(empty.path / "specs", BASE)
    assert site_history(empty.path / "specs", "HEAD", _project(empty.path / "specs")) == {}


# the site --------------------------------------------------------------------------------

def build(tree: Path, out: Path, *extra: str) -> None:
    result = CliRunner().invoke(main, ["build", str(tree), "-o", str(out), "--today", TODAY, *extra])
    assert result.exit_code == 0, result.output


def test_goal_pages_show_history_and_builds_are_byte_identical(repo, tmp_path):
    build(repo.path / "specs", tmp_path / "a")
    build(repo.path / "specs", tmp_path / "b")
    page = (tmp_path / "a" / "goals" / "sales.q3.html").read_text()
    section = page[page.index('<h2 id="history">'):page.index("</section>", page.index('<h2 id="history">'))]
    assert section.index("Rename the sales file") < section.index("Cut the sales target") < section.index("First goals")
    assert "moved from <code>goals/sales.yaml</code> to <code>goals/team-sales.yaml</code>" in section
    assert "target 900 → 800 seats (−11.1%)" in section and "Ben Builder" in section
    assert '<time datetime="2026-07-01">2026-07-01</time>' in section
    compared = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert not compared.diff_files and not compared.left_only and not compared.right_only
    for sub in compared.subdirs.values():
        assert not sub.diff_files


def test_no_history_flag_and_trees_outside_git(repo, tmp_path):
    build(repo.path / "specs", tmp_path / "site", "--no-history")
    assert 'id="history"' not in (tmp_path / "site" / "goals" / "sales.q3.html").read_text()
    plain = write_tree(tmp_path / "plain", BASE)
    build(plain, tmp_path / "plain-site")
    page = (tmp_path / "plain-site" / "goals" / "sales.q3.html").read_text()
    assert "<h1>Close 1100 seats by the end of Q3</h1>" in page and 'id="history"' not in page
