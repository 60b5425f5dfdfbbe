"""`goalspec digest`: what changed between two commits, where the goals stand, in every format."""

import json
from datetime import date

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.report.digest import build, parse_since
from goalspec.report.digest_html import as_html
from goalspec.report.digest_slack import MAX_BLOCKS, MAX_HEADER, MAX_TEXT, payload
from goalspec.report.digest_text import as_json, as_markdown, as_text
from gitrepo import Repo, isolated_git  # noqa: F401 (fixture)
from revisions import FIRST, SEATS, SECOND, seats_note

TODAY, SINCE = date(2026, 8, 15), date(2026, 7, 1)
NOTE = seats_note("2026-08-14")


@pytest.fixture
def repo(tmp_path) -> Repo:
    """Commit 1 (2026-07-01) is the tree as it stood; commit 2 (2026-07-02) re-parents sales.q3, lowers its
    target 900 → 800 and moves its deadline; a check-in with a note is added since."""
    r = Repo(tmp_path / "repo")
    r.commit("first", {**FIRST, "specs/checkins/seats.yaml": SEATS})
    r.commit("second", {**SECOND, "specs/checkins/seats.yaml": SEATS + NOTE})
    return r


def test_changes_between_two_commits(repo):
    d = build(repo.path / "specs", TODAY, SINCE)
    assert d.baseline == repo("rev-parse", "--short=7", "HEAD~1").strip()
    changes: dict = {}
    for c in d.changes:
        changes.setdefault((c.kind, c.subject), []).append(c.text)
    assert changes[("status", "company.q3")] == ["on track → at risk"]
    assert changes[("re-parented", "sales.q3")] == ["company.q3 → company.q4"]
    assert changes[("goalposts", "sales.q3")] == [
        "target 900 → 800 seats (−11.1%) (no reason given under `revisions`)",
        "deadline 2026-Q3 → 2026-10-31 (31 days later) (no reason given under `revisions`)"]
    assert ("removed", "sales.old") in changes
    assert changes[("lead definition", "sql-msp")][0].startswith("criteria: added “seats is at least 50”")
    [note] = d.checkins  # the values that were in the first commit are not new
    assert (note.kpi, note.day, note.value, note.by, note.confidence) == ("seats", date(2026, 8, 14), 100, "Ben", 0.4)
    assert note.goals == ("company.q3", "company.q4", "sales.q3")
    assert [r["goal"] for r in d.company] == ["company.q3", "company.q4"]


def test_numbers_are_the_status_commands(repo):
    d = build(repo.path / "specs", TODAY, SINCE)
    out = CliRunner().invoke(main, ["status", str(repo.path / "specs"), "--today", TODAY.isoformat(), "--format", "json"])
    status = {r["goal"]: r for r in json.loads(out.output)["goals"]}
    for row in d.company + d.goals:
        for key in ("value", "target", "progress", "expected", "status", "forecast", "rollup"):
            assert row[key] == status[row["goal"]][key], (row["goal"], key)


def test_formats_say_the_same_and_escape(repo):
    d = build(repo.path / "specs", TODAY, SINCE)
    text, md, html = as_text(d), as_markdown(d), as_html(d)
    for out in (text, md):
        assert "Two <big> deals" in out.replace("\\<", "<").replace("\\>", ">")
        assert "on track → at risk" in out
        # titles, not ids, for everyone reading it
        assert "now serves “Sell 1500 seats by the end of Q4” (before: “Sell 1100 seats by the end of Q3”)" in out
        assert "company.q3" not in out and "sales.q3" not in out
    assert "Two &lt;big&gt; deals slipped to September &amp; October." in html
    assert "<big>" not in html
    doc = json.loads(as_json(d))
    assert doc["checkins"][0]["note"] == "Two <big> deals slipped to September & October."
    assert doc["since"] == "2026-07-01" and doc["as_of"] == "2026-08-15"
    blocks = json.dumps(payload(d))
    assert "Two &lt;big&gt; deals" in blocks and "<big>" not in blocks


def test_deterministic(repo):
    runner = CliRunner()
    args = ["digest", str(repo.path / "specs"), "--today", "2026-08-15", "--since", "2026-07-01"]
    for fmt in ("text", "markdown", "html", "json", "slack"):
        first = runner.invoke(main, args + ["--format", fmt])
        second = runner.invoke(main, args + ["--format", fmt])
        assert first.exit_code == 0, first.output
        assert first.output == second.output


