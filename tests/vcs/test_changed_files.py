"""`check --changed-since REV`: the whole tree is checked, findings in unchanged files are not shown."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.vcs.history import changed_files
from paths import SPECS



def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path) -> Path:
    shutil.copytree(SPECS, tmp_path / "specs")
    (tmp_path / "README.md").write_text("goals\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    return tmp_path


def test_changed_files_cover_commits_edits_and_new_files(repo):
    base = git(repo, "rev-parse", "HEAD")
    (repo / "specs" / "goals" / "sales.yaml").write_text((repo / "specs" / "goals" / "sales.yaml").read_text() + "\n")
    git(repo, "commit", "-qam", "edit")
    (repo / "specs" / "teams" / "sales.yaml").write_text((repo / "specs" / "teams" / "sales.yaml").read_text() + "\n")
    (repo / "specs" / "new.yaml").write_text("x: 1\n")
    (repo / "README.md").write_text("changed, outside the tree\n")
    assert changed_files(repo / "specs", base) == {"goals/sales.yaml", "teams/sales.yaml", "new.yaml"}
    with pytest.raises(ValueError):
        changed_files(repo / "specs", "no-such-rev")


def test_check_reports_only_changed_files(repo):
    base = git(repo, "rev-parse", "HEAD")
    company = repo / "specs" / "goals" / "company.yaml"
    company.write_text(company.read_text().replace("owner: cleo", "owner: nobody"))
    git(repo, "commit", "-qam", "break the company goal")
    sales = repo / "specs" / "goals" / "sales.yaml"
    sales.write_text(sales.read_text().replace("kpi: seats-closed", "kpi: seats-clossed"))
    # -q: the example's own warnings (its live shortfalls) are not what this test is about
    args = ["check", str(repo / "specs"), "--format", "json", "--today", "2026-12-01", "-q"]
    everything = json.loads(CliRunner().invoke(main, args).output)
    assert {d["file"] for d in everything["diagnostics"]} == {"goals/company.yaml", "goals/sales.yaml"}
    head = git(repo, "rev-parse", "HEAD")
    only_sales = CliRunner().invoke(main, [*args, "--changed-since", head])
    assert only_sales.exit_code == 1
    assert {d["file"] for d in json.loads(only_sales.output)["diagnostics"]} == {"goals/sales.yaml"}
    both = json.loads(CliRunner().invoke(main, [*args, "--changed-since", base]).output)
    assert {d["file"] for d in both["diagnostics"]} == {"goals/company.yaml", "goals/sales.yaml"}
    bad = CliRunner().invoke(main, [*args, "--changed-since", "nope"])
    assert bad.exit_code == 2 and "--changed-since" in bad.output


def test_quiet_shows_only_errors(tmp_path):
    shutil.copytree(SPECS, tmp_path / "specs")
    out = CliRunner().invoke(main, ["check", str(tmp_path / "specs"), "-q", "--today", "2026-12-01"]).output
    assert "GS502" not in out and out.startswith("0 errors, 3 warnings")
