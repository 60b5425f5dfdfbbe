"""What GitHub reads from `goalspec check`: SARIF for code scanning (encoded URIs, stable
fingerprints, rule names and help links, column kind) and annotations (every finding in the
log, paths GitHub resolves the way goalspec writes them). docs/ci.md says what a user gets.

Every test builds its own small tree, in a folder with `.git` (the repository root) unless
it says otherwise.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.report.findings import REPOSITORY, RULES_DOC
from goalspec.rules import CODES
from paths import ROOT
from trees import BASE, write_tree

TODAY = "2026-08-01"
SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
ANNOTATION = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=(GS\d{3})::(.*)$")
PLAIN = re.compile(r"^(?P<path>[^\s:][^:]*|\./[^\s]*):(?P<line>\d+):(?P<col>\d+): (?P<code>GS\d{3}) (error|warning): .+$")


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def repo(tmp_path: Path, files: dict[str, str], tree: str = "goals/specs") -> tuple[Path, Path]:
    """A repository root (it has `.git`) with the minimal tree plus ``files`` at ``tree``."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    return tmp_path / "repo", write_tree(tmp_path / "repo" / tree, {**BASE, **files})


def check(target, *args: str):
    return CliRunner().invoke(main, ["check", str(target), "--today", TODAY, *args])


def sarif(root: Path) -> dict:
    result = check(root, "--format", "sarif")
    assert result.exit_code in (0, 1), result.output
    log = json.loads(result.stdout)
    errors = list(jsonschema.Draft4Validator(SCHEMA).iter_errors(log))
    assert not errors, errors[0]
    return log


def results(root: Path) -> list[dict]:
    return sarif(root)["runs"][0]["results"]


def uri(res: dict) -> str:
    return res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def line(res: dict) -> int:
    return res["locations"][0]["physicalLocation"]["region"]["startLine"]


def prints(res: list[dict]) -> list[tuple[str, str, str]]:
    return [(r["ruleId"], uri(r), *r["partialFingerprints"].values()) for r in res]


# --- SARIF: artifact URIs ----------------------------------------------------

TEAM = "apiVersion: goalspec/v1\nkind: Team\nid: {id}\n"  # no name, no lead: GS003 twice


@pytest.mark.parametrize("name, encoded", [
    ("sales team.yaml", "sales%20team.yaml"),
    ("a#b.yaml", "a%23b.yaml"),
    ("what?.yaml", "what%3F.yaml"),
    ("50%.yaml", "50%25.yaml"),
    ("équipe/ventes.yaml", "%C3%A9quipe/ventes.yaml"),
    ("x:y.yaml", "x%3Ay.yaml"),  # a first segment with `:` would read as a scheme
])
def test_sarif_uri_is_percent_encoded_and_keeps_slashes(tmp_path, monkeypatch, name, encoded):
    project, root = repo(tmp_path, {name: TEAM.format(id="x")})
    monkeypatch.chdir(project)
    found = {uri(r) for r in results(root)}
    assert found == {f"goals/specs/{encoded}"}
    (only,) = found
    assert unquote(only) == f"goals/specs/{name}"
    # RFC 3986: nothing outside unreserved characters, `/` and percent escapes
    assert re.fullmatch(r"[A-Za-z0-9\-._~/%]+", only), only


# --- SARIF: rules, help and the run ------------------------------------------