def test_not_in_git_compares_the_tree_with_itself(tmp_path):
    from trees import write_tree
    files = {k.removeprefix("specs/"): v for k, v in {**FIRST, "specs/checkins/seats.yaml": SEATS + NOTE}.items()}
    tree = write_tree(tmp_path / "specs", files)
    d = build(tree, TODAY, SINCE)
    assert d.baseline is None
    assert all(c.kind == "status" for c in d.changes)  # git alone says what else changed
    assert ("company.q3", "on track → at risk") in [(c.subject, c.text) for c in d.changes]
    assert [n.day for n in d.checkins] == [date(2026, 8, 14)]


def test_team_filter(repo):
    d = build(repo.path / "specs", TODAY, SINCE, team="marketing")
    assert [r["goal"] for r in d.goals] == ["marketing.calls"]
    assert [r["goal"] for r in d.company] == ["company.q3", "company.q4"]  # the company goal always leads
    assert all(c.subject != "sales.q3" for c in d.changes)


def test_since():
    assert parse_since("7d", TODAY) == date(2026, 8, 8)
    assert parse_since("2w", TODAY) == date(2026, 8, 1)
    assert parse_since("2026-07-01", TODAY) == SINCE
    for bad in ("yesterday", "2026-09-01", "7x"):
        with pytest.raises(ValueError):
            parse_since(bad, TODAY)
    out = CliRunner().invoke(main, ["digest", "--since", "soon"])
    assert out.exit_code == 2 and "--since" in out.output


def _many_goals(n: int) -> dict:
    goals = "---\n".join(
        "apiVersion: goalspec/v1\nkind: Goal\n"
        f"id: sales.g{i:03d}\ntitle: Close {900 + i} seats with a very long title that goes on {'and on ' * 20}\n"
        f"owner: ben\nteam: sales\nparent: company.q3\nkpi: seats\ntarget: {{value: {900 + i}}}\ndeadline: 2026-Q3\n"
        for i in range(n))
    return {"specs/goals/many.yaml": goals}


def test_slack_payload_keeps_block_kit_limits(repo):
    repo.commit("many goals", _many_goals(300))
    d = build(repo.path / "specs", TODAY, SINCE)
    body = payload(d)
    blocks = body["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    assert len(d.goals) == 302 and len(d.attention) > 300  # far more than fits: it was cut to size
    for block in blocks:
        assert block["type"] in ("header", "section", "divider", "context")
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text" and len(block["text"]["text"]) <= MAX_HEADER
        if block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn" and 0 < len(block["text"]["text"]) <= MAX_TEXT
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
            assert all(len(e["text"]) <= MAX_TEXT for e in block["elements"])
    assert "more section" in blocks[-2]["text"]["text"]
    assert len(body["text"]) <= MAX_TEXT


def test_example_tree_reads_as_an_update(specs):
    out = CliRunner().invoke(main, ["digest", str(specs), "--today", "2026-12-01", "--since", "2026-11-24"])
    assert out.exit_code == 0, out.output
    text = out.output
    assert text.startswith("Northwind Seats goals: week to 2026-12-01\n")
    assert "COMPANY GOAL: Increase seats sold through MSPs by 10% over Q3 by the end of Q4" in text
    assert "on track · 827 of 1,222 seats (68% done, 67% expected by now)" in text
    assert "Second half of November; one of the two large MSPs signed." in text
    assert "NEEDS ATTENTION" in text and "Ben Okafor" in text


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "slack"])
def test_example_digest_speaks_in_titles_and_names(specs, fmt):
    """What a CEO sends to the whole company as it is: titles, names and units, no ids, codes or commands."""
    out = CliRunner().invoke(main, ["digest", str(specs), "--today", "2026-12-07", "--since", "2026-10-01", "--format", fmt])
    assert out.exit_code == 0, out.output
    text = out.output
    for jargon in ("company.msp-seats", "sales.msp-seats", "marketing.qualified-calls", "marketing.msp-webinars",
                   "sales-qualified-msp", "qualified-calls data", "goalspec ", "GS5", "GS3", "2d"):
        assert jargon not in text, jargon
    assert "1 webinar," in text and "1 webinars" not in text
    assert "sales-qualified MSP leads handed over and not followed up within 2 days" in text
    assert "fell short of its pace in October and November 2026" in text
