"""Output of `goalspec check` (docs/format.md, Output): text, json, github, sarif; exit codes;
byte-identical runs; Organization.rules overrides and inline ignores.

Every test builds its own small spec tree in tmp_path.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.report.findings import escape_data, escape_property
from goalspec.rules import CODES, RULES
from trees import BASE, ORG, write_tree

TODAY = "2026-08-01"
# The OASIS SARIF 2.1.0 schema (errata01), from the OASIS TC's sarif-spec repository,
# sarif-2.1/schema/sarif-schema-2.1.0.json; shipped here so that a fresh clone can run this test.
SCHEMA = Path(__file__).parent / "sarif-schema-2.1.0.json"


def tree(root: Path, extra: dict[str, str] | None = None) -> Path:
    """The minimal valid tree plus extra (or replacement) files."""
    return write_tree(root, {**BASE, **(extra or {})})


def goal(gid: str, title: str = "Close 900 seats by the end of Q3", *, deadline: str = "2026-Q3",
         kpi: str = "seats", extra: str = "") -> str:
    """A sales goal serving company.q3. Line 4 is the title, 8 the kpi, 10 the deadline."""
    return (f"apiVersion: goalspec/v1\nkind: Goal\nid: {gid}\ntitle: {title}\nowner: ben\nteam: sales\n"
            f"parent: company.q3\nkpi: {kpi}\ntarget: {{value: 900}}\ndeadline: {deadline}\n{extra}")


def check(target, *args: str, today: str = TODAY):
    return CliRunner().invoke(main, ["check", str(target), "--today", today, *args])


def as_json(target, **kw) -> dict:
    result = check(target, "--format", "json", **kw)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def _not_on_github_actions(monkeypatch):
    # Paths in the github format follow GITHUB_WORKSPACE, and the default format GITHUB_ACTIONS:
    # these tests must read the same on a developer's machine and in a GitHub Actions job.
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<code>GS\d{3}) (?P<sev>error|warning): (?P<msg>.+)$")


# --- the minimal tree -------------------------------------------------------

def test_minimal_tree_checks_clean_and_prints_only_the_summary(tmp_path):
    result = check(tree(tmp_path / "specs"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "no problems: 4 files, 2 goals, 1 KPI checked\n"


def test_minimal_tree_is_clean_in_every_format(tmp_path):
    root = tree(tmp_path / "specs")
    doc = as_json(root)
    assert doc == {"diagnostics": [], "summary": {"errors": 0, "warnings": 0, "goals": 2, "kpis": 1, "files": 4}}
    assert check(root, "--format", "github").stdout == ""
    sarif = json.loads(check(root, "--format", "sarif").stdout)
    assert sarif["runs"][0]["results"] == []


# --- text -------------------------------------------------------------------

def test_text_lines_hints_and_summary_relative_to_cwd(tmp_path, monkeypatch):
    project = tmp_path / "proj"
    tree(project / "specs", {"extra.yaml": goal("sales.vague", "Improve things")})
    monkeypatch.chdir(project)
    result = check("specs")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        'specs/extra.yaml:4:8: GS101 error: goal title is vague: it names a direction without an amount ("improve")',
        '    hint: state how much: the amount or the value it reaches, e.g. "Increase MSP seats by 10% over Q3"',
        "1 error, 0 warnings: 5 files, 3 goals, 1 KPI checked",
    ]
    m = LINE.match(lines[0])
    assert m and m["path"] == "specs/extra.yaml" and (m["line"], m["col"]) == ("4", "8")


def test_text_paths_follow_the_working_directory(tmp_path, monkeypatch):
    root = tree(tmp_path / "proj" / "specs", {"sub/extra.yaml": goal("sales.vague", "Improve things")})
    # from the folder above the project: the path includes the tree's folder name
    monkeypatch.chdir(tmp_path)
    assert check(root).stdout.startswith("proj/specs/sub/extra.yaml:4:8: GS101 error: ")
    # from a sibling folder: a relative path that climbs out
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert check(root).stdout.startswith("../proj/specs/sub/extra.yaml:4:8: GS101 error: ")
    # from inside the tree
    monkeypatch.chdir(root / "sub")
    assert check(root).stdout.startswith("extra.yaml:4:8: GS101 error: ")


def test_text_every_finding_has_a_hint_and_the_summary_counts_them(tmp_path):
    root = tree(tmp_path / "specs", {
        "b.yaml": goal("sales.b", "Improve things", deadline="2026-Q9"),
        "a/a.yaml": goal("sales.a", "Close 700 seats"),
    })
    lines = check(root).stdout.splitlines()
    findings, summary = lines[:-1], lines[-1]
    assert len(findings) == 6
    for line, hint in zip(findings[::2], findings[1::2]):
        assert LINE.match(line), line
        assert hint.startswith("    hint: ") and len(hint) > len("    hint: ")
    codes = [LINE.match(line)["code"] for line in findings[::2]]
    assert codes == ["GS103", "GS101", "GS302"]
    assert summary == "2 errors, 1 warning: 6 files, 4 goals, 1 KPI checked"


# --- json -------------------------------------------------------------------

def _two_files() -> dict[str, str]:
    return {
        # b.yaml: a vague title (4:8) and a bad deadline (10:11)
        "b.yaml": goal("sales.b", "Improve things", deadline="2026-Q9"),
        # a/a.yaml: two findings at one position (GS101, GS103 at 4:8), an unknown KPI (8:6),
        # then a document of an unknown kind, which has no id
        "a/a.yaml": goal("sales.a", "Win as many 10% deals as possible", kpi="nope")
        + "---\napiVersion: goalspec/v1\nkind: Memo\ntext: hello\n",
    }


def test_json_keys_are_exactly_those_of_the_format(tmp_path):
    doc = as_json(tree(tmp_path / "specs", _two_files()))
    assert set(doc) == {"diagnostics", "summary"}
    assert set(doc["summary"]) == {"errors", "warnings", "goals", "kpis", "files"}
    assert doc["diagnostics"]
    for d in doc["diagnostics"]:
        assert set(d) == {"code", "severity", "file", "line", "column", "id", "message", "hint"}
        assert isinstance(d["line"], int) and isinstance(d["column"], int) and d["line"] >= 1 and d["column"] >= 1
        assert d["severity"] in ("error", "warning")
        assert d["id"] is None or isinstance(d["id"], str)


def test_json_is_sorted_and_counted(tmp_path):
    doc = as_json(tree(tmp_path / "specs", _two_files()))
    keys = [(d["file"], d["line"], d["column"], d["code"]) for d in doc["diagnostics"]]
    assert keys == sorted(keys)
    assert keys == [
        ("a/a.yaml", 4, 8, "GS101"),
        ("a/a.yaml", 4, 8, "GS103"),
        ("a/a.yaml", 8, 6, "GS202"),
        ("a/a.yaml", 13, 7, "GS002"),
        ("b.yaml", 4, 8, "GS101"),
        ("b.yaml", 10, 11, "GS302"),
    ]
    by_key = {(d["file"], d["line"], d["code"]): d for d in doc["diagnostics"]}
    assert by_key[("a/a.yaml", 4, "GS101")]["id"] == "sales.a"
    assert by_key[("a/a.yaml", 13, "GS002")]["id"] is None
    assert by_key[("a/a.yaml", 4, "GS103")]["severity"] == "warning"
    errors = sum(d["severity"] == "error" for d in doc["diagnostics"])
    warnings = sum(d["severity"] == "warning" for d in doc["diagnostics"])
    assert (errors, warnings) == (5, 1)
    # sales.a (unknown KPI) is still a goal; the Memo is not
    assert doc["summary"] == {"errors": 5, "warnings": 1, "goals": 4, "kpis": 1, "files": 6}


def test_json_file_is_relative_to_the_tree_root_not_the_cwd(tmp_path, monkeypatch):
    root = tree(tmp_path / "proj" / "specs", _two_files())
    files = set()
    for cwd, arg in ((tmp_path, "proj/specs"), (root / "a", ".."), (tmp_path / "proj", str(root))):
        monkeypatch.chdir(cwd)
        files.add(tuple(d["file"] for d in as_json(arg)["diagnostics"]))
    assert files == {("a/a.yaml",) * 4 + ("b.yaml",) * 2}


# --- github -----------------------------------------------------------------

GITHUB = re.compile(r"^::(?P<kind>error|warning) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
                    r"title=(?P<code>GS\d{3})::(?P<msg>.*)$")


def test_github_annotations(tmp_path, monkeypatch):
    tree(tmp_path / "specs", _two_files())
    monkeypatch.chdir(tmp_path)
    result = check("specs", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert result.stdout.endswith("\n")
    assert len(lines) == 6
    for line in lines:
        assert GITHUB.match(line), line
    assert lines[0] == ('::error file=specs/a/a.yaml,line=4,col=8,title=GS101::'
                        'goal title is vague: it leans on vague wording ("as many 10%25 deals as possible")')
    # most severe first: every error (in file order), then the warnings
    assert [line.split(" ", 1)[0] for line in lines] == ["::error"] * 5 + ["::warning"]
    assert lines[4].startswith("::error file=specs/b.yaml,line=10,col=11,title=GS302::")
    assert lines[5] == "::warning file=specs/a/a.yaml,line=4,col=8,title=GS103::title says 10%25 but the target is 900"


def test_escape_data():
    assert escape_data("plain text") == "plain text"
    assert escape_data("50%") == "50%25"
    assert escape_data("a\rb\nc\r\n") == "a%0Db%0Ac%0D%0A"
    # `%` first, so an escape already in the text is not taken for one
    assert escape_data("%0A") == "%250A"
    # `:` and `,` are fine in the message
    assert escape_data("a: b, c") == "a: b, c"


def test_escape_property():
    assert escape_property("a:b,c") == "a%3Ab%2Cc"
    assert escape_property("50%\r\n") == "50%25%0D%0A"
    assert escape_property("%3A") == "%253A"
    assert escape_property("specs/goals.yaml") == "specs/goals.yaml"


def test_github_escapes_messages_and_properties_end_to_end(tmp_path, monkeypatch):
    # A vague title with a `%` and a newline; then (a schema error stops the rules for
    # its goal, so in a second goal) an unknown key with `%`, CR, LF, `:` and `,`;
    # in a file whose name has `,` and `:`.
    text = goal("sales.odd", '"Reach as many 50% of MSPs as possible\\nin Q3"') + "---\n" + \
        goal("sales.key", extra='"note%\\r\\nkey, a:b": 1\n')
    tree(tmp_path / "specs", {"odd,name:x.yaml": text})
    monkeypatch.chdir(tmp_path)

    messages = {d["code"]: d["message"] for d in as_json("specs")["diagnostics"]}
    assert messages["GS101"] == 'goal title is vague: it leans on vague wording ("as many 50% of msps as possible")'
    assert messages["GS003"] == "unknown field `note%\r\nkey, a:b` in Goal"

    out = check("specs", "--format", "github").stdout
    lines = out.splitlines()
    assert len(lines) == len(messages) == 3  # GS101, GS103 and GS003: no raw line break leaks
    for line in lines:
        assert GITHUB.match(line), line
        assert line.startswith("::") and "\r" not in line
    assert ("::error file=specs/odd%2Cname%3Ax.yaml,line=4,col=8,title=GS101::"
            'goal title is vague: it leans on vague wording ("as many 50%25 of msps as possible")') in lines
    assert ("::error file=specs/odd%2Cname%3Ax.yaml,line=22,col=1,title=GS003::"
            "unknown field `note%25%0D%0Akey, a:b` in Goal") in lines


# --- sarif ------------------------------------------------------------------

def _sarif(arg, cwd: Path, monkeypatch) -> dict:
    monkeypatch.chdir(cwd)
    result = check(arg, "--format", "sarif")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _repo(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path, Path]:
    """A fake git repository with the tree in goals/specs and a nested working folder."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    root = tree(repo / "goals" / "specs", files)
    nested = repo / "tools" / "ci"
    nested.mkdir(parents=True)
    return repo, root, nested


