"""The pre-commit hook, run by pre-commit itself on real commits: a temporary git
repository holds a copy of the example tree, `.pre-commit-config.yaml` names goalspec
as it is in this working tree, and `pre-commit install` makes `git commit` run it.
One case also runs `pre-commit try-repo`, which installs the hook afresh each time.

The hook must fail on every error a commit causes anywhere in the tree, including
through a renamed id or a deleted file (pre-commit passes no deleted file), and show
warnings only for the staged files.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT

SHIPPED = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "goalspec", "site_templates"]


def git(cwd: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          check=check, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """goalspec as it is in this working tree, committed to a repository pre-commit can clone."""
    repo = tmp_path_factory.mktemp("goalspec-hook")
    for name in SHIPPED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "goalspec")
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """One pre-commit cache for the module, so the hook's environment is installed once."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {"PRE_COMMIT_HOME": str(home), "PATH": os.environ["PATH"], "HOME": str(home), "NO_COLOR": "1"}


@pytest.fixture
def project(tmp_path, hook_repo, env) -> Path:
    """A company repository with the example tree committed, YAML outside any tree, and the hook installed."""
    repo, rev = hook_repo
    project = tmp_path / "company"
    shutil.copytree(ROOT / "specs", project / "specs")
    (project / "notes.yaml").write_text("not: [a spec\n")  # YAML outside any spec tree is not ours
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: goalspec\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "goals")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=project, env=env, check=True,
                   capture_output=True, timeout=600)
    return project


def commit(project: Path, env: dict[str, str]) -> tuple[int, str]:
    """`git commit` of what is staged; pre-commit runs the hook on it. Returns the code and all output."""
    done = git(project, "commit", "-m", "change", env=env, check=False)
    return done.returncode, done.stdout + done.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


def test_a_clean_commit_passes(project, env):
    edit(project / "specs" / "kpis" / "channel.yaml", "id: seats-closed", "# reviewed\nid: seats-closed")
    git(project, "add", "specs/kpis/channel.yaml")
    code, out = commit(project, env)
    assert code == 0, out
    assert "goalspec check" in out and "Passed" in out
    assert "no problems: 14 files" in out  # the hook is verbose: a passing run says what it checked


def test_renaming_an_id_fails_on_the_files_that_still_refer_to_it(project, env):
    edit(project / "specs" / "kpis" / "channel.yaml", "id: seats-closed", "id: seats-won")
    git(project, "add", "specs/kpis/channel.yaml")  # only the renamed file is staged
    code, out = commit(project, env)
    assert code == 1 and "Failed" in out, out
    broken = {line.split(":", 1)[0] for line in out.splitlines() if " GS202 error: " in line}
    assert broken == {"specs/goals/sales.yaml", "specs/checkins/seats-closed.yaml"}, out


def test_deleting_a_referenced_file_fails_though_no_file_is_passed(project, env):
    git(project, "rm", "-q", "specs/kpis/channel.yaml")
    code, out = commit(project, env)
    assert code == 1, out
    assert "Skipped" not in out and "Failed" in out
    assert " GS202 error: KPI `seats-closed` is not defined" in out
    assert "specs/goals/company.yaml:" in out  # the company goal's KPI went with the file


def test_a_commit_of_no_yaml_file_still_checks_the_tree(project, env):
    (project / "README.md").write_text("Our goals.\n")
    git(project, "add", "README.md")
    code, out = commit(project, env)
    assert code == 0 and "Passed" in out and "no problems" in out, out


def test_a_broken_staged_file_fails_with_its_finding(project, env):
    edit(project / "specs" / "goals" / "sales.yaml", "deadline: 2026-Q4", "deadlin: 2026-Q4")
    git(project, "add", "specs/goals/sales.yaml")
    code, out = commit(project, env)
    assert code == 1, out
    assert "specs/goals/sales.yaml:" in out and "GS003" in out and "did you mean `deadline`" in out


def test_warnings_show_for_staged_files_only(project, env):
    # GS103, a warning whatever the date: the title says 130, the target is 120
    marketing = project / "specs" / "goals" / "marketing.yaml"
    edit(marketing, "title: Book 120", "title: Book 130")
    git(project, "commit", "-qam", "a warning already in the tree", "--no-verify")
    edit(project / "specs" / "kpis" / "channel.yaml", "id: seats-closed", "# reviewed\nid: seats-closed")
    git(project, "add", "specs/kpis/channel.yaml")
    code, out = commit(project, env)
    assert code == 0, out
    assert "GS103" not in out and "marketing.yaml" not in out
    edit(marketing, "by the end of Q4", "by the end of Q4 ")
    git(project, "add", "specs/goals/marketing.yaml")
    code, out = commit(project, env)
    assert code == 0, out  # a warning does not fail the commit
    assert "specs/goals/marketing.yaml:" in out and " GS103 warning: title says 130" in out


def test_yaml_outside_any_tree_is_skipped_and_the_tree_still_checked(project, env):
    (project / "notes.yaml").write_text("still: [not a spec\n")
    git(project, "add", "notes.yaml")
    git(project, "rm", "-q", "specs/kpis/channel.yaml")
    code, out = commit(project, env)
    assert code == 1 and " GS202 error: " in out, out
    assert "notes.yaml is in no spec tree" in out
    git(project, "reset", "-q", "HEAD", "--", "specs/kpis/channel.yaml")
    git(project, "checkout", "-q", "--", "specs/kpis/channel.yaml")
    code, out = commit(project, env)
    assert code == 0, out


def test_try_repo_fails_a_rename_staged_alone(project, hook_repo, env):
    repo, rev = hook_repo
    edit(project / "specs" / "kpis" / "channel.yaml", "id: seats-closed", "id: seats-won")
    git(project, "add", "specs/kpis/channel.yaml")
    done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(repo), "goalspec", "--ref", rev,
                           "--color", "never"], cwd=project, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "specs/goals/sales.yaml:8:6: GS202 error: KPI `seats-closed` is not defined" in done.stdout
