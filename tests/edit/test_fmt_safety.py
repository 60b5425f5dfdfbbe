"""`goalspec fmt` never loses data: full disks, hostile files, links, read-only files, line endings."""

import errno
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.cli import main

MESSY = "kind: Organization\napiVersion: goalspec/v1\nname: Acme   # a comment\n"
TIDY = "apiVersion: goalspec/v1\nkind: Organization\nname: Acme   # a comment\n"


def fmt(tree: Path, *args: str):
    return CliRunner().invoke(main, ["fmt", str(tree), *args])


def snapshot(tree: Path) -> dict:
    return {p.relative_to(tree).as_posix(): (p.read_bytes() if not p.is_symlink() else os.readlink(p))
            for p in sorted(tree.rglob("*"))}


def refusals(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("goalspec: not formatted: ")]


def test_a_write_that_fails_leaves_the_spec_whole_and_no_temporary_file(tmp_path, monkeypatch):
    from goalspec.edit import write

    (tmp_path / "goalspec.yaml").write_text(MESSY)
    before = snapshot(tmp_path)

    def full(fd, data):
        os.write(fd, data[:10])  # a part is written, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(write, "write_all", full)
    result = fmt(tmp_path)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert refusals(result.output) == [
        f"goalspec: not formatted: {tmp_path / 'goalspec.yaml'}: cannot be written: No space left on device"]
    assert snapshot(tmp_path) == before  # byte-identical, and nothing left beside it


def test_a_real_short_write_leaves_the_spec_whole(tmp_path):
    """The file size limit (RLIMIT_FSIZE) makes the kernel refuse the write part way, as a full disk would."""
    (tmp_path / "goalspec.yaml").write_text(MESSY + "# " + "padding " * 20 + "\n")
    before = snapshot(tmp_path)

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (40, 40))

    result = subprocess.run([sys.executable, "-m", "goalspec", "fmt", str(tmp_path)], capture_output=True, text=True,
                            timeout=60, check=False, preexec_fn=small_files, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert refusals(result.stderr) == [
        f"goalspec: not formatted: {tmp_path / 'goalspec.yaml'}: cannot be written: File too large"]
    assert snapshot(tmp_path) == before


def test_mode_line_endings_and_a_missing_final_newline_are_kept(tmp_path):
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(MESSY.replace("\n", "\r\n").encode())
    os.chmod(crlf, 0o640)
    bare = tmp_path / "bare.yaml"
    bare.write_bytes(MESSY.rstrip("\n").encode())
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + MESSY.encode())
    assert fmt(tmp_path).exit_code == 0
    assert crlf.read_bytes() == TIDY.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(crlf.stat().st_mode) == 0o640
    assert bare.read_bytes() == TIDY.rstrip("\n").encode()
    assert bom.read_bytes() == b"\xef\xbb\xbf" + TIDY.encode()
    assert fmt(tmp_path, "--check").exit_code == 0  # and that is the canonical form: nothing more to do


def nested_aliases(levels: int) -> str:
    lines = ["apiVersion: goalspec/v1", "kind: Organization", "name: Acme", "x0: &a0 {k: 1, v: 2}"]
    for i in range(1, levels + 1):
        lines += [f"x{i}: &a{i}", f"  <<: *a{i - 1}", f"  p: *a{i - 1}", f"  q: *a{i - 1}"]
    return "\n".join(lines) + "\n"


HOSTILE = {
    "aliases.yaml": nested_aliases(30).encode(),
    "binary.yaml": b"kind: Team\x00\x01\x02\n",
    "utf16.yaml": MESSY.encode("utf-16"),
    "latin1.yaml": "kind: Team\nname: Caf\u00e9\n".encode("latin-1"),
}


def test_files_the_loader_refuses_are_named_and_left_untouched_and_the_rest_is_formatted(tmp_path):
    for name, raw in HOSTILE.items():
        (tmp_path / name).write_bytes(raw)
    (tmp_path / "ok.yaml").write_text(MESSY)
    # A process of its own, so that exponential time (ruamel on the aliases) fails the test instead of hanging it.
    result = subprocess.run([sys.executable, "-m", "goalspec", "fmt", str(tmp_path)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 1, result.stderr
    lines = refusals(result.stderr)
    assert "Traceback" not in result.stderr
    assert len(lines) == len(HOSTILE)
    for line, name in zip(lines, sorted(HOSTILE)):
        assert line.startswith(f"goalspec: not formatted: {tmp_path / name}:") and line.endswith("(GS001)")
    assert "aliases expand" in lines[0] and "binary" in lines[1] and "not valid UTF-8" in lines[2]
    for name, raw in HOSTILE.items():
        assert (tmp_path / name).read_bytes() == raw
    assert (tmp_path / "ok.yaml").read_text() == TIDY
    assert result.stdout == f"reformatted {tmp_path / 'ok.yaml'}\n"
    check = fmt(tmp_path, "--check")
    assert check.exit_code == 1 and len(refusals(check.output)) == len(HOSTILE)


def test_a_syntax_error_is_still_left_silently_for_check(tmp_path):
    (tmp_path / "broken.yaml").write_text("a: [1\n")
    result = fmt(tmp_path)
    assert result.exit_code == 0 and result.output == ""


def test_a_link_out_of_the_tree_is_never_written_through(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text(MESSY)
    (tree / "linked.yaml").symlink_to(outside)
    (tree / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    result = fmt(tree)
    assert result.exit_code == 1
    assert refusals(result.output) == [
        f"goalspec: not formatted: {tree / 'dangling.yaml'} is a link that leads nowhere (dangling, or a loop)",
        (f"goalspec: not formatted: {tree / 'linked.yaml'} is a link to a file outside the tree; "
         "goalspec writes nothing outside it"),
    ]
    assert outside.read_text() == MESSY and (tree / "linked.yaml").is_symlink()


def test_a_link_inside_the_tree_formats_its_file_once_and_stays_a_link(tmp_path):
    (tmp_path / "real.yaml").write_text(MESSY)
    (tmp_path / "alias.yaml").symlink_to("real.yaml")
    result = fmt(tmp_path)
    assert result.exit_code == 0 and result.output == f"reformatted {tmp_path / 'real.yaml'}\n"
    assert (tmp_path / "alias.yaml").is_symlink() and (tmp_path / "real.yaml").read_text() == TIDY


@pytest.mark.parametrize("make_read_only", ["file", "folder"])
def test_a_read_only_file_is_refused_and_the_others_formatted(tmp_path, make_read_only):
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "goalspec.yaml").write_text(MESSY)
    (tmp_path / "other.yaml").write_text(MESSY)
    if make_read_only == "file":
        os.chmod(folder / "goalspec.yaml", 0o444)
    else:
        os.chmod(folder, 0o555)
    try:
        result = fmt(tmp_path)
        check = fmt(tmp_path, "--check")
    finally:
        os.chmod(folder, 0o755)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    [line] = refusals(result.output)
    assert line.startswith(f"goalspec: not formatted: {folder}") and "is read-only" in line
    assert (folder / "goalspec.yaml").read_text() == MESSY and (tmp_path / "other.yaml").read_text() == TIDY
    assert check.exit_code == 1 and refusals(check.output) == []  # --check writes nothing, so needs no permission


def test_an_already_formatted_read_only_file_is_fine(tmp_path):
    (tmp_path / "goalspec.yaml").write_text(TIDY)
    os.chmod(tmp_path / "goalspec.yaml", 0o444)
    result = fmt(tmp_path)
    assert result.exit_code == 0 and result.output == ""