def test_sarif_rules_have_names_help_links_and_the_run_counts_code_points(tmp_path, monkeypatch):
    project, root = repo(tmp_path, {"x.yaml": TEAM.format(id="x")})
    monkeypatch.chdir(project)
    run = sarif(root)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["informationUri"] == REPOSITORY and RULES_DOC.startswith(REPOSITORY + "/")
    assert run["columnKind"] == "unicodeCodePoints"
    names = [r["name"] for r in driver["rules"]]
    assert len(set(names)) == len(names) == len(CODES)
    headings = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in driver["rules"]:
        # SARIF: a name is a readable identifier in PascalCase, not the opaque id
        assert re.fullmatch(r"(?:[A-Z][A-Za-z0-9]*)+", rule["name"]) and rule["name"] != rule["id"], rule["name"]
        # the rule's own section of docs/rules.md (GitHub's anchor for "## GS101" is "#gs101")
        assert rule["helpUri"] == f"{RULES_DOC}#{rule['id'].lower()}"
        assert f"\n## {rule['id']}\n" in headings
    by_id = {r["id"]: r["name"] for r in driver["rules"]}
    assert by_id["GS101"] == "GoalTitleIsVague"
    assert by_id["GS402"] == "NonCompanyGoalHasNoParent"
    assert by_id["GS501"] == "NoCheckInWithinTheKPIsCadence"


def test_sarif_columns_count_characters_as_the_log_says(tmp_path, monkeypatch):
    # `😀` is one code point but two UTF-16 code units (SARIF's default column kind)
    text = '{apiVersion: goalspec/v1, kind: Team, id: x, name: "😀😀", lead: ana, zz: 1}\n'
    project, root = repo(tmp_path, {"x.yaml": text})
    monkeypatch.chdir(project)
    (res,) = results(root)
    assert res["ruleId"] == "GS003" and "`zz`" in res["message"]["text"]
    assert res["locations"][0]["physicalLocation"]["region"]["startColumn"] == text.index("zz") + 1


def test_docs_ci_names_the_information_uri_and_the_fingerprint():
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert REPOSITORY in text and "docs/rules.md" in text
    assert "goalspecKeyPath/v2" in text and "primaryLocationLineHash" in text


# --- SARIF: fingerprints that survive edits above a finding ------------------

COMMENT = "# a comment added at the top\n"


def _same_prints_after(root: Path, rel: str, edit) -> tuple[list, list]:
    before = results(root)
    path = root / rel
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return before, results(root)


def test_fingerprint_of_a_parse_error_survives_a_comment_above(tmp_path, monkeypatch):
    project, root = repo(tmp_path, {"bad.yaml": "apiVersion: goalspec/v1\nkind: [Team\n"})
    monkeypatch.chdir(project)
    before, after = _same_prints_after(root, "bad.yaml", lambda t: COMMENT + t)
    assert [r["ruleId"] for r in before] == ["GS001"] and line(after[0]) == line(before[0]) + 1
    assert prints(after) == prints(before)


def test_fingerprint_of_an_empty_file_survives_a_comment(tmp_path, monkeypatch):
    project, root = repo(tmp_path, {"empty.yaml": ""})
    monkeypatch.chdir(project)
    before, after = _same_prints_after(root, "empty.yaml", lambda t: COMMENT + t)
    assert [r["ruleId"] for r in before] == ["GS002"]
    assert prints(after) == prints(before)


CHECKIN = "apiVersion: goalspec/v1\nkind: CheckIn\nkpi: seats\ndate: {date}\nvalue: 300\nby: {by}\n"


def test_fingerprint_of_a_check_in_survives_a_check_in_inserted_before_it(tmp_path, monkeypatch):
    later = CHECKIN.format(date="2026-07-31", by="zed")  # GS405: no person zed
    project, root = repo(tmp_path, {"checkins.yaml": later})
    monkeypatch.chdir(project)
    before, after = _same_prints_after(root, "checkins.yaml",
                                       lambda t: CHECKIN.format(date="2026-06-30", by="ana") + "---\n" + t)
    assert [r["ruleId"] for r in before] == ["GS405"] and line(after[0]) == line(before[0]) + 7
    assert prints(after) == prints(before)


