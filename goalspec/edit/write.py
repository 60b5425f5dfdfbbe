"""How every command that writes a spec writes it: locked, re-read, atomic, conventions kept.

``checkin``, ``fmt`` and ``init`` all go through ``rewrite`` (or, for init's new
files, ``locked`` and ``replace``), so each guarantee holds for all of them:

- Lock: an exclusive ``flock`` on ``.NAME.lock`` beside the file. Not on the file
  itself: the file is replaced by a rename, so a lock on it would lock an inode
  that is about to be unlinked, and the next writer would lock the new one. A
  lock file also works when the target does not exist yet (init, a first
  check-in). It is removed when the lock is released, so nothing is left in the
  tree; a waiter that locked a lock file removed meanwhile notices (its inode is
  no longer the one at the path) and locks again.
- Re-read: the change is computed from the file as read under the lock, so two
  writers never both start from the same old content.
- Atomic: the new bytes go to a temporary file in the same folder, which is
  fsynced, given the old file's mode (and owner, where allowed) and renamed over
  the file; the folder is fsynced after. On any failure the temporary file is
  removed and the original is untouched.
- Refused, with a one-line message: a read-only file or folder (judged on the
  mode bits too, since root ignores them), a link that leads outside the tree or
  nowhere (``init`` refuses every link), anything that is not a regular file.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from goalspec.spec.load import MAX_FILE_BYTES

_UTF8_BOM = b"\xef\xbb\xbf"


class WriteError(Exception):
    """The file was not written; the message (one line, starting with the path) says why."""


def decode(raw: bytes) -> tuple[str, bool]:
    """A spec file's text, and whether it starts with a UTF-8 byte order mark (kept on write)."""
    bom = raw.startswith(_UTF8_BOM)
    return raw[len(_UTF8_BOM):].decode("utf-8") if bom else raw.decode("utf-8"), bom


def encode(text: str, bom: bool) -> bytes:
    return (_UTF8_BOM if bom else b"") + text.encode("utf-8")


def newline_of(text: str) -> str:
    """The file's line ending: the first one it uses (LF for a file of one line)."""
    at = text.find("\n")
    cr = text.find("\r", 0, at if at >= 0 else len(text))
    if cr >= 0:
        return "\r\n" if text[cr + 1:cr + 2] == "\n" else "\r"
    return "\n"


def target(path: Path, root: Path | None) -> Path:
    """The real file to write for ``path``.

    A link is followed only when ``root`` is given and the file it leads to is
    inside that tree (the loader reads only such links); without a root every
    link is refused, dangling or not.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteError(f"{path}: cannot be read: {exc.strerror}") from None
    if st is not None and stat.S_ISLNK(st.st_mode):
        if root is None:
            raise WriteError(f"{path} is a link: refusing to write through it (remove the link first)")
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise WriteError(f"{path} is a link that leads nowhere (dangling, or a loop)") from None
        if not real.is_relative_to(root.resolve()):
            raise WriteError(f"{path} is a link to a file outside the tree; goalspec writes nothing outside it")
        path, st = real, os.stat(real)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise WriteError(f"{path} is not a regular file")
    if root is not None and not path.parent.resolve().is_relative_to(root.resolve()):
        raise WriteError(f"{path} is in a folder that links outside the tree; goalspec writes nothing outside it")
    return path


def writable(path: Path) -> None:
    """Refuse a read-only file, or a file whose folder (the nearest that exists) is read-only.

    ``os.access`` alone would pass everything for root, so a file or folder with
    no write bit at all counts as read-only too: someone made it so on purpose.
    """
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    for item, what, need in ((path, "file", os.W_OK), (folder, "folder", os.W_OK | os.X_OK)):
        try:
            mode = os.stat(item).st_mode
        except FileNotFoundError:
            continue  # the file is new
        except OSError as exc:
            raise WriteError(f"{item}: cannot be read: {exc.strerror}") from None
        if not mode & 0o222 or not os.access(item, need):
            where = "" if what == "file" else f" (the folder of {path})"
            raise WriteError(f"{item}{where} is read-only; make it writable first")


@contextmanager
def locked(*paths: Path) -> Iterator[None]:
    """Hold the exclusive lock of every path, taken in sorted order so that two writers never deadlock."""
    with ExitStack() as stack:
        for path in sorted(set(paths)):
            stack.enter_context(_lock(path))
        yield


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    lock = path.with_name(f".{path.name}.lock")
    while True:
        # O_NOFOLLOW: a link planted as the lock file must not make us create a file elsewhere.
        fd = os.open(lock, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                now = os.stat(lock, follow_symlinks=False)
            except FileNotFoundError:
                now = None
            held = os.fstat(fd)
        except BaseException:
            os.close(fd)
            raise
        if now is not None and (now.st_ino, now.st_dev) == (held.st_ino, held.st_dev):
            break
        os.close(fd)  # the holder before us removed this lock file: lock the one at the path now
    try:
        yield
    finally:
        # Unlink before unlocking: a waiter on this inode then sees it is stale and retries.
        with suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def read(path: Path) -> bytes | None:
    """The file's bytes, None when it does not exist; above the loader's size limit is refused."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteError(f"{path}: cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise WriteError(f"{path} is not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise WriteError(f"{path}: file is {st.st_size} bytes, above the {MAX_FILE_BYTES}-byte limit")
        return fh.read()


def rewrite(path: Path, change: Callable[[bytes | None], bytes | None], root: Path | None = None) -> Path:
    """Lock the file, read it, write what ``change`` makes of it; return the file written.

    ``change`` gets the bytes as read under the lock (None when the file does not
    exist) and returns the new bytes, or None to leave the file as it is. Its own
    exceptions pass through with the file untouched.
    """
    real = target(path, root)
    writable(real)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        with locked(real):
            old = read(real)
            new = change(old)
            if new is not None and new != old:
                replace(real, new)
    except OSError as exc:
        raise WriteError(f"{real}: cannot be written: {exc.strerror or exc}") from None
    return real


def replace(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``; all or nothing."""
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            write_all(fd, data)
            # mkstemp makes the file 0600: give it the old file's mode, or a new file's usual one.
            os.fchmod(fd, stat.S_IMODE(old.st_mode) if old else 0o666 & ~_umask())
            if old is not None and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                with suppress(OSError):  # only root may give a file away; others keep what they can
                    os.fchown(fd, old.st_uid, old.st_gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _umask() -> int:
    # The only way to read the umask is to set it; a CLI process has no other thread to race with.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some filesystems cannot fsync a folder, which is no reason to fail."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
