"""A git repository holding a generated tree in two commits that differ in N goals (for `diff`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gen_tree import generate

# git with no user or system config, and a fixed identity: the bench repository is the same on every machine.
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "bench",
           "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_AUTHOR_DATE": "2026-07-01T12:00:00+00:00",
           "GIT_COMMITTER_DATE": "2026-07-01T12:00:00+00:00"}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def diff_repo(size: int, repo: Path, changed: int = 100) -> tuple[Path, Path, dict[str, str]]:
    """(repository, its tree, the git environment to run in): one target lowered in each of the
    first ``changed`` goal files, so ``changed`` goals differ between HEAD~1 and HEAD."""
    tree = repo / "specs"
    generate(size, tree)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    files = sorted((tree / "goals").rglob("*.yaml"))[:changed]
    assert len(files) == changed, "the tree has fewer goal files than goals to change"
    for path in files:
        text = path.read_text()
        at = text.index("target: {value: ") + len("target: {value: ")
        end = text.index("}", at)
        path.write_text(text[:at] + str(int(text[at:end]) - 1) + text[end:])
    _git(repo, "commit", "-qam", f"lower {changed} targets")
    return repo, tree, {k: v for k, v in GIT_ENV.items() if k.startswith("GIT_CONFIG")}
