"""What git says about a spec tree: the files changed since a revision, and every object's history.

git is run as a subprocess with fixed arguments; nothing from a spec reaches it.
The history reads one `git log` over the tree and, per commit, only the spec
files that commit touched (as they were before and after it); each distinct file
content is parsed and validated once. Objects are matched by (kind, id) across
all the files a commit touched, so a goal moved to another file, or a renamed
file, reads as "moved", not as removed and added.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from goalspec.vcs.diff import ADDED, Key, Located, Lookup, ObjectDiff, diff_objects, lookup_of, objects
from goalspec.spec.load import Loaded, load_bytes
from goalspec.vcs.revision import (
    REGULAR, ZERO, Repo, RevisionError, blobs, git, git_text, is_spec, locate, resolve,
)
from goalspec.spec.validate import Project, validate


# RevisionError is a ValueError: callers of changed_files catch that.
_git = git_text


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


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str  # the author date, YYYY-MM-DD, as the author's clock said
    author: str
    subject: str
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """One commit's change to one object."""

    commit: Commit
    change: ObjectDiff


@dataclass(frozen=True, slots=True)
class _Touch:
    path: str  # relative to the tree
    old: str | None  # blob before the commit (None: the file did not exist, or is no regular file)
    new: str | None


# Header fields of each commit; \x1e and \x1f cannot occur in hashes, dates or (in practice) names and subjects.
_FORMAT = "%x1e%H%x1f%P%x1f%ad%x1f%an%x1f%s"


def _log(repo: Repo, commit: str) -> list[tuple[Commit, list[_Touch]]]:
    """Every commit that changed the tree, newest first, with the spec files it touched.

    Merge commits show no changes of their own (git log's default): each change is
    reported once, at the commit that made it."""
    out = git(repo.top, "--literal-pathspecs", "log", "-z", "--raw", "--no-abbrev", "--no-renames", "--no-color",
              "--no-show-signature", f"--format={_FORMAT}", "--date=short", commit, *repo.pathspec())
    found = []
    for chunk in out.split(b"\x1e")[1:]:
        header, _, rest = chunk.partition(b"\0")
        sha, parents, day, author, subject = header.decode("utf-8", "replace").split("\x1f", 4)
        touches = []
        tokens = rest.lstrip(b"\n").split(b"\0")
        for meta, name in zip(tokens[::2], tokens[1::2]):
            if not meta.startswith(b":"):
                continue
            old_mode, new_mode, old_sha, new_sha, _status = meta[1:].decode().split()
            rel = repo.under(name.decode("utf-8", "surrogateescape"))
            if rel is None or not is_spec(rel):
                continue
            touches.append(_Touch(rel, old_sha if old_mode in REGULAR and old_sha != ZERO else None,
                                  new_sha if new_mode in REGULAR and new_sha != ZERO else None))
        found.append((Commit(sha, day, author, subject.strip(), tuple(parents.split())), touches))
    return found


class _Blobs:
    """Each file content parsed and validated once, whatever commit or path it turns up at."""

    def __init__(self, repo: Repo, root: Path, shas: Iterable[str], kinds: frozenset[str]):
        self.content = blobs(repo, shas)
        self.root, self.kinds = root, kinds
        self.memo: dict[str, dict[Key, object]] = {}

    def objects(self, sha: str) -> dict[Key, object]:
        found = self.memo.get(sha)
        if found is None:
            source, docs, _ = load_bytes(self.content[sha], "history.yaml")
            # Only the kinds asked for are validated: a goal's history need not validate teams.
            wanted = [d for d in docs if isinstance(d.data, dict) and d.data.get("kind") in self.kinds]
            project, _ = validate(Loaded(self.root, (source,), tuple(wanted), ()), frozenset())
            found = {key: located.model for key, located in objects(project).items()}
            self.memo[sha] = found
        return found


def history(tree: Path, rev: str = "HEAD", kinds: tuple[str, ...] = ("Goal",),
            lookup: Lookup | None = None) -> dict[Key, tuple[Event, ...]]:
    """Each object's changes, newest first, from the commits up to ``rev`` that touched the tree.

    Raises RevisionError when the tree is not in a git repository or ``rev`` names no commit.
    In a shallow clone the oldest fetched commit has no parent to compare with: objects
    it holds are not reported as added there."""
    repo = locate(tree)
    commit = resolve(repo, rev)
    log = _log(repo, commit)
    shallow = git_text(repo.top, "rev-parse", "--is-shallow-repository").strip() == "true"
    parse_kinds = frozenset(kinds) | ({"Team"} if "Person" in kinds else set())
    store = _Blobs(repo, tree, (s for _, touches in log for t in touches for s in (t.old, t.new) if s), parse_kinds)
    lookup = lookup or Lookup({})
    events: dict[Key, list[Event]] = {}
    for c, touches in log:
        before: dict[Key, Located] = {}
        after: dict[Key, Located] = {}
        for t in sorted(touches, key=lambda t: t.path):
            for sha, side in ((t.old, before), (t.new, after)):
                if sha is not None:
                    for key, model in store.objects(sha).items():
                        side.setdefault(key, Located(model, t.path))
        for d in diff_objects(before, after, lookup, kinds):
            if shallow and not c.parents and d.status == ADDED:
                continue  # the clone's boundary, not the object's birth
            events.setdefault((d.kind, d.id), []).append(Event(c, d))
    return {key: tuple(found) for key, found in events.items()}


def site_history(tree: Path, rev: str, project: Project) -> dict[str, list[dict]]:
    """Each goal's history as its page shows it, newest first; empty when the tree is not in a
    git repository (or git is missing), so such a tree builds the same site without it."""
    try:
        found = history(tree, rev, ("Goal",), lookup_of(project))
    except RevisionError:
        return {}
    out = {}
    for (_, gid), events in sorted(found.items()):
        if gid in project.goals:
            out[gid] = [{"sha": e.commit.sha, "short": e.commit.sha[:7], "date": e.commit.date,
                         "author": e.commit.author, "subject": e.commit.subject, "status": e.change.status,
                         "file": e.change.file, "from_file": e.change.from_file,
                         "changes": [c.text for c in e.change.changes]} for e in events]
    return out