def test_sarif_validates_against_the_schema(tmp_path, monkeypatch):
    _, _, nested = _repo(tmp_path, _two_files())
    log = _sarif("../../goals/specs", nested, monkeypatch)
    assert SCHEMA.is_file(), SCHEMA
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("http://json-schema.org/draft-04/")
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert not errors, errors[0]
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1


def test_sarif_has_one_rule_per_code_with_descriptions(tmp_path, monkeypatch):
    _, _, nested = _repo(tmp_path, _two_files())
    run = _sarif("../../goals/specs", nested, monkeypatch)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) and set(ids) == set(CODES)
    for r in rules:
        assert r["shortDescription"]["text"] == RULES[r["id"]].summary
        assert r["fullDescription"]["text"].strip()
        assert r["help"]["text"].strip()
    assert run["results"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_sarif_results_match_the_diagnostics(tmp_path, monkeypatch):
    repo, root, nested = _repo(tmp_path, _two_files())
    results = _sarif("../../goals/specs", nested, monkeypatch)["runs"][0]["results"]
    diagnostics = as_json(root)["diagnostics"]
    assert len(results) == len(diagnostics) == 6
    for res, d in zip(results, diagnostics):
        assert res["ruleId"] == d["code"]
        assert res["level"] == d["severity"]
        (loc,) = res["locations"]
        phys = loc["physicalLocation"]
        assert phys["region"]["startLine"] == d["line"] >= 1
        assert phys["region"]["startColumn"] == d["column"] >= 1
        # relative to the repository root, not to the nested working folder or the tree
        assert phys["artifactLocation"]["uri"] == "goals/specs/" + d["file"]
        assert d["message"] in res["message"]["text"]


def test_sarif_fingerprints_survive_lines_inserted_above(tmp_path, monkeypatch):
    repo, root, nested = _repo(tmp_path, _two_files())
    before = _sarif("../../goals/specs", nested, monkeypatch)["runs"][0]["results"]
    path = root / "a" / "a.yaml"
    path.write_text("# a comment added at the top\n" + path.read_text())
    after = _sarif("../../goals/specs", nested, monkeypatch)["runs"][0]["results"]
    assert [r["ruleId"] for r in before] == [r["ruleId"] for r in after]
    moved = 0
    for b, a in zip(before, after):
        shift = _line(a) - _line(b)
        in_a = _uri(b) == "goals/specs/a/a.yaml"
        assert shift == (1 if in_a else 0)
        moved += in_a
        assert a["partialFingerprints"] == b["partialFingerprints"]
    assert moved == 4


def test_sarif_fingerprints_differ_between_findings(tmp_path, monkeypatch):
    _, _, nested = _repo(tmp_path, {**_two_files(), "c.yaml": goal("sales.c", "Improve things")})
    results = _sarif("../../goals/specs", nested, monkeypatch)["runs"][0]["results"]
    prints = [_print(r) for r in results]
    assert all(prints) and len(set(prints)) == len(prints)
    # the same rule on the same field of two goals: still two fingerprints
    gs101 = [_print(r) for r in results if r["ruleId"] == "GS101" and _uri(r) != "goals/specs/a/a.yaml"]
    assert len(gs101) == 2 and gs101[0] != gs101[1]


# Once a bug: GS004 key paths lacked the document, so two documents of one file shared a fingerprint.
def test_sarif_fingerprints_differ_for_duplicate_keys_in_two_documents(tmp_path, monkeypatch):
    dup = "title: Close 900 seats by the end of Q3\ntitle: Close 900 seats by the end of Q3\n"
    text = goal("sales.x").replace("title: Close 900 seats by the end of Q3\n", dup) + "---\n" + \
        goal("sales.y").replace("title: Close 900 seats by the end of Q3\n", dup)
    _, _, nested = _repo(tmp_path, {"dup.yaml": text})
    results = _sarif("../../goals/specs", nested, monkeypatch)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["GS004", "GS004"]
    assert _print(results[0]) != _print(results[1])


# Once a bug: GS002 findings had no key path, so their fingerprint moved with the line.
def test_sarif_fingerprint_of_an_unknown_kind_survives_lines_inserted_above(tmp_path, monkeypatch):
    text = "apiVersion: goalspec/v1\nkind: Goall\nid: sales.x\n"
    _, root, nested = _repo(tmp_path, {"x.yaml": text})
    (before,) = _sarif("../../goals/specs", nested, monkeypatch)["runs"][0]["results"]
    (root / "x.yaml").write_text("# a comment\n" + text)
    (after,) = _sarif("../../goals/specs", nested, monkeypatch)["runs"][0]["results"]
    assert before["ruleId"] == after["ruleId"] == "GS002" and _line(after) == _line(before) + 1
    assert _print(after) == _print(before)


def test_sarif_level_follows_rule_overrides(tmp_path, monkeypatch):
    org = ORG + "rules: {GS305: error}\n"
    _, _, nested = _repo(tmp_path, {"goalspec.yaml": org})
    monkeypatch.chdir(nested)
    result = check("../../goals/specs", "--format", "sarif", today="2026-12-01")
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("GS305", "error"), ("GS305", "error")]
    assert result.exit_code == 1


