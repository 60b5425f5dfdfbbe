"""Reading a spec tree at a git revision (vcs/revision.py) and `--rev` on check, status and build."""

import json
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.vcs.revision import (
    RevisionError, blobs, default_branch, entries, is_spec, load_at, locate, merge_base, resolve, tree_at,
)
from gitrepo import Repo, git, isolated_git  # noqa: F401 (fixture)
from trees import BASE, GOALS, KPIS

CSV_KPIS = KPIS + """---
apiVersion: goalspec/v1
kind: KPI
id: calls
name: Calls booked
unit: calls
direction: increase
aggregation: sum
owner: cleo
cadence: monthly
source: {type: csv, path: data/calls.csv, date_column: day, value_column: calls}
"""
CALLS_GOAL = """---
apiVersion: goalspec/v1
kind: Goal
id: marketing.calls
title: Book 120 calls by the end of Q3
owner: cleo
team: marketing
parent: company.q3
kpi: calls
target: {value: 120}
deadline: 2026-Q3
"""


def tree_files(**extra) -> dict[str, str]:
    return {f"specs/{rel}": text for rel, text in {**BASE, **extra}.items()}


@pytest.fixture
def repo(tmp_path) -> Repo:
    r = Repo(tmp_path / "repo")
    r.commit("first goals", {**tree_files(), "README.md": "goals\n"})
    return r


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_locate_finds_the_top_and_the_tree_inside_it(repo):
    found = locate(repo.path / "specs")
    assert found.top == repo.path.resolve() and found.prefix == "specs"
    assert locate(repo.path).prefix == ""
    # A tree that is gone from the working tree is still located (it may exist at a revision).
    assert locate(repo.path / "old" / "specs").prefix == "old/specs"


def test_not_a_repository_and_bad_revisions_are_revision_errors(tmp_path, repo):
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(RevisionError, match="not in a git repository"):
        locate(plain)
    r = locate(repo.path / "specs")
    for bad in ("no-such-branch", "--all", "", "HEAD~5"):
        with pytest.raises(RevisionError):
            resolve(r, bad)
    assert resolve(r, "HEAD") == repo.head() == resolve(r, repo.head()[:8])


def test_entries_and_blobs_read_the_commit_not_the_working_tree(repo):
    first = repo.head()
    repo.commit("more goals", {"specs/goals.yaml": GOALS + CALLS_GOAL, "specs/kpis.yaml": CSV_KPIS,
                               "specs/data/calls.csv": "day,calls\n2026-07-03,10\n"})
    (repo.path / "specs" / "goals.yaml").write_text("edited: but not committed\n")
    r = locate(repo.path / "specs")
    old = {e.path for e in entries(r, first)}
    new = entries(r, repo.head())
    assert old == {"goalspec.yaml", "teams.yaml", "kpis.yaml", "goals.yaml"}
    assert [e.path for e in new] == sorted(old | {"data/calls.csv"})
    content = blobs(r, [e.sha for e in new])
    by_path = {e.path: content[e.sha].decode() for e in new}
    assert "marketing.calls" in by_path["goals.yaml"] and "edited" not in by_path["goals.yaml"]


def test_load_at_reads_only_spec_files_with_tree_relative_paths(repo):
    repo.commit("odd files", {"specs/.hidden/x.yaml": "not: read\n", "specs/notes.txt": "x\n",
                              "specs/sub dir/é.yml": GOALS.split("---\n")[0].replace("company.q3", "company.other")})
    loaded = load_at(locate(repo.path / "specs"), repo.head(), repo.path / "specs")
    assert [f.path for f in loaded.files] == ["goals.yaml", "goalspec.yaml", "kpis.yaml", "sub dir/é.yml", "teams.yaml"]
    assert all(not d.file.startswith(("specs/", "/")) for d in loaded.documents)


def test_is_spec_matches_what_discover_reads():
    assert is_spec("goals/a.yaml") and is_spec("b.yml")
    assert not is_spec(".github/workflow.yaml") and not is_spec("a/.x.yaml") and not is_spec("data/x.csv")


