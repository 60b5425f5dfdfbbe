"""Output formats of FORMAT.md §5: text, json, github, sarif; exit codes; overrides."""

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.report import escape_data, escape_property
from goalspec.rules import CODES

BASE = Path(__file__).parent / "rules" / "base"
SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
TODAY = "2026-08-01"
GOAL = """apiVersion: goalspec/v1
kind: Goal
id: {id}
title: {title}
owner: ben
team: sales
parent: company.q3
kpi: seats
target: {{value: 500}}
deadline: {deadline}
"""


def make_tree(root: Path, extra: dict[str, str] | None = None) -> Path:
    shutil.copytree(BASE, root)
    for rel, text in (extra or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def broken(root: Path) -> Path:
    return make_tree(root, {
        "b.yaml": GOAL.format(id="sales.b", title="Improve things", deadline="2026-Q3"),
        "a/a.yaml": GOAL.format(id="sales.a", title="Close 700 seats", deadline="2026-13")
        + "---\n" + GOAL.format(id="sales.c", title="Close 500 seats", deadline="2026-Q3").replace("kpi: seats", "kpi: nope"),
    })


def check(*args, cwd: Path | None = None, monkeypatch=None):
    if cwd is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, ["check", *map(str, args), "--today", TODAY])


def test_text_lines_hints_and_summary(tmp_path, monkeypatch):
    tree = broken(tmp_path / "specs")
    result = check("specs", cwd=tmp_path, monkeypatch=monkeypatch)
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0] == "specs/a/a.yaml:4:8: GS103 warning: title says 700 but the target is 500"
    assert lines[1].startswith("    hint: ")
    assert "specs/b.yaml:4:8: GS101 error: goal title is vague: it names no number, only \"improve\"" in lines
    assert lines[-1] == "3 errors, 1 warning: 6 files, 5 goals, 2 KPIs checked"
    # paths are relative to the working directory, wherever that is
    result = check(tree, cwd=tree / "a", monkeypatch=monkeypatch)
    assert result.output.startswith("a.yaml:4:8: GS103")
    assert tree.exists()


def test_text_clean_tree_is_one_summary_line(tmp_path):
    result = check(make_tree(tmp_path / "t"))
    assert result.exit_code == 0
    assert result.output == "no problems: 4 files, 2 goals, 2 KPIs checked\n"


def test_json_shape_order_and_counts(tmp_path, monkeypatch):
    tree = broken(tmp_path / "specs")
    result = CliRunner().invoke(main, ["check", str(tree), "--format", "json", "--today", TODAY])
    doc = json.loads(result.output)
    assert set(doc) == {"diagnostics", "summary"}
    assert doc["summary"] == {"errors": 3, "warnings": 1, "goals": 5, "kpis": 2, "files": 6}
    for d in doc["diagnostics"]:
        assert list(d) == ["code", "severity", "file", "line", "column", "id", "message", "hint"]
    keys = [(d["file"], d["line"], d["column"], d["code"]) for d in doc["diagnostics"]]
    assert keys == sorted(keys)
    assert keys == [("a/a.yaml", 4, 8, "GS103"), ("a/a.yaml", 10, 11, "GS302"),
                    ("a/a.yaml", 19, 6, "GS202"), ("b.yaml", 4, 8, "GS101")]
    assert doc["diagnostics"][0]["id"] == "sales.a" and doc["diagnostics"][0]["severity"] == "warning"


def test_github_annotations(tmp_path, monkeypatch):
    broken(tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "specs", "--format", "github", "--today", TODAY])
    lines = result.output.splitlines()
    assert result.exit_code == 1 and len(lines) == 4
    assert lines[0] == "::warning file=specs/a/a.yaml,line=4,col=8,title=GS103::title says 700 but the target is 500"
    assert lines[3] == ('::error file=specs/b.yaml,line=4,col=8,title=GS101::'
                        'goal title is vague: it names no number, only "improve"')


def test_github_escaping():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_message_is_escaped_end_to_end(tmp_path):
    tree = make_tree(tmp_path / "t", {"x.yaml": GOAL.format(id="sales.x", title="'Close 5% more, quickly\n\n  seats'",
                                                               deadline="2026-Q3")})
    result = CliRunner().invoke(main, ["check", str(tree), "--format", "github", "--today", TODAY])
    (line,) = result.output.splitlines()
    assert "title says 5%25 but the target is 500" in line


def _sarif(tree: Path, cwd: Path, monkeypatch) -> dict:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["check", str(tree), "--format", "sarif", "--today", TODAY])
    return json.loads(result.output)


