"""`goalspec check --hook` (what .pre-commit-hooks.yaml runs) and `goalspec check FILE...`,
called directly: which trees are checked, what is reported, and the exit codes.
tests/cli/test_precommit.py runs the same through pre-commit on real commits."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from trees import BASE, write_tree

TODAY = "2026-12-01"  # BASE's goals are past their deadline: two GS305 warnings in goals.yaml
BROKEN_TEAM = "apiVersion: goalspec/v1\nkind: Team\nid: y\nname: Y\nlead: zed\n"  # GS405: no person zed


def check(*args: str):
    return CliRunner().invoke(main, ["check", *args, "--today", TODAY])


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def test_hook_without_files_checks_specs_and_shows_its_errors_not_its_warnings(project):
    write_tree(project / "specs", {**BASE, "teams/y.yaml": BROKEN_TEAM})
    result = check("--hook")
    assert result.exit_code == 1
    assert "specs/teams/y.yaml:5:7: GS405 error:" in result.stdout
    assert "GS305" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("1 error, 0 warnings: 5 files")


def test_hook_shows_the_warnings_of_the_files_given(project):
    write_tree(project / "specs", BASE)
    result = check("--hook", "specs/goals.yaml")
    assert result.exit_code == 0
    assert result.stdout.count(" GS305 warning: ") == 2 and "specs/goals.yaml:" in result.stdout


def test_hook_with_no_tree_at_all_says_so_and_passes(project):
    (project / "notes.yaml").write_text("not: [a spec\n")
    result = check("--hook", "notes.yaml")
    assert result.exit_code == 0 and result.stdout == ""
    assert "notes.yaml is in no spec tree" in result.stderr
    assert "no spec tree to check" in result.stderr


def test_hook_checks_the_trees_named_instead_of_specs(project):
    write_tree(project / "specs", {**BASE, "y.yaml": BROKEN_TEAM})  # broken, but not named
    write_tree(project / "goals", BASE)
    assert check("--hook", "goals").exit_code == 0
    assert check("--hook").exit_code == 1
    both = check("--hook", "goals", "specs")
    assert both.exit_code == 1 and "specs/y.yaml" in both.stdout


def test_hook_checks_the_tree_of_a_file_outside_specs_too(project):
    write_tree(project / "specs", BASE)
    other = write_tree(project / "elsewhere" / "goals", {**BASE, "y.yaml": BROKEN_TEAM})
    result = check("--hook", str(other / "goals.yaml"))
    assert result.exit_code == 1 and "elsewhere/goals/y.yaml:5:7: GS405 error:" in result.stdout
    assert result.stdout.count(" GS305 warning: ") == 2  # goals.yaml of the tree it was given


@pytest.mark.parametrize("extra", [["--rev", "HEAD"], ["--changed-since", "HEAD"]])
def test_hook_reads_the_working_tree_only(project, extra):
    write_tree(project / "specs", BASE)
    result = check("--hook", *extra)
    assert result.exit_code == 2 and "--hook" in result.output


def test_files_in_no_tree_pass_and_say_so(project):
    (project / "a.yaml").write_text("x: 1\n")
    (project / "b.yaml").write_text("y: 2\n")
    result = check("a.yaml", "b.yaml")
    assert result.exit_code == 0 and result.stdout == ""
    assert "a.yaml is in no spec tree" in result.stderr and "b.yaml is in no spec tree" in result.stderr


def test_files_report_errors_anywhere_in_their_tree_with_a_quiet_summary(project):
    write_tree(project / "specs", {**BASE, "y.yaml": BROKEN_TEAM})
    result = check("specs/goals.yaml", "-q")
    assert result.exit_code == 1
    assert "GS405 error" in result.stdout and "GS305" not in result.stdout  # -q leaves out warnings
