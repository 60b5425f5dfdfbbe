"""`goalspec init`: a small commented tree that checks clean, never over existing files."""

import errno
import json
import os
import subprocess
import sys
from datetime import date

import jsonschema
import pytest
from click.testing import CliRunner

from goalspec.check import run
from goalspec.cli import main
from goalspec.edit.init import SCHEMA_FILE, InitError, files, init
from goalspec.spec.load import load_tree
from goalspec.edit.schema import render


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 5, 15), date(2026, 9, 30), date(2026, 12, 31)])
def test_the_new_tree_checks_clean_whatever_the_date(tmp_path, today):
    init(tmp_path / "goals", today)
    result = run(tmp_path / "goals", today)
    assert result.diagnostics == ()
    assert result.summary.goals == 2 and len(result.project.teams) == 2 and len(result.project.leads) == 1
    assert result.graph.traced == {"company.seats", "sales.seats"}


def test_every_file_names_the_schema_and_validates_against_it(tmp_path):
    written = init(tmp_path, date(2026, 11, 22))
    assert (tmp_path / SCHEMA_FILE).read_text() == render()
    validator = jsonschema.Draft7Validator(json.loads(render()))
    for path in written:
        if path.suffix == ".yaml":
            assert path.read_text().startswith(f"# yaml-language-server: $schema={SCHEMA_FILE}\n")
    for doc in load_tree(tmp_path).documents:
        assert list(validator.iter_errors(doc.data)) == [], doc.file
    assert "#" in (tmp_path / "kpis.yaml").read_text().split("\n", 2)[2]  # commented, to learn from


def test_it_refuses_to_overwrite(tmp_path):
    (tmp_path / "goals.yaml").write_text("mine\n")
    with pytest.raises(InitError, match="goals.yaml"):
        init(tmp_path, date(2026, 11, 22))
    assert (tmp_path / "goals.yaml").read_text() == "mine\n"
    assert not (tmp_path / "teams.yaml").exists()
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1 and "refusing to overwrite" in result.output


def test_command_writes_then_check_passes(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0 and "wrote" in result.output
    assert CliRunner().invoke(main, ["check", str(tmp_path / "new")]).exit_code == 0


def test_it_refuses_to_write_through_a_link_even_a_dangling_one(tmp_path):
    folder = tmp_path / "goals"
    folder.mkdir()
    outside = tmp_path / "elsewhere" / "kpis.yaml"
    (folder / "kpis.yaml").symlink_to(outside)
    result = CliRunner().invoke(main, ["init", str(folder)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output == f"goalspec: refusing to write through a link: {folder / 'kpis.yaml'}\n"
    assert not outside.exists() and [p.name for p in folder.iterdir()] == ["kpis.yaml"]


def test_a_read_only_folder_is_refused_in_one_line(tmp_path):
    folder = tmp_path / "goals"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        result = CliRunner().invoke(main, ["init", str(folder)])
    finally:
        os.chmod(folder, 0o755)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.startswith("goalspec: nothing written: ") and "is read-only" in result.output
    assert len(result.output.splitlines()) == 1 and list(folder.iterdir()) == []


def test_a_failed_write_takes_back_the_files_already_written(tmp_path, monkeypatch):
    from goalspec.edit import init as init_module

    calls = []

    def third_fails(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(path, data)

    real_replace = init_module.replace
    monkeypatch.setattr(init_module, "replace", third_fails)
    with pytest.raises(InitError, match="No space left on device"):
        init(tmp_path / "goals", date(2026, 11, 22))
    assert list((tmp_path / "goals").iterdir()) == []  # all or nothing, and no lock file left
    monkeypatch.undo()
    assert len(init(tmp_path / "goals", date(2026, 11, 22))) == 8  # so a second try can succeed


def test_two_inits_raced_write_one_tree(tmp_path):
    folder = tmp_path / "goals"
    procs = [subprocess.Popen([sys.executable, "-m", "goalspec", "init", str(folder)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    codes = sorted(p.wait(timeout=120) for p in procs)
    assert codes == [0, 1, 1, 1]
    assert sorted(p.name for p in folder.iterdir()) == sorted([*files(date.today()), SCHEMA_FILE])
