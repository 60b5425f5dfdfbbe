"""The site's accountability page lists what `goalspec due` lists; a closed goal's page shows its outcome."""

import json
import re
from datetime import date

from click.testing import CliRunner

from goalspec.cli import main
from goalspec.site.build import build


def test_due_page_is_the_due_list(specs, tmp_path):
    build(specs, tmp_path / "site", date(2026, 12, 1))
    page = (tmp_path / "site" / "due.html").read_text()
    listed = json.loads(CliRunner().invoke(main, ["due", str(specs), "--today", "2026-12-01", "--format", "json"]).output)
    shown = re.findall(r"<li>(?:<strong>Overdue</strong> )?([a-z -]+?)(?: \(<a href=\"[^\"]+\">[^<]+</a>\))?: ", page)
    assert shown == [i["kind"] for i in listed["items"]]
    assert '<a href="goals/sales.msp-seats.html">sales.msp-seats</a>' in page
    assert '<a href="people/ben.html">Ben Okafor</a>' in page
    assert 'href="due.html"' in (tmp_path / "site" / "index.html").read_text()


def test_a_closed_goal_shows_its_outcome(specs, tmp_path):
    out = CliRunner().invoke(main, ["close", "marketing.msp-webinars", "--outcome", "achieved", "--score", "1",
                                    "--note", "Four webinars <all full>", "--tree", str(specs), "--date", "2027-01-05"])
    assert out.exit_code == 0, out.output
    build(specs, tmp_path / "site", date(2027, 1, 6))
    page = (tmp_path / "site" / "goals" / "marketing.msp-webinars.html").read_text()
    assert '<h2 id="outcome">Outcome</h2>' in page
    assert "<strong>achieved</strong>, closed on 2027-01-05; score 100%." in page
    assert "What we learned: Four webinars &lt;all full&gt;" in page
