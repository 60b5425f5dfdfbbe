"""A per-file cache of loaded YAML, keyed by content hash, for repeat runs.

Entries hold only plain data (dicts, lists, strings, numbers) written with
``marshal``: loading an entry constructs no objects and runs no code. A missing,
stale or damaged entry is a cache miss, never an error; the cache can always be
deleted. ``GOALSPEC_CACHE_DIR`` moves it, ``GOALSPEC_NO_CACHE=1`` turns it off.
The folder is kept under ``GOALSPEC_CACHE_MAX_MB`` (default 512): the first
write of a run removes the oldest entries beyond it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from goalspec import __version__

# Bump when what the loader produces changes shape or meaning.
FORMAT = 3  # 2: key paths name objects without an id and list items by content; 3: what a broken file defines


DEFAULT_MAX_MB = 512


class FileCache:
    def __init__(self, folder: Path, salt: str = "", max_bytes: int | None = None):
        self.folder = folder
        self._salt = f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{salt}".encode()
        if max_bytes is None:
            try:
                max_bytes = int(float(os.environ.get("GOALSPEC_CACHE_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024)
            except ValueError:
                max_bytes = DEFAULT_MAX_MB * 1024 * 1024
        self.max_bytes = max_bytes
        self._pruned = False

    @classmethod
    def default(cls, salt: str = "") -> FileCache | None:
        if os.environ.get("GOALSPEC_NO_CACHE"):
            return None
        folder = os.environ.get("GOALSPEC_CACHE_DIR")
        if not folder:
            base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
            folder = os.path.join(base, "goalspec")
        return cls(Path(folder), salt)

    def _path(self, raw: bytes) -> Path:
        digest = hashlib.sha256(self._salt + b"\0" + raw).hexdigest()
        return self.folder / digest[:2] / f"{digest}.marshal"

    def get(self, raw: bytes) -> Any | None:
        try:
            return marshal.loads(self._path(raw).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None

    def put(self, raw: bytes, entry: Any) -> None:
        import tempfile  # writes are the first run's: a run served from the cache never imports it

        path = self._path(raw)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                marshal.dump(entry, fh)
            os.replace(tmp, path)
        except (OSError, ValueError):
            if tmp is not None:  # what was half written is not left behind
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
            return  # a read-only or full disk only costs the next run some time
        if not self._pruned:
            self._pruned = True  # one scan a run: the folder may exceed the cap by one run's writes
            self.prune()

    def prune(self) -> None:
        """Remove the oldest entries until the folder holds at most three quarters of the cap."""
        entries = []
        try:
            for shard in os.scandir(self.folder):
                if shard.is_dir(follow_symlinks=False) and len(shard.name) == 2:
                    for entry in os.scandir(shard.path):
                        if entry.name.endswith(".marshal") and entry.is_file(follow_symlinks=False):
                            st = entry.stat(follow_symlinks=False)
                            entries.append((st.st_mtime_ns, st.st_size, entry.path))
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return
        for _, size, path in sorted(entries):
            if total <= self.max_bytes * 3 // 4:
                break
            try:
                os.unlink(path)
                total -= size
            except OSError:
                pass


class MemoryCache:
    """Loaded files kept in memory, in front of an optional disk cache.

    Two revisions of a tree share most files: each distinct content is parsed
    once per process, whatever its path (`diff`, `check --base`, site history).
    """

    def __init__(self, behind: FileCache | None = None):
        self._entries: dict[bytes, Any] = {}
        self.behind = behind
        self._used: set[bytes] = set()
        # Validated models by the identity of the document data they were made from: the data of
        # a file taken from here is the same object every time (spec.validate's ``memo``).
        self.models: dict[int, tuple[Any, Any]] = {}
        # What load made of the entry a path last had: (the entry, (source, documents, findings)).
        self.loaded: dict[str, tuple[Any, Any]] = {}
        # What a check worked out, for the next check to keep where its inputs are the same objects
        # (rules.base.Context.keep).
        self.kept: dict[str, Any] = {}

    def get(self, raw: bytes) -> Any | None:
        entry = self._entries.get(raw)
        if entry is None and self.behind is not None:
            entry = self.behind.get(raw)
            if entry is not None:
                self._entries[raw] = entry
        if entry is not None:
            self._used.add(raw)
        return entry

    def put(self, raw: bytes, entry: Any) -> None:
        self._entries[raw] = entry
        self._used.add(raw)
        if self.behind is not None:
            self.behind.put(raw, entry)

    def keep(self, raw: bytes, entry: Any) -> None:
        """Remember an entry that is already behind (a forked worker wrote it there)."""
        self._entries[raw] = entry
        self._used.add(raw)

    def keep_used(self) -> None:
        """Forget what was not asked for since the last call: a long `serve` session keeps
        the files as they are now, not every version ever saved."""
        self._entries = {raw: entry for raw, entry in self._entries.items() if raw in self._used}
        alive = {id(entry) for entry in self._entries.values()}
        self.loaded = {rel: made for rel, made in self.loaded.items() if id(made[0]) in alive}
        self._used = set()