def test_fingerprints_of_two_identical_check_ins_differ_and_survive_a_third_before_them(tmp_path, monkeypatch):
    twice = CHECKIN.format(date="2026-07-31", by="zed") + "---\n" + CHECKIN.format(date="2026-07-31", by="zed")
    project, root = repo(tmp_path, {"checkins.yaml": twice})
    monkeypatch.chdir(project)
    before, after = _same_prints_after(root, "checkins.yaml",
                                       lambda t: CHECKIN.format(date="2026-05-31", by="zed") + "---\n" + t)
    assert len(before) == 2 and len(set(prints(before))) == 2
    # the new check-in has its own finding; the two old ones keep theirs
    assert len(after) == 3 and prints(after)[1:] == prints(before)
    assert prints(after)[0] not in prints(before)


INCENTIVE = ("apiVersion: goalspec/v1\nkind: Incentive\nid: bonus\nname: Bonus\nfor: sales\nperiod: 2026-Q3\n"
             "pays_on:\n{items}")


def test_fingerprint_of_a_pays_on_item_survives_an_item_inserted_before_it(tmp_path, monkeypatch):
    items = "  - {goal: company.q3, share: 0.5}\n  - {goal: nope.goal, share: 0.5}\n"  # GS406 on the second
    project, root = repo(tmp_path, {"inc.yaml": INCENTIVE.format(items=items)})
    monkeypatch.chdir(project)
    before, after = _same_prints_after(
        root, "inc.yaml", lambda t: t.replace("pays_on:\n", "pays_on:\n  - {goal: sales.q3}\n"))
    assert [r["ruleId"] for r in before] == ["GS406"]
    assert [p for p in prints(after) if p[0] == "GS406"] == prints(before)


def test_fingerprint_of_a_field_in_a_list_item_survives_an_item_inserted_before_it(tmp_path, monkeypatch):
    items = "  - {goal: company.q3, share: 0.5}\n  - {goal: sales.q3, shar: 0.5}\n"  # GS003 in the second
    project, root = repo(tmp_path, {"inc.yaml": INCENTIVE.format(items=items)})
    monkeypatch.chdir(project)
    before, after = _same_prints_after(root, "inc.yaml", lambda t: t.replace("pays_on:\n", "pays_on:\n  - company.q3\n"))
    assert [r["ruleId"] for r in before] == ["GS003"] and line(after[0]) == line(before[0]) + 1
    assert prints(after) == prints(before)


@pytest.mark.parametrize("doc, code", [
    ("apiVersion: goalspec/v1\nkind: Incentive\nname: No id\nfor: sales\npays_on: [company.q3]\n", "GS003"),
    ("apiVersion: goalspec/v1\nkind: Memo\ntext: hello\n", "GS002"),
    ("- not\n- a mapping\n", "GS002"),
])
def test_fingerprint_of_a_document_without_an_id_survives_a_document_inserted_before_it(
        tmp_path, monkeypatch, doc, code):
    project, root = repo(tmp_path, {"misc.yaml": doc})
    monkeypatch.chdir(project)
    before, after = _same_prints_after(root, "misc.yaml", lambda t: TEAM.format(id="t") + "name: T\nlead: ana\n---\n" + t)
    assert [r["ruleId"] for r in before] == [code] and line(after[0]) == line(before[0]) + 6
    assert prints(after) == prints(before)


def test_fingerprint_of_a_goal_follows_its_id_not_its_file_position(tmp_path, monkeypatch):
    goal = ("apiVersion: goalspec/v1\nkind: Goal\nid: sales.{n}\ntitle: Improve things\nowner: ben\nteam: sales\n"
            "parent: company.q3\nkpi: seats\ntarget: {{value: 900}}\ndeadline: 2026-Q3\n")
    project, root = repo(tmp_path, {"g.yaml": goal.format(n="b")})
    monkeypatch.chdir(project)
    before, after = _same_prints_after(root, "g.yaml", lambda t: goal.format(n="a") + "---\n" + t)
    assert [r["ruleId"] for r in before] == ["GS101"]
    assert prints(before)[0] in prints(after) and len(set(prints(after))) == 2


# --- GitHub annotations ------------------------------------------------------

