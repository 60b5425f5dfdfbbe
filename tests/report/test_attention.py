"""`goalspec due` and the needs-attention list: who owes what, and exit 1 when something is overdue."""

import json

from click.testing import CliRunner

from goalspec.cli import main


def due(*args):
    return CliRunner().invoke(main, ["due", *args])


def test_example_tree_on_its_live_day(specs):
    out = due(str(specs), "--today", "2026-12-01")
    assert out.exit_code == 1, out.output  # sales' follow-ups are late
    assert out.output.splitlines()[0] == "Ben Okafor (ben)"
    assert "  OVERDUE follow-up: 10 sales-qualified-msp leads not followed up within 2d: L005, L012, L020, L041, " \
           "L050 and 5 more" in out.output
    assert "  behind twice: sales.msp-seats: target missed in two consecutive months" in out.output
    assert "  check-in: refresh the qualified-calls data (its leads source): weekly, last value 2026-11-30, " \
           "due 2026-12-07" in out.output
    assert out.output.endswith("5 items, 1 overdue · as of 2026-12-01\n")


def test_nothing_overdue_exits_0(specs):
    out = due(str(specs), "--today", "2026-12-01", "--owner", "maya", "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["overdue"] is False
    assert [(i["kind"], i["subject"], i["due"]) for i in doc["items"]] == [
        ("check-in", "qualified-calls", "2026-12-07"), ("at risk", "marketing.qualified-calls", None)]


def test_a_stale_checkin_and_an_unclosed_goal_are_overdue(specs):
    out = due(str(specs), "--today", "2027-01-10", "--owner", "maya")
    assert out.exit_code == 1
    assert "OVERDUE close: marketing.msp-webinars: deadline 2026-12-31 has passed; record the outcome with " \
           "`goalspec close marketing.msp-webinars" in out.output
    out = due(str(specs), "--today", "2026-12-09", "--owner", "maya")
    assert out.exit_code == 1
    assert "OVERDUE check-in: refresh the qualified-calls data (its leads source): weekly, last value 2026-11-30, " \
           "due 2026-12-07" in out.output


def test_nobody_owes_anything(specs):
    out = due(str(specs), "--today", "2026-12-01", "--owner", "nobody")
    assert out.exit_code == 0
    assert out.output == "nothing due · as of 2026-12-01\n"


def test_digest_needs_attention_is_the_same_list(specs):
    listed = json.loads(due(str(specs), "--today", "2026-12-01", "--format", "json").output)["items"]
    digest = CliRunner().invoke(main, ["digest", str(specs), "--today", "2026-12-01", "--format", "json"])
    assert json.loads(digest.output)["attention"] == listed
