"""A per-file cache of loaded YAML, keyed by content hash, for repeat runs.

Entries hold only plain data (dicts, lists, strings, numbers) written with
``marshal``: loading an entry constructs no objects and runs no code. A missing,
stale or damaged entry is a cache miss, never an error; the cache can always be
deleted. ``GOALSPEC_CACHE_DIR`` moves it, ``GOALSPEC_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from goalspec import __version__

# Bump when what the loader produces changes shape or meaning.
FORMAT = 1


class FileCache:
    def __init__(self, folder: Path, salt: str = ""):
        self.folder = folder
        self._salt = f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{salt}".encode()

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
        path = self._path(raw)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                marshal.dump(entry, fh)
            os.replace(tmp, path)
        except (OSError, ValueError):
            pass  # a read-only or full disk only costs the next run some time


class MemoryCache:
    """Loaded files kept in memory, in front of an optional disk cache.

    Two revisions of a tree share most files: each distinct content is parsed
    once per process, whatever its path (`diff`, `check --base`, site history).
    """

    def __init__(self, behind: FileCache | None = None):
        self._entries: dict[bytes, Any] = {}
        self._behind = behind

    def get(self, raw: bytes) -> Any | None:
        entry = self._entries.get(raw)
        if entry is None and self._behind is not None:
            entry = self._behind.get(raw)
            if entry is not None:
                self._entries[raw] = entry
        return entry

    def put(self, raw: bytes, entry: Any) -> None:
        self._entries[raw] = entry
        if self._behind is not None:
            self._behind.put(raw, entry)