def _many() -> dict[str, str]:
    """22 errors (11 teams without name and lead) and 11 warnings (GS103 on 11 goals)."""
    teams = "---\n".join(TEAM.format(id=f"t{i:02}") for i in range(11))
    goals = "---\n".join(
        f"apiVersion: goalspec/v1\nkind: Goal\nid: sales.g{i:02}\ntitle: Close 5 seats\nowner: ben\nteam: sales\n"
        f"parent: company.q3\nkpi: seats\ntarget: {{value: 6}}\ndeadline: 2026-Q3\n" for i in range(11))
    return {"a-goals.yaml": goals, "b-teams.yaml": teams}


def test_github_writes_every_finding_ten_of_each_kind_as_annotations(tmp_path, monkeypatch):
    project, root = repo(tmp_path, _many())
    monkeypatch.chdir(project)
    every = json.loads(check(root, "--format", "json").stdout)["diagnostics"]
    out = check(root, "--format", "github")
    assert out.exit_code == 1
    lines = out.stdout.splitlines()
    annotations, plain, notice = lines[:20], lines[20:-1], lines[-1]
    assert [ANNOTATION.match(x)[1] for x in annotations] == ["error"] * 10 + ["warning"] * 10
    assert all(PLAIN.match(x) for x in plain), plain
    assert notice.startswith("::notice title=goalspec::") and "20 annotated, the other 13" in notice
    # every finding once, in the log: annotations by (file, line, col, code), plain lines likewise
    shown = sorted([(a[2], int(a[3]), int(a[4]), a[5]) for a in map(ANNOTATION.match, annotations)]
                   + [(m["path"], int(m["line"]), int(m["col"]), m["code"]) for m in map(PLAIN.match, plain)])
    assert shown == sorted(("goals/specs/" + d["file"], d["line"], d["column"], d["code"]) for d in every)
    assert len(every) == 33


def test_github_paths_are_relative_to_the_repository_root_from_any_working_directory(tmp_path, monkeypatch):
    # `working-directory: goals/specs` in a workflow: annotations still name the file from the root
    project, root = repo(tmp_path, {"x.yaml": TEAM.format(id="x")})
    for cwd in (project, root, root.parent):
        monkeypatch.chdir(cwd)
        files = {ANNOTATION.match(x)[2] for x in check(root, "--format", "github").stdout.splitlines()}
        assert files == {"goals/specs/x.yaml"}, cwd


def test_github_paths_follow_github_workspace_when_set(tmp_path, monkeypatch):
    project, root = repo(tmp_path, {"x.yaml": TEAM.format(id="x")})
    monkeypatch.chdir(root)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project / "goals"))
    files = {ANNOTATION.match(x)[2] for x in check(root, "--format", "github").stdout.splitlines()}
    assert files == {"specs/x.yaml"}
    # the SARIF log stays relative to the repository root: that is what code scanning reads
    assert {uri(r) for r in results(root)} == {"goals/specs/x.yaml"}


def test_github_plain_lines_can_never_be_workflow_commands(tmp_path, monkeypatch):
    # a file named like a workflow command, with more findings than are annotated
    teams = "---\n".join(TEAM.format(id=f"t{i:02}") for i in range(8))
    project, root = repo(tmp_path, {"::warning::x.yaml": teams}, tree="")
    monkeypatch.chdir(project)
    lines = check(root, "--format", "github").stdout.splitlines()
    commands = [x for x in lines if x.startswith("::")]
    assert len(commands) == 10 + 1
    assert all(ANNOTATION.match(x) for x in commands[:-1]) and commands[-1].startswith("::notice ")
    assert all(x.startswith("::error file=%3A%3Awarning%3A%3Ax.yaml,") for x in commands[:-1])
    plain = [x for x in lines if not x.startswith("::")]
    assert len(plain) == 6 and all(x.startswith("./::warning::x.yaml:") for x in plain)
