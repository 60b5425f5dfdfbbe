"""A spec tree as it was at a git revision, read through git itself.

Nothing here touches the working tree or the index: files come from
``git ls-tree`` and ``git cat-file --batch`` (object reads), either straight
into the loader (``load_at``) or into a temporary folder for commands that also
read KPI data files beside the specs (``tree_at``). git runs as a subprocess with
fixed argument lists; a revision from the command line is checked to be one
before any other command sees it, and never reaches git as an option.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from goalspec.spec.cache import FileCache
from goalspec.spec.load import Loaded, load_bytes
from goalspec.spec.validate import Project, validate

ZERO = "0" * 40
REGULAR = ("100644", "100755")  # symlinks (120000) and submodules (160000) are never read


class RevisionError(ValueError):
    """Not a git repository, not a revision, or git itself failed: a usage error, never a traceback."""


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise RevisionError("git is not installed") from None
    except NotADirectoryError:
        raise RevisionError(f"{cwd} is not a folder") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise RevisionError(err.splitlines()[-1] if err else f"git {args[0]} failed")
    return done.stdout


def git_text(cwd: Path, *args: str) -> str:
    return git(cwd, *args).decode("utf-8", "replace")


@dataclass(frozen=True)
class Repo:
    """Where a spec tree sits in its repository: the work tree's top and the tree's path inside it."""

    top: Path
    prefix: str  # posix path of the tree relative to ``top``; "" when the tree is the top

    def under(self, path: str) -> str | None:
        """A repository path as a path in the tree, or None when it lies outside."""
        if not self.prefix:
            return path
        head = self.prefix + "/"
        return path[len(head):] if path.startswith(head) else None

    def pathspec(self) -> list[str]:
        return ["--", self.prefix] if self.prefix else []


def locate(tree: Path) -> Repo:
    """The repository holding ``tree``; the tree need not exist in the working tree (it may at a revision)."""
    full = tree.resolve()
    existing = next((p for p in (full, *full.parents) if p.is_dir()), None)
    if existing is None:
        raise RevisionError(f"{tree} is not in a git repository")
    try:
        top = Path(git_text(existing, "rev-parse", "--show-toplevel").strip()).resolve()
    except RevisionError:
        raise RevisionError(f"{tree} is not in a git repository") from None
    try:
        prefix = full.relative_to(top).as_posix()
    except ValueError:
        raise RevisionError(f"{tree} is not inside the work tree {top}") from None
    return Repo(top, "" if prefix == "." else prefix)


def resolve(repo: Repo, rev: str) -> str:
    """The commit a revision names, as a full hash."""
    if not rev or rev.startswith("-"):
        raise RevisionError(f"`{rev}` is not a revision")
    try:
        return git_text(repo.top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").strip()
    except RevisionError:
        raise RevisionError(f"`{rev}` is not a commit in {repo.top}") from None


def short(commit: str) -> str:
    return commit[:7]


def default_branch(repo: Repo) -> str | None:
    """origin/HEAD when it is set, else main, else master, else None."""
    for ref in ("refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master"):
        try:
            git(repo.top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except RevisionError:
            continue
        return ref.removeprefix("refs/remotes/").removeprefix("refs/heads/")
    return None


def merge_base(repo: Repo, a: str, b: str) -> str:
    try:
        return git_text(repo.top, "merge-base", a, b).strip()
    except RevisionError:
        raise RevisionError(f"`{a}` and `{b}` have no common ancestor") from None


@dataclass(frozen=True, slots=True)
class Entry:
    mode: str
    sha: str
    path: str  # relative to the tree


def entries(repo: Repo, commit: str) -> list[Entry]:
    """The regular files of the tree at a commit, in path order."""
    out = git(repo.top, "--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", commit, *repo.pathspec())
    found = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        rel = repo.under(name.decode("utf-8", "surrogateescape"))
        if kind == "blob" and mode in REGULAR and rel:
            found.append(Entry(mode, sha, rel))
    return sorted(found, key=lambda e: e.path)


def blobs(repo: Repo, shas: Iterable[str]) -> dict[str, bytes]:
    """Blob contents by hash, read in one `git cat-file --batch`."""
    wanted = sorted(set(shas) - {ZERO})
    if not wanted:
        return {}
    out = git(repo.top, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in wanted).encode())
    found, at = {}, 0
    for sha in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:  # "<sha> missing"
            raise RevisionError(f"git object {sha} is missing")
        size = int(header[2])
        found[sha] = out[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return found


def is_spec(rel: str) -> bool:
    """What `load.discover` would read: *.yaml / *.yml, no hidden file or folder on the way."""
    parts = rel.split("/")
    return parts[-1].endswith((".yaml", ".yml")) and not any(p.startswith(".") for p in parts)


def load_at(repo: Repo, commit: str, root: Path, cache: FileCache | None = None) -> Loaded:
    """The tree's spec files at a commit, loaded as `load_tree` would load them from disk."""
    specs = [e for e in entries(repo, commit) if is_spec(e.path)]
    content = blobs(repo, (e.sha for e in specs))
    files, documents, diagnostics = [], [], []
    for e in specs:
        source, docs, diags = load_bytes(content[e.sha], e.path, cache)
        files.append(source)
        documents.extend(docs)
        diagnostics.extend(diags)
    return Loaded(root, tuple(files), tuple(documents), tuple(diagnostics))


def _safe(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return bool(parts) and not PurePosixPath(rel).is_absolute() and ".." not in parts


@contextmanager
def tree_at(tree: Path, rev: str) -> Iterator[tuple[Path, str]]:
    """The whole tree (specs and data files) at a revision, in a temporary folder removed afterwards.

    Yields the folder and the commit's hash."""
    repo = locate(tree)
    commit = resolve(repo, rev)
    files = entries(repo, commit)
    if not files:
        where = repo.prefix or "the repository's top"
        raise RevisionError(f"there is no spec tree at {where} in `{rev}`")
    content = blobs(repo, (e.sha for e in files))
    folder = Path(tempfile.mkdtemp(prefix="goalspec-rev-"))
    try:
        for e in files:
            if not _safe(e.path):
                continue
            target = folder / e.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content[e.sha])
            if e.mode == "100755":
                os.chmod(target, 0o755)
        yield folder, commit
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def project_at(repo: Repo, commit: str, root: Path, cache: FileCache | None = None) -> Project:
    """The validated objects of the tree at a commit (its findings are the business of a check at that commit)."""
    project, _ = validate(load_at(repo, commit, root, cache), frozenset())
    return project


def revision_name(rev: str, commit: str) -> str:
    """A revision as a reader knows it: `main (1a2b3c4)`, or just the short hash when it was given as one."""
    given_hash = len(rev) >= 4 and all(c in "0123456789abcdef" for c in rev.lower()) and commit.startswith(rev.lower())
    return short(commit) if given_hash else f"{rev} ({short(commit)})"


def commit_on(tree: Path, day: date, rev: str = "HEAD") -> str | None:
    """The newest commit of ``rev``'s history made on or before a day (committer time, UTC): the tree
    as it stood that evening. None when every commit is younger. Raises RevisionError when the tree
    is not in a git repository or has no commit."""
    repo = locate(tree)
    commit = resolve(repo, rev)
    found = git_text(repo.top, "rev-list", "-1", f"--before={day.isoformat()}T23:59:59+00:00", commit).strip()
    return found or None
