"""Nothing outside the tree is read: spec files that are links leading out of it, links that
loop or dangle, and files that are not regular files (a FIFO would block forever) get GS001
at 1:1 and are never opened. Links inside the tree are read like any file."""

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.spec.load import load_tree
from paths import SPECS


@pytest.fixture
def tree(tmp_path):
    import shutil

    shutil.copytree(SPECS, tmp_path / "specs")
    # A file outside the tree that would give findings of its own if it were read.
    (tmp_path / "outside.yaml").write_text("apiVersion: goalspec/v1\nkind: Goal\nid: secret.goal\ntitle: [unclosed\n")
    return tmp_path / "specs"


def gs001(tree):
    return {d.file: d.message for d in load_tree(tree).diagnostics if d.code == "GS001"}


def test_a_link_to_a_file_outside_the_tree_is_refused_unread(tree):
    (tree / "goals" / "out.yaml").symlink_to(tree.parent / "outside.yaml")
    loaded = load_tree(tree)
    (finding,) = [d for d in loaded.diagnostics if d.file == "goals/out.yaml"]
    assert (finding.code, finding.line, finding.column) == ("GS001", 1, 1)
    assert "outside the tree" in finding.message
    assert not any("secret" in repr(doc.data) for doc in loaded.documents)


def test_a_relative_link_that_climbs_out_is_refused(tree):
    (tree / "goals" / "up.yaml").symlink_to(os.path.join("..", "..", "outside.yaml"))
    assert "outside the tree" in gs001(tree)["goals/up.yaml"]


def test_a_link_inside_the_tree_is_read(tree):
    (tree / "goals" / "again.yaml").symlink_to("company.yaml")
    findings = load_tree(tree).diagnostics
    assert not [d for d in findings if d.file == "goals/again.yaml"]
    assert sum(doc.file == "goals/again.yaml" for doc in load_tree(tree).documents) >= 1


@pytest.mark.parametrize("make", ["dangling", "loop", "fifo"])
def test_links_that_lead_nowhere_and_fifos_are_findings(tree, make):
    target = tree / "goals" / "odd.yaml"
    if make == "dangling":
        target.symlink_to(tree / "missing.yaml")
    elif make == "loop":
        target.symlink_to("odd2.yaml")
        (tree / "goals" / "odd2.yaml").symlink_to("odd.yaml")
    else:
        os.mkfifo(target)
    assert "goals/odd.yaml" in gs001(tree)


def test_check_never_blocks_on_a_fifo_and_names_the_link_not_its_target(tree):
    os.mkfifo(tree / "goals" / "pipe.yaml")
    (tree / "goals" / "out.yaml").symlink_to(tree.parent / "outside.yaml")
    (tree / "goals" / "loop.yaml").symlink_to("loop.yaml")
    done = subprocess.run([sys.executable, "-m", "goalspec", "check", str(tree), "--today", "2026-09-15"],
                          capture_output=True, text=True, timeout=60, cwd=tree.parent)
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr
    lines = done.stdout.splitlines()
    assert "specs/goals/out.yaml:1:1: GS001 error: file is a link to a file outside the tree" in lines
    assert any(line.startswith("specs/goals/pipe.yaml:1:1: GS001") for line in lines)
    assert any(line.startswith("specs/goals/loop.yaml:1:1: GS001") for line in lines)
    assert "outside.yaml" not in done.stdout.replace("goals/out.yaml", "")


def test_spec_files_given_as_links_are_checked_in_their_tree(tree, monkeypatch):
    (tree / "goals" / "out.yaml").symlink_to(tree.parent / "outside.yaml")
    (tree / "goals" / "loop.yaml").symlink_to("loop.yaml")
    monkeypatch.chdir(tree / "goals")
    result = CliRunner().invoke(main, ["check", "out.yaml", "loop.yaml", "--today", "2026-09-15"])
    assert result.exit_code == 1, result.output
    assert "out.yaml:1:1: GS001" in result.output and "loop.yaml:1:1: GS001" in result.output
