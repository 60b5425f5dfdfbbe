"""`goalspec diff` and vcs/diff.py: objects matched by (kind, id), changes said in words."""

import json

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.vcs.diff import ADDED, CHANGED, MOVED, REMOVED, diff_projects, percent
from goalspec.spec.load import load_tree
from goalspec.spec.validate import validate
from gitrepo import Repo, isolated_git  # noqa: F401 (fixture)
from revisions import CALLS, COMPANY_Q3, COMPANY_Q4, FIRST, KPIS, SALES_OLD, SALES_Q3, SECOND, goal
from trees import ORG, TEAMS, write_tree

EXPECTED_TEXT = """goalspec diff specs: HEAD~1 ({base}) → HEAD ({head})
5 changed, 1 added, 1 removed, 2 moved
Goal company.q4 "Sell 1500 seats by the end of Q4" moved (goals/company.yaml → goals/later.yaml)
Goal marketing.calls "Book 120 calls by the end of Q3" moved (goals/marketing.yaml → goals/mkt.yaml)
Goal sales.old "Close 100 legacy seats by the end of Q3" removed (was in goals/sales.yaml)
Goal sales.q3 "Close 800 seats by the end of Q3" changed (moved from goals/sales.yaml to goals/team-sales.yaml)
    title "Close 900 seats by the end of Q3" → "Close 800 seats by the end of Q3"
    owner ben → ana
    re-parented: company.q3 → company.q4
    target 900 → 800 seats (−11.1%)
    deadline 2026-Q3 → 2026-10-31 (31 days later)
KPI calls "Qualified calls" changed (kpis.yaml)
    unit calls → booked calls
LeadDefinition sql-msp "Sales-qualified MSP lead" changed (leads.yaml)
    criteria: added “seats is at least 50”; removed “seats is at least 100”
Incentive sales-bonus "Sales Q3 bonus" changed (incentives.yaml)
    pays_on: added company.q3; share of sales.q3 1 → 0.5
Team marketing "Marketing" changed (teams.yaml)
    members: added dan
Person dan "Dan" added (teams.yaml)
"""


@pytest.fixture
def repo(tmp_path) -> Repo:
    r = Repo(tmp_path / "repo")
    r.commit("first goals", FIRST)
    return r


