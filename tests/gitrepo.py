"""Temporary git repositories for the tests of revisions, diffs, GS601 and history.

Every git command here (and every one goalspec runs, through the environment the
``isolated_git`` fixture sets) ignores the machine's and the user's git config,
and commits get fixed names and dates: the tests never depend on who runs them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ISOLATION = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Ana Author",
    "GIT_AUTHOR_EMAIL": "ana@example.com",
    "GIT_COMMITTER_NAME": "Cy Committer",
    "GIT_COMMITTER_EMAIL": "cy@example.com",
    "GIT_TERMINAL_PROMPT": "0",
}


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch):
    for key, value in ISOLATION.items():
        monkeypatch.setenv(key, value)
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.delenv(key, raising=False)


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **ISOLATION, **(env or {})})
    assert done.returncode == 0, done.stderr
    return done.stdout


class Repo:
    """A repository whose commits are dated one day apart from 2026-07-01 on."""

    def __init__(self, path: Path, branch: str = "main"):
        self.path = path
        self.day = 0
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", branch)

    def write(self, files: dict[str, str | None]) -> None:
        for rel, text in files.items():
            target = self.path / rel
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def commit(self, message: str, files: dict[str, str | None] | None = None, author: str = "Ana Author") -> str:
        self.write(files or {})
        self.day += 1
        stamp = f"2026-07-{self.day:02d}T12:00:00+00:00" if self.day <= 31 else f"2026-08-{self.day - 31:02d}T12:00:00+00:00"
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message,
            env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_NAME": author})
        return self.head()

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD").strip()

    def state(self) -> tuple[str, bytes]:
        """What a read-only command must leave as it was: `git status` and the index file's bytes."""
        # GIT_OPTIONAL_LOCKS=0: `git status` itself must not rewrite the index it is asked about.
        index = (self.path / ".git" / "index").read_bytes()
        status = git(self.path, "status", "--porcelain", "--untracked-files=all", env={"GIT_OPTIONAL_LOCKS": "0"})
        return status, index

    def __call__(self, *args: str) -> str:
        return git(self.path, *args)