def _line(res: dict) -> int:
    return res["locations"][0]["physicalLocation"]["region"]["startLine"]


def _uri(res: dict) -> str:
    return res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def _print(res: dict) -> str:
    (value,) = res["partialFingerprints"].values()
    return value


# --- byte-identical ---------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_same_input_gives_byte_identical_output(tmp_path, monkeypatch, fmt):
    tree(tmp_path / "specs", _two_files())
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    first, second = (check("specs", "--format", fmt) for _ in range(2))
    assert first.stdout_bytes == second.stdout_bytes
    assert first.stdout_bytes  # there is something to compare


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_output_does_not_depend_on_file_creation_order(tmp_path, monkeypatch, fmt):
    files = {**BASE, **_two_files(), "z/zz.yaml": goal("sales.z", "Close 5 seats", deadline="2026-13"),
             "m.yml": goal("sales.m", "Boost seats")}
    one = write_tree(tmp_path / "one" / "specs", files)
    two = write_tree(tmp_path / "two" / "specs", dict(reversed(list(files.items()))))
    outputs = []
    for root in (one, two):
        (root.parent / ".git").mkdir()
        monkeypatch.chdir(root.parent)
        outputs.append(check("specs", "--format", fmt).stdout_bytes)
    assert outputs[0] == outputs[1]
    if fmt == "json":
        assert len(json.loads(outputs[0])["diagnostics"]) == 9