def test_symlinks_are_never_followed(repo, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("apiVersion: goalspec/v1\nkind: Team\nid: secret\nname: S\nlead: ana\n")
    os.symlink(secret, repo.path / "specs" / "link.yaml")
    repo.commit("a symlink")
    r = locate(repo.path / "specs")
    assert "link.yaml" not in {e.path for e in entries(r, repo.head())}
    with tree_at(repo.path / "specs", "HEAD") as (folder, _):
        assert not (folder / "link.yaml").exists()


def test_tree_at_holds_data_files_and_is_removed_afterwards(repo):
    repo.commit("calls", {"specs/goals.yaml": GOALS + CALLS_GOAL, "specs/kpis.yaml": CSV_KPIS,
                          "specs/data/calls.csv": "day,calls\n2026-07-03,10\n"})
    with tree_at(repo.path / "specs", "HEAD") as (folder, commit):
        assert commit == repo.head()
        assert (folder / "data" / "calls.csv").read_text() == "day,calls\n2026-07-03,10\n"
        assert not (folder / "README.md").exists()  # outside the tree
    assert not folder.exists()
    with pytest.raises(RevisionError, match="no spec tree"):
        with tree_at(repo.path / "elsewhere", "HEAD"):
            pass


def test_default_branch_prefers_origin_head_then_main_then_master(tmp_path):
    r = Repo(tmp_path / "m", branch="master")
    r.commit("one", tree_files())
    assert default_branch(locate(r.path)) == "master"
    r("branch", "main")
    assert default_branch(locate(r.path)) == "main"
    r("update-ref", "refs/remotes/origin/trunk", "HEAD")
    r("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert default_branch(locate(r.path)) == "origin/HEAD"
    lonely = Repo(tmp_path / "l", branch="trunk")
    lonely.commit("one", tree_files())
    assert default_branch(locate(lonely.path)) is None


def test_merge_base_is_where_a_branch_left_main(repo):
    fork = repo.head()
    repo("checkout", "-q", "-b", "feature")
    repo.commit("on the branch", {"specs/goals.yaml": GOALS.replace("900", "950")})
    repo("checkout", "-q", "main")
    repo.commit("on main", {"README.md": "more\n"})
    assert merge_base(locate(repo.path), "feature", "main") == fork


# --rev on the commands ---------------------------------------------------------------------

BROKEN = GOALS.replace("owner: ben", "owner: nobody")


def test_check_rev_reads_the_revision_and_names_files_in_the_tree(repo, monkeypatch):
    broken = repo.commit("break an owner", {"specs/goals.yaml": BROKEN})
    repo.commit("fix it", {"specs/goals.yaml": GOALS})
    (repo.path / "specs" / "goals.yaml").write_text(GOALS.replace("kpi: seats", "kpi: nope"))  # uncommitted
    monkeypatch.chdir(repo.path)
    before = repo.state()
    copies = set(Path(tempfile.gettempdir()).glob("goalspec-rev-*"))
    at_broken = invoke("check", "specs", "--rev", broken[:10], "--today", "2026-08-01")
    assert at_broken.exit_code == 1
    assert "specs/goals.yaml:14:8: GS405 error" in at_broken.output and "nope" not in at_broken.output
    as_json = json.loads(invoke("check", "specs", "--rev", "HEAD~1", "--today", "2026-08-01", "--format", "json").output)
    assert [(d["code"], d["file"]) for d in as_json["diagnostics"]] == [("GS405", "goals.yaml")]
    assert invoke("check", "specs", "--rev", "HEAD", "--today", "2026-08-01").exit_code == 0
    working = invoke("check", "specs", "--today", "2026-08-01")
    assert working.exit_code == 1 and "GS202" in working.output
    assert repo.state() == before
    assert set(Path(tempfile.gettempdir()).glob("goalspec-rev-*")) == copies  # the copies are gone


def test_check_rev_of_a_tree_deleted_since(repo, monkeypatch):
    repo.commit("move the tree", {f"specs/{rel}": None for rel in BASE} | {f"goals/{rel}": t for rel, t in BASE.items()})
    monkeypatch.chdir(repo.path)
    result = invoke("check", "specs", "--rev", "HEAD~1", "--today", "2026-08-01")
    assert result.exit_code == 0 and "no problems: 4 files" in result.output


@pytest.mark.parametrize("args,message", [
    (["--rev", "nope"], "`nope` is not a commit"),
    (["--rev", "--help-me"], "is not a revision"),
    (["--rev", "HEAD", "--changed-since", "HEAD"], "give one"),
])
def test_check_rev_usage_errors_exit_2_without_a_traceback(repo, args, message):
    result = CliRunner().invoke(main, ["check", str(repo.path / "specs"), *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_rev_outside_a_repository_is_a_usage_error(tmp_path):
    from trees import write_tree

    write_tree(tmp_path / "specs", BASE)
    for command in (["check"], ["status"], ["build", "-o", str(tmp_path / "site")]):
        result = CliRunner().invoke(main, [*command, str(tmp_path / "specs"), "--rev", "HEAD"])
        assert result.exit_code == 2 and "not in a git repository" in result.output, command


def test_status_rev_reads_data_files_at_the_revision(repo, monkeypatch):
    repo.commit("calls", {"specs/goals.yaml": GOALS + CALLS_GOAL, "specs/kpis.yaml": CSV_KPIS,
                          "specs/data/calls.csv": "day,calls\n2026-07-03,10\n"})
    repo.commit("more calls", {"specs/data/calls.csv": "day,calls\n2026-07-03,10\n2026-07-10,50\n"})
    monkeypatch.chdir(repo.path)
    before = repo.state()
    rows = {r["goal"]: r for r in json.loads(
        invoke("status", "specs", "--rev", "HEAD~1", "--today", "2026-08-01", "--format", "json").output)["goals"]}
    assert rows["marketing.calls"]["value"] == 10
    rows = {r["goal"]: r for r in json.loads(
        invoke("status", "specs", "--today", "2026-08-01", "--format", "json").output)["goals"]}
    assert rows["marketing.calls"]["value"] == 60
    assert repo.state() == before


def test_build_rev_builds_the_revision_and_leaves_the_repository_alone(repo, tmp_path, monkeypatch):
    repo.commit("retitle", {"specs/goals.yaml": GOALS.replace("Close 900 seats", "Close 900 seats, all of them")})
    monkeypatch.chdir(repo.path)
    before = repo.state()
    out = tmp_path / "site"
    result = invoke("build", "specs", "--rev", "HEAD~1", "-o", str(out), "--today", "2026-08-01")
    assert result.exit_code == 0, result.output
    page = (out / "goals" / "sales.q3.html").read_text()
    assert "<h1>Close 1100 seats by the end of Q3</h1>" in page
    # The history stops at the revision built: the later retitle is not in it.
    assert "first goals" in page and "retitle" not in page
    assert repo.state() == before
    bad = CliRunner().invoke(main, ["build", "specs", "--rev", "nope", "-o", str(out)])
    assert bad.exit_code == 2 and "`nope` is not a commit" in bad.output