def test_sarif_is_valid_and_complete(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    tree = broken(repo / "goals" / "specs")
    log = _sarif(tree, repo / "goals", monkeypatch)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(CODES)
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning")
    results = run["results"]
    assert len(results) == 4
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    first = results[0]
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "goals/specs/a/a.yaml"  # relative to the repository root
    assert loc["region"] == {"startLine": 4, "startColumn": 8}
    assert first["level"] == "warning"


def test_sarif_fingerprints_survive_edits_above(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    tree = broken(repo / "specs")
    before = _sarif(tree, repo, monkeypatch)["runs"][0]["results"]
    path = tree / "a" / "a.yaml"
    path.write_text("# a new comment\n# and another\n" + path.read_text())
    after = _sarif(tree, repo, monkeypatch)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after][:3] == [6, 12, 21]
    assert _fingerprints(before) == _fingerprints(after)
    assert len(set(_fingerprints(before))) == len(before)


def _fingerprints(results: list[dict]) -> list[str]:
    return [r["partialFingerprints"]["goalspecKeyPath/v1"] for r in results]


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_byte_identical_and_independent_of_creation_order(tmp_path, monkeypatch, fmt):
    files = {"z.yaml": GOAL.format(id="sales.z", title="Improve", deadline="2026-Q3"),
             "m/y.yaml": GOAL.format(id="sales.y", title="Better", deadline="2026-Q9")}
    one = make_tree(tmp_path / "one" / "specs", files)
    two = make_tree(tmp_path / "two" / "specs", dict(reversed(list(files.items()))))
    outputs = []
    for parent in (one.parent, one.parent, two.parent):
        monkeypatch.chdir(parent)
        outputs.append(CliRunner().invoke(main, ["check", "specs", "--format", fmt, "--today", TODAY]).output)
    assert outputs[0] == outputs[1] == outputs[2]


def test_exit_codes(tmp_path):
    runner = CliRunner()
    clean = make_tree(tmp_path / "clean")
    assert runner.invoke(main, ["check", str(clean), "--today", TODAY]).exit_code == 0
    # a warning alone (an active goal past its deadline) does not fail the check
    warned = runner.invoke(main, ["check", str(clean), "--today", "2026-12-01"])
    assert warned.exit_code == 0 and "GS305 warning" in warned.output
    assert runner.invoke(main, ["check", str(broken(tmp_path / "b")), "--today", TODAY]).exit_code == 1
    assert runner.invoke(main, ["check", str(clean), "--format", "xml"]).exit_code == 2
    assert runner.invoke(main, ["check", str(clean), "--today", "01/02/2026"]).exit_code == 2


def _org(rules: str) -> str:
    return f"apiVersion: goalspec/v1\nkind: Organization\nname: Acme\nrules: {rules}\n"


def test_rule_overrides_from_the_organization(tmp_path):
    runner = CliRunner()
    strict = make_tree(tmp_path / "s", {"goalspec.yaml": _org("{GS305: error}")})
    result = runner.invoke(main, ["check", str(strict), "--today", "2026-12-01"])
    assert result.exit_code == 1 and "GS305 error" in result.output
    off = make_tree(tmp_path / "o", {"goalspec.yaml": _org("{GS101: off}"),
                                     "x.yaml": GOAL.format(id="sales.x", title="Improve", deadline="2026-Q3")})
    assert runner.invoke(main, ["check", str(off), "--today", TODAY]).exit_code == 0
    soft = make_tree(tmp_path / "w", {"goalspec.yaml": _org("{GS101: warning}"),
                                      "x.yaml": GOAL.format(id="sales.x", title="Improve", deadline="2026-Q3")})
    result = runner.invoke(main, ["check", str(soft), "--today", TODAY])
    assert result.exit_code == 0 and "GS101 warning" in result.output


@pytest.mark.parametrize("title,silenced", [
    ("Improve  # goalspec: ignore[GS101]", True),
    ("Improve  # goalspec: ignore[GS101, GS103]", True),
    ("Improve  # goalspec: ignore", True),
    ("Improve  # goalspec: ignore[GS102]", False),
])
def test_inline_ignore_on_the_line(tmp_path, title, silenced):
    tree = make_tree(tmp_path / "t", {"x.yaml": GOAL.format(id="sales.x", title=title, deadline="2026-Q3")})
    result = CliRunner().invoke(main, ["check", str(tree), "--today", TODAY])
    assert ("GS101" not in result.output) is silenced


def test_inline_ignore_on_the_line_above(tmp_path):
    text = GOAL.format(id="sales.x", title="Improve", deadline="2026-Q3").replace(
        "title:", "# goalspec: ignore[GS101]\ntitle:")
    tree = make_tree(tmp_path / "t", {"x.yaml": text})
    assert CliRunner().invoke(main, ["check", str(tree), "--today", TODAY]).exit_code == 0