# --- exit codes -------------------------------------------------------------

def test_exit_0_when_clean(tmp_path):
    assert check(tree(tmp_path / "specs")).exit_code == 0


def test_exit_1_with_an_error(tmp_path):
    result = check(tree(tmp_path / "specs", {"x.yaml": goal("sales.x", "Improve things")}))
    assert result.exit_code == 1 and "GS101 error" in result.stdout


def test_exit_0_with_only_a_warning(tmp_path):
    result = check(tree(tmp_path / "specs"), today="2026-12-01")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [LINE.match(line)["code"] for line in lines if LINE.match(line)] == ["GS305", "GS305"]
    assert "GS305 warning: deadline 2026-09-30 has passed and the goal is still active" in result.stdout
    assert lines[-1] == "0 errors, 2 warnings: 4 files, 2 goals, 1 KPI checked"


def test_exit_2_for_an_unknown_format(tmp_path):
    result = check(tree(tmp_path / "specs"), "--format", "xml")
    assert result.exit_code == 2 and "xml" in result.output


@pytest.mark.parametrize("bad", ["01/08/2026", "2026-13-01", "2026-02-30", "tomorrow"])
def test_exit_2_for_a_bad_today(tmp_path, bad):
    result = check(tree(tmp_path / "specs"), today=bad)
    assert result.exit_code == 2 and "--today" in result.output


