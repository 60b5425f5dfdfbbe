"""The pre-commit hook, run by pre-commit itself in a temporary git repository."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT

SHIPPED = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "goalspec", "site_templates"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


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
    return repo, git(repo, "rev-parse", "HEAD")


def precommit(project: Path, home: Path) -> subprocess.CompletedProcess:
    env = {"PRE_COMMIT_HOME": str(home), "PATH": __import__("os").environ["PATH"], "HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_hook_passes_a_clean_tree_and_fails_a_broken_one(tmp_path, hook_repo):
    repo, rev = hook_repo
    project = tmp_path / "company"
    shutil.copytree(ROOT / "specs", project / "specs")
    (project / "notes.yaml").write_text("not: [a spec\n")  # YAML outside any spec tree is not ours
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: goalspec\n        files: ^specs/\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"
    clean = precommit(project, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "goalspec check" in clean.stdout and "Passed" in clean.stdout
    sales = project / "specs" / "goals" / "sales.yaml"
    sales.write_text(sales.read_text().replace("deadline: 2026-Q4", "deadlin: 2026-Q4"))
    git(project, "add", "-A")
    broken = precommit(project, home)
    assert broken.returncode == 1
    assert "specs/goals/sales.yaml:" in broken.stdout and "GS003" in broken.stdout and "did you mean `deadline`" in broken.stdout
