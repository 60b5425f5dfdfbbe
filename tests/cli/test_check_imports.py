"""`goalspec check specs` run again (the load cache warm, as a person editing specs has it) imports
only what checking needs: nearly all of its time is imports (bench/README.md, the example tree).
Each name below was once imported on this path, or belongs to another command; a test fails
when an import of one comes back."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from paths import ROOT, RUN_GOALSPEC

_PROBE = RUN_GOALSPEC + """
modules = sorted(sys.modules)
tokenize = sys.modules.get("tokenize")
compiled = tokenize._compile.cache_info().currsize if tokenize else 0
import gc, json
print(json.dumps({"modules": modules, "tokenize_patterns": compiled, "frozen": gc.get_freeze_count()}),
      file=sys.stderr)
"""

# Other commands' packages and libraries: the site, templates, databases, git, editing.
OTHER_COMMANDS = ("goalspec.site", "goalspec.edit", "goalspec.vcs", "jinja2", "markdown_it", "sqlalchemy", "duckdb",
                  "psycopg", "psycopg2", "networkx")
# What a check needs only sometimes: the YAML parser (a file not in the cache), forked workers (a
# large tree to parse), temporary files (cache writes), logging (a lead definition evaluated in
# Python), json (--format json/sarif); and what pydantic's plugin loader imports to find no plugin.
ONLY_SOMETIMES = ("ruamel", "goalspec.spec.compose", "goalspec.spec.stream", "goalspec.spec.yamlerrors",
                  "multiprocessing", "tempfile", "logging", "json", "importlib.metadata", "email", "zipfile")


def _check(tree_parent, cache, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOALSPEC_", "PYDANTIC_"))}
    env.update(GOALSPEC_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT), NO_COLOR="1")
    done = subprocess.run([sys.executable, "-c", _PROBE, "check", "specs", *args], cwd=tree_parent, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "goals, 4 KPIs checked" in done.stdout
    return json.loads(done.stderr.strip().splitlines()[-1])


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.fixture
def runs(specs, tmp_path) -> tuple[dict, dict]:
    cache = tmp_path / "cache"
    return _check(specs.parent, cache, "--today", "2026-12-01"), _check(specs.parent, cache, "--today", "2026-12-01")


def test_a_check_run_again_imports_nothing_it_does_not_need(runs):
    first, again = runs
    assert _loaded(again["modules"], OTHER_COMMANDS + ONLY_SOMETIMES) == []
    assert "goalspec.report.findings" in again["modules"]  # the probe sees the check's own imports
    assert [m for m in again["modules"] if m.startswith("goalspec.report.")] == ["goalspec.report.findings"]
    # pydantic reads a builtin default factory's signature through tokenize's large pattern.
    assert again["tokenize_patterns"] == 0
    # The first run parses every file: only a warm cache spares the parser, so the list above can fail.
    assert "ruamel.yaml" in first["modules"] and "goalspec.spec.compose" in first["modules"]
    assert not _loaded(first["modules"], OTHER_COMMANDS)


def test_the_process_leaves_its_objects_out_of_the_exit_collections(runs):
    # The interpreter's collections at exit cost a check of the example tree ≈30 ms; objects
    # frozen before it are not walked.
    assert all(run["frozen"] > 10_000 for run in runs)


def test_a_command_run_in_process_freezes_nothing():
    before = gc.get_freeze_count()
    assert CliRunner().invoke(main, ["--version"]).exit_code == 0
    assert gc.get_freeze_count() == before  # only the process's own entry does: tests call main.main()


_TWINS = """
from goalspec.spec import titles, vague, when
from goalspec.spec.twin import Twin

def twins(value, depth=0):
    if isinstance(value, Twin):
        yield value
    elif isinstance(value, (tuple, list)) and depth < 3:
        for item in value:
            yield from twins(item, depth + 1)

found = [t for m in (titles, vague, when) for v in vars(m).values() for t in twins(v)]
print(len(found), sorted(t.pattern[:40] for t in found if t._wide is not None or t._narrow is not None))
"""


def test_the_title_readers_compile_no_pattern_on_import():
    # Some eighty patterns, long alternations among them: titles that state amounts reach fewer
    # than half of them, and compiling them all cost ≈20 ms of every check.
    done = subprocess.run([sys.executable, "-c", _TWINS], cwd=ROOT, capture_output=True, text=True, check=True)
    count, compiled = done.stdout.split(" ", 1)
    assert int(count) > 50  # the probe finds them, in module globals and in tables of them
    assert compiled.strip() == "[]"


_LOADER = """
import sys
import goalspec.cli
loader = sys.modules.get("pydantic.plugin._loader")
if loader is None:
    print("none")
else:  # the stand-in: no plugin; anything else asked of it is the real loader's, imported then
    print(not hasattr(loader, "__file__"), tuple(loader.get_plugins()), loader.PYDANTIC_ENTRY_POINT_GROUP,
          hasattr(sys.modules["pydantic.plugin._loader"], "__file__"))
"""


@pytest.mark.parametrize("setting,stood_in", [(None, True), ("__all__", True), ("some-plugin", False)])
def test_pydantic_s_plugin_loader_is_stood_in_for_only_while_every_plugin_is_disabled(setting, stood_in):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYDANTIC_")}
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    done = subprocess.run([sys.executable, "-c", _LOADER], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == (["True", "()", "pydantic", "True"] if stood_in else ["none"])