def test_exit_2_when_the_tree_is_not_a_folder(tmp_path):
    assert check(tmp_path / "missing").exit_code == 2


# --- Organization.rules and inline ignores ----------------------------------

def test_rules_override_turns_a_warning_into_an_error(tmp_path):
    root = tree(tmp_path / "specs", {"goalspec.yaml": ORG + "rules: {GS305: error}\n"})
    result = check(root, today="2026-12-01")
    assert result.exit_code == 1
    assert "GS305 error: deadline" in result.stdout and "GS305 warning" not in result.stdout
    assert result.stdout.splitlines()[-1] == "2 errors, 0 warnings: 4 files, 2 goals, 1 KPI checked"
    assert as_json(root, today="2026-12-01")["summary"]["errors"] == 2


def test_rules_override_off_drops_the_finding(tmp_path):
    vague = {"x.yaml": goal("sales.x", "Improve things")}
    assert check(tree(tmp_path / "on", vague)).exit_code == 1
    result = check(tree(tmp_path / "off", {**vague, "goalspec.yaml": ORG + "rules: {GS101: off}\n"}))
    assert result.exit_code == 0 and "GS101" not in result.stdout
    assert result.stdout == "no problems: 5 files, 3 goals, 1 KPI checked\n"


def test_rules_override_can_lower_an_error_to_a_warning(tmp_path):
    root = tree(tmp_path / "specs", {"x.yaml": goal("sales.x", "Improve things"),
                                     "goalspec.yaml": ORG + "rules: {GS101: warning}\n"})
    result = check(root)
    assert result.exit_code == 0 and "x.yaml:4:8: GS101 warning:" in result.stdout


def test_unknown_code_in_rules_is_gs003(tmp_path):
    org = ORG + "rules:\n  GS305: error\n  GS999: off\n"
    doc = as_json(tree(tmp_path / "specs", {"goalspec.yaml": org}))
    (d,) = doc["diagnostics"]
    assert (d["code"], d["severity"], d["file"], d["line"], d["column"]) == ("GS003", "error", "goalspec.yaml", 6, 3)
    assert "GS999" in d["message"]


