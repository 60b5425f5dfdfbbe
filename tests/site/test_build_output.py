"""`goalspec build`'s output folder: its mode, symbolic links, what a killed build leaves, broken templates."""

import fcntl
import os
import signal
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.site.build import MARKER, build
from trees import files

TODAY = "2027-01-15"
runner = CliRunner()


def cli_build(tree: Path, out: Path, *extra: str):
    return runner.invoke(main, ["build", str(tree), "-o", str(out), "--today", TODAY, *extra])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask, expected", [(0o022, 0o755), (0o027, 0o750), (0o002, 0o775)],
                         ids=["umask-022", "umask-027", "umask-002"])
def test_the_site_folder_gets_the_umask_mode_like_any_folder(specs, tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        site = tmp_path / "site"
        assert cli_build(specs, site).exit_code == 0
        assert mode(site) == expected  # mkdtemp made it 0700: a web server running as another user got 403
        assert mode(site / "goals") == expected
        assert mode(site / "index.html") == expected & 0o666
        assert cli_build(specs, site).exit_code == 0  # the swap over an existing site keeps it too
        assert mode(site) == expected
    finally:
        os.umask(old)


def test_a_link_stays_and_the_folder_it_points_at_is_replaced(specs, tmp_path):
    releases = tmp_path / "releases"
    (releases / "7").mkdir(parents=True)
    link = tmp_path / "current"
    link.symlink_to(Path("releases") / "7")
    for _ in range(2):  # into the empty folder, then over the site built there
        result = cli_build(specs, link)
        assert result.exit_code == 0, result.output
        assert link.is_symlink() and os.readlink(link) == "releases/7"
        assert (releases / "7" / MARKER).is_file() and (releases / "7" / "index.html").is_file()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "releases", "specs"]  # no .current.old-*
        assert sorted(p.name for p in releases.iterdir()) == ["7"]


def test_a_link_to_a_folder_goalspec_did_not_make_is_refused(specs, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    (tmp_path / "link").symlink_to(precious)
    result = cli_build(specs, tmp_path / "link")
    assert result.exit_code == 2 and "not a goalspec site" in result.output
    assert (tmp_path / "link").is_symlink() and files(precious) == {"thesis.txt": b"years of work"}


def test_a_dangling_link_is_a_one_line_usage_error(specs, tmp_path):
    link = tmp_path / "site"
    link.symlink_to(tmp_path / "gone")
    result = cli_build(specs, link)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {link} is a symbolic link to {tmp_path / 'gone'}, which does not exist; "
                      "create that folder or remove the link"]
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert link.is_symlink() and not (tmp_path / "gone").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "specs"]


KILLED_BUILD = """
import os, signal, sys
from datetime import date
from pathlib import Path
import goalspec.site.output as render
from goalspec.site.build import build

written = render._render
def render_then_die(*args):
    written(*args)
    os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or a cancelled CI job would, mid-write
render._render = render_then_die
build(Path(sys.argv[1]), Path(sys.argv[2]), date(2027, 1, 15), history=False)
"""


def killed_build(specs: Path, site: Path) -> list[Path]:
    proc = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(specs), str(site)], timeout=120,
                          capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    return sorted(site.parent.glob(f".{site.name}.new-*"))


def test_a_later_build_removes_what_a_killed_build_left(specs, tmp_path):
    site = tmp_path / "site"
    assert cli_build(specs, site).exit_code == 0
    before = files(site)
    left = killed_build(specs, site)
    assert len(left) == 1 and (left[0] / MARKER).is_file()
    assert files(site) == before  # the killed build never touched the site
    mine = tmp_path / ".site.new-mine"  # a user's folder that merely looks like one: never removed
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    assert cli_build(specs, site).exit_code == 0
    assert not left[0].exists()
    assert (mine / "notes.txt").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.new-mine", "site", "specs"]


def test_a_running_build_s_folder_is_not_removed(specs, tmp_path):
    site = tmp_path / "site"
    left = killed_build(specs, site)
    # A build that is still writing holds a lock on its folder's marker: another build leaves it alone.
    fd = os.open(left[0] / MARKER, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert cli_build(specs, site).exit_code == 0
        assert left[0].is_dir()
    finally:
        os.close(fd)
    assert cli_build(specs, site).exit_code == 0
    assert not left[0].exists()


BROKEN = [
    ("goal.html", "{% extends 'base.html' %}{% block main %}\n<p>{{ goal.title }\n{% endblock %}",
     "templates/goal.html:2: unexpected '}'"),
    ("goal.html", "{% extends 'base.html' %}{% block main %}\n\n<p>{{ goal.no_such_field }}</p>{% endblock %}",
     "templates/goal.html:3: 'dict object' has no attribute 'no_such_field'"),
    ("team.html", "{% extends 'base.html' %}\n{% block main %}{{ undefined_name }}{% endblock %}",
     "templates/team.html:2: 'undefined_name' is undefined"),
    ("base.html", "<!doctype html>\n<title>{{ site.no_such_field }}</title>\n{% block main %}{% endblock %}",
     "templates/base.html:2: 'dict object' has no attribute 'no_such_field'"),
    ("index.html", "{% extends 'nope.html' %}", "templates/index.html:1: no template 'nope.html'"),
]


@pytest.mark.parametrize("name, text, message", BROKEN)
def test_a_broken_template_is_one_line_naming_its_file_and_line(specs, tmp_path, monkeypatch, name, text, message):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["build", "specs", "-o", "site", "--today", TODAY]).exit_code == 0
    before = files(tmp_path / "site")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / name).write_text(text)
    result = runner.invoke(main, ["build", "specs", "-o", "site", "--today", TODAY, "--templates", "templates"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [f"{message} (not built; site is unchanged)"]
    assert files(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "specs", "templates"]


def test_workers_report_a_broken_template_the_same_way(specs, tmp_path):
    from goalspec.check import run
    from goalspec.site.output import environment, write
    from goalspec.site.render import pages
    from goalspec.site.templates import TemplateProblem

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "goal.html").write_text(BROKEN[1][1])
    site_pages = pages(run(specs, date(2027, 1, 15), remote_data=True))
    for jobs in (1, 2):  # a forked worker's error reaches the parent with its file and line
        with pytest.raises(TemplateProblem) as caught:
            write(site_pages, environment(tmp_path / "templates"), tmp_path / f"jobs{jobs}", jobs=jobs)
        assert str(caught.value) == f"{tmp_path}/templates/goal.html:3: 'dict object' has no attribute 'no_such_field'"


def test_a_broken_template_leaves_the_previous_site_through_the_api_too(specs, tmp_path):
    from goalspec.site.templates import TemplateProblem

    site = tmp_path / "site"
    build(specs, site, date(2027, 1, 15))
    before = files(site)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "map.html").write_text("{% if %}")
    with pytest.raises(TemplateProblem, match=r"templates/map.html:1: "):
        build(specs, site, date(2027, 1, 15), templates=tmp_path / "templates")
    assert files(site) == before