def diff(repo: Repo, *args: str) -> str:
    result = CliRunner().invoke(main, ["diff", *args, "--tree", str(repo.path / "specs")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_diff_says_every_change_in_words_and_matches_objects_by_id(repo, monkeypatch):
    base = repo.head()
    head = repo.commit("replan", SECOND)
    monkeypatch.chdir(repo.path)
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "HEAD"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == EXPECTED_TEXT.format(base=base[:7], head=head[:7])


def test_diff_is_deterministic_and_exits_0(repo):
    repo.commit("replan", SECOND)
    outputs = {diff(repo, "HEAD~1", "HEAD", "--format", fmt) for fmt in ("json",) for _ in range(3)}
    assert len(outputs) == 1


def test_json_has_every_change_with_raw_values(repo):
    repo.commit("replan", SECOND)
    doc = json.loads(diff(repo, "HEAD~1", "HEAD", "--format", "json"))
    assert doc["summary"] == {"changed": 5, "added": 1, "removed": 1, "moved": 2}
    assert doc["head"]["commit"] == repo.head() and doc["base"]["label"].startswith("HEAD~1 (")
    sales = next(o for o in doc["objects"] if o["id"] == "sales.q3")
    assert sales["status"] == CHANGED and sales["from_file"] == "goals/sales.yaml" and sales["file"] == "goals/team-sales.yaml"
    target = next(c for c in sales["changes"] if c["field"] == "target")
    assert target == {"field": "target", "from": {"value": 900}, "to": {"value": 800}, "text": "target 900 → 800 seats (−11.1%)"}
    kinds = [o["kind"] for o in doc["objects"]]
    assert kinds == sorted(kinds, key=["Organization", "Goal", "KPI", "LeadDefinition", "Incentive", "Team", "Person"].index)


def test_markdown_fits_a_pull_request_comment(repo):
    repo.commit("replan", SECOND | {"specs/goals/mkt.yaml": CALLS.replace("Book 120 calls", "Book 120 *calls* <b>|")})
    md = diff(repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert md.startswith("### goalspec diff: `HEAD~1 (")
    assert "#### Goals\n" in md and "#### Lead definitions\n" in md and "#### People\n" in md
    assert "- **changed** `sales.q3` Close 800 seats by the end of Q3 (moved from goals/sales.yaml to goals/team-sales.yaml)" in md
    assert "  - target 900 → 800 seats (−11.1%)" in md
    # Spec text cannot make emphasis, HTML or a table cell.
    assert r"Book 120 \*calls\* \<b\>\|" in md and "<b>" not in md


def test_no_changes(repo):
    assert diff(repo, "HEAD", "HEAD").splitlines()[1] == "no changes"
    assert "No changes to the spec tree" in diff(repo, "HEAD", "HEAD", "--format", "markdown")


def test_default_head_is_the_working_tree_and_default_base_the_merge_base_with_main(repo):
    fork = repo.head()
    repo("checkout", "-q", "-b", "feature")
    repo.commit("cut the target", {"specs/goals/sales.yaml": SALES_Q3.replace("{value: 900}", "{value: 850}") + "---\n" + SALES_OLD})
    repo("checkout", "-q", "main")
    repo.commit("main moves on", {"specs/goals/marketing.yaml": CALLS.replace("{value: 120}", "{value: 130}")})
    repo("checkout", "-q", "feature")
    (repo.path / "specs" / "goals" / "new.yaml").write_text(goal("sales.new", "Close 50 seats by the end of Q3", "{value: 50}"))
    out = diff(repo)
    assert out.splitlines()[0].endswith(f"merge base with main ({fork[:7]}) → working tree")
    # The branch's commit and the uncommitted file; not what main did since the fork.
    assert "target 900 → 850 seats (−5.6%)" in out and "Goal sales.new" in out and "130" not in out


def test_a_merge_commit_brings_both_sides(repo):
    fork = repo.head()
    repo("checkout", "-q", "-b", "feature")
    repo.commit("cut the target", {"specs/goals/sales.yaml": SALES_Q3.replace("{value: 900}", "{value: 850}") + "---\n" + SALES_OLD})
    repo("checkout", "-q", "main")
    repo.commit("more calls", {"specs/goals/marketing.yaml": CALLS.replace("{value: 120}", "{value: 130}")})
    repo("merge", "-q", "--no-edit", "feature")
    out = diff(repo, fork, "HEAD")
    assert "target 900 → 850 seats" in out and "target 120 → 130 calls (+8.3%)" in out
    assert "2 changed" in out.splitlines()[1]


def test_default_base_without_a_default_branch_is_a_usage_error(tmp_path):
    r = Repo(tmp_path / "r", branch="trunk")
    r.commit("first", FIRST)
    result = CliRunner().invoke(main, ["diff", "--tree", str(r.path / "specs")])
    assert result.exit_code == 2 and "give BASE" in result.output


@pytest.mark.parametrize("args,message", [(["nope"], "`nope` is not a commit"), (["HEAD", "nope"], "`nope` is not a commit")])
def test_bad_revisions_are_usage_errors(repo, args, message):
    result = CliRunner().invoke(main, ["diff", *args, "--tree", str(repo.path / "specs")])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_outside_git_is_a_usage_error(tmp_path):
    write_tree(tmp_path / "specs", {"goalspec.yaml": ORG})
    result = CliRunner().invoke(main, ["diff", "HEAD", "--tree", str(tmp_path / "specs")])
    assert result.exit_code == 2 and "not in a git repository" in result.output


# vcs/diff.py on its own, without git ----------------------------------------------------------

def project(tmp_path, name: str, files: dict[str, str]):
    return validate(load_tree(write_tree(tmp_path / name, {"goalspec.yaml": ORG, "teams.yaml": TEAMS,
                                                             "kpis.yaml": KPIS, **files})), frozenset())[0]


def changes(tmp_path, before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    found = diff_projects(project(tmp_path, "a", before), project(tmp_path, "b", after))
    return {f"{d.kind} {d.id} {d.status}": [c.text for c in d.changes] for d in found}


def test_relative_targets_decrease_kpis_and_unchanged_fields(tmp_path):
    churn = "apiVersion: goalspec/v1\nkind: KPI\nid: churn\nname: Churn\nunit: '%'\ndirection: decrease\nowner: ana\n"
    before = {"g.yaml": COMPANY_Q3 + "---\n" + goal("sales.churn", "Keep churn at 2% in Q3", "{value: 2}", kpi="churn")
              + "---\n" + goal("sales.grow", "Grow seats 10% over Q2", '{change: "+10%", baseline: {period: 2026-Q2}}'),
              "c.yaml": churn}
    after = {"g.yaml": COMPANY_Q3 + "---\n" + goal("sales.churn", "Keep churn at 2% in Q3", "{value: 3}", kpi="churn",
                                                   extra="tags: [retention]\n")
             + "---\n" + goal("sales.grow", "Grow seats 10% over Q2", '{change: "+5%", baseline: {period: 2026-Q2}}'),
             "c.yaml": churn}
    assert changes(tmp_path, before, after) == {
        "Goal sales.churn changed": ["target 2 → 3% (+50%)", "tags: added retention"],
        "Goal sales.grow changed": ["target +10% over 2026-Q2 → +5% over 2026-Q2"],
    }


def test_added_removed_and_the_same_objects_in_other_order(tmp_path):
    a = {"g.yaml": COMPANY_Q3 + "---\n" + SALES_Q3}
    b = {"g2.yaml": SALES_Q3 + "---\n" + COMPANY_Q4, "g1.yaml": COMPANY_Q3}
    found = diff_projects(project(tmp_path, "a", a), project(tmp_path, "b", b))
    assert [(d.id, d.status, d.file, d.from_file) for d in found] == [
        ("company.q3", MOVED, "g1.yaml", "g.yaml"), ("company.q4", ADDED, "g2.yaml", None),
        ("sales.q3", MOVED, "g2.yaml", "g.yaml")]
    back = diff_projects(project(tmp_path, "b2", b), project(tmp_path, "a2", a))
    assert [(d.id, d.status) for d in back] == [("company.q3", MOVED), ("company.q4", REMOVED), ("sales.q3", MOVED)]


def test_percent():
    assert percent(120, 90) == "−25%" and percent(90, 120) == "+33.3%" and percent(0, 5) is None
    assert percent(-10, -5) == "+50%"


def test_specs_that_do_not_validate_are_noted(repo):
    (repo.path / "specs" / "goals" / "marketing.yaml").write_text(CALLS.replace("owner: cleo", "owner: [cleo]"))
    out = diff(repo, "HEAD")
    assert "Goal marketing.calls \"Book 120 calls by the end of Q3\" removed" in out
    assert "note: working tree has 1 finding of GS001–GS004; objects they concern may be missing" in out
    assert "note: HEAD" not in out
    doc = json.loads(diff(repo, "HEAD", "--format", "json"))
    assert (doc["base"]["problems"], doc["head"]["problems"]) == (0, 1)
    assert "> note: working tree has 1 finding" in diff(repo, "HEAD", "--format", "markdown")


def test_revisions_added_removed_and_reordered(tmp_path):
    one = "  - {date: 2026-07-02, field: target, from: 1000, to: 900, reason: Board}\n"
    two = "  - {date: 2026-07-20, field: deadline, from: 2026-Q3, to: 2026-Q4, reason: Late hire}\n"
    before = {"g.yaml": COMPANY_Q3 + "---\n" + SALES_Q3 + "revisions:\n" + one + two}
    assert changes(tmp_path, before, {"g.yaml": COMPANY_Q3 + "---\n" + SALES_Q3 + "revisions:\n" + two}) == {
        "Goal sales.q3 changed": ["revision removed: target 1,000 → 900 on 2026-07-02: Board"]}
    assert changes(tmp_path, before, {"g.yaml": COMPANY_Q3 + "---\n" + SALES_Q3 + "revisions:\n" + two + one}) == {
        "Goal sales.q3 changed": ["revisions reordered"]}


def test_a_password_in_a_source_url_is_never_shown(tmp_path):
    """diff's text and JSON name a changed source the way every output does: the password is `***`."""
    import json as _json

    def sql(url: str) -> str:
        return ("apiVersion: goalspec/v1\nkind: KPI\nid: pipeline\nname: Pipeline\nunit: deals\nowner: ana\n"
                f"source: {{type: sql, url: '{url}', query: 'SELECT day, n FROM deals'}}\n")

    before = {"p.yaml": sql("postgresql://reader:hunter2secret@db.internal/crm")}
    after = {"p.yaml": sql("sqlite:///file:crm.db?password=s3cr3tvalue")}
    found = diff_projects(project(tmp_path, "a", before), project(tmp_path, "b", after))
    shown = _json.dumps([[c.before, c.after, c.text] for d in found for c in d.changes])
    assert "hunter2secret" not in shown and "s3cr3tvalue" not in shown
    assert "reader:***@db.internal" in shown