@pytest.mark.parametrize("comment, silenced", [
    ("  # goalspec: ignore[GS101]", True),
    ("  # goalspec: ignore[GS102, GS101]", True),
    ("  # goalspec: ignore", True),
    ("  # goalspec: ignore[GS102]", False),
    ("", False),
])
def test_inline_ignore_on_the_title_line(tmp_path, comment, silenced):
    text = goal("sales.x", "Improve things" + comment)
    result = check(tree(tmp_path / "specs", {"x.yaml": text}))
    assert ("GS101" in result.stdout) is not silenced
    assert result.exit_code == (0 if silenced else 1)


def test_inline_ignore_on_the_line_above(tmp_path):
    text = goal("sales.x", "Improve things").replace("title:", "# goalspec: ignore[GS101]\ntitle:")
    result = check(tree(tmp_path / "specs", {"x.yaml": text}))
    assert result.exit_code == 0 and "GS101" not in result.stdout


def test_inline_ignore_of_another_code_on_the_line_above_does_not_silence(tmp_path):
    text = goal("sales.x", "Improve things").replace("title:", "# goalspec: ignore[GS102]\ntitle:")
    result = check(tree(tmp_path / "specs", {"x.yaml": text}))
    assert result.exit_code == 1 and "x.yaml:5:8: GS101 error" in result.stdout


def test_inline_ignore_two_lines_above_does_not_silence(tmp_path):
    text = goal("sales.x", "Improve things").replace("id:", "# goalspec: ignore[GS101]\nid:")
    result = check(tree(tmp_path / "specs", {"x.yaml": text}))
    assert result.exit_code == 1 and "x.yaml:5:8: GS101 error" in result.stdout


def test_text_keeps_each_finding_on_one_line(tmp_path):
    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "goalspec.yaml").write_text("apiVersion: goalspec/v1\nkind: Organization\nname: Acme\n"
                                         "\"odd\\r\\nkey\": 1\n")
    result = CliRunner().invoke(main, ["check", str(tree), "--today", "2026-08-01"])
    finding = [line for line in result.output.splitlines() if "GS003" in line]
    assert len(finding) == 1 and "odd\\r\\nkey" in finding[0]


def test_github_is_the_default_on_github_actions(tmp_path, monkeypatch):
    tree = write_tree(tmp_path / "t", {**BASE, "x.yaml": "apiVersion: goalspec/v1\nkind: Team\nid: x\n"})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    args = ["check", str(tree), "--today", TODAY]
    assert CliRunner().invoke(main, args).output.startswith("::error file=")
    assert ": GS003 error:" in CliRunner().invoke(main, [*args, "--format", "text"]).output  # an explicit choice wins
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert ": GS003 error:" in CliRunner().invoke(main, args).output


def test_github_annotates_ten_of_each_severity(tmp_path):
    teams = "---\n".join(f"apiVersion: goalspec/v1\nkind: Team\nid: t{i}\n" for i in range(12))
    goals = "---\n".join(
        f"apiVersion: goalspec/v1\nkind: Goal\nid: sales.g{i}\ntitle: Close 5 seats\nowner: ben\nteam: sales\n"
        f"parent: company.q3\nkpi: seats\ntarget: {{value: 6}}\ndeadline: 2026-Q3\n" for i in range(11))
    tree = write_tree(tmp_path / "t", {**BASE, "a.yaml": goals, "b.yaml": teams})
    out = CliRunner().invoke(main, ["check", str(tree), "--format", "github", "--today", "2026-08-01"]).output
    lines = out.splitlines()
    kinds = [line.split(" ", 1)[0] for line in lines]
    # the 15 findings past ten of a kind are plain lines of the log, not left out
    assert kinds[:20] == ["::error"] * 10 + ["::warning"] * 10 and kinds[-1] == "::notice"
    assert len(lines) == 20 + 15 + 1 and all(LINE.match(line) for line in lines[20:-1])
    assert "24 errors, 11 warnings" in lines[-1] and "20 annotated, the other 15" in lines[-1]


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path, monkeypatch):
    tree = write_tree(tmp_path / "t", {**BASE, "x.yaml": "apiVersion: goalspec/v1\nkind: Team\nid: x\n"})
    args = ["check", str(tree), "--today", TODAY, "--format", "text"]
    assert "\x1b[" not in CliRunner().invoke(main, args).output  # not a terminal
    coloured = CliRunner().invoke(main, args, color=True).output
    assert "GS003 \x1b[1;31merror\x1b[0m:" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in CliRunner().invoke(main, args, color=True).output
