"""What git says about a spec tree: the files changed since a revision.

git is run as a subprocess with fixed arguments; nothing from a spec reaches it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ValueError("git is not installed") from None
    if done.returncode != 0:
        raise ValueError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {args[0]} failed")
    return done.stdout


def changed_files(tree: Path, rev: str) -> set[str]:
    """Files under the tree changed since ``rev`` (committed, staged, unstaged or new), relative to the tree."""
    if rev.startswith("-"):
        raise ValueError(f"`{rev}` is not a revision")
    tree = tree.resolve()
    top = Path(_git(tree, "rev-parse", "--show-toplevel").strip()).resolve()
    _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    names = _git(top, "diff", "--name-only", "--no-renames", rev, "--", str(tree)).splitlines()
    names += _git(top, "ls-files", "--others", "--exclude-standard", "--", str(tree)).splitlines()
    out = set()
    for name in names:
        path = (top / name).resolve()
        try:
            out.add(path.relative_to(tree).as_posix())
        except ValueError:
            continue
    return out
