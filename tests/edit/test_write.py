"""The one writer behind checkin, fmt and init: locked, re-read, atomic, mode kept, refusals."""

import errno
import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from goalspec.edit import write
from goalspec.edit.write import WriteError, locked, rewrite, target, writable


def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_failed_write_leaves_the_original_and_no_temporary_file(tmp_path, monkeypatch):
    spec = tmp_path / "goals.yaml"
    spec.write_bytes(b"a: 1\n")
    monkeypatch.setattr(write, "write_all", enospc)
    with pytest.raises(WriteError, match="No space left on device"):
        rewrite(spec, lambda raw: b"a: 2\n" * 1000)
    assert spec.read_bytes() == b"a: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["goals.yaml"]  # no temporary file, no lock file


def test_a_failed_fsync_or_rename_leaves_the_original_too(tmp_path, monkeypatch):
    spec = tmp_path / "goals.yaml"
    spec.write_bytes(b"a: 1\n")
    for name in ("fsync", "replace"):
        with monkeypatch.context() as mp:
            mp.setattr(write.os, name, enospc)
            with pytest.raises(WriteError):
                rewrite(spec, lambda raw: b"a: 2\n")
        assert spec.read_bytes() == b"a: 1\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["goals.yaml"]


def test_the_mode_is_kept_and_a_new_file_gets_the_usual_one(tmp_path):
    spec = tmp_path / "goals.yaml"
    spec.write_bytes(b"a: 1\n")
    os.chmod(spec, 0o640)
    rewrite(spec, lambda raw: raw + b"b: 2\n")
    assert stat.S_IMODE(spec.stat().st_mode) == 0o640 and spec.read_bytes() == b"a: 1\nb: 2\n"
    mask = os.umask(0o027)
    try:
        rewrite(tmp_path / "new" / "file.yaml", lambda raw: b"c: 3\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new" / "file.yaml").stat().st_mode) == 0o640  # 0666 less the umask, not 0600


def test_the_change_sees_the_file_as_read_under_the_lock(tmp_path):
    spec = tmp_path / "c.yaml"
    seen = []
    rewrite(spec, lambda raw: seen.append(raw) or b"one\n")
    rewrite(spec, lambda raw: seen.append(raw) or raw + b"two\n")
    assert seen == [None, b"one\n"] and spec.read_bytes() == b"one\ntwo\n"


def test_the_lock_excludes_another_process_and_works_before_the_file_exists(tmp_path):
    spec = tmp_path / "not-yet.yaml"
    holder = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from goalspec.edit.write import locked
        with locked(Path({str(spec)!r})):
            print("held", flush=True)
            time.sleep(1.5)
    """)
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "held\n"
        start = time.monotonic()
        with locked(spec):
            waited = time.monotonic() - start
    finally:
        proc.wait(timeout=30)
    assert waited > 0.5, "the lock was taken while another process held it"
    assert not spec.exists() and list(tmp_path.iterdir()) == []  # the lock file is gone after use


def test_a_lock_file_planted_as_a_link_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / ".c.yaml.lock").symlink_to(outside)
    with pytest.raises(WriteError):
        rewrite(tree / "c.yaml", lambda raw: b"x: 1\n")
    assert not outside.exists() and not (tree / "c.yaml").exists()


def test_read_only_files_and_folders_are_refused_even_for_root(tmp_path):
    spec = tmp_path / "goals.yaml"
    spec.write_bytes(b"a: 1\n")
    os.chmod(spec, 0o444)
    with pytest.raises(WriteError, match="goals.yaml is read-only"):
        rewrite(spec, lambda raw: b"a: 2\n")
    assert spec.read_bytes() == b"a: 1\n"
    os.chmod(spec, 0o644)
    os.chmod(tmp_path, 0o555)
    try:
        with pytest.raises(WriteError, match=r"\(the folder of .*goals.yaml\) is read-only"):
            writable(spec)
        with pytest.raises(WriteError, match="is read-only"):
            writable(tmp_path / "sub" / "new.yaml")  # the nearest folder that exists decides
    finally:
        os.chmod(tmp_path, 0o755)


def test_links_are_followed_only_inside_the_tree(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "real.yaml").write_text("a: 1\n")
    (tmp_path / "outside.yaml").write_text("b: 2\n")
    (tree / "in.yaml").symlink_to("real.yaml")
    (tree / "out.yaml").symlink_to(tmp_path / "outside.yaml")
    (tree / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert target(tree / "in.yaml", tree) == (tree / "real.yaml").resolve()
    with pytest.raises(WriteError, match="outside the tree"):
        target(tree / "out.yaml", tree)
    with pytest.raises(WriteError, match="leads nowhere"):
        target(tree / "dangling.yaml", tree)
    with pytest.raises(WriteError, match="refusing to write through it"):
        target(tree / "in.yaml", None)  # init: no link at all
    os.mkfifo(tree / "fifo.yaml")
    with pytest.raises(WriteError, match="not a regular file"):
        target(tree / "fifo.yaml", tree)
